# claude-kit: managed, id=hooks/claude_kit_hooks/spawn/compaction_gate
"""The compaction gate (PreToolUse on Agent/Task from the main thread): a new agent's report lands in
the main context, so spawning near a full window loses work to an automatic compaction.

Warns at compaction.warn_percent (75%) and must_percent (80%) of the window, denies new spawns at
deny_percent (85%) with "run /compact, then spawn <agent>". Fails open: an unknown context (no
transcript, just compacted, unreadable) allows the spawn and says why in the log.
"""

from __future__ import annotations

from claude_kit_hooks.spawn.context_window import autocompact_percent, context_window, read_context
from claude_kit_hooks.spawn.depth import drop_pending
from claude_kit_hooks.spawn.values import as_int, spawn_target, thousands

TYPE_CHECKING = False  # typing costs ~14 ms at a hook's start-up; mypy still reads the branch
if TYPE_CHECKING:
    from typing import Any

    from claude_kit_hooks.runtime.hook import Hook


def compaction_gate(h: Hook) -> None:
    if not h.enabled("compaction_gate"):
        return
    if h.is_subagent:
        h.allow("compaction_gate", "spawn from a subagent: the main-thread context gate does not apply")
        return
    path = str(h.payload.get("transcript_path") or "")
    if not path:
        h.allow("compaction_gate", "no transcript_path in the payload (session persistence off): not checked")
        return
    try:
        reading = read_context(path, str(h.tool_use_id or ""), h.timing)
    except Exception as exc:  # fail open: an odd transcript must not stop all spawns
        h.log("compaction_gate", "error", f"transcript unreadable, allowed: {type(exc).__name__}: {exc}")
        return
    tokens = reading.get("tokens")
    if tokens is None or reading.get("compacted"):
        h.allow("compaction_gate", f"context unknown, allowed: {reading.get('why')}")
        return
    cfg = h.config["compaction"]
    window, how = context_window(cfg["context_window"], reading.get("model", ""))
    pct = tokens * 100.0 / window
    warn = as_int(cfg["warn_percent"], 75)
    must = as_int(cfg["must_percent"], 80)
    deny = as_int(cfg["deny_percent"], 85)
    target = spawn_target(h)
    # Rounded down, so a figure shown as 85% is never below the 85% limit.
    figure = f"{int(pct)}% of the {thousands(window)}-token window ({thousands(tokens)} tokens in use)"
    extra: dict[str, Any] = {
        "context_tokens": tokens,
        "context_window": window,
        "window_from": how,
        "context_percent": round(pct, 1),
        "autocompact_percent": autocompact_percent(window),
    }
    if pct >= deny:
        h.deny(
            "compaction_gate",
            f"claude-kit compaction gate: context is at {figure}, at or above the {deny}% limit, so "
            f"spawning `{target}` is denied: run /compact, then spawn {target}. /compact is typed by the "
            f"user: stop now and ask the user to type /compact; after it, spawn `{target}` again with the "
            "same prompt (run `claude-kit feature resume` first if a feature is active). Kill switch for the "
            "user: compaction.deny_percent or hooks: {compaction_gate: {enabled: false}} in "
            ".claude/claude-kit.yaml.",
            **extra,
        )
        drop_pending(h)
    elif pct >= must:
        h.context(
            "compaction_gate",
            f"claude-kit: context is at {figure}. You must compact before spawning more agents: once "
            f"`{target}` returns, ask the user to type /compact (only the user can), then continue. At "
            f"{deny}% new spawns are denied.",
            **extra,
        )
    elif pct >= warn:
        h.context(
            "compaction_gate",
            f"claude-kit: context is at {figure}. You should compact soon: at a natural break, ask the user "
            f"to type /compact. At {must}% this becomes a must, at {deny}% spawns are denied.",
            **extra,
        )
    else:
        h.allow("compaction_gate", f"context at {figure}", **extra)
