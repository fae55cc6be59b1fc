# claude-kit: managed, id=hooks/claude_kit_hooks/store/jsonfile
"""JSON files shared by concurrent hook processes: read without a lock (a replace is atomic), write by
temp file + fsync + rename, and read-modify-write under an exclusive lock on `<path>.lock`.

A write that fails (a full disk, a read-only folder) leaves the file as it was and no temp file
behind, and raises StateWriteError naming the file: what the hook meant to record is lost, so the
runtime tells the user what (runtime/failure.py) instead of dropping it silently."""

from __future__ import annotations

import os
import time

from claude_kit_hooks.runtime.jsonio import dumps, loads

TYPE_CHECKING = False  # typing costs ~14 ms at a hook's start-up; mypy still reads the branch
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any


def read_json(path: str, default: Any = None) -> Any:
    try:
        with open(path, encoding="utf-8") as f:
            return loads(f.read())
    except (OSError, ValueError):
        return default


LOCK_WAIT = 20.0  # seconds a writer waits, then fails: well inside the Stop hook's timeout (60 s or more)


class Locked:
    """Exclusive lock on `<path>.lock`: every writer of a shared file serialises on it. A lock held
    longer than LOCK_WAIT (a hung writer, or a `flock` someone runs to keep a hook from recording) is
    an OSError (EAGAIN), not a wait until the runtime kills the hook and its decision with it."""

    def __init__(self, path: str) -> None:
        self.path = path + ".lock"
        self.fd = -1

    def __enter__(self) -> Locked:
        os.makedirs(os.path.dirname(self.path), exist_ok=True)
        self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        if os.name == "nt":  # pragma: no cover
            import msvcrt

            msvcrt.locking(self.fd, msvcrt.LK_LOCK, 1)  # type: ignore[attr-defined,unused-ignore]
        else:
            import fcntl

            deadline = time.monotonic() + LOCK_WAIT
            while True:
                try:
                    fcntl.flock(self.fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                    break
                except BlockingIOError:
                    if time.monotonic() >= deadline:
                        os.close(self.fd)
                        raise
                    time.sleep(0.01)
        return self

    def __exit__(self, *exc: object) -> None:
        os.close(self.fd)  # closing releases the lock


class StateWriteError(OSError):
    """A state file could not be written; `filename` is the file, `errno` why (ENOSPC: disk full)."""

    def __init__(self, path: str, cause: OSError) -> None:
        super().__init__(cause.errno, cause.strerror or str(cause), path)

    @property
    def reason(self) -> str:
        """Why, in the user's words."""
        import errno

        words = {
            "ENOSPC": "disk full",
            "EDQUOT": "disk quota exceeded",
            "EROFS": "read-only file system",
            "EACCES": "permission denied",
            "EPERM": "permission denied",
            "EFBIG": "file size limit exceeded",
            "EAGAIN": f"locked by another process for more than {LOCK_WAIT:g} s",
            "EWOULDBLOCK": f"locked by another process for more than {LOCK_WAIT:g} s",
        }
        name = errno.errorcode.get(self.errno or 0, "")  # by name: not every platform has every code
        return words.get(name) or self.strerror or "write failed"


def write_json_atomic(path: str, data: Any, *, fs: Any = os) -> None:
    """Replace `path` with `data` as JSON (see write_atomic)."""
    write_atomic(path, dumps(data).encode("utf-8"), fs=fs)  # a value JSON cannot hold fails before


def write_atomic(path: str, raw: bytes, *, fs: Any = os) -> None:
    """Replace `path` with `raw`: whole or not at all, and no temp file left on any failure.

    An OSError is raised as StateWriteError. `fs` (tests only) stands for the `os` module, so that a
    test can make one of its calls fail the way a full disk does.
    """
    tmp = f"{path}.{os.getpid()}.tmp"
    try:
        fs.makedirs(os.path.dirname(path), exist_ok=True)
        fd = fs.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_BINARY", 0), 0o644)
        try:
            view = memoryview(raw)
            while view:
                view = view[fs.write(fd, view) :]
            fs.fsync(fd)
        finally:
            os.close(fd)
        fs.replace(tmp, path)
    except BaseException as exc:  # KeyboardInterrupt too: the temp file must not outlive the write
        import contextlib  # only on failure: a hook that writes nothing never loads it

        with contextlib.suppress(OSError):  # not created at all, or already gone
            os.unlink(tmp)
        if isinstance(exc, OSError) and not isinstance(exc, StateWriteError):
            raise StateWriteError(path, exc) from exc
        raise


def update_json(path: str, fn: Callable[[Any], Any], default: Any = None, *, fs: Any = os) -> Any:
    """Read-modify-write under the lock; `fn(data) -> data`. Returns the new data.

    Raises StateWriteError when the lock or the file cannot be written (`fs`: see write_json_atomic).
    """
    lock = Locked(path)
    try:
        lock.__enter__()
    except OSError as exc:  # the lock file cannot be created: nothing can be recorded either
        raise StateWriteError(path, exc) from exc
    try:
        data = read_json(path, default if default is not None else {})
        new = fn(data)
        write_json_atomic(path, new, fs=fs)
        return new
    finally:
        lock.__exit__()
