"""Atomic writes and exclusive locks: the only primitives that touch the disk."""

from __future__ import annotations

import contextlib
import hashlib
import os
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path


def atomic_write(path: Path, data: bytes, *, mode: int | None = None) -> None:
    """Replace `path` with `data` so readers see the old or the new bytes, never a torn file.

    A symlink (CLAUDE.md -> AGENTS.md is common) is written through, never replaced by a file.
    """
    if path.is_symlink():
        path = Path(os.path.realpath(path))
    path.parent.mkdir(parents=True, exist_ok=True)
    if mode is None:
        try:
            mode = path.stat().st_mode & 0o7777
        except FileNotFoundError:
            mode = 0o644
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


@contextlib.contextmanager
def exclusive_lock(lock_path: Path) -> Iterator[None]:
    """Serialise writers (two installs, a hook and the CLI) on one lock file."""
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_path, "a+b") as f:
        if sys.platform == "win32":  # pragma: no cover - exercised on Windows CI only
            import msvcrt

            f.seek(0)
            msvcrt.locking(f.fileno(), msvcrt.LK_LOCK, 1)
            try:
                yield
            finally:
                f.seek(0)
                msvcrt.locking(f.fileno(), msvcrt.LK_UNLCK, 1)
        else:
            import fcntl

            fcntl.flock(f.fileno(), fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(f.fileno(), fcntl.LOCK_UN)


def fsync_dir(directory: Path) -> None:
    """Make a rename or a new file in `directory` durable (a no-op where folders cannot be opened)."""
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


@contextlib.contextmanager
def directory_lock(directory: Path, *, on_wait: Callable[[], None] | None = None) -> Iterator[None]:
    """Serialise the kit's lifecycle commands on one repository.

    The lock is an flock on the folder itself, so taking it creates nothing inside the repository
    (an uninstall gives back every byte and folder) and no lock file can be deleted under a waiter.
    Where a folder cannot be locked (Windows, some network file systems) a lock file named after the
    folder in the temp folder stands in. `on_wait` runs once when another process holds the lock.
    """
    if sys.platform != "win32":
        import fcntl

        fd = os.open(directory, os.O_RDONLY)
        try:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                locked = True
            except BlockingIOError:
                if on_wait is not None:
                    on_wait()
                fcntl.flock(fd, fcntl.LOCK_EX)
                locked = True
            except OSError:  # pragma: no cover - a file system without flock on folders
                locked = False
            if locked:
                yield
                return
        finally:
            os.close(fd)  # closing the descriptor releases the lock
    with exclusive_lock(_stand_in_lock(directory)):  # pragma: no cover - Windows and odd file systems
        yield


def directory_is_locked(directory: Path) -> bool:
    """Whether a lifecycle command holds `directory_lock(directory)` right now."""
    if sys.platform == "win32":  # pragma: no cover - exercised on Windows CI only
        return False
    import fcntl

    fd = os.open(directory, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)  # shared: a probe never holds a command up
    except BlockingIOError:
        return True
    except OSError:  # pragma: no cover - a file system without flock on folders
        return False
    finally:
        os.close(fd)
    return False


def _stand_in_lock(directory: Path) -> Path:  # pragma: no cover - Windows and odd file systems
    key = hashlib.sha256(str(directory).encode()).hexdigest()[:16]
    return Path(tempfile.gettempdir()) / f"claude-kit-{key}.lock"
