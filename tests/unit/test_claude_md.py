"""The kit's marked block in CLAUDE.md: inserting and removing it are exact inverses."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from claude_kit import claude_md
from claude_kit.claude_md import (
    END,
    START,
    blocks,
    has_block,
    insert_block,
    line_of,
    remove_block,
    separator_for,
)
from tests.conftest import build_file_tree, tree_hashes, unchanged

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


def test_a_retired_start_wording_is_recognised(monkeypatch: pytest.MonkeyPatch) -> None:
    old = "<!-- claude-kit:start (older wording) -->"
    text = f"# R\n\n{old}\nold\n{END}\n"
    assert not has_block(text)  # only exact marker lines count, never a prefix
    monkeypatch.setattr(claude_md, "_STARTS", (START, old))
    assert has_block(text)
    assert remove_block(text, "\n") == "# R\n"


PREFIX_NOTE = "To drop the kit's rules, delete from `<!-- claude-kit:start` to `<!-- claude-kit:end -->`.\n"
# User text that mentions the markers without being the kit's block.
MENTIONS = [
    PREFIX_NOTE,
    "<!-- claude-kit:start -->\n",  # the prefix on a line of its own
    f"{START} is the kit's start marker\n",
    f"  {START}\n",  # indented: not a marker line
    f"```\n{START}\n```\n",  # a start line without its end
    f"Both: `{START}` ... `{END}`\n",
]


@pytest.mark.parametrize("mention", MENTIONS)
@pytest.mark.parametrize("where", ["above", "below"])
def test_text_mentioning_the_markers_is_never_deleted(mention: str, where: str) -> None:
    user = "# Rules\n\n" + mention
    sep = separator_for(user)
    installed = insert_block(user, BODY, sep)
    if where == "below":
        installed += "\n" + mention
    start = len(user) + len(sep)
    assert blocks(installed) == [(start, installed.index("\n" + END, start) + 1 + len(END))]
    updated = insert_block(installed, "new body", sep)
    assert updated.replace("new body", BODY.rstrip()) == installed
    expected = user if where == "above" else user + sep + "\n" + mention
    assert remove_block(installed, sep) == expected


def test_marker_lines_may_end_in_cr_or_blanks() -> None:
    text = f"# R\r\n\r\n{START}\r\nbody\r\n{END}\r\n# after\r\n"
    assert has_block(text)
    assert remove_block(text, "") == "# R\r\n\r\n# after\r\n"
    assert has_block(f"{START}  \nbody\n{END}\t\n")


def test_a_stray_start_line_above_the_block_is_kept() -> None:
    text = f"# R\n{START}\nmy note\n\n{START}\nbody\n{END}\n"
    assert remove_block(text, "\n") == f"# R\n{START}\nmy note\n"


def test_every_block_is_found() -> None:
    one = f"{START}\na\n{END}\n"
    text = f"# R\n{one}middle\n{one}"
    assert len(blocks(text)) == 2
    assert [line_of(text, s) for s, _ in blocks(text)] == [2, 6]


# Through the commands: the note survives every one of them, and `sync` tells the truth about it.
CK = Callable[..., Result]


def _commands(ck: CK, repo: Path) -> None:
    for command in ("sync", "update", "install"):
        res = ck(command, str(repo))
        assert res.exit_code == 0, res.output


def test_a_note_written_before_install_survives_every_command(ck: CK, sample_repo: Path) -> None:
    original = "# Team rules\n\n" + PREFIX_NOTE
    build_file_tree(sample_repo, {"CLAUDE.md": original})
    before = tree_hashes(sample_repo)
    assert ck("install", str(sample_repo)).exit_code == 0
    _commands(ck, sample_repo)
    text = (sample_repo / "CLAUDE.md").read_text()
    assert text.startswith(original) and text.count(START) == 1
    assert ck("uninstall", str(sample_repo)).exit_code == 0
    assert tree_hashes(sample_repo) == before


@pytest.mark.parametrize("where", ["above", "below"])
def test_a_note_added_after_install_survives_every_command(ck: CK, sample_repo: Path, where: str) -> None:
    build_file_tree(sample_repo, {"CLAUDE.md": "# Team rules\n"})
    assert ck("install", str(sample_repo)).exit_code == 0
    path = sample_repo / "CLAUDE.md"
    installed = path.read_text()
    with_note = (PREFIX_NOTE + "\n" + installed) if where == "above" else (installed + "\n" + PREFIX_NOTE)
    path.write_text(with_note)
    _commands(ck, sample_repo)
    assert path.read_text() == with_note  # nothing to change: the block is current
    (sample_repo / ".claude/claude-kit.yaml").write_text(
        (sample_repo / ".claude/claude-kit.yaml")
        .read_text()
        .replace("max_feedback_iterations: 5", "max_feedback_iterations: 4")
    )
    res = ck("sync", str(sample_repo))
    assert res.exit_code == 0, res.output
    assert "CLAUDE.md  (kit block only; your text kept)" in res.output
    synced = path.read_text()
    assert synced != with_note and synced.count(PREFIX_NOTE) == 1
    assert ck("uninstall", str(sample_repo)).exit_code == 0
    assert PREFIX_NOTE in path.read_text() and START not in path.read_text()
    assert path.read_text().startswith(PREFIX_NOTE if where == "above" else "# Team rules\n")


def test_two_blocks_are_refused_and_nothing_changes(ck: CK, sample_repo: Path) -> None:
    assert ck("install", str(sample_repo)).exit_code == 0
    path = sample_repo / "CLAUDE.md"
    path.write_text(f"# R\n\nA copy:\n{START}\nold\n{END}\n\n" + path.read_text())
    for command in ("sync", "update", "install", "uninstall"):
        with unchanged(sample_repo):
            res = ck(command, str(sample_repo))
        assert res.exit_code == 2, res.output
        assert f"{path}: the kit's block markers appear 2 times (lines 4 and 8)" in res.output
