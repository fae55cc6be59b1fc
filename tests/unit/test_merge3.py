"""Three-way merge of a user-edited kit file with a newer kit version."""

from __future__ import annotations

from claude_kit.merge3 import merge3

BASE = b"".join(f"line {i}\n".encode() for i in range(1, 11))


def _with(data: bytes, index: int, line: bytes) -> bytes:
    lines = data.splitlines(keepends=True)
    lines[index] = line
    return b"".join(lines)


def test_edits_in_different_places_merge_cleanly() -> None:
    ours = _with(BASE, 1, b"team rule\n")
    theirs = BASE + b"new kit guidance\n"
    merged, clean = merge3(ours, BASE, theirs)
    assert clean
    assert merged == _with(BASE, 1, b"team rule\n") + b"new kit guidance\n"


def test_same_line_changed_differently_conflicts_with_labelled_markers() -> None:
    ours = _with(BASE, 4, b"ours\n")
    theirs = _with(BASE, 4, b"theirs\n")
    merged, clean = merge3(ours, BASE, theirs)
    assert not clean
    assert b"<<<<<<< yours\nours\n=======\ntheirs\n>>>>>>> claude-kit\n" in merged


def test_identical_changes_on_both_sides_are_clean() -> None:
    both = _with(BASE, 2, b"same fix\n")
    assert merge3(both, BASE, both) == (both, True)


def test_only_one_side_changed() -> None:
    ours = _with(BASE, 0, b"mine\n")
    assert merge3(ours, BASE, BASE) == (ours, True)
    theirs = _with(BASE, 9, b"kit\n")
    assert merge3(BASE, BASE, theirs) == (theirs, True)


def test_missing_base_means_everything_differs() -> None:
    # Without the recorded base (deleted by hand) two different files cannot merge silently.
    merged, clean = merge3(b"user\n", b"", b"kit\n")
    assert not clean


def test_non_ascii_and_no_trailing_newline_survive() -> None:
    base = "α\nβ\nγ".encode()
    ours = "α (team)\nβ\nγ".encode()
    theirs = "α\nβ\nγ ✓".encode()
    merged, clean = merge3(ours, base, theirs)
    assert clean and merged == "α (team)\nβ\nγ ✓".encode()
