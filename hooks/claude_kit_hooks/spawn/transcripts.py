# claude-kit: managed, id=hooks/claude_kit_hooks/spawn/transcripts
"""Where Claude Code keeps a session's transcripts, and what one transcript line says about model
usage. Shared by the context-window reader (last figure of the main thread) and the budget (every
response of the session), so that both count the same lines the same way.
"""

from __future__ import annotations

import os

TYPE_CHECKING = False  # typing costs ~14 ms at a hook's start-up; mypy still reads the branch
if TYPE_CHECKING:
    from typing import Any

# The model name of the lines the runtime writes itself (no model call, no usage to count).
SYNTHETIC_MODEL = "<synthetic>"


def session_dir(transcript_path: str) -> str:
    """`<project>/<session_id>.jsonl` -> `<project>/<session_id>` (subagents/ lives below it)."""
    return os.path.splitext(transcript_path)[0]


def session_transcripts(main_path: str) -> list[str]:
    """The main transcript and every subagent transcript of the session (incl. compaction forks and
    the agents of Workflow runs, under subagents/workflows/<run id>/)."""
    found = [main_path] if main_path else []
    sub = os.path.join(session_dir(main_path), "subagents") if main_path else ""
    found += _agent_transcripts(sub)
    try:
        with os.scandir(os.path.join(sub, "workflows")) as it:
            runs = sorted(e.path for e in it if e.is_dir(follow_symlinks=False))
    except OSError:
        runs = []
    for run in runs:
        found += _agent_transcripts(run)
    return found


def _agent_transcripts(folder: str) -> list[str]:
    try:
        with os.scandir(folder) as it:
            return sorted(e.path for e in it if e.name.startswith("agent-") and e.name.endswith(".jsonl"))
    except OSError:
        return []


def model_core(model: str) -> str:
    """The model id from `claude-` on, lower-cased: provider prefixes do not change the model."""
    m = (model or "").strip().lower()
    i = m.find("claude-")
    return m[i:] if i >= 0 else m  # "us.anthropic.claude-opus-4-7-v1:0" -> "claude-opus-4-7-v1:0"


def metered_usage(obj: object) -> dict[str, Any] | None:
    """message.usage of a metered, non-synthetic assistant line, else None."""
    if not isinstance(obj, dict) or obj.get("type") != "assistant" or obj.get("isUnmetered") is True:
        return None
    msg = obj.get("message")
    if not isinstance(msg, dict) or msg.get("model") == SYNTHETIC_MODEL:
        return None
    usage = msg.get("usage")
    return usage if isinstance(usage, dict) else None


def token_count(usage: dict[str, Any], key: str) -> int:
    """One token figure of a usage object; 0 when missing, negative or not an int."""
    value = usage.get(key)
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else 0


def usage4(usage: dict[str, Any]) -> list[int]:
    """[input, cache_creation, cache_read, output] tokens of a usage object."""
    return [
        token_count(usage, "input_tokens"),
        token_count(usage, "cache_creation_input_tokens"),
        token_count(usage, "cache_read_input_tokens"),
        token_count(usage, "output_tokens"),
    ]
