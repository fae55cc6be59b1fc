# claude-kit: managed, id=hooks/claude_kit_hooks/spawn/budget
"""The session budget check (PreToolUse on Agent/Task): new agents are what multiplies a session's
cost, so a spawn is the point where the team's token and USD budgets are enforced.

Warns at budget.warn_percent (80%) of the tighter of budget.session_tokens and budget.session_usd,
denies new spawns at 100%. Counting is in usage.py. Fails open: an unreadable usage allows the spawn.
"""

from __future__ import annotations

from claude_kit_hooks.spawn.depth import drop_pending
from claude_kit_hooks.spawn.usage import budget_limits, session_usage
from claude_kit_hooks.spawn.values import spawn_target, thousands
from claude_kit_hooks.store.jsonfile import StateWriteError

TYPE_CHECKING = False  # typing costs ~14 ms at a hook's start-up; mypy still reads the branch
if TYPE_CHECKING:
    from typing import Any

    from claude_kit_hooks.runtime.hook import Hook


def budget(h: Hook) -> None:
    if not h.enabled("budget"):
        return
    limit_tokens, limit_usd, warn = budget_limits(h)
    if limit_tokens is None and limit_usd is None:
        return  # no budget configured: nothing to count
    try:
        used = session_usage(h)
    except Exception as exc:  # fail open: budgets limit cost, they must not break the session
        h.log("budget", "error", f"usage unreadable, allowed: {type(exc).__name__}: {exc}")
        if isinstance(exc, StateWriteError):  # the usage read so far is lost: the user must hear it
            from claude_kit_hooks.runtime.failure import unrecorded

            h.tell_user(unrecorded(h, exc))
        return
    checks: list[tuple[float, str, str, str]] = []  # (percent used, spent, limit, config key)
    if limit_tokens is not None:
        checks.append(
            (
                used["tokens"] * 100.0 / limit_tokens,
                f"{thousands(used['tokens'])} tokens",
                f"{thousands(limit_tokens)} tokens",
                "budget.session_tokens",
            )
        )
    if limit_usd is not None:
        checks.append(
            (
                used["usd"] * 100.0 / limit_usd,
                f"${used['usd']:.2f}",
                f"${limit_usd:.2f}",
                "budget.session_usd",
            )
        )
    pct, spent, limit, key = max(checks)
    target = spawn_target(h)
    counted = (
        "every model response of this session, main thread and subagents (input, cache and output tokens)"
    )
    if used["unpriced"] and limit_usd is not None:
        counted += (
            f"; {thousands(used['unpriced'])} tokens of models without a price in budget.prices are not in "
            "the USD figure"
        )
    extra: dict[str, Any] = {
        "used_tokens": used["tokens"],
        "used_usd": round(used["usd"], 4),
        "budget_percent": round(pct, 1),
    }
    if pct >= 100:
        h.deny(
            "budget",
            f"claude-kit budget: this session has used {spent}, {int(pct)}% of its {limit} budget ({key}), "
            f"so spawning `{target}` is denied. Finish without new agents: report to the user what is done "
            f"and what is left. To spawn more, the user raises {key} in .claude/claude-kit.yaml and runs "
            f"`claude-kit sync` (or sets hooks: {{budget: {{enabled: false}}}}). Counted: {counted}.",
            **extra,
        )
        drop_pending(h)
    elif pct >= warn:
        h.context(
            "budget",
            f"claude-kit budget: this session has used {spent}, {int(pct)}% of its {limit} budget ({key}). "
            "New agent spawns are denied at 100%: prefer finishing with the agents already at work.",
            **extra,
        )
    else:
        h.allow("budget", f"used {spent} of {limit} ({int(pct)}%)", **extra)
