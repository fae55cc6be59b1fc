# claude-kit: managed, id=hooks/claude_kit_hooks/store/jsonfile
"""JSON files shared by concurrent hook processes: read without a lock (a replace is atomic), write by
temp file + fsync + rename, and read-modify-write under an exclusive lock on `<path>.lock`."""

from __future__ import annotations

import os

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


class Locked:
    """Exclusive lock on `<path>.lock`: every writer of a shared file serialises on it."""

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

            fcntl.flock(self.fd, fcntl.LOCK_EX)
        return self

    def __exit__(self, *exc: object) -> None:
        os.close(self.fd)  # closing releases the lock


def write_json_atomic(path: str, data: Any) -> None:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tmp = f"{path}.{os.getpid()}.tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(dumps(data))
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def update_json(path: str, fn: Callable[[Any], Any], default: Any = None) -> Any:
    """Read-modify-write under the lock; `fn(data) -> data`. Returns the new data."""
    with Locked(path):
        data = read_json(path, default if default is not None else {})
        new = fn(data)
        write_json_atomic(path, new)
        return new
