"""State an older kit kept in the checkout (decision log under local/, locks and feature state under the
output folder) moves to the repository's shared folder on `claude-kit update` or `doctor --fix`: every
record kept, in order; uninstall removes the shared state that is the kit's and keeps the team's
feature manifests."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from tests.conftest import git
from tests.hooks.hookrun import install

CK = Callable[..., Result]
SHARED = ".git/claude-kit"
OLD_LOG = ".claude/.claude-kit/local/log/decisions.jsonl"
OLD_LOCKS = ".claude/.output/locks/locks.json"
OLD_FEATURES = ".claude/.output/features"


def record(ts: str, session: str) -> str:
    return json.dumps({"ts": ts, "session_id": session, "event": "PreToolUse", "hook": "agent_first",
                       "decision": "allow", "reason": "r"}) + "\n"  # fmt: skip


def lock(agent: str) -> dict[str, str]:
    return {"agent": agent, "acquired_at": "2026-01-01T00:00:00Z", "expires_at": "2999-01-01T00:00:00Z"}


@pytest.fixture
def old_state(tmp_repo: Path, ck: CK, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An installed repository whose state is where kits before the shared folder kept it, and whose
    hooks (already the new ones) wrote a little to the shared folder since."""
    repo = install(tmp_repo)
    monkeypatch.chdir(repo)
    assert ck("feature", "start", "old work", "--type", "small").exit_code == 0
    [fid] = [p.name for p in (repo / SHARED / "features").iterdir() if p.is_dir()]
    old_dir = repo / OLD_FEATURES / fid
    old_dir.mkdir(parents=True, exist_ok=True)
    shutil.move(repo / SHARED / "features" / fid / "MANIFEST.yaml", old_dir / "MANIFEST.yaml")
    shutil.move(repo / SHARED / "features/active.json", repo / OLD_FEATURES / "active.json")
    shutil.rmtree(repo / SHARED / "features")
    log = repo / OLD_LOG
    log.parent.mkdir(parents=True, exist_ok=True)
    log.with_name("decisions.jsonl.1").write_text(record("2026-01-01T00:00:00Z", "s1"))
    log.write_text(record("2026-01-02T00:00:00Z", "s2"))
    with (repo / SHARED / "log/decisions.jsonl").open("a") as shared_log:  # `feature start` logged too
        shared_log.write(record("2026-01-03T00:00:00Z", "s3"))
    (repo / OLD_LOCKS).parent.mkdir(parents=True, exist_ok=True)
    (repo / OLD_LOCKS).write_text(json.dumps({"a.go": lock("old"), "b.go": lock("old")}))
    (repo / SHARED / "locks").mkdir(parents=True)
    (repo / SHARED / "locks/locks.json").write_text(json.dumps({"b.go": lock("new")}))
    return repo


def assert_moved(repo: Path, ck: CK) -> None:
    assert not (repo / OLD_LOG).exists() and not (repo / OLD_LOG).with_name("decisions.jsonl.1").exists()
    logged = json.loads(ck("log", "--limit", "0", "--format", "json").output)
    sessions = [r["session_id"] for r in logged if r["event"] != "Task"]  # `feature` logs Task records
    assert sessions == ["s1", "s2", "s3"]  # every record, oldest first
    assert not (repo / OLD_LOCKS).exists()
    held = json.loads((repo / SHARED / "locks/locks.json").read_text())
    assert {path: rec["agent"] for path, rec in held.items()} == {"a.go": "old", "b.go": "new"}
    assert not list((repo / OLD_FEATURES).rglob("MANIFEST.yaml"))
    assert not (repo / OLD_FEATURES / "active.json").exists()
    active = json.loads((repo / SHARED / "features/active.json").read_text())
    assert active["name"] == "old work" and active["manifest"].startswith(f"{SHARED}/features/")
    assert "-old-work  small  in_progress" in ck("feature", "status").output


def test_doctor_reports_state_left_in_the_checkout_and_fix_moves_it(old_state: Path, ck: CK) -> None:
    before = ck("doctor")
    assert before.exit_code == 1
    assert f"state in the checkout, not shared by its worktrees: {OLD_LOG}" in before.output
    fixed = ck("doctor", "--fix")
    assert "the decision log (2 file(s))" in fixed.output, fixed.output
    assert_moved(old_state, ck)
    assert "not shared by its worktrees" not in ck("doctor").output


def test_update_moves_it(old_state: Path, ck: CK) -> None:
    result = ck("update")
    assert result.exit_code == 0, result.output
    assert "shared   moved 1 feature manifest(s)" in result.output
    assert_moved(old_state, ck)
    assert ck("update").output.count("shared ") == 0  # nothing left to move: says nothing


def test_a_manifest_already_shared_is_never_overwritten(old_state: Path, ck: CK) -> None:
    [old] = list((old_state / OLD_FEATURES).glob("*/MANIFEST.yaml"))
    shared = old_state / SHARED / "features" / old.parent.name / "MANIFEST.yaml"
    shared.parent.mkdir(parents=True)
    shared.write_text(old.read_text().replace("old work", "newer work"))
    assert f"kept {old.relative_to(old_state).as_posix()}" in ck("update").output
    assert old.is_file() and "newer work" in shared.read_text()


def test_uninstall_removes_the_kits_shared_state_and_keeps_the_feature_manifests(
    old_state: Path, ck: CK
) -> None:
    assert ck("update").exit_code == 0
    result = ck("uninstall")
    assert result.exit_code == 0, result.output
    assert "kept the feature manifests" in result.output
    assert sorted(p.name for p in (old_state / SHARED).iterdir()) == ["features"]
    assert not (old_state / SHARED / "features/active.json").exists()


def test_doctor_warns_while_the_kit_is_not_committed(
    tmp_repo: Path, ck: CK, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = install(tmp_repo)
    monkeypatch.chdir(repo)
    assert "warn the kit is not committed (.claude/" in ck("doctor").output
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "kit")
    assert "ok   the kit is committed (every worktree gets it)" in ck("doctor").output


def test_fix_lists_the_kit_files_git_ignores_in_worktreeinclude(
    tmp_repo: Path, ck: CK, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = install(tmp_repo)
    monkeypatch.chdir(repo)
    (repo / ".gitignore").write_text("/.claude/hooks/claude-kit.json\n/.claude/agents/\n")
    (repo / ".worktreeinclude").write_text(".env")  # the user's line, without a newline at its end
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "kit")
    before = ck("doctor").output
    assert "git ignores kit files a worktree needs" in before
    assert ".claude/agents/, .claude/hooks/claude-kit.json" in before
    assert "added    .claude/agents/ to .worktreeinclude" in ck("doctor", "--fix").output
    lines = (repo / ".worktreeinclude").read_text().splitlines()
    assert lines[0] == ".env" and lines[-2:] == [".claude/agents/", ".claude/hooks/claude-kit.json"]
    after = ck("doctor").output
    assert "ok   git-ignored kit files listed in .worktreeinclude" in after
    # What Claude Code copies into a worktree it makes: the ignored entries these lines name.
    listed = git(repo, "ls-files", "--others", "--ignored", "--exclude-standard", "--directory").split()
    assert {".claude/agents/", ".claude/hooks/claude-kit.json"} <= set(listed)
