# claude-kit: managed, id=hooks/claude_kit_hooks/contract/secrets
"""The team's secrets as the CLI and the hooks both see them: where an env file is, and the command
form that runs with secrets."""

from __future__ import annotations

import os

# What the model runs instead of reading a secret: the one form every deny and the skill name.
RUN_FORM = "claude-kit secrets run"


def secret_file_path(file: str, root: str) -> str:
    """The env file a `secrets:` entry names, absolute: `~` expanded, a relative path from the root."""
    path = os.path.expanduser(file)
    return os.path.normpath(path if os.path.isabs(path) else os.path.join(root, path))


def run_form(names: list[str]) -> str:
    """`claude-kit secrets run NAME... -- <command>` with these names (or NAME when there are none)."""
    return f"{RUN_FORM} {' '.join(names) or 'NAME'} -- <command>"
