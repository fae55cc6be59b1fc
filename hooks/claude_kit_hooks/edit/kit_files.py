# claude-kit: managed, id=hooks/claude_kit_hooks/edit/kit_files
"""kit_files (PreToolUse on Edit/Write/NotebookEdit and Bash/PowerShell): the model does not change the
kit that governs it. Its hooks, settings, team config, agents and control files (contract.protected)
are denied to every caller, and so are the shell forms that switch governance off: the user's own
commands (`claude-kit uninstall`, `feature mark`, `loop cancel` ...), the kill switch, and a nested
`claude` session (it would start without this session's depth, budget and state).

The deny tells the model to ask the user; it never names the escape hatch. What the shell does in a
form the parser cannot read is found at Stop by the integrity check (stoploop.integrity).
"""

from __future__ import annotations

import os

from claude_kit_hooks.contract.layout import output_dir_of
from claude_kit_hooks.contract.naming import PLUGIN_NAME, PLUGIN_ROOT_ENV
from claude_kit_hooks.contract.protected import protected_kind
from claude_kit_hooks.edit.delegation import short_path

TYPE_CHECKING = False  # typing costs ~14 ms at a hook's start-up; mypy still reads the branch
if TYPE_CHECKING:
    from claude_kit_hooks.runtime.hook import Hook
    from claude_kit_hooks.runtime.project import Project

NAME = "kit_files"
ASK_USER = (
    "Don't try it another way. If this change is really needed, stop and ask the user to make it "
    "themselves; tell them what and why."
)
# `claude-kit <words>` that switch governance off or replace the kit: the user's, from a terminal.
_USER_COMMANDS = (
    ("uninstall",),
    ("update",),
    ("user-hooks", "uninstall"),
    ("feature", "mark"),
    ("loop", "cancel"),
)
# `claude <first word>` that starts no session.
_CLAUDE_HARMLESS = ("--version", "-v", "--help", "-h", "plugin", "mcp", "config", "doctor", "auth")
_KILL_SWITCH_SET = r"CLAUDE_KIT_DISABLE\w*['\"]?\s*=|CLAUDE_KIT_DISABLE\w*['\"]?\s*,\s*['\"]?1"


def protected_relpath(project: Project, path: str) -> str | None:
    """`path` relative to the root, with only its folder resolved: a link or file put where a kit file
    was is named by where it sits, not by where it points (`.claude/hooks/run -> /bin/true`)."""
    if not path:
        return None
    full = path if os.path.isabs(path) else os.path.join(project.root, path)
    parent, base = os.path.split(full.rstrip("/\\") or full)
    if base in ("", ".", ".."):
        return project.relpath(full)
    folder = project.relpath(parent)
    if folder is None:
        return None
    return base if folder == "." else f"{folder}/{base}"


def _deny(h: Hook, what: str, **extra: str) -> None:
    caller = "This subagent" if h.is_subagent else "The main thread"
    reason = (
        f"claude-kit: {what}. {caller} may not change the kit that governs this session, so this was "
        f"not done. {ASK_USER}"
    )
    h.deny(NAME, reason, **extra)


def kit_files(h: Hook) -> None:
    """Edit/Write/NotebookEdit: deny a protected path to every caller."""
    if not h.enabled(NAME):
        return
    if os.environ.get(PLUGIN_ROOT_ENV):  # the plugin edition: its own folder is the kit too
        from claude_kit_hooks.runtime.plugin import plugin_file

        inside = plugin_file(h.edit_path, h.project.root)
        if inside is not None:
            _deny(h, f"{short_path(inside)} is a file of the {PLUGIN_NAME} plugin", file=h.edit_path)
            return
    rel = protected_relpath(h.project, h.edit_path)
    if rel is None:
        return
    kind = protected_kind(rel, output_dir_of(h.config))
    if kind is not None:
        _deny(h, f"{short_path(rel)} is {kind}", file=rel)


def kit_shell(h: Hook) -> None:
    """Bash/PowerShell: deny a command that plainly writes a protected path, runs one of the user's
    own claude-kit commands, sets the kill switch or starts a nested `claude` session."""
    if not h.enabled(NAME):
        return
    command = h.tool_input.get("command")
    if not isinstance(command, str) or not command:
        return
    import re

    if re.search(_KILL_SWITCH_SET, command):
        _deny(h, "this command sets the kit's kill switch (CLAUDE_KIT_DISABLE)", command=command[:300])
        return
    from claude_kit_hooks.edit.shell_writes import MAX_SHELL_COMMAND

    if len(command) > MAX_SHELL_COMMAND:
        return  # shell_write_warning logs it as not inspected; Stop's integrity check still looks
    powershell = h.tool_name == "PowerShell"
    if "claude" in command.lower():
        from claude_kit_hooks.edit.shell_lexer import lex, simple_commands, strip_wrappers

        for words, _redirects in simple_commands(lex(command, powershell)):
            found = _session_command(strip_wrappers(words))
            if found:
                _deny(h, found, command=command[:300])
                return
    written = _protected_writes(h, command, powershell)
    if written:
        rel, kind, how = written
        _deny(
            h,
            f"this command writes {short_path(rel)} ({how}), which is {kind}",
            file=rel,
            command=command[:300],
        )


def _session_command(argv: list[str]) -> str | None:
    """Why argv is the user's to run (a claude-kit command that switches governance off, or a nested
    claude session); None otherwise."""
    if not argv:
        return None
    name, args = os.path.basename(argv[0]).lower(), argv[1:]
    if name.startswith("python") and len(args) >= 2 and args[0] == "-m":
        name, args = args[1].lower(), args[2:]  # python -m claude_kit ...
    if name in ("claude-kit", "claude_kit"):
        words = tuple(a for a in args if not a.startswith("-"))
        for command in _USER_COMMANDS:
            if words[: len(command)] == command:
                return f"`claude-kit {' '.join(command)}` is the user's command, for their own terminal"
        return None
    if name == "claude" and not (args and args[0] in _CLAUDE_HARMLESS):
        return (
            "this command starts a nested Claude Code session, which would run outside this session's "
            "spawn depth, budget and review loop (spawn an agent with the Agent tool instead)"
        )
    return None


def _protected_writes(h: Hook, command: str, powershell: bool) -> tuple[str, str, str] | None:
    """(relpath, what it is, how) of the first protected path the command plainly writes."""
    import re

    from claude_kit_hooks.edit.shell_paths import expand
    from claude_kit_hooks.edit.shell_writes import HINT, shell_write_targets

    if not re.search(HINT, command, re.IGNORECASE):
        return None
    cwd = h.cwd
    output_dir = output_dir_of(h.config)
    root = h.project.root
    for written, how in shell_write_targets(command, cwd, powershell=powershell, root=root):
        for full in expand(written, cwd, root):
            rel = protected_relpath(h.project, full)
            kind = protected_kind(rel, output_dir) if rel is not None else None
            if rel is not None and kind is not None:
                return rel, kind, how
    return None
