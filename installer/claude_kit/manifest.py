"""The record of what the kit owns in a repository (`.claude/.claude-kit/manifest.json`)."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from claude_kit.errors import KitError

KIT_DIR = ".claude/.claude-kit"
MANIFEST_REL = f"{KIT_DIR}/manifest.json"
BASE_DIR = f"{KIT_DIR}/base"
LOCAL_DIR = f"{KIT_DIR}/local"
MANIFEST_FORMAT = 1


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def base_path(rel: str) -> str:
    # Pristine copies drop the leading `.claude/` so Claude Code never discovers them as skills/agents.
    inner = rel[len(".claude/") :] if rel.startswith(".claude/") else rel
    return f"{BASE_DIR}/{inner}"


def empty() -> dict[str, Any]:
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


def load(root: Path) -> dict[str, Any] | None:
    path = root / MANIFEST_REL
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (ValueError, UnicodeDecodeError) as exc:
        raise KitError(
            f"{path}: the kit's manifest is not valid JSON ({exc})",
            hint="restore it from git (`git checkout -- .claude/.claude-kit/manifest.json`)",
        ) from None
    if not isinstance(data, dict) or data.get("format") != MANIFEST_FORMAT:
        raise KitError(
            f"{path}: unknown manifest format", hint="upgrade claude-kit (`pip install -U claude-kit`)"
        )
    merged = empty()
    merged.update(data)
    return merged


def dumps(manifest: dict[str, Any]) -> bytes:
    return (json.dumps(manifest, indent=1, sort_keys=True) + "\n").encode()
