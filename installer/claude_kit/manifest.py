"""The record of what the kit owns in a repository (`.claude/.claude-kit/manifest.json`)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import cast

from claude_kit.errors import KitError
from claude_kit_hooks.contract.layout import BASE_DIR, CLAUDE_DIR, MANIFEST
from claude_kit_hooks.contract.records import Manifest

MANIFEST_FORMAT = 1


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def base_path(rel: str) -> str:
    # Pristine copies drop the leading `.claude/` so Claude Code never discovers them as skills/agents.
    inner = rel.removeprefix(f"{CLAUDE_DIR}/")
    return f"{BASE_DIR}/{inner}"


def empty() -> Manifest:
    return {
        "format": MANIFEST_FORMAT,
        "kit_version": None,
        "files": {},
        "deleted": [],
        "moved_aside": {},
        "existing_dirs": [],
        "settings": None,
        "claude_md": None,
    }


def load(root: Path) -> Manifest | None:
    path = root / MANIFEST
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (ValueError, UnicodeDecodeError) as exc:
        raise KitError(
            f"{path}: the kit's manifest is not valid JSON ({exc})",
            hint=f"restore it from git (`git checkout -- {MANIFEST}`)",
        ) from None
    if not isinstance(data, dict) or data.get("format") != MANIFEST_FORMAT:
        raise KitError(
            f"{path}: unknown manifest format", hint="upgrade claude-kit (`pip install -U claude-kit`)"
        )
    # A manifest of this format, written by the kit: its keys over the ones an older kit lacked.
    return cast(Manifest, {**empty(), **data})


def dumps(manifest: Manifest) -> bytes:
    return (json.dumps(manifest, indent=1, sort_keys=True) + "\n").encode()
