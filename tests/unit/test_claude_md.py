"""The kit's marked block in CLAUDE.md: inserting and removing it are exact inverses."""

from __future__ import annotations

import pytest

from claude_kit import claude_md
from claude_kit.claude_md import END, START, has_block, insert_block, remove_block, separator_for

BODY = "# claude-kit\n\nDelegate domain edits to the developer agents.\n"
TEXTS = [
    "",
    "# Rules\n",
    "# Rules\n\n",
    "# Rules\n\n\n",
    "# Rules without a trailing newline",
    "# Rules\r\nWindows line endings\r\n",
    "# Rules\r\nno final CRLF",
    "# Rules\r\n\r\n",
    "\n",
    "   ",
    "émoji ✓ and ünïcode\n",
    "a\n\nb\n\n\nc",
]


@pytest.mark.parametrize("text", TEXTS)
def test_remove_is_the_exact_inverse_of_insert(text: str) -> None:
    sep = separator_for(text)
    installed = insert_block(text, BODY, sep)
    assert has_block(installed)
    assert installed.startswith(text)  # the user's content is untouched, the block goes after it
    assert installed.endswith(END + "\n")
    assert remove_block(installed, sep) == text


@pytest.mark.parametrize("text", TEXTS)
def test_insert_is_idempotent_and_updates_in_place(text: str) -> None:
    sep = separator_for(text)
    once = insert_block(text, BODY, sep)
    assert insert_block(once, BODY, sep) == once
    newer = insert_block(once, "new body", sep)
    assert "new body" in newer and "Delegate domain" not in newer
    assert newer.count(END) == 1
    assert remove_block(newer, sep) == text


def test_separator_keeps_one_blank_line_before_the_block() -> None:
    for text in ("# Rules", "# Rules\n", "# Rules\n\n"):
        assert insert_block(text, BODY, separator_for(text)).startswith("# Rules\n\n" + START)
    assert insert_block("", BODY, separator_for("")).startswith(START)


def test_block_body_is_framed_by_the_markers() -> None:
    out = insert_block("", "line one\n\n\n", "")
    assert out == f"{START}\nline one\n{END}\n"


@pytest.mark.parametrize(
    ("before", "after"),
    [
        ("", "# Rules\n"),  # block moved to the top
        ("# Top\n", "# Bottom\n"),  # block moved into the middle
        ("# Top\n\n", "\n# Bottom\n"),
    ],
)
def test_block_moved_by_the_user_is_cut_out_cleanly(before: str, after: str) -> None:
    block = f"{START}\n{BODY.rstrip()}\n{END}\n"
    moved = before + block + after
    assert remove_block(moved, separator_for(before)) == before + after
    # Updating a moved block keeps it where the user put it.
    updated = insert_block(moved, "new body", "\n")
    assert updated.startswith(before + START) and updated.endswith(END + "\n" + after)


def test_user_text_after_the_block_is_kept() -> None:
    text = "# Rules\n"
    sep = separator_for(text)
    installed = insert_block(text, BODY, sep) + "\nMy later note.\n"
    out = remove_block(installed, sep)
    assert out.startswith("# Rules\n") and out.endswith("My later note.\n")
    assert "claude-kit" not in out


def test_text_without_a_block_is_left_alone() -> None:
    for text in TEXTS + [f"{START}\nunterminated\n"]:
        assert remove_block(text, "\n") == text
    assert not has_block(f"{START}\nno end marker\n")


def test_an_older_start_marker_text_is_still_recognised() -> None:
    # Only the marker's stable prefix is matched, so a reworded explanation still counts.
    old = "<!-- claude-kit:start (older wording) -->\nold\n" + END + "\n"
    assert claude_md.has_block(old)
    assert remove_block("# R\n\n" + old, "\n") == "# R\n"
