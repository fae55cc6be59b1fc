"""The kit owns one marked block inside the repository's CLAUDE.md; the rest is the user's."""

from __future__ import annotations

START = "<!-- claude-kit:start (managed by claude-kit; edit .claude/claude-kit.yaml instead) -->"
END = "<!-- claude-kit:end -->"


def _span(text: str) -> tuple[int, int] | None:
    i = text.find(START.split(" (")[0])
    if i == -1:
        return None
    j = text.find(END, i)
    if j == -1:
        return None
    return i, j + len(END)


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
    if after.startswith("\n"):
        after = after[1:]
    if not after and separator and before.endswith(separator):
        before = before[: -len(separator)]
    return before + after


def has_block(text: str) -> bool:
    return _span(text) is not None
