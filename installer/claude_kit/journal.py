"""The journal of one install, update, sync or uninstall: what it changes and the originals it saved,
so that the next command finishes it or undoes it after a kill, a Ctrl-C or a full disk.

`apply` writes the journal (fsynced) under the repository's lock before its first change, saves each
existing file under `UNDO_DIR/<index>` (a hard link, or a copy) before it first changes it, and
removes the journal last. Writing (or, for uninstall, removing) the manifest is the commit point:
a journal found before it is rolled back, one found after it is finished. A command whose manifest
does not change (a sync that only rewrites settings.json) has no commit point and is rolled back
until its journal is gone. While a journal exists the launcher (`hooks/run`) runs no hook.
"""

from __future__ import annotations

import contextlib
import datetime
import json
import os
import shutil
from pathlib import Path
from typing import TypedDict, cast

from claude_kit import killpoints
from claude_kit.errors import KitError
from claude_kit.fsutil import atomic_write, directory_is_locked, fsync_dir
from claude_kit.manifest import sha256
from claude_kit.versions import UPGRADE
from claude_kit_hooks.contract.layout import JOURNAL, MANIFEST, UNDO_DIR

JOURNAL_FORMAT = 1
LIFECYCLE = "install, update, sync or uninstall"


class Touched(TypedDict):
    path: str  # relative to the root with `/` (absolute only for a symlink's target outside it)
    existed: bool  # then its original is saved as UNDO_DIR/<index> before its first change


class Record(TypedDict):
    format: int
    command: str  # install, update, sync, uninstall
    pid: int
    started: str
    commits: bool  # False: the manifest does not change, so the command ends when the journal goes
    manifest_sha256: str | None  # the manifest the commit writes; None: the commit removes it
    touched: list[Touched]  # every path the command changes, in the order it first changes them
    new_dirs: list[str]  # folders that did not exist (a rollback removes them when empty)
    remove: list[str]  # after the commit (uninstall): the kit's bookkeeping, removed
    prune: list[str]  # after the commit (uninstall): folders removed when empty


def new_record(command: str) -> Record:
    return {
        "format": JOURNAL_FORMAT,
        "command": command,
        "pid": os.getpid(),
        "started": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "commits": False,
        "manifest_sha256": None,
        "touched": [],
        "new_dirs": [],
        "remove": [],
        "prune": [],
    }


def begin(root: Path, record: Record) -> None:
    """Write the journal before the first change; it must be on disk before anything else is."""
    killpoints.before_write("journal", JOURNAL)
    atomic_write(root / JOURNAL, (json.dumps(record, indent=1) + "\n").encode())
    fsync_dir((root / JOURNAL).parent)


def load(root: Path) -> Record | None:
    path = root / JOURNAL
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, NotADirectoryError):  # a file where its folder belongs: no journal there
        return None
    except (OSError, ValueError, UnicodeDecodeError) as exc:
        raise KitError(
            f"{path}: the journal of an interrupted claude-kit command cannot be read ({exc})",
            hint=f"if you restored the kit's files from git yourself, delete {path}; otherwise "
            "reinstall the claude-kit that wrote it and rerun the command",
        ) from None
    if not isinstance(data, dict) or data.get("format") != JOURNAL_FORMAT:
        raise KitError(
            f"{path}: a journal of another claude-kit version; nothing was changed",
            hint=f"finish it with the claude-kit version that wrote it (to upgrade: {UPGRADE})",
        )
    return cast(Record, data)  # a journal of this format, written by the kit


def resolve(root: Path, rel: str) -> Path:
    return root / rel  # an absolute `rel` stays absolute


def undo_path(root: Path, index: int) -> Path:
    return root / UNDO_DIR / str(index)


def save_original(root: Path, index: int, path: Path) -> None:
    """Keep `path` as it is before its first change: a hard link (free), else a copy."""
    saved = undo_path(root, index)
    killpoints.before_write("save", path.relative_to(root) if path.is_relative_to(root) else path)
    saved.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(path, saved, follow_symlinks=False)
    except OSError:  # no hard links here (or across devices): a copy, complete or absent
        partial = saved.with_name(f"{saved.name}.tmp")
        shutil.copy2(path, partial, follow_symlinks=False)
        os.replace(partial, saved)


def committed(root: Path, record: Record) -> bool:
    """Whether the command reached its commit point (the manifest written, or removed)."""
    if not record["commits"]:
        return False
    try:
        data: bytes | None = (root / MANIFEST).read_bytes()
    except FileNotFoundError:
        data = None
    if record["manifest_sha256"] is None:
        return data is None
    return data is not None and sha256(data) == record["manifest_sha256"]


def recover(root: Path, record: Record) -> str:
    """Finish or undo an interrupted command, as its commit point says; returns what was done."""
    what = f"the interrupted `claude-kit {record['command']}` ({_origin(record)})"
    if committed(root, record):
        finish(root, record)
        return f"finished {what}: its changes were complete"
    roll_back(root, record)
    return f"rolled back {what}: every file it had changed is as it was before"


def roll_back(root: Path, record: Record) -> None:
    """Put every touched path back as it was (newest first), then forget the journal."""
    touched = record["touched"]
    for index in reversed(range(len(touched))):
        entry = touched[index]
        path = resolve(root, entry["path"])
        if entry["existed"]:
            saved = undo_path(root, index)
            if os.path.lexists(saved):  # absent: never changed, or already put back
                killpoints.before_write("restore", entry["path"])
                path.parent.mkdir(parents=True, exist_ok=True)
                os.replace(saved, path)
        elif os.path.lexists(path):
            killpoints.before_write("remove", entry["path"])
            _remove(path)
    _remove_temp_files(root, record)
    _end(root, record["new_dirs"])


def finish(root: Path, record: Record) -> None:
    """After the commit: remove the kit's bookkeeping (uninstall), then forget the journal."""
    for rel in record["remove"]:
        path = resolve(root, rel)
        if os.path.lexists(path):
            killpoints.before_write("remove", rel)
            _remove(path, keep=root / JOURNAL)
    _end(root, [*record["prune"], *record["remove"]])


def sweep(root: Path) -> None:
    """With no journal: remove what a kill while the journal was being written left behind."""
    journal = root / JOURNAL
    with contextlib.suppress(OSError):
        for tmp in journal.parent.glob(f".{journal.name}.*.tmp"):
            tmp.unlink(missing_ok=True)


def describe(root: Path) -> str | None:
    """For status and doctor: the unfinished command, and what the next lifecycle command does."""
    try:
        record = load(root)
    except KitError as exc:
        return exc.message
    if record is None:
        return None
    command = f"`claude-kit {record['command']}` ({_origin(record)})"
    if directory_is_locked(root):
        return f"{command} is changing the kit's files right now; hooks are paused until it ends"
    fate = (
        "finishes it (its manifest was written)"
        if committed(root, record)
        else "rolls it back (its manifest was not written)"
    )
    return f"{command} was interrupted; hooks are paused, and the next {LIFECYCLE} {fate}"


def _origin(record: Record) -> str:
    return f"pid {record['pid']}, started {record['started']}"


def _end(root: Path, dirs: list[str]) -> None:
    """Drop the saved originals, the empty folders and, last, the journal itself."""
    undo = root / UNDO_DIR
    if undo.exists():
        killpoints.before_write("remove", UNDO_DIR)
        shutil.rmtree(undo, ignore_errors=True)
    journal = root / JOURNAL
    holders = set(journal.parents)
    ordered = sorted({resolve(root, d) for d in dirs}, key=lambda p: len(p.parts), reverse=True)
    for d in ordered:
        if d not in holders:
            with contextlib.suppress(OSError):
                d.rmdir()
    killpoints.before_write("journal", JOURNAL)
    journal.unlink(missing_ok=True)
    # Only the folders that hold the journal are left: an interruption here leaves them empty.
    for d in ordered:
        if d in holders:
            with contextlib.suppress(OSError):
                d.rmdir()


def _remove(path: Path, *, keep: Path | None = None) -> None:
    if path.is_dir() and not path.is_symlink():
        if keep is not None and keep.is_relative_to(path):
            for child in path.iterdir():
                if child != keep and not keep.is_relative_to(child):
                    _remove(child)
            return
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


def _remove_temp_files(root: Path, record: Record) -> None:
    """The temp files of atomic writes a kill interrupted (`.<name>.<random>.tmp` beside each)."""
    names: dict[Path, set[str]] = {}
    for entry in record["touched"]:
        path = resolve(root, entry["path"])
        names.setdefault(path.parent, set()).add(path.name)
    for folder, wanted in names.items():
        with contextlib.suppress(OSError), os.scandir(folder) as entries:
            for e in entries:
                n = e.name
                if n.startswith(".") and n.endswith(".tmp") and n[1:-4].rpartition(".")[0] in wanted:
                    with contextlib.suppress(OSError):
                        os.unlink(e.path)
