# claude-kit: managed, id=hooks/post_tool_use
"""PostToolUse dispatcher: records what changed and what spawned agents used and reported. Fails open."""

from __future__ import annotations

import sys

from claude_kit_hooks.contract.defaults import AGENT_TOOLS, EDIT_TOOLS
from claude_kit_hooks.runtime.entry import project_root_of, run

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from claude_kit_hooks.runtime.hook import Hook


def route(h: Hook) -> None:
    tool = h.tool_name
    if tool not in EDIT_TOOLS + AGENT_TOOLS and h.config["extra_tools"]:  # an MCP tool that edits?
        from claude_kit_hooks.runtime.extra_tools import resolve

        tool = resolve(h) or tool
    if tool in EDIT_TOOLS:
        from claude_kit_hooks.stoploop import events

        events.track_modification(h)
    elif tool in AGENT_TOOLS:
        from claude_kit_hooks.spawn.usage import account_usage, log_spawn_result
        from claude_kit_hooks.stoploop import events as loop_events

        log_spawn_result(h)
        account_usage(h)
        loop_events.capture_agent_result(h)


def main(root: str | None = None, **io: Any) -> int:
    """Run this event's checks; tests pass `root`, `stdin`, `stdout` and `timing` to run it in-process."""
    return run("PostToolUse", [route], root=root or project_root_of(__file__), **io)


if __name__ == "__main__":
    sys.exit(main())
