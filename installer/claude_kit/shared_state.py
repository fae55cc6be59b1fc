"""The repository's shared state (decision log, locks, feature state, session registry) in the git
common directory, so every worktree and session of a repository sees one copy: where the CLI finds it
and how its messages name it (the hooks: contract/layout.py `KitPaths.shared`)."""

from __future__ import annotations

from pathlib import Path

from claude_kit_hooks.contract.layout import shared_dir


def folder(root: Path) -> Path:
    return Path(shared_dir(str(root)))


def path(root: Path, rel: str) -> Path:
    """A file or folder of the shared state (`rel` is one of layout's names for it)."""
    return folder(root).joinpath(*rel.split("/"))


def shown(root: Path, rel: str) -> str:
    """How a message names a shared path: project-relative under the root, else absolute."""
    return shown_path(root, path(root, rel))


def shown_path(root: Path, where: Path) -> str:
    try:
        return where.relative_to(root).as_posix()
    except ValueError:
        return str(where)
