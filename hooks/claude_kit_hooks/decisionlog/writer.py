# claude-kit: managed, id=hooks/claude_kit_hooks/decisionlog/writer
"""Append one JSON line per decision; O_APPEND keeps concurrent writers' lines whole. Bounded by
rotation to `<log>.1 .. .N` (newest first), which `claude-kit log` reads back."""

from __future__ import annotations

import os

TYPE_CHECKING = False  # typing costs ~14 ms at a hook's start-up; mypy still reads the branch
if TYPE_CHECKING:
    from claude_kit_hooks.contract.records import Logging, LogRecord

DEFAULT_MAX_BYTES = 2_000_000
DEFAULT_KEEP = 3


def append_log(path: str, rec: LogRecord, logging_cfg: Logging | None = None) -> None:
    max_bytes = logging_cfg["max_bytes"] if logging_cfg else DEFAULT_MAX_BYTES
    keep = logging_cfg["keep"] if logging_cfg else DEFAULT_KEEP
    from claude_kit_hooks.runtime.jsonio import dumps

    line = (dumps(rec, ensure_ascii=False) + "\n").encode("utf-8", "replace")
    try:
        try:
            fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        except FileNotFoundError:
            os.makedirs(os.path.dirname(path), exist_ok=True)
            fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(fd, line)
            size = os.fstat(fd).st_size
        finally:
            os.close(fd)
        if size > max_bytes:
            _rotate(path, keep, max_bytes)
    except OSError:
        pass  # the log must never break a hook


def _rotate(path: str, keep: int, max_bytes: int) -> None:
    from claude_kit_hooks.store.jsonfile import Locked  # only here: most hook runs never rotate

    with Locked(path):
        try:
            if os.stat(path).st_size <= max_bytes:
                return  # another process rotated it while we waited for the lock
        except OSError:
            return
        for i in range(keep - 1, 0, -1):
            src = f"{path}.{i}"
            if os.path.exists(src):
                os.replace(src, f"{path}.{i + 1}")
        os.replace(path, f"{path}.1")
