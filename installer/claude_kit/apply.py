"""The only writer: applies a Plan under the repository's lock, journaled, all or nothing.

`locked(root)` is held by every lifecycle command from before it reads the repository until its
last write (plan under the lock, not before it), and first finishes or undoes a command a kill
interrupted (`journal.recover`). `apply_plan` then journals the plan, saves each original before
its first change, writes each file atomically, commits by writing the manifest (or, to uninstall,
removing it) and forgets the journal. A failure or Ctrl-C before the commit rolls back at once; a
kill leaves the journal for the next command. `killpoints` makes a test stop it before any write.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterator
from pathlib import Path
from typing import NamedTuple

import click

from claude_kit import journal, killpoints
from claude_kit.errors import KitError
from claude_kit.fsutil import atomic_write, directory_lock
from claude_kit.manifest import dumps, sha256
from claude_kit.plan import ASIDE_SUFFIX, Plan
from claude_kit_hooks.contract.layout import CONFLICT_SUFFIX, JOURNAL, MANIFEST, UNDO_DIR


class Op(NamedTuple):
    kind: str  # write, rename, delete
    path: Path  # written or deleted, or the rename's source
    data: bytes = b""
    mode: int | None = None
    dest: Path | None = None  # the rename's destination


@contextlib.contextmanager
def locked(root: Path, *, dry_run: bool = False) -> Iterator[None]:
    """Hold the repository's lock; first finish or undo a command that was interrupted."""

    def waiting() -> None:
        click.echo(
            f"{root}: another claude-kit command is changing the kit's files; waiting for it", err=True
        )

    with directory_lock(root, on_wait=waiting):
        record = journal.load(root)
        if record is not None:
            if dry_run:
                raise KitError(
                    f"{root / JOURNAL}: `claude-kit {record['command']}` was interrupted; "
                    "nothing was changed",
                    hint="run the command without --dry-run: it first finishes or undoes the interrupted one "
                    "(`claude-kit doctor` says which)",
                )
            click.echo(journal.recover(root, record))
        journal.sweep(root)
        yield


def preflight(root: Path, plan: Plan) -> None:
    """Refuse before the first write when any target cannot be written (read-only file or folder)."""
    for action in plan.actions:
        if action.write is None and not action.delete and action.beside is None and action.restore is None:
            continue
        target = root / action.path
        if target.is_symlink() and action.write is not None and not action.move_aside:
            real = Path(os.path.realpath(target))
            if not real.is_relative_to(Path(os.path.realpath(root))):
                raise KitError(
                    f"{target}: is a symlink to {real}, outside the repository; nothing was changed",
                    hint="replace the link with a file (or point it inside the repository), then rerun",
                )
        probe = target if target.exists() else next(p for p in [target, *target.parents] if p.exists())
        writable_dir = probe if probe.is_dir() else probe.parent
        if target.exists() and not os.access(target, os.W_OK):
            raise KitError(f"{target}: file is read-only; nothing was changed", hint=f"chmod u+w {target}")
        if not os.access(writable_dir, os.W_OK):
            raise KitError(
                f"{writable_dir}: folder is not writable; nothing was changed",
                hint=f"chmod u+w {writable_dir}",
            )


def ops_of(root: Path, plan: Plan) -> list[Op]:
    """The plan's changes in order, the commit (manifest) last."""
    ops: list[Op] = []
    for a in plan.actions:
        target = root / a.path
        if a.move_aside:
            ops.append(Op("rename", target, dest=target.with_name(target.name + ASIDE_SUFFIX)))
        if a.restore is not None:
            ops.append(Op("rename", root / a.restore, dest=target))
        if a.write is not None:
            # A symlink (CLAUDE.md -> AGENTS.md) is written through: its target is what changes.
            real = Path(os.path.realpath(target)) if target.is_symlink() else target
            ops.append(Op("write", real, a.write, a.mode))
        if a.beside is not None:
            ops.append(Op("write", target.with_name(target.name + CONFLICT_SUFFIX), a.beside))
        if a.delete and os.path.lexists(target):
            ops.append(Op("delete", target))
    for rel, data in plan.base_files.items():
        if _read(root / rel) != data:
            ops.append(Op("write", root / rel, data))
    manifest = root / MANIFEST
    if plan.manifest is not None:
        data = dumps(plan.manifest)
        if _read(manifest) != data:
            ops.append(Op("write", manifest, data))
    elif MANIFEST in plan.remove_paths and manifest.exists():
        ops.append(Op("delete", manifest))
    return ops


def apply_plan(root: Path, plan: Plan, *, command: str = "install") -> None:
    """Apply `plan`; the caller holds `locked(root)`."""
    if plan.errors:
        raise KitError("refusing to change anything:\n  " + "\n  ".join(plan.errors))
    preflight(root, plan)
    ops = ops_of(root, plan)
    record = journal.new_record(command)
    if plan.manifest is None:  # uninstall: the kit's bookkeeping goes once the manifest is gone
        record["remove"] = [r for r in plan.remove_paths if r != MANIFEST]
        record["prune"] = list(plan.prune_dirs)
    if ops and ops[-1].path == root / MANIFEST:
        record["commits"] = True
        record["manifest_sha256"] = sha256(ops[-1].data) if ops[-1].kind == "write" else None
    if not ops and not record["remove"] and not record["prune"]:
        return  # nothing to change: not even a journal (a second install changes no byte)
    index = _touch_list(root, ops, record)
    journal.begin(root, record)
    saved: set[int] = set()
    try:
        for op in ops:
            for path in filter(None, (op.path, op.dest)):
                if index[path] not in saved:  # its first change: keep the original first
                    saved.add(index[path])
                    if record["touched"][index[path]]["existed"]:
                        journal.save_original(root, index[path], path)
            _run(root, op)
    except BaseException as exc:
        _abandon(root, record, exc)
        raise
    try:
        journal.finish(root, record)
    except OSError as exc:
        raise KitError(
            f"{exc.filename or root}: {exc.strerror}; the changes are complete, but cleaning up failed",
            hint="rerun the command: it finishes the cleanup first",
        ) from None


def _touch_list(root: Path, ops: list[Op], record: journal.Record) -> dict[Path, int]:
    """Fill the record's touched paths and new folders; map each path to its index (its undo name)."""
    index: dict[Path, int] = {}
    for op in ops:
        for path in (op.path, op.dest):
            if path is not None and path not in index:
                index[path] = len(record["touched"])
                rel = path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)
                record["touched"].append({"path": rel, "existed": os.path.lexists(path)})
    new_dirs: set[Path] = set()
    for path in [*index, root / JOURNAL, root / UNDO_DIR / "0"]:
        for d in path.parents:
            if d == root or not d.is_relative_to(root) or d.exists():
                break
            new_dirs.add(d)
    record["new_dirs"] = sorted(d.relative_to(root).as_posix() for d in new_dirs)
    return index


def _run(root: Path, op: Op) -> None:
    rel = op.path.relative_to(root).as_posix() if op.path.is_relative_to(root) else str(op.path)
    killpoints.before_write(op.kind, rel)
    if op.kind == "write":
        atomic_write(op.path, op.data, mode=op.mode)
    elif op.kind == "rename":
        assert op.dest is not None
        op.dest.parent.mkdir(parents=True, exist_ok=True)
        os.replace(op.path, op.dest)
    else:
        op.path.unlink(missing_ok=True)


def _abandon(root: Path, record: journal.Record, exc: BaseException) -> None:
    """A failure or Ctrl-C midway: undo at once (or finish, past the commit); else the next command does."""
    try:
        if journal.committed(root, record):
            journal.finish(root, record)
            outcome = "the changes were complete and are kept"
        else:
            journal.roll_back(root, record)
            outcome = "the changes made so far were rolled back"
    except BaseException:
        outcome = "the next claude-kit command finishes or rolls back what was done so far"
        if isinstance(exc, OSError):
            raise KitError(f"{exc.filename or root}: {exc.strerror}; {outcome}") from None
        click.echo(f"interrupted; {outcome}", err=True)
        raise
    if isinstance(exc, OSError):
        raise KitError(f"{exc.filename or root}: {exc.strerror}; {outcome}") from None
    if isinstance(exc, KeyboardInterrupt):
        click.echo(f"interrupted; {outcome}", err=True)


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
        return None
