# claude-kit: managed, id=hooks/claude_kit_hooks/transcript/tail
"""Read a transcript (JSONL) from its end: cost depends on how far back the caller looks, never on
the file's size."""

from __future__ import annotations

import os

TYPE_CHECKING = False  # typing costs ~14 ms at a hook's start-up; mypy still reads the branch
if TYPE_CHECKING:
    from collections.abc import Iterator

DEFAULT_MAX_BYTES = 4 * 1024 * 1024


def tail_lines(path: str, max_bytes: int = DEFAULT_MAX_BYTES, chunk: int = 65536) -> Iterator[bytes]:
    """Yield a file's non-blank lines from the last to the first, reading at most `max_bytes`."""
    try:
        f = open(path, "rb")  # noqa: SIM115 (closed by the `with` below; a generator)
    except OSError:
        return
    with f:
        f.seek(0, os.SEEK_END)
        pos = f.tell()
        read = 0
        rest = b""
        while pos > 0 and read < max_bytes:
            step = min(chunk, pos)
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
