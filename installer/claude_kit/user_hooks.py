"""Opt-in user-level hooks: enforcement for sessions started in a subdirectory of a repository.

Claude Code started below a repository's root (`cd backend && claude`) loads no project hooks, but it
does run the hooks in `~/.claude/settings.json` (with CLAUDE_PROJECT_DIR set to that subdirectory).
`claude-kit user-hooks install` adds one entry per kit event there, each running a small dispatcher
that walks up from the session's directory to the nearest installed kit and runs that kit's hook as
its own project would. It exits 0 silently where there is none, at the session's own project (whose
settings run the kit already) and at a repository without the kit. The entries are merged and taken
out with the same pure functions as the project's settings (settings_merge): only what was added is
removed, and the user's own hooks and keys stay as they were.
"""

from __future__ import annotations

import contextlib
import json
from pathlib import Path
from typing import Any

from claude_kit import settings_merge
from claude_kit.errors import KitError
from claude_kit.fsutil import atomic_write, exclusive_lock
from claude_kit_hooks.contract.defaults import HOOK_EVENTS
from claude_kit_hooks.contract.layout import USER_DISPATCHER as DISPATCHER
from claude_kit_hooks.contract.layout import USER_KIT_DIR as KIT_DIR
from claude_kit_hooks.contract.records import SettingsEntry

RECORD = f"{KIT_DIR}/user-hooks.json"
SETTINGS = ".claude/settings.json"

DISPATCH_SCRIPT = """\
#!/bin/sh
# claude-kit: managed, id=user-hooks/dispatch
# Runs the nearest installed claude-kit's hook for a Claude Code session started below that
# repository's root (Claude Code loads no project hooks there). `sh dispatch <module>`.
[ "${CLAUDE_KIT_DISABLE:-}" = "1" ] && exit 0
start=${CLAUDE_PROJECT_DIR:-$PWD}
dir=$start
while [ -n "$dir" ]; do
    if [ -f "$dir/.claude/hooks/run" ]; then
        # The session's own project: its settings already run the kit.
        [ "$dir" = "$start" ] && exit 0
        CLAUDE_PROJECT_DIR=$dir exec sh "$dir/.claude/hooks/run" "$1"
    fi
    # A repository (or submodule) without the kit: not governed by an outer one.
    [ -e "$dir/.git" ] && exit 0
    [ "$dir" = / ] && exit 0
    dir=${dir%/*}
    [ -z "$dir" ] && dir=/
done
exit 0
"""


def command_for(module: str) -> str:
    # `|| exit 1`: a missing dispatcher must not exit 2, which Claude Code reads as a block.
    return f'sh "$HOME/{DISPATCHER}" {module} || exit 1'


def entries() -> list[SettingsEntry]:
    """One user-level entry per kit event, with the kit's matchers and timeouts."""
    return [
        {"event": event, "matcher": matcher, "handler": {"type": "command", "command": command_for(module),
                                                          "timeout": timeout}}
        for module, (event, matcher, timeout) in HOOK_EVENTS.items()
    ]  # fmt: skip


def _read_json(path: Path, what: str) -> dict[str, Any]:
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError) as exc:
        raise KitError(
            f"{path}: cannot read {what} ({exc}); nothing was changed", hint=f"fix {path}"
        ) from None
    if not isinstance(data, dict):
        raise KitError(f"{path}: {what} is not a JSON object; nothing was changed", hint=f"fix {path}")
    return data


def installed(home: Path) -> bool:
    """Installed, or partly (a command killed midway): `install` completes it, `uninstall` undoes it."""
    return (home / RECORD).is_file() and (home / DISPATCHER).is_file()


def install(home: Path) -> list[str]:
    """Add the entries and the dispatcher (idempotent); return what changed, one line each."""
    settings_path = home / SETTINGS
    with exclusive_lock(home / KIT_DIR / ".lock"):
        settings = _read_json(settings_path, "the user settings")
        record = _read_json(home / RECORD, "the claude-kit user-hooks record")
        merged, created = settings_merge.merge_hooks(settings, entries())
        done = []
        # The record first, the settings last: a command killed between two writes leaves entries
        # only once the record that uninstall reads to take them out exists, and never an entry
        # that points at a missing dispatcher.
        kept = [c for c in record.get("created", []) if isinstance(c, str)]
        new_record: dict[str, Any] = {"entries": entries(), "created": sorted(set(kept) | set(created))}
        # The settings file as it was before the first install, so uninstall can give back its bytes.
        new_record["original"] = (
            record["original"]
            if "original" in record
            else _text(settings_path)
            if merged != settings
            else None
        )
        if new_record != record:
            atomic_write(home / RECORD, (json.dumps(new_record, indent=2) + "\n").encode("utf-8"))
        dispatcher = home / DISPATCHER
        if not dispatcher.is_file() or dispatcher.read_text(encoding="utf-8") != DISPATCH_SCRIPT:
            atomic_write(dispatcher, DISPATCH_SCRIPT.encode("utf-8"), mode=0o755)
            done.append(f"{dispatcher}")
        if merged != settings:
            like = settings_path.read_text(encoding="utf-8") if settings_path.exists() else None
            atomic_write(settings_path, settings_merge.dumps(merged, like).encode("utf-8"))
            done.append(f"{settings_path}: {len(entries())} claude-kit hook entries")
    return done


def uninstall(home: Path) -> list[str]:
    """Take out exactly the recorded entries and the dispatcher; a no-op when not installed."""
    settings_path = home / SETTINGS
    if not (home / RECORD).is_file():
        _drop_kit_dir(home)  # an install killed before its first write leaves only its lock
        return []
    with exclusive_lock(home / KIT_DIR / ".lock"):
        record = _read_json(home / RECORD, "the claude-kit user-hooks record")
        settings = _read_json(settings_path, "the user settings")
        recorded = [e for e in record.get("entries", []) if isinstance(e, dict)]
        created = [c for c in record.get("created", []) if isinstance(c, str)]
        out = settings_merge.unmerge_hooks(settings, recorded, created)  # type: ignore[arg-type]
        done = []
        original = record.get("original")
        if out != settings:
            like = settings_path.read_text(encoding="utf-8")
            text = settings_merge.dumps(out, like)
            if isinstance(original, str) and _same_json(original, out):
                text = original  # nothing else changed since: exactly the bytes that were there
            atomic_write(settings_path, text.encode("utf-8"))
            done.append(f"{settings_path}: claude-kit hook entries removed")
        for path in (home / DISPATCHER, home / RECORD):
            if path.exists():
                path.unlink()
                done.append(f"{path} removed")
    _drop_kit_dir(home)
    return done


def _drop_kit_dir(home: Path) -> None:
    (home / KIT_DIR / ".lock").unlink(missing_ok=True)
    with contextlib.suppress(OSError):  # not empty: something of the user's is in it
        (home / KIT_DIR).rmdir()


def _text(path: Path) -> str | None:
    """The file's text, None when it does not exist."""
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None


def _same_json(text: str, data: dict[str, Any]) -> bool:
    try:
        return bool(json.loads(text) == data)
    except ValueError:
        return False
