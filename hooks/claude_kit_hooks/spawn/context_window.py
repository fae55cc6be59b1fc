# claude-kit: managed, id=hooks/claude_kit_hooks/spawn/context_window
"""How full the main thread's context window is: the window of the model (and the runtime's own
overrides), where the runtime auto-compacts, and the context in use read from the end of the
transcript. The compaction gate decides on these figures; they are kept apart so the window rules
can be read and tested without a hook.
"""

from __future__ import annotations

import json
import os
import time

from claude_kit_hooks.spawn.transcripts import metered_usage, model_core, token_count
from claude_kit_hooks.spawn.values import thousands
from claude_kit_hooks.transcript.reader import tail_lines

TYPE_CHECKING = False  # typing costs ~14 ms at a hook's start-up; mypy still reads the branch
if TYPE_CHECKING:
    from collections.abc import Mapping

    from claude_kit_hooks.runtime.hook import Timing
    from claude_kit_hooks.spawn.records import ContextReading

DEFAULT_WINDOW = 200_000
LONG_WINDOW = 1_000_000
# Families whose models default to a 1M window from this version on (Claude Code 2.1.329's own model
# table: opus 4.7+, sonnet 5+, haiku 5.5+, every fable and mythos model). Older ones: 200K.
LONG_WINDOW_FROM = {"opus": (4, 7), "sonnet": (5, 0), "haiku": (5, 5), "fable": (5, 0), "mythos": (5, 0)}
# The runtime auto-compacts at window - min(max output, 20000) - 13000 (both constants from the
# 2.1.329 binary); only used to explain decisions in the log.
AUTOCOMPACT_OUTPUT_RESERVE = 20_000
AUTOCOMPACT_BUFFER = 13_000
TAIL_MAX_BYTES = 8 * 1024 * 1024  # how far back the gate looks for the last usage line


# -- the window ------------------------------------------------------------------------------------
def model_window(model: str) -> int:
    """The model's default context window: 1M for `[1m]`/`-1m` variants and 1M-native families."""
    m = (model or "").strip().lower()
    if m.endswith("[1m]") or m.endswith("-1m"):
        return LONG_WINDOW
    parts = model_core(m).split("-")
    if len(parts) >= 3 and parts[0] == "claude" and parts[1] in LONG_WINDOW_FROM and parts[2].isdigit():
        minor = parts[3] if len(parts) > 3 and parts[3].isdigit() and len(parts[3]) <= 2 else "0"
        if (int(parts[2]), int(minor)) >= LONG_WINDOW_FROM[parts[1]]:
            return LONG_WINDOW
    return DEFAULT_WINDOW


def _env_tokens(name: str, env: Mapping[str, str]) -> int | None:
    raw = (env.get(name) or "").strip().lower().replace(",", "").replace("_", "")
    if not raw:
        return None
    scale = 1
    if raw[-1:] in ("k", "m"):
        scale = 1000 if raw[-1] == "k" else 1_000_000
        raw = raw[:-1]
    try:
        value = int(float(raw) * scale)
    except ValueError:
        return None
    return value if value > 0 else None


def context_window(setting: object, model: str, env: Mapping[str, str] | None = None) -> tuple[int, str]:
    """(window, how it was chosen). `setting` is compaction.context_window ("auto" or an int)."""
    env = os.environ if env is None else env
    if isinstance(setting, int) and not isinstance(setting, bool) and setting > 0:
        return setting, "compaction.context_window"
    window, how = model_window(model), f"model {model or 'unknown'}"
    if window > DEFAULT_WINDOW and env.get("CLAUDE_CODE_DISABLE_1M_CONTEXT", "") not in ("", "0", "false"):
        window, how = DEFAULT_WINDOW, "CLAUDE_CODE_DISABLE_1M_CONTEXT"
    max_ctx = _env_tokens("CLAUDE_CODE_MAX_CONTEXT_TOKENS", env)
    if max_ctx:
        window, how = max_ctx, "CLAUDE_CODE_MAX_CONTEXT_TOKENS"
    auto = _env_tokens("CLAUDE_CODE_AUTO_COMPACT_WINDOW", env)
    if auto and auto < window:
        window, how = auto, "CLAUDE_CODE_AUTO_COMPACT_WINDOW"
    return window, how


def autocompact_percent(window: int, env: Mapping[str, str] | None = None) -> float | None:
    """Where the runtime's own auto-compact fires, in % of `window` (None when it is off)."""
    env = os.environ if env is None else env
    if any(env.get(k, "") not in ("", "0", "false") for k in ("DISABLE_AUTO_COMPACT", "DISABLE_COMPACT")):
        return None
    effective = window - AUTOCOMPACT_OUTPUT_RESERVE
    threshold = effective - AUTOCOMPACT_BUFFER
    try:
        pct = float(env.get("CLAUDE_AUTOCOMPACT_PCT_OVERRIDE") or 0)
    except ValueError:
        pct = 0
    if 0 < pct <= 100:
        threshold = min(int(effective * pct / 100), threshold)
    return round(threshold * 100 / window, 1)


# -- the context in use ----------------------------------------------------------------------------
def last_context(path: str, max_bytes: int = TAIL_MAX_BYTES, tool_use_id: str = "") -> ContextReading:
    """The context in use at the end of a transcript, read from its tail only.

    Returns {"tokens", "model", "message_id"} or {"tokens": None, "why": ...}; "compacted" is set
    when a compact_boundary line comes after the usage figure (which then predates the compaction).
    With `tool_use_id`, "current" tells whether the response holding that tool call was among the
    lines read (the runtime writes the transcript asynchronously: it may not be there yet).
    """
    if not os.path.isfile(path):
        # The runtime creates the file asynchronously: on a session's first turn it may not exist yet.
        return {"tokens": None, "why": f"transcript not found ({path})", "current": not tool_use_id}
    boundary = None
    seen_any = False
    needle = tool_use_id.encode() if tool_use_id else b""
    current = not needle
    for raw in tail_lines(path, max_bytes):
        seen_any = True
        if not current and needle in raw:
            current = True
        maybe_boundary = boundary is None and b"compact_boundary" in raw
        if not maybe_boundary and (b'"assistant"' not in raw or b'"usage"' not in raw):
            continue  # cheap byte test first: most lines are never parsed
        try:
            obj = json.loads(raw)
        except ValueError:
            continue  # a line still being written, or not JSON
        if not isinstance(obj, dict):
            continue
        if maybe_boundary and obj.get("type") == "system" and obj.get("subtype") == "compact_boundary":
            meta = obj.get("compactMetadata")
            boundary = meta if isinstance(meta, dict) else {}
            continue
        if obj.get("isSidechain") is True:
            continue
        usage = metered_usage(obj)
        if usage is None:
            continue
        tokens = (
            token_count(usage, "input_tokens")
            + token_count(usage, "cache_creation_input_tokens")
            + token_count(usage, "cache_read_input_tokens")
        )
        msg = obj["message"]
        found: ContextReading = {"tokens": tokens, "model": str(msg.get("model") or ""),
                                 "message_id": msg.get("id"), "current": current}  # fmt: skip
        if boundary is not None:
            found["compacted"] = True
            post = boundary.get("postTokens")
            found["tokens"] = post if isinstance(post, int) and post >= 0 else None
            found["why"] = (
                f"context was compacted after the last usage figure ({thousands(tokens)} tokens before it)"
            )
        return found
    if not seen_any:
        return {"tokens": None, "why": "transcript is empty or unreadable", "current": current}
    if boundary is not None:
        return {
            "tokens": None,
            "why": "context was just compacted; no usage figure since",
            "current": current,
        }
    return {
        "tokens": None,
        "why": f"no model usage in the last {max_bytes:,} bytes of the transcript yet",
        "current": current,
    }


def read_context(path: str, tool_use_id: str, timing: Timing) -> ContextReading:
    """last_context, waiting up to `timing.flush_wait` seconds for the line of the current tool call.

    Observed on 2.1.329: the assistant line whose tool call fires this hook is sometimes written a
    few dozen milliseconds after PreToolUse starts. Without it the figure is one response old.
    """
    reading = last_context(path, tool_use_id=tool_use_id)
    deadline = time.monotonic() + timing.flush_wait
    while "current" in reading and not reading["current"] and time.monotonic() < deadline:
        time.sleep(timing.flush_poll)
        reading = last_context(path, tool_use_id=tool_use_id)
    if "current" in reading and not reading["current"] and reading.get("tokens") is not None:
        reading["why"] = "the current response was not in the transcript yet: figure of the one before"
    return reading
