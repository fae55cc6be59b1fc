"""A `.claude` that is a symlink (into the repository or out of it): supported, so install refuses
only links it cannot write through, and doctor asks the installed hooks which project and paths they
see instead of assuming it (the hooks once took the link target's parent for the project)."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import NamedTuple

from claude_kit.errors import KitError
from claude_kit_hooks.contract.layout import CLAUDE_DIR, HOOKS_DIR, SETTINGS

LINK_FIX = f"point {CLAUDE_DIR} at the folder that holds the kit (or remove the link), then rerun"


class ClaudeLink(NamedTuple):
    path: Path  # <root>/.claude
    target: Path  # where it resolves to
    inside: bool  # the target is inside the repository


def claude_link(root: Path) -> ClaudeLink | None:
    """The symlinked `.claude` of `root`, or None when it is a plain folder or absent."""
    path = root / CLAUDE_DIR
    if not path.is_symlink():
        return None
    target = Path(os.path.realpath(path))
    return ClaudeLink(path, target, target.is_relative_to(root.resolve()))


def unusable(link: ClaudeLink, root: Path) -> str | None:
    """Why the kit cannot live behind this link (None: it can)."""
    real_root = root.resolve()
    if not link.target.exists():
        return f"{link.path}: a symlink to {link.target}, which does not exist"
    if not link.target.is_dir():
        return f"{link.path}: a symlink to {link.target}, which is not a folder"
    if link.target == real_root or real_root.is_relative_to(link.target):
        return f"{link.path}: a symlink to {link.target}, the repository itself or a folder above it"
    return None


def unusable_link(root: Path) -> str | None:
    """Why the kit cannot live behind `root`'s `.claude` (None: a plain folder, absent, or a good link)."""
    link = claude_link(root)
    return unusable(link, root) if link else None


def refuse_unusable(root: Path) -> None:
    """Before install/update/sync/uninstall take the lock (which lives behind the link): a clear error."""
    why = unusable_link(root)
    if why:
        raise KitError(
            f"{why}; nothing was changed",
            hint=LINK_FIX,
        )


# Run by the hook interpreter with the installed hook package: what the hooks take as the project
# root when launched as settings.json launches them (and through a resolved path), and how they name
# a file behind the link, given unresolved and resolved.
_PROBE = """\
import os, sys
hooks, root, probe = sys.argv[1], sys.argv[2], sys.argv[3]
sys.path.insert(0, hooks)
from claude_kit_hooks.runtime.entry import project_root_of
from claude_kit_hooks.runtime.project import Project
env = {"CLAUDE_PROJECT_DIR": root}
seen = {project_root_of(os.path.join(hooks, "pre_tool_use.py"), env),
        project_root_of(os.path.join(os.path.realpath(hooks), "pre_tool_use.py"), env)}
project = Project(root)
print("\\n".join(sorted(seen)))
print(project.relpath(probe))
print(project.relpath(os.path.realpath(probe)))
"""


def doctor_check(root: Path, python: str | None) -> tuple[bool, str, str] | None:
    """(ok, what, fix) for doctor when `.claude` is a symlink; None when it is not one."""
    link = claude_link(root)
    if link is None:
        return None
    where = "inside" if link.inside else "outside"
    what = f"{CLAUDE_DIR} is a symlink to {link.target} ({where} the repository)"
    why = unusable(link, root)
    if why:
        return False, why, LINK_FIX
    if not python:
        return False, f"{what}: not checked (no working hook interpreter)", "fix the hook interpreter first"
    try:
        proc = subprocess.run(
            [python, "-E", "-S", "-B", "-c", _PROBE, str(root / HOOKS_DIR), str(root), str(root / SETTINGS)],
            capture_output=True,
            text=True,
            check=False,
            timeout=60,
        )
    except (OSError, subprocess.SubprocessError) as exc:
        return False, f"{what}: the hooks could not be asked ({exc})", "run `claude-kit doctor` again"
    lines = proc.stdout.splitlines()
    expected = [str(root), SETTINGS, SETTINGS]
    if proc.returncode != 0 or lines != expected:
        seen = "; ".join(lines) or (proc.stderr.strip().splitlines() or ["no answer"])[-1]
        return (
            False,
            f"{what}: the hooks do not see this repository as their project ({seen})",
            "run `claude-kit update` (older hooks resolve the link), or replace the link by its folder",
        )
    note = "" if link.inside else "; a commit records only the link, so teammates need the same folder"
    return True, f"{what}: the hooks take {root} as the project and name its files {CLAUDE_DIR}/...{note}", ""
