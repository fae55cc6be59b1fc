# claude-kit: managed, id=hooks/claude_kit_hooks/stoploop/check_budget
"""How long the quality gate's checks may run within one Stop: the Stop hook's own timeout (the kit's
handler in .claude/settings.json, as the user may have changed it) less a margin for the gates around
them (contract.defaults.stop_check_budget). The runtime kills a Stop hook at its timeout and then
decides nothing, so the stop would go through; each check runs at most until this budget is spent.

Read only when a check is about to run: a Stop with nothing to check never opens settings.json.
"""

from __future__ import annotations

import time

from claude_kit_hooks.contract.defaults import stop_check_budget, stop_timeout
from claude_kit_hooks.contract.layout import KIT_COMMAND_PATTERN, SETTINGS
from claude_kit_hooks.runtime.jsonio import loads

TYPE_CHECKING = False  # typing costs ~14 ms at a hook's start-up; mypy still reads the branch
if TYPE_CHECKING:
    from typing import Any

    from claude_kit_hooks.contract.records import CompiledConfig
    from claude_kit_hooks.runtime.hook import Hook

SETTINGS_CAP = 1 << 20  # bytes of settings.json read at most
RUNTIME_DEFAULT_TIMEOUT = 600  # what Claude Code gives a command hook without a `timeout`


class CheckBudget:
    """The seconds left for checks in this Stop, counted from the hook's start."""

    __slots__ = ("hook_timeout", "total", "deadline", "source")

    def __init__(self, hook_timeout: int, started: float, source: str) -> None:
        self.hook_timeout = hook_timeout
        self.total = stop_check_budget(hook_timeout)
        self.deadline = started + self.total
        self.source = source  # where the hook's timeout comes from, for the messages

    def left(self) -> float:
        return self.deadline - time.perf_counter()

    def limit(self, check_timeout: int) -> int:
        """The timeout one check gets now: its own, or what is left of the budget when that is less."""
        return max(0, min(int(check_timeout), int(self.left())))


def for_hook(h: Hook) -> CheckBudget:
    configured = settings_stop_timeout(h.paths.abs(SETTINGS))
    if configured is not None:
        return CheckBudget(configured, h.started, SETTINGS)
    return CheckBudget(rendered_stop_timeout(h.config), h.started, "the kit's default")


def rendered_stop_timeout(cfg: CompiledConfig) -> int:
    """The timeout `claude-kit sync` renders for the Stop handler of this config."""
    checks = [int(c["timeout"]) for d in cfg["domains"].values() for c in d.get("checks") or []]
    return stop_timeout(checks)


def settings_stop_timeout(path: str) -> int | None:
    """The `timeout` of the kit's Stop handler in settings.json: the runtime's default (600 s) when the
    handler has none; None when the file or the handler cannot be read."""
    try:
        with open(path, "rb") as f:
            data: Any = loads(f.read(SETTINGS_CAP).decode("utf-8", "replace"))
    except (OSError, ValueError):
        return None
    groups = data.get("hooks", {}).get("Stop") if isinstance(data, dict) else None
    if not isinstance(groups, list):
        return None
    import re

    pattern = re.compile(KIT_COMMAND_PATTERN)
    for group in groups:
        handlers = group.get("hooks") if isinstance(group, dict) else None
        for handler in handlers if isinstance(handlers, list) else []:
            if not isinstance(handler, dict):
                continue
            m = pattern.search(str(handler.get("command", "")))
            if not m or m.group(2) != "stop":
                continue
            timeout = handler.get("timeout")
            if timeout is None:
                return RUNTIME_DEFAULT_TIMEOUT
            if isinstance(timeout, (int, float)) and not isinstance(timeout, bool) and timeout >= 1:
                return int(timeout)
            return None
    return None
