# claude-kit: managed, id=hooks/pre_skill_shell_command
"""PreSkillShellCommand dispatcher (Claude Code 2.1.332+): a skill's `` !`cmd` `` line gets the same
shell checks as a Bash/PowerShell tool call (PreToolUse), since PreToolUse never sees these lines.

The line runs before the model reads anything, so a warning the Bash check would give the model
(additionalContext, which this event cannot carry) refuses the line instead, naming the agent to
delegate to.
Older runtimes ignore the event (2.1.329 drops it with a validator warning). Fails open, like the
Bash checks. See runtime/failure.py.
"""

from __future__ import annotations

import sys

from claude_kit_hooks.contract.defaults import SHELL_TOOLS
from claude_kit_hooks.runtime.entry import project_root_of, run

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from claude_kit_hooks.runtime.hook import Hook

# Claude Code shows the model about 500 characters of the reason, inside the skill's text: the next
# step comes first.
SKILL_LINE_WRITES = (
    "claude-kit: this skill shell line was not run: it writes {domain} files ({file}), which "
    "{agent} changes. Delegate the change: {spawn}"
)
SKILL_LINE_WARNED = (
    "claude-kit: this skill shell line was not run (a skill cannot wait for a warning): {said}"
)


def shell_line(h: Hook) -> None:
    if h.tool_name not in SHELL_TOOLS:
        return
    if h.payload.get("invoked_by") == "user":
        # The user typed the command (`/tidy`): its shell lines are the user's own action, as a
        # command in the user's terminal is.
        h.allow("skill_shell_line", f"/{h.payload.get('command_name')} invoked by the user")
        return
    from claude_kit_hooks.edit.shell_route import shell_checks

    for check in shell_checks():  # the PreToolUse(Bash) checks themselves: one list
        check(h)
        if h.decision is not None or h.contexts:
            break
    if h.decision is not None and h.decision_by != "shell_write_warning":
        return  # its reason already names the next step, in a few words
    denied = h.decision is not None
    if denied:
        # The runtime shows the model only ~500 characters of the reason, inside the skill's text:
        # the Bash wording is replaced by the compact one below, the next step first (the deny is
        # logged once, by the check that made it).
        fields, said = h.decision_fields, h.reason.split("\n")[0]
    elif h.contexts:
        # What Bash would only warn the model about refuses the line: this event has no context to
        # carry a warning, and the line has run before the model reads anything.
        fields, said = (h.context_fields[0] if h.context_fields else {}), h.contexts[0]
    else:
        return
    file, domain, agent = (fields.get(k) for k in ("file", "domain", "agent"))
    if isinstance(file, str) and isinstance(domain, str) and isinstance(agent, str):
        from claude_kit_hooks.edit.delegation import short_path, spawn_call

        reason = SKILL_LINE_WRITES.format(
            domain=domain, file=short_path(file), agent=agent, spawn=spawn_call(agent, file)
        )
    else:
        reason = SKILL_LINE_WARNED.format(said=said)
    h.contexts, h.context_fields = [], []
    if denied:
        h.reason = reason
        return
    command = str(h.tool_input.get("command") or "")
    h.deny("skill_shell_line", reason, file=file, domain=domain, agent=agent, command=command[:300])


def main(root: str | None = None, **io: Any) -> int:
    """Run this event's checks; tests pass `root`, `stdin`, `stdout` and `timing` to run it in-process."""
    return run("PreSkillShellCommand", [shell_line], root=root or project_root_of(__file__), **io)


if __name__ == "__main__":
    sys.exit(main())
