"""The record of what the kit owns in a repository (`.claude/.claude-kit/manifest.json`)."""

from __future__ import annotations

import hashlib
import json
from functools import cache
from pathlib import Path
from typing import Any, cast

from claude_kit._version import __version__
from claude_kit.errors import KitError, file_in_the_way
from claude_kit.versions import UPGRADE
from claude_kit_hooks.contract.layout import BASE_DIR, CLAUDE_DIR, MANIFEST
from claude_kit_hooks.contract.records import Manifest

MANIFEST_FORMAT = 1
SCHEMA = "kit-manifest.schema.json"


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
    """The manifest, or None when the kit is not installed; a damaged or newer one is a KitError."""
    path = root / MANIFEST
    restore = f"restore it from git (`git checkout -- {MANIFEST}`)"
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except NotADirectoryError:
        raise file_in_the_way(root, path) from None
    except (ValueError, UnicodeDecodeError, RecursionError) as exc:
        raise KitError(f"{path}: the kit's manifest is not valid JSON ({exc})", hint=restore) from None
    except OSError as exc:
        raise KitError(f"{path}: cannot read the kit's manifest ({exc.strerror})", hint=restore) from None
    fmt = data.get("format") if isinstance(data, dict) else None
    if isinstance(fmt, int) and not isinstance(fmt, bool) and fmt > MANIFEST_FORMAT:
        by = data.get("kit_version")
        raise KitError(
            f"{path}: manifest format {fmt}"
            + (f", written by claude-kit {by}" if isinstance(by, str) else "")
            + f"; this is claude-kit {__version__}, which reads format {MANIFEST_FORMAT}",
            hint=UPGRADE,
        )
    problems = _problems(data)
    if problems:
        raise KitError(
            f"{path}: the kit's manifest is damaged; nothing was changed:\n  " + "\n  ".join(problems),
            hint=restore,
        )
    # A manifest of this format, written by the kit: its keys over the ones an older kit lacked.
    return cast(Manifest, {**empty(), **data})


@cache
def _validator() -> Any:
    from jsonschema import Draft202012Validator

    return Draft202012Validator(json.loads((Path(__file__).parent / "schemas" / SCHEMA).read_text()))


def _problems(data: object) -> list[str]:
    out = []
    for e in sorted(_validator().iter_errors(data), key=lambda e: list(map(str, e.path))):
        # A pattern's regex says nothing to a reader: its description says what was expected.
        what = f"{e.instance!r} is not {e.schema['description']}" if e.validator == "pattern" else e.message
        out.append(f"{e.json_path} -> {what}")
    return out


def dumps(manifest: Manifest) -> bytes:
    return (json.dumps(manifest, indent=1, sort_keys=True) + "\n").encode()
