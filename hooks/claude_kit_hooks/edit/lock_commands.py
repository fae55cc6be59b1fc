# claude-kit: managed, id=hooks/claude_kit_hooks/edit/lock_commands
"""lock_commands (PreToolUse on Bash/PowerShell): a file lock belongs to one agent instance, so an agent
acquires and releases locks only as itself.

`claude-kit lock` cannot tell who runs it (the runtime gives a Bash command no agent id), but this hook
sees both the command and the caller's `agent_id` (`main` for the main thread). A `claude-kit lock
acquire|release` whose `--agent` is not the caller is denied with the command to run instead: a
subagent cannot release another agent's lock, the main thread cannot take locks for an agent it has not
spawned yet. A command that mentions `claude-kit lock acquire|release` where the kit cannot read its
words (inside `sh -c`, `eval`, a variable) is denied too: it must be a plain command. The user's own
terminal is not a tool call: there `claude-kit lock release` works on any lock.
"""

from __future__ import annotations

import os

from claude_kit_hooks.edit.shell_lexer import lex, simple_commands, strip_wrappers

TYPE_CHECKING = False  # typing costs ~14 ms at a hook's start-up; mypy still reads the branch
if TYPE_CHECKING:
    from claude_kit_hooks.runtime.hook import Hook

MAIN = "main"  # the holder name of the main thread, which has no agent_id
_ACTIONS = ("acquire", "release")


def caller_of(h: Hook) -> str:
    """The lock holder name of whoever makes this tool call: its agent_id, or `main`."""
    return str(h.agent_id or MAIN)


def lock_commands(h: Hook) -> None:
    if not h.enabled("file_locks"):
        return
    raw = h.tool_input.get("command")
    if not isinstance(raw, str) or "lock" not in raw:
        return
    low = raw.lower()
    if "claude-kit" not in low and "claude_kit" not in low:
        return
    mentioned = [a for a in _ACTIONS if a in low]
    if not mentioned:
        return  # `claude-kit lock list` and the like change nothing
    me = caller_of(h)
    seen: list[tuple[str, str | None]] = []
    for argv, _targets in simple_commands(lex(raw, powershell=h.tool_name == "PowerShell")):
        found = _lock_call(strip_wrappers(argv))
        if found is not None:
            seen.append(found)
    if not seen:
        _deny(h, me, mentioned[0], None, opaque=True)
        return
    for action, agent in seen:
        if agent is not None and agent != me:
            _deny(h, me, action, agent, opaque=False)
            return
    h.allow("lock_commands", f"{me} runs claude-kit lock {'/'.join(a for a, _ in seen)} as itself")


def _lock_call(argv: list[str]) -> tuple[str, str | None] | None:
    """(action, --agent value or None) when argv runs `claude-kit lock acquire|release`."""
    for i, word in enumerate(argv[:-2]):
        name = os.path.basename(word).lower()
        if name in ("claude-kit", "claude_kit") and argv[i + 1] == "lock" and argv[i + 2] in _ACTIONS:
            rest = argv[i + 3 :]
            agent = None
            for k, arg in enumerate(rest):
                if arg == "--agent" and k + 1 < len(rest):
                    agent = rest[k + 1]
                elif arg.startswith("--agent="):
                    agent = arg.split("=", 1)[1]
            return argv[i + 2], agent
    return None


def _deny(h: Hook, me: str, action: str, agent: str | None, *, opaque: bool) -> None:
    who = "the main thread" if me == MAIN else f"agent {me} ({h.agent_type or 'subagent'})"
    if opaque:
        why = (
            f"this command runs `claude-kit lock {action}` in a form the kit cannot read (inside `sh -c`, "
            "`eval`, a variable or a script), so it cannot tell whose lock it is"
        )
    else:
        why = f"`--agent {agent}` is not you: you are {who}, and a lock belongs to the agent that holds it"
    if action == "release":
        step = (
            f"Release only your own locks: `claude-kit lock release <file>... --agent {me}` (a subagent's "
            "locks are also released when it finishes). A lock another agent holds is released by that "
            "agent, when it finishes, when it expires, or by the user; if you need the file, say so in "
            "your report"
        )
    elif me == MAIN:
        step = (
            "The agent that will edit the files takes the lock itself: tell each developer to run "
            "`claude-kit lock acquire <file>... --agent <its agent id>` as its first step (its briefing "
            "gives its id), and give parallel agents disjoint files"
        )
    else:
        step = f"Take locks as yourself: `claude-kit lock acquire <file>... --agent {me}`"
    h.deny(
        "lock_commands",
        f"claude-kit: this command was not run: {why}. {step}. Run `claude-kit lock` as a plain command.",
        caller=me,
        claimed=agent or "",
    )
