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
    from claude_kit_hooks.edit.kit_files import kit_shell

    kit_shell(h)  # the kit's own files and the user's commands: the Bash deny as it is (it is short)
    if h.decision is not None:
        return
    from claude_kit_hooks.edit.shell_writes import shell_write_warning

    shell_write_warning(h)  # the PreToolUse(Bash) check itself: one definition of what it catches
    if h.decision is not None:
        # The runtime shows the model only ~500 characters of the reason, inside the skill's text:
        # the Bash wording is replaced by the compact one below, the next step first.
        fields, said = h.decision_fields, h.reason.split("\n")[0]
        h.decision = None
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
    command = str(h.tool_input.get("command") or "")
    h.deny("skill_shell_line", reason, file=file, domain=domain, agent=agent, command=command[:300])


def main(root: str | None = None, **io: Any) -> int:
    """Run this event's checks; tests pass `root`, `stdin`, `stdout` and `timing` to run it in-process."""
    return run("PreSkillShellCommand", [shell_line], root=root or project_root_of(__file__), **io)


if __name__ == "__main__":
    sys.exit(main())
