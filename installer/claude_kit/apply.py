"""The only writer: applies a Plan under the install lock, atomically per file, all or nothing."""

from __future__ import annotations

import contextlib
import os
import shutil
from pathlib import Path

from claude_kit.errors import KitError
from claude_kit.fsutil import atomic_write, exclusive_lock
from claude_kit.manifest import dumps
from claude_kit.plan import ASIDE_SUFFIX, Plan
from claude_kit_hooks.contract.layout import CONFLICT_SUFFIX, LOCAL_DIR, MANIFEST

LOCK_REL = f"{LOCAL_DIR}/install.lock"


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


def apply_plan(root: Path, plan: Plan) -> None:
    if plan.errors:
        raise KitError("refusing to change anything:\n  " + "\n  ".join(plan.errors))
    preflight(root, plan)
    undo: list[tuple[Path, bytes | None]] = []
    lock = root / LOCK_REL
    # Folders and the lock file this run creates: a rollback removes them too.
    touched = [root / a.path for a in plan.actions] + [root / r for r in plan.base_files] + [lock]
    new_dirs = {d for t in touched for d in t.parents if d.is_relative_to(root) and not d.exists()}
    lock_existed = lock.exists()
    failure: OSError | None = None

    def remember(path: Path) -> None:
        try:
            undo.append((path, path.read_bytes()))
        except FileNotFoundError:
            undo.append((path, None))

    with exclusive_lock(lock):
        try:
            for a in plan.actions:
                target = root / a.path
                if a.move_aside:
                    remember(target)
                    remember(target.with_name(target.name + ASIDE_SUFFIX))
                    os.replace(target, target.with_name(target.name + ASIDE_SUFFIX))
                if a.restore is not None:
                    remember(target)
                    remember(root / a.restore)
                    os.replace(root / a.restore, target)
                if a.write is not None:
                    remember(target)
                    atomic_write(target, a.write, mode=a.mode)
                if a.beside is not None:
                    side = target.with_name(target.name + CONFLICT_SUFFIX)
                    remember(side)
                    atomic_write(side, a.beside)
                if a.delete:
                    remember(target)
                    target.unlink(missing_ok=True)
            for rel, data in plan.base_files.items():
                p = root / rel
                if not p.exists() or p.read_bytes() != data:
                    remember(p)
                    atomic_write(p, data)
            if plan.manifest is not None:
                data = dumps(plan.manifest)
                p = root / MANIFEST
                if not p.exists() or p.read_bytes() != data:
                    remember(p)
                    atomic_write(p, data)
        except OSError as exc:
            failure = exc
            for path, old in reversed(undo):
                with contextlib.suppress(OSError):
                    if old is None:
                        path.unlink(missing_ok=True)
                    else:
                        atomic_write(path, old)
    if failure is not None:
        if not lock_existed:
            lock.unlink(missing_ok=True)
        for d in sorted(new_dirs, key=lambda p: len(p.parts), reverse=True):
            with contextlib.suppress(OSError):
                d.rmdir()
        raise KitError(
            f"{failure.filename or root}: {failure.strerror}; the changes made so far were rolled back"
        )
    if plan.manifest is None:
        for rel in plan.remove_paths:
            p = root / rel
            if p.is_dir():
                shutil.rmtree(p, ignore_errors=True)
            else:
                p.unlink(missing_ok=True)
        for rel in plan.prune_dirs:
            with contextlib.suppress(OSError):
                (root / rel).rmdir()
