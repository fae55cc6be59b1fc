# claude-kit: managed, id=hooks/claude_kit_hooks/edit/shell_route
"""The checks a shell command goes through, in order: a Bash/PowerShell tool call (PreToolUse) and a
skill's `` !`cmd` `` line (PreSkillShellCommand) run the same list."""

from __future__ import annotations

TYPE_CHECKING = False  # typing costs ~14 ms at a hook's start-up; mypy still reads the branch
if TYPE_CHECKING:
    from collections.abc import Callable

    from claude_kit_hooks.runtime.hook import Hook


def shell_checks() -> list[Callable[[Hook], None]]:
    from claude_kit_hooks.edit.kit_files import kit_shell
    from claude_kit_hooks.edit.lock_commands import lock_commands
    from claude_kit_hooks.edit.secret_exposure import secret_shell
    from claude_kit_hooks.edit.shell_writes import shell_write_warning

    # The kit's own files and switches first, then what would print a secret.
    return [kit_shell, secret_shell, lock_commands, shell_write_warning]
