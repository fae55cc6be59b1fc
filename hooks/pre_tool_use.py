# claude-kit: managed, id=hooks/pre_tool_use
"""PreToolUse dispatcher: routes one tool call to the checks for its tool, importing only those.

Edit/Write/NotebookEdit and Agent/Task calls fail closed (deny with the next step and the kill
switch) on internal errors, up to the runtime's circuit-breaker limit per session; Bash/PowerShell
only get warnings, so they fail open. Unknown tools are not checked. See ckrt.run.
"""

from __future__ import annotations

import sys

import ckrt


def route(h: ckrt.Hook) -> None:
    if h.tool_name in ckrt.EDIT_TOOLS:
        import ck_edit
        import ck_locks

        checks = [ck_edit.agent_first, ck_edit.coordinator_no_edit, ck_locks.file_locks]
    elif h.tool_name in ckrt.SPAWN_TOOLS:
        import ck_spawn

        checks = [ck_spawn.spawn_depth, ck_spawn.compaction_gate, ck_spawn.budget]
    elif h.tool_name in ("Bash", "PowerShell"):
        import ck_edit

        checks = [ck_edit.shell_write_warning]
    else:
        return
    for check in checks:
        check(h)
        if h.decision is not None:
            return


if __name__ == "__main__":
    sys.exit(ckrt.run("PreToolUse", [route], fail_closed=ckrt.EDIT_TOOLS + ckrt.SPAWN_TOOLS))
