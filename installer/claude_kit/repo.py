"""Locating the target repository and reading the files the kit merges into, with clear errors."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

from claude_kit import claude_md
from claude_kit.errors import KitError, read_text
from claude_kit.plan import CLAUDE_MD_REL
from claude_kit_hooks.contract.layout import SETTINGS


def find_root(target: Path) -> Path:
    target = target.resolve()
    if not target.is_dir():
        raise KitError(f"{target}: no such directory")
    try:
        proc = subprocess.run(
            ["git", "rev-parse", "--show-toplevel"], cwd=target, capture_output=True, text=True, check=False
        )
    except FileNotFoundError:
        raise KitError("git is not installed or not on PATH", hint="install git, then rerun") from None
    if proc.returncode != 0 and "work tree" in proc.stderr:
        raise KitError(
            f"{target}: is a git folder, not a working tree; nothing was changed",
            hint="pass the folder that holds your files (the one above .git)",
        )
    if proc.returncode != 0:
        raise KitError(
            f"{target}: not a git repository",
            hint=f"run `git init {target}` first, or pass the repository's path",
        )
    return Path(proc.stdout.strip()).resolve()


def check_settings(root: Path) -> dict[str, Any] | None:
    path = root / SETTINGS
    text = read_text(root, path)
    if text is None:
        return None
    if not text.strip():
        return {}
    fix = "fix the file (Claude Code ignores it while it is broken), then rerun"
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise KitError(
            f"{path}:{exc.lineno}:{exc.colno}: not valid JSON ({exc.msg}); nothing was changed", hint=fix
        ) from None
    except (ValueError, RecursionError) as exc:  # a number too long to convert, nesting too deep
        reason = "nested too deeply" if isinstance(exc, RecursionError) else str(exc)
        raise KitError(f"{path}: not valid JSON ({reason}); nothing was changed", hint=fix) from None
    if not isinstance(data, dict):
        raise KitError(f"{path}: must hold a JSON object, found {type(data).__name__}; nothing was changed")
    hooks = data.get("hooks")
    if "hooks" in data and not isinstance(hooks, dict):
        raise KitError(f"{path}: $.hooks must be an object; nothing was changed")
    for event, groups in (hooks or {}).items():
        where = f"{path}: $.hooks.{event}"
        if not isinstance(groups, list):
            raise KitError(
                f"{where} must be a list of matcher groups; nothing was changed",
                hint='shape: [{"matcher": "Bash", "hooks": [{"type": "command", "command": "..."}]}]',
            )
        for i, group in enumerate(groups):
            if not isinstance(group, dict) or not isinstance(group.get("hooks", []), list):
                raise KitError(
                    f"{where}[{i}] must be an object whose `hooks` is a list; nothing was changed",
                    hint='shape: {"matcher": "Bash", "hooks": [{"type": "command", "command": "..."}]}',
                )
    return data


def check_claude_md(root: Path) -> None:
    path = root / CLAUDE_MD_REL
    text = read_text(root, path)
    if text is None:
        return
    found = claude_md.blocks(text)
    if len(found) > 1:
        lines = " and ".join(str(claude_md.line_of(text, start)) for start, _ in found)
        raise KitError(
            f"{path}: the kit's block markers appear {len(found)} times (lines {lines}); nothing was changed",
            hint="keep one marked block (quote the markers inline where you mention them), then rerun",
        )
