"""update: untouched files replaced, edits kept (three-way merge or a conflict file), deletions honoured."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from click.testing import Result

from tests.conftest import tree_hashes

CK = Callable[..., Result]
AGENT = "agents/backend-reviewer.md"
SKILL = "skill-library/backend/go-error-handling/SKILL.md"


def _append_line(path: Path, line: str) -> None:
    path.write_text(path.read_text() + line + "\n")


def _replace_line(path: Path, index: int, line: str) -> None:
    lines = path.read_text().splitlines(keepends=True)
    lines[index] = line + "\n"
    path.write_text("".join(lines))


def test_untouched_file_is_replaced(ck: CK, sample_repo: Path, new_kit: Path) -> None:
    assert ck("install", str(sample_repo)).exit_code == 0
    _append_line(new_kit / AGENT, "New kit guidance.")
    res = ck("update", str(sample_repo))
    assert res.exit_code == 0, res.output
    assert f"update    .claude/{AGENT}" in res.output
    assert (sample_repo / ".claude" / AGENT).read_bytes() == (new_kit / AGENT).read_bytes()


def test_user_edit_merges_with_new_kit_version(ck: CK, sample_repo: Path, new_kit: Path) -> None:
    assert ck("install", str(sample_repo)).exit_code == 0
    installed = sample_repo / ".claude" / AGENT
    _replace_line(installed, 6, "Team lead's rule: every finding cites a file and line.")
    _append_line(new_kit / AGENT, "New kit guidance at the end.")
    res = ck("update", str(sample_repo))
    assert res.exit_code == 0, res.output
    assert "merged your edit" in res.output
    text = installed.read_text()
    assert "Team lead's rule" in text and "New kit guidance at the end." in text
    # A second update with nothing new keeps the merged file as it is.
    before = tree_hashes(sample_repo)
    assert ck("update", str(sample_repo)).exit_code == 0
    assert tree_hashes(sample_repo) == before


def test_conflicting_edit_writes_new_version_beside(ck: CK, sample_repo: Path, new_kit: Path) -> None:
    assert ck("install", str(sample_repo)).exit_code == 0
    installed = sample_repo / ".claude" / SKILL
    _replace_line(installed, 6, "The team's own line.")
    _replace_line(new_kit / SKILL, 6, "The kit's new line.")
    mine = installed.read_bytes()
    res = ck("update", str(sample_repo))
    assert res.exit_code == 1
    assert f"conflict  .claude/{SKILL}" in res.output
    assert installed.read_bytes() == mine
    beside = installed.with_name("SKILL.md.claude-kit-new")
    assert beside.read_bytes() == (new_kit / SKILL).read_bytes()


def test_user_edit_survives_when_kit_did_not_change_the_file(
    ck: CK, sample_repo: Path, new_kit: Path
) -> None:
    assert ck("install", str(sample_repo)).exit_code == 0
    installed = sample_repo / ".claude" / AGENT
    _append_line(installed, "Our addition.")
    mine = installed.read_bytes()
    res = ck("update", str(sample_repo))
    assert res.exit_code == 0
    assert installed.read_bytes() == mine


def test_deleted_file_stays_deleted(ck: CK, sample_repo: Path, new_kit: Path) -> None:
    assert ck("install", str(sample_repo)).exit_code == 0
    gone = sample_repo / ".claude" / AGENT
    gone.unlink()
    _append_line(new_kit / AGENT, "Even a newer version stays out.")
    res = ck("update", str(sample_repo))
    assert res.exit_code == 0
    assert "deleted by you; left deleted" in res.output
    assert not gone.exists()
    assert ck("update", str(sample_repo)).exit_code == 0
    assert not gone.exists()
    status = ck("status", str(sample_repo))
    assert f"missing   .claude/{AGENT}" in status.output


def test_file_dropped_from_kit_is_removed_unless_edited(ck: CK, sample_repo: Path, new_kit: Path) -> None:
    assert ck("install", str(sample_repo)).exit_code == 0
    (new_kit / AGENT).unlink()
    edited = "agents/frontend-reviewer.md"
    (new_kit / edited).unlink()
    _append_line(sample_repo / ".claude" / edited, "Ours.")
    res = ck("update", str(sample_repo))
    assert res.exit_code == 0
    assert not (sample_repo / ".claude" / AGENT).exists()
    assert "Ours." in (sample_repo / ".claude" / edited).read_text()


def _conflict(ck: CK, sample_repo: Path, new_kit: Path) -> Path:
    """An update whose kit change conflicts with the user's edit of SKILL; the installed file."""
    assert ck("install", str(sample_repo)).exit_code == 0
    installed = sample_repo / ".claude" / SKILL
    _replace_line(installed, 6, "The team's own line.")
    _replace_line(new_kit / SKILL, 6, "The kit's new line.")
    assert ck("update", str(sample_repo)).exit_code == 1
    return installed


def test_resolved_conflict_is_not_raised_again(ck: CK, sample_repo: Path, new_kit: Path) -> None:
    installed = _conflict(ck, sample_repo, new_kit)
    # The user merges the kit's version into theirs, as the kit said, and deletes the new file.
    _replace_line(installed, 6, "The team's own line, and the kit's new line.")
    beside = installed.with_name("SKILL.md.claude-kit-new")
    beside.unlink()
    merged = installed.read_bytes()
    res = ck("update", str(sample_repo))
    assert res.exit_code == 0, res.output
    assert "conflict" not in res.output
    assert installed.read_bytes() == merged and not beside.exists()
    # Their merge stays theirs: shown as modified, and the next kit change merges against it cleanly.
    assert f".claude/{SKILL}" in ck("status", str(sample_repo)).output
    _append_line(new_kit / SKILL, "Guidance of the release after.")
    res = ck("update", str(sample_repo))
    assert res.exit_code == 0, res.output
    text = installed.read_text()
    assert "The team's own line, and the kit's new line." in text
    assert "Guidance of the release after." in text


def test_status_and_doctor_name_a_pending_conflict(ck: CK, sample_repo: Path, new_kit: Path) -> None:
    _conflict(ck, sample_repo, new_kit)
    pending = f".claude/{SKILL}.claude-kit-new"
    res = ck("status", str(sample_repo))
    assert f"conflict  {pending}" in res.output, res.output
    res = ck("doctor", str(sample_repo))
    assert pending in res.output and res.exit_code == 1, res.output
    # Still unmerged: the next update names the same conflict and leaves both files as they are.
    before = tree_hashes(sample_repo)
    res = ck("update", str(sample_repo))
    assert res.exit_code == 1 and pending in res.output
    assert tree_hashes(sample_repo) == before
