"""The user's controls stay the user's: commands that switch governance off refuse in a Claude Code tool call.

Claude Code gives every process its Bash and PowerShell tools start (and the hooks it runs) the
environment variable `CLAUDECODE=1`, in the main thread and in subagents alike (observed on 2.1.329 and
2.1.332); a terminal the user opened has none. The PreToolUse check `kit_files` denies the plain forms
of these commands before they run; this refusal holds for the forms it cannot read (a script, `sh -c`).
A model can unset the variable (`env -u CLAUDECODE ...`): that is a plain form, denied by the hook.
"""

from __future__ import annotations

import os

from claude_kit.errors import KitError

TOOL_CALL_ENV = "CLAUDECODE"


def in_tool_call() -> bool:
    """True when this process was started from inside a Claude Code session (a tool call or a hook)."""
    return os.environ.get(TOOL_CALL_ENV) == "1"


def refuse_in_tool_call(command: str, effect: str) -> None:
    """Raise a KitError when `claude-kit <command>` runs inside a Claude Code tool call."""
    if not in_tool_call():
        return
    raise KitError(
        f"`claude-kit {command}` {effect}, so it is the user's command and does not run inside a Claude "
        f"Code session ({TOOL_CALL_ENV}=1); nothing was changed",
        hint="if this is needed, stop and ask the user to run it from their own terminal",
    )
