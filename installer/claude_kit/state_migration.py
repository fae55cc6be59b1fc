"""The move of the state older kits kept in the checkout (decision log under local/, locks and feature
state under the output folder) into the repository's shared folder, by `claude-kit update` and
`doctor --fix`, never losing a record; and uninstall's removal of the kit's shared state."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import Any

from claude_kit import fsutil
from claude_kit.feature_manifest import MANIFEST_NAME
from claude_kit.shared_state import folder, path, shown, shown_path
from claude_kit_hooks.contract.layout import (
    ACTIVE_FEATURE,
    DECISION_LOG,
    FEATURE_STATE_DIR,
    FEATURES_DIR,
    LEGACY_DECISION_LOG,
    LOCAL_DIR,
    LOCKS_FILE,
    SESSIONS_DIR,
    in_output,
)


class Legacy:
    """Where a kit before the shared folder kept the state, in one checkout."""

    def __init__(self, root: Path) -> None:
        from claude_kit import config

        output_dir = config.output_dir(root)
        self.root = root
        self.log = root / LEGACY_DECISION_LOG
        self.locks = root / in_output(output_dir, LOCKS_FILE)
        self.features = root / in_output(output_dir, FEATURES_DIR)
        self.active = root / in_output(output_dir, ACTIVE_FEATURE)

    def log_files(self) -> list[Path]:
        """The old log and its rotations, newest first."""
        if self.log == path(self.root, DECISION_LOG):
            return []  # outside git the shared folder is the machine-local one: nothing moves
        rotated = sorted(
            (int(p.name.rsplit(".", 1)[1]), p)
            for p in self.log.parent.glob(self.log.name + ".*")
            if p.name.rsplit(".", 1)[1].isdigit()
        )
        return ([self.log] if self.log.is_file() else []) + [p for _, p in rotated]

    def manifests(self) -> list[Path]:
        return sorted(self.features.glob(f"*/{MANIFEST_NAME}")) if self.features.is_dir() else []

    def pending(self) -> list[str]:
        """What is still in the checkout, project-relative, for doctor and status."""
        found = [*self.log_files(), *self.manifests()]
        found += [p for p in (self.locks, self.active) if p.is_file()]
        return [p.relative_to(self.root).as_posix() for p in found]


def _move(src: Path, dst: Path) -> None:
    """Move one file atomically: a rename on one file system, else copy + fsync + rename, then the
    source goes; `dst` never shows a partial file and the record is never in neither place."""
    dst.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.replace(src, dst)
    except OSError:
        fsutil.atomic_write(dst, src.read_bytes())
        src.unlink()
    fsutil.fsync_dir(dst.parent)


def _move_log(legacy: Legacy) -> list[str]:
    """The old log becomes the oldest rotations of the shared one (`claude-kit log` reads them all)."""
    from claude_kit_hooks.store.jsonfile import Locked

    old = legacy.log_files()
    if not old:
        return []
    log = path(legacy.root, DECISION_LOG)
    log.parent.mkdir(parents=True, exist_ok=True)
    with Locked(str(log)):  # the hooks' rotation lock: no rotation renumbers files meanwhile
        suffixes = [p.name.rsplit(".", 1)[1] for p in log.parent.glob(log.name + ".*")]
        first = max([int(n) for n in suffixes if n.isdigit()], default=0) + 1
        for n, src in enumerate(old, start=first):
            _move(src, log.with_name(f"{log.name}.{n}"))
    return [f"moved the decision log ({len(old)} file(s)) to {shown(legacy.root, DECISION_LOG)}"]


def _move_locks(legacy: Legacy) -> list[str]:
    """Merge the old locks into the shared file; a path locked in both keeps the shared holder."""
    if not legacy.locks.is_file():
        return []
    shared = path(legacy.root, LOCKS_FILE)
    with (
        fsutil.exclusive_lock(shared.with_name(shared.name + ".lock")),
        fsutil.exclusive_lock(legacy.locks.with_name(legacy.locks.name + ".lock")),
    ):
        merged: dict[str, Any] = {}
        for src in (legacy.locks, shared):
            try:
                data = json.loads(src.read_text(encoding="utf-8"))
            except FileNotFoundError:
                continue
            except (OSError, ValueError) as exc:
                return [f"kept {legacy.locks.relative_to(legacy.root).as_posix()}: {src} unreadable ({exc})"]
            if isinstance(data, dict):
                merged.update(data)
        fsutil.atomic_write(shared, (json.dumps(dict(sorted(merged.items())), indent=1) + "\n").encode())
        legacy.locks.unlink()
    return [f"moved the file locks to {shown(legacy.root, LOCKS_FILE)}"]


def _move_features(legacy: Legacy) -> list[str]:
    """Each old MANIFEST.yaml moves unless the shared folder has one of that id (then it stays and is
    reported); the agents' reports beside it stay in the checkout. active.json is written afresh."""
    from claude_kit.feature_store import Features

    manifests = legacy.manifests()
    if not manifests and not legacy.active.is_file():
        return []
    features = Features(legacy.root)
    out: list[str] = []
    moved = 0
    with features.lock():
        for src in manifests:
            dst = features.path(src.parent.name)
            if dst.exists():
                out.append(
                    f"kept {src.relative_to(legacy.root).as_posix()}: {shown_path(legacy.root, dst)} exists"
                )
                continue
            _move(src, dst)
            moved += 1
        features.write_active()
        legacy.active.unlink(missing_ok=True)
    if moved:
        out.insert(
            0,
            f"moved {moved} feature manifest(s) to {shown(legacy.root, FEATURE_STATE_DIR)}/ "
            "(commit their removal from the checkout if they were committed)",
        )
    return out


def migrate(root: Path) -> list[str]:
    """Move the old state into the shared folder; returns what moved, one line each."""
    legacy = Legacy(root)
    return [*_move_log(legacy), *_move_locks(legacy), *_move_features(legacy)]


def remove(root: Path) -> list[str]:
    """Uninstall: the shared log, locks, session registry and active.json go; feature manifests are the
    team's records and stay (said so)."""
    base = folder(root)
    if base == root / LOCAL_DIR:
        return []  # outside git: the machine-local folder, which uninstall removes anyway
    for rel in (DECISION_LOG.split("/")[0], LOCKS_FILE.split("/")[0], SESSIONS_DIR):
        shutil.rmtree(base / rel, ignore_errors=True)
    path(root, ACTIVE_FEATURE).unlink(missing_ok=True)
    features = path(root, FEATURE_STATE_DIR)
    if any(features.glob(f"*/{MANIFEST_NAME}")):
        return [f"kept the feature manifests in {shown(root, FEATURE_STATE_DIR)}/ (the team's records)"]
    shutil.rmtree(base, ignore_errors=True)
    return []
