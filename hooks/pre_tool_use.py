# claude-kit: managed, id=hooks/pre_tool_use
"""PreToolUse dispatcher: routes one tool call to the checks for its tool, importing only those.

Edit/Write/NotebookEdit and Agent/Task calls fail closed (deny with the next step and the kill
switch) on internal errors, up to the runtime's circuit-breaker limit per session; Bash/PowerShell
and Read/Grep (checked only for the team's secret files) fail open. An extra write tool (team config
`extra_tools`) is checked as the Write or Bash call it amounts to; other tools are not checked. See
runtime/failure.py.
"""

from __future__ import annotations

import sys

from claude_kit_hooks.contract.defaults import EDIT_TOOLS, SECRET_READ_TOOLS, SHELL_TOOLS, SPAWN_TOOLS
from claude_kit_hooks.runtime.entry import project_root_of, run

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator
    from typing import Any

    from claude_kit_hooks.runtime.entry import Check
    from claude_kit_hooks.runtime.hook import Hook


def _edit_checks() -> Iterator[Check]:
    # One import per check, when it is reached: a denied edit never loads the checks after the denial
    # (each module import costs about 1% of the hook's run).
    from claude_kit_hooks.edit.kit_files import kit_files

    yield kit_files
    from claude_kit_hooks.edit.agent_first import agent_first

    yield agent_first
    from claude_kit_hooks.edit.coordinator import coordinator_no_edit

    yield coordinator_no_edit
    from claude_kit_hooks.edit.file_locks import file_locks

    yield file_locks


ROUTED = EDIT_TOOLS + SPAWN_TOOLS + SHELL_TOOLS + SECRET_READ_TOOLS


def route(h: Hook) -> None:
    checks: Iterable[Check]
    tool = h.tool_name
    if tool not in ROUTED and h.config["extra_tools"]:  # an MCP tool the team maps to Write or Bash?
        from claude_kit_hooks.runtime.extra_tools import resolve

        tool = resolve(h) or tool
    if tool in EDIT_TOOLS:
        checks = _edit_checks()
    elif tool in SPAWN_TOOLS:
        from claude_kit_hooks.routing.spawn_skills import spawn_skills
        from claude_kit_hooks.spawn.budget import budget
        from claude_kit_hooks.spawn.compaction_gate import compaction_gate
        from claude_kit_hooks.spawn.depth import spawn_depth

        # spawn_skills last: it hands the agent its library paths once the gates let it start.
        checks = [spawn_depth, compaction_gate, budget, spawn_skills]
    elif tool in SHELL_TOOLS:
        from claude_kit_hooks.edit.shell_route import shell_checks

        checks = shell_checks()
    elif tool in SECRET_READ_TOOLS:
        if not h.config["secrets"]["files"]:
            return  # no secret files configured (most repositories): nothing to load for a Read
        from claude_kit_hooks.edit.secret_exposure import secret_read

        checks = [secret_read]
    else:
        return
    for check in checks:
        check(h)
        if h.decision is not None:
            return


def main(root: str | None = None, **io: Any) -> int:
    """Run this event's checks; tests pass `root`, `stdin`, `stdout` and `timing` to run it in-process."""
    return run(
        "PreToolUse",
        [route],
        root=root or project_root_of(__file__),
        fail_closed=EDIT_TOOLS + SPAWN_TOOLS,
        **io,
    )


if __name__ == "__main__":
    sys.exit(main())
