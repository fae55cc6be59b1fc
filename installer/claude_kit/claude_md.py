"""The kit owns one marked block inside the repository's CLAUDE.md; the rest is the user's.

The block is found by its exact marker lines, never by a prefix: a line that is exactly START (or a
retired wording in PRIOR_STARTS), then a line that is exactly END, with no start line between them.
Text that only mentions a marker (inline, quoted, or a start line without its end) is the user's.
"""

from __future__ import annotations

START = "<!-- claude-kit:start (managed by claude-kit; edit .claude/claude-kit.yaml instead) -->"
END = "<!-- claude-kit:end -->"
# Earlier wordings of START, recognised so that an update still finds an older block (none so far).
PRIOR_STARTS: tuple[str, ...] = ()
_STARTS = (START, *PRIOR_STARTS)


def blocks(text: str) -> list[tuple[int, int]]:
    """(start, end) offsets of every marked block: end is just past the END marker, before its newline.

    A marker line may end in `\\r` or trailing blanks (an editor's or git's line endings), nothing else.
    """
    found: list[tuple[int, int]] = []
    start: int | None = None
    pos = 0
    for line in text.split("\n"):
        marker = line.rstrip()
        if marker in _STARTS:
            start = pos
        elif marker == END and start is not None:
            found.append((start, pos + len(END)))
            start = None
        pos += len(line) + 1
    return found


def line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def _span(text: str) -> tuple[int, int] | None:
    # More than one block is refused before any plan (repo.check_claude_md); the last one is the
    # kit's appended block in every case the kit itself produces.
    found = blocks(text)
    return found[-1] if found else None


def separator_for(text: str) -> str:
    """What goes between the user's content and an appended block (recorded for exact removal)."""
    if not text or text.endswith("\n\n"):
        return ""
    return "\n" if text.endswith("\n") else "\n\n"


def insert_block(text: str, body: str, separator: str) -> str:
    """Put (or replace in place) the kit block; a new block is appended after the user's content."""
    block = f"{START}\n{body.rstrip()}\n{END}"
    span = _span(text)
    if span is not None:
        return text[: span[0]] + block + text[span[1] :]
    return text + separator + block + "\n"


def remove_block(text: str, separator: str) -> str:
    """Exact inverse of insert_block for an appended block; a moved block is cut out cleanly."""
    span = _span(text)
    if span is None:
        return text
    before, after = text[: span[0]], text[span[1] :]
    after = after[2:] if after.startswith("\r\n") else after[1:] if after.startswith("\n") else after
    if not after and separator and before.endswith(separator):
        before = before[: -len(separator)]
    return before + after


def has_block(text: str) -> bool:
    return _span(text) is not None
