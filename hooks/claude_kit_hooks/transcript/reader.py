# claude-kit: managed, id=hooks/claude_kit_hooks/transcript/reader
"""Read the runtime's own files (session and agent transcripts, agent metadata) without trusting them:
the payload names the path, so it may be a FIFO (an open would wait for a writer forever), a device,
or a file of gigabytes. Every reader here opens regular files only, never blocks, and reads at most a
fixed number of bytes, so its cost depends on how far the caller looks, never on the file."""

from __future__ import annotations

import os
import stat

TYPE_CHECKING = False  # typing costs ~14 ms at a hook's start-up; mypy still reads the branch
if TYPE_CHECKING:
    from collections.abc import Iterator
    from typing import Any, BinaryIO

DEFAULT_MAX_BYTES = 4 * 1024 * 1024
# O_NONBLOCK: a FIFO swapped in after the stat below opens at once instead of waiting for a writer;
# O_NOCTTY: a terminal device never becomes the hook's controlling terminal. Both are 0 where absent.
_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_BINARY", 0)


def open_regular(path: str) -> BinaryIO | None:
    """`path` opened for binary reading when it is a regular file (symlinks followed); else None.

    Stat first, so that no device or FIFO is even opened; stat the open file again, because the path
    may have been replaced in between.
    """
    try:
        # A payload value that is not text (an int would name a file descriptor) is no path at all.
        if not isinstance(path, str) or not path or not stat.S_ISREG(os.stat(path).st_mode):
            return None
        fd = os.open(path, _FLAGS)
    except (OSError, ValueError):  # ValueError: an embedded NUL
        return None
    try:
        if stat.S_ISREG(os.fstat(fd).st_mode):
            return open(fd, "rb")  # noqa: SIM115 (the caller closes it)
    except OSError:
        pass
    os.close(fd)
    return None


def tail_lines(path: str, max_bytes: int = DEFAULT_MAX_BYTES, chunk: int = 65536) -> Iterator[bytes]:
    """Yield a file's non-blank lines from the last to the first, reading at most `max_bytes`."""
    f = open_regular(path)
    if f is None:
        return
    with f:
        pos = f.seek(0, os.SEEK_END)
        read = 0
        rest = b""
        while pos > 0 and read < max_bytes:
            step = min(chunk, pos, max_bytes - read)
            pos -= step
            f.seek(pos)
            buf = f.read(step) + rest
            read += step
            lines = buf.split(b"\n")
            rest = lines[0]
            for line in reversed(lines[1:]):
                if line.strip():
                    yield line
        if pos == 0 and rest.strip():
            yield rest


def head_lines(path: str, max_lines: int, max_bytes: int = DEFAULT_MAX_BYTES) -> Iterator[bytes]:
    """Yield up to `max_lines` whole lines from the start of a file, reading at most `max_bytes`; a
    line cut by that bound ends the reading (half a JSON line is of no use)."""
    f = open_regular(path)
    if f is None:
        return
    with f:
        left = max_bytes
        for _ in range(max_lines):
            line = f.readline(left) if left > 0 else b""
            if not line:
                return
            left -= len(line)
            if left <= 0 and not line.endswith(b"\n") and f.read(1):
                return
            yield line


def read_appended(path: str, offset: int, max_bytes: int) -> tuple[int, bytes] | None:
    """What a file holds from byte `offset` on, at most `max_bytes`, as (start, data).

    `start` is `offset`, or 0 when the file is now shorter than `offset` (replaced or truncated: read
    it again from the start). None when it is not a regular file or cannot be read.
    """
    f = open_regular(path)
    if f is None:
        return None
    with f:
        try:
            size = os.fstat(f.fileno()).st_size
            start = offset if 0 <= offset <= size else 0
            f.seek(start)
            return start, f.read(min(size - start, max_bytes))
        except OSError:
            return None


def read_small_json(path: str, max_bytes: int = 1024 * 1024) -> Any:
    """The JSON value of a whole regular file of at most `max_bytes` (agent metadata and the like);
    None when it is larger, not a regular file, unreadable or not JSON."""
    f = open_regular(path)
    if f is None:
        return None
    with f:
        try:
            data = f.read(max_bytes + 1)
        except OSError:
            return None
    if len(data) > max_bytes:
        return None
    from claude_kit_hooks.runtime.jsonio import loads

    try:
        return loads(data.decode("utf-8", "replace"))
    except ValueError:
        return None
