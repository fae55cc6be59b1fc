"""working_tree: changes made outside Edit/Write (Bash, scripts, formatters) are found at
SubagentStop/Stop against the session's baseline and put under review and checks."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

from claude_kit_hooks.stoploop import events, working_tree
from tests.hooks.stoploop.conftest import BACKEND, Kit, blocked, verdict_text

GO = "package main\n\nfunc main() {}\n"


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)


def agent_stops(kit: Kit, agent_type: str, agent_id: str) -> None:
    """The agent's SubagentStop: the working tree is scanned for what it changed."""
    kit.call(
        events.scan_working_tree, "SubagentStop", agent_type=agent_type, agent_id=agent_id,
        last_assistant_message="done",
    )  # fmt: skip


@pytest.fixture
def committed(kit: Kit) -> Kit:
    kit.install(files={"cmd/api/main.go": GO, "cmd/api/util.go": GO, "README.md": "# r\n"})
    _git(kit.repo, "add", "-A")
    _git(kit.repo, "commit", "-qm", "base")
    kit.call(events.record_baseline, "SessionStart", source="startup")
    return kit


def test_git_status_lists_changed_untracked_and_renamed_paths(committed: Kit) -> None:
    repo = committed.repo
    (repo / "cmd/api/main.go").write_text(GO + "// x\n")
    (repo / "new dir").mkdir()
    (repo / "new dir/a b.go").write_text(GO)
    _git(repo, "mv", "cmd/api/util.go", "cmd/api/helpers.go")

    status = working_tree.git_status(str(repo))

    assert status is not None
    head, paths = status
    assert len(head) == 40
    assert {"cmd/api/main.go", "new dir/a b.go", "cmd/api/helpers.go", "cmd/api/util.go"} <= paths


def test_a_project_below_the_repositorys_top_sees_its_own_paths(tmp_path: Path) -> None:
    top = tmp_path / "mono"
    (top / "svc/cmd").mkdir(parents=True)
    _git(top, "init", "-q")
    (top / "svc/cmd/a.go").write_text(GO)
    (top / "other.go").write_text(GO)

    status = working_tree.git_status(str(top / "svc"))

    assert status is not None and status[1] == {"cmd/a.go"}


def test_pathspecs_cover_the_domain_globs_or_everything() -> None:
    def cfg(*globs: str) -> Any:
        return {"domain_rules": [["d", "", g, []] for g in globs]}

    assert working_tree.pathspecs(cfg("**/*.go", "ui/**", "*.{ts,tsx}", "/Makefile")) == [
        ":(glob)**/*.go", ":(glob)**/*.ts", ":(glob)**/*.tsx", ":(glob)Makefile", ":(glob)ui/**",
    ]  # fmt: skip
    assert working_tree.pathspecs(cfg("src/**x/*.go")) == ["."]  # no git equivalent
    assert working_tree.pathspecs({"domain_rules": [["d", "^x$"]]}) == ["."]  # compiled before globs
    assert working_tree.pathspecs(cfg("a{b")) == ["."]


def test_no_git_means_no_status(tmp_path: Path) -> None:
    assert working_tree.git_status(str(tmp_path)) is None


def test_a_shell_change_by_the_main_thread_blocks_the_stop_with_review_and_names_the_developer(
    committed: Kit,
) -> None:
    committed.write("cmd/api/main.go", GO + "// by sed\n")  # no Edit/Write hook saw this

    reason = blocked(committed.stop())

    assert 'subagent_type "backend-reviewer"' in reason
    assert (
        "Changed outside Edit/Write (found in the working tree when the main thread or a subagent "
        "stopped): cmd/api/main.go. backend-developer should have made these backend changes" in reason
    )
    state = committed.state()["domains"]["backend"]
    assert state["files"] == ["cmd/api/main.go"] and state["found"][0]["file"] == "cmd/api/main.go"
    [rec] = committed.decisions(hook="track_modifications", decision="warn")
    assert rec["found"] == ["cmd/api/main.go"] and rec["agent"] == "backend-developer"


def test_a_file_dirty_before_the_session_is_not_the_sessions_change(kit: Kit) -> None:
    kit.install(files={"cmd/api/main.go": GO})
    _git(kit.repo, "add", "-A")
    _git(kit.repo, "commit", "-qm", "base")
    kit.write("cmd/api/main.go", GO + "// the user's unfinished work\n")
    kit.write("cmd/api/wip.go", GO)
    kit.call(events.record_baseline, "SessionStart", source="startup")

    assert kit.stop().decision is None
    assert kit.state() == {}

    kit.write("cmd/api/wip.go", GO + "// changed in the session\n")
    assert "cmd/api/wip.go" in blocked(kit.stop())


def test_a_tracked_edit_is_not_found_again_but_a_shell_change_after_it_is(committed: Kit) -> None:
    committed.edit("cmd/api/main.go", text=GO + "// edit\n")
    committed.verdict("backend-reviewer", verdict_text("review"))
    committed.verdict("backend-tester", verdict_text("testing"))
    assert committed.stop().decision is None  # the Edit was reviewed and tested: nothing new

    committed.write("cmd/api/main.go", GO + "// edit\n// then sed\n")
    assert "cmd/api/main.go" in blocked(committed.stop())


def test_the_developers_own_shell_change_is_reviewed_without_blame(committed: Kit) -> None:
    committed.write("cmd/api/util.go", GO + "// heredoc\n")
    agent_stops(committed, "backend-developer", "d1")

    reason = blocked(committed.stop())

    assert 'subagent_type "backend-reviewer"' in reason and "cmd/api/util.go" in reason
    assert "should have made" not in reason
    assert committed.state()["domains"]["backend"]["found"][0]["by"] == "backend-developer"


def test_a_reviewer_changing_code_through_bash_reopens_its_own_pass(committed: Kit) -> None:
    committed.edit("cmd/api/main.go", text=GO + "// edit\n")
    committed.verdict("backend-reviewer", verdict_text("review"), agent_id="r1")
    committed.write("cmd/api/main.go", GO + "// the reviewer 'fixed' it\n")
    agent_stops(committed, "backend-reviewer", "r1")

    reason = blocked(committed.stop())

    assert 'subagent_type "backend-reviewer"' in reason
    assert "when backend-reviewer stopped): cmd/api/main.go. backend-developer should have made" in reason


def test_a_reviewers_own_edit_is_found_at_its_stop_and_reopens_its_review(committed: Kit) -> None:
    committed.edit("cmd/api/main.go", text=GO + "// dev\n")
    committed.verdict("backend-reviewer", verdict_text("review"), agent_id="r1")
    committed.edit("cmd/api/main.go", text=GO + "// reviewer\n", agent_type="backend-reviewer", agent_id="r1")
    agent_stops(committed, "backend-reviewer", "r1")

    reason = blocked(committed.stop())

    assert 'subagent_type "backend-reviewer"' in reason
    assert "when backend-reviewer stopped): cmd/api/main.go" in reason


def test_a_testers_test_files_reopen_nothing(committed: Kit) -> None:
    committed.edit("cmd/api/main.go", text=GO + "// edit\n")
    committed.verdict("backend-reviewer", verdict_text("review"))
    committed.write("cmd/api/main_test.go", "package main\n")
    agent_stops(committed, "backend-tester", "t1")
    committed.verdict("backend-tester", verdict_text("testing"))

    assert committed.stop().decision is None
    assert committed.state()["domains"]["backend"]["verifier_changes"] == 1


def test_a_test_file_a_tester_deleted_reopens_review(kit: Kit) -> None:
    # The cheapest way to green: remove the failing test. That is a change for the reviewer.
    kit.install(files={"cmd/api/main.go": GO, "cmd/api/main_test.go": GO})
    _git(kit.repo, "add", "-A")
    _git(kit.repo, "commit", "-qm", "base")
    kit.call(events.record_baseline, "SessionStart", source="startup")
    kit.edit("cmd/api/main.go", text=GO + "// edit\n")
    kit.verdict("backend-reviewer", verdict_text("review"))
    (kit.repo / "cmd/api/main_test.go").unlink()
    agent_stops(kit, "backend-tester", "t1")
    kit.verdict("backend-tester", verdict_text("testing"))

    reason = blocked(kit.stop())

    assert 'subagent_type "backend-reviewer"' in reason and "cmd/api/main_test.go" in reason


def test_committed_and_deleted_files_are_found_and_docs_are_not(committed: Kit) -> None:
    repo = committed.repo
    (repo / "cmd/api/util.go").unlink()
    (repo / "cmd/api/main.go").write_text(GO + "// committed\n")
    (repo / "README.md").write_text("# changed docs\n")
    _git(repo, "commit", "-qam", "in the session")

    found = working_tree.scan(committed.hook("Stop"))

    assert found == {"backend": ["cmd/api/main.go", "cmd/api/util.go"]}
    assert working_tree.scan(committed.hook("Stop")) == {}  # seen now: not found twice


def test_a_session_without_a_baseline_takes_one_at_its_first_scan(kit: Kit) -> None:
    kit.install(files={"cmd/api/main.go": GO})
    assert working_tree.scan(kit.hook("Stop")) == {}
    assert kit.state("baseline")["dirty"] == {
        "cmd/api/main.go": working_tree.fingerprint(str(kit.repo / "cmd/api/main.go"))
    }
    [rec] = kit.decisions(hook="track_modifications")
    assert "no baseline from SessionStart" in rec["reason"]


def test_switched_off_with_track_modifications(kit: Kit) -> None:
    kit.install(config=BACKEND + "hooks:\n  track_modifications: {enabled: false}\n")
    kit.call(events.record_baseline, "SessionStart", source="startup")
    assert kit.state("baseline") == {}


def test_a_shell_change_runs_the_domains_checks_at_stop(kit: Kit) -> None:
    checks = (
        "    checks:\n"
        "      - {name: vet,\n"
        "         run: \"sh -c 'grep -q BROKEN cmd/api/main.go && echo vet: BROKEN && exit 1 || true'\"}\n"
        "hooks:\n  feedback_loop: {enabled: false}\n"
    )
    kit.install(config=BACKEND + checks, files={"cmd/api/main.go": GO})
    _git(kit.repo, "add", "-A")
    _git(kit.repo, "commit", "-qm", "base")
    kit.call(events.record_baseline, "SessionStart", source="startup")
    assert kit.stop().decision is None  # nothing changed: no check runs

    kit.write("cmd/api/main.go", GO + "// BROKEN\n")  # e.g. `echo '// BROKEN' >> cmd/api/main.go`

    reason = blocked(kit.stop())
    assert 'claude-kit quality gate: check "vet" for backend failed (exit 1)' in reason
    assert "vet: BROKEN" in reason


def test_a_deleted_state_folder_does_not_mean_nothing_changed(kit: Kit) -> None:
    import shutil

    kit.install(files={"cmd/api/main.go": GO})
    _git(kit.repo, "add", "-A")
    _git(kit.repo, "commit", "-qm", "start")
    kit.call(events.record_baseline, "SessionStart", source="startup")
    kit.write("cmd/api/main.go", GO + "// through a script\n")
    shutil.rmtree(Path(kit.paths.state(kit.sid, "x")).parent)  # the session's state folder

    found = working_tree.scan(kit.hook("Stop"))

    assert found == {"backend": ["cmd/api/main.go"]}
    [rec] = kit.decisions(hook="track_modifications", decision="warn", event="Stop")[:1]
    assert "baseline restored from its copy" in rec["reason"]


def test_a_state_lock_held_by_another_process_does_not_mean_nothing_to_review(
    kit: Kit, monkeypatch: pytest.MonkeyPatch
) -> None:
    import fcntl
    import os

    from claude_kit_hooks.store import jsonfile

    kit.install(files={"cmd/api/main.go": GO})
    _git(kit.repo, "add", "-A")
    _git(kit.repo, "commit", "-qm", "start")
    kit.call(events.record_baseline, "SessionStart", source="startup")
    kit.write("cmd/api/main.go", GO + "// through a script\n")
    monkeypatch.setattr(jsonfile, "LOCK_WAIT", 0.2)
    lock = kit.paths.state(kit.sid, working_tree.SEEN) + ".lock"
    fd = os.open(lock, os.O_RDWR | os.O_CREAT, 0o644)
    fcntl.flock(fd, fcntl.LOCK_EX)  # `flock` in the background, as the model might start it
    try:
        h = kit.stop()
        reason = blocked(h)
        assert reason.startswith(
            "claude-kit could not record this session's state (locked by another process"
        )
        assert "Domain files that differ from git HEAD: cmd/api/main.go." in reason
        assert "If a process of yours holds that lock, stop it." in h.messages[0]
        again = kit.stop(active=True)
        assert again.decision is None  # bounded: one block
    finally:
        os.close(fd)


def test_a_shell_change_in_a_worktree_made_during_the_session_is_found_and_a_removed_one_is_not(
    committed: Kit,
) -> None:
    wt = committed.repo / ".claude/worktrees/agent-1"
    _git(committed.repo, "worktree", "add", "-q", "--detach", str(wt))
    (wt / "cmd/api/main.go").write_text(GO + "// by sed in the worktree\n")  # no hook saw it
    (wt / "cmd/api/new.go").write_text(GO)

    assert "backend-reviewer" in blocked(committed.stop())

    found = [n["file"] for n in committed.state()["domains"]["backend"]["found"]]
    assert found == [".claude/worktrees/agent-1/cmd/api/main.go", ".claude/worktrees/agent-1/cmd/api/new.go"]

    _git(committed.repo, "worktree", "remove", "--force", str(wt))  # thrown away: no deletion to review
    committed.stop("again", active=True)
    assert len(committed.state()["domains"]["backend"]["found"]) == 2
    assert not [k for k in committed.state("worktree") if k.startswith(".claude/worktrees/")]


def test_a_commit_made_in_a_worktree_is_found(committed: Kit) -> None:
    wt = committed.repo / ".claude/worktrees/wt1"
    _git(committed.repo, "worktree", "add", "-q", "-b", "feature", str(wt))
    (wt / "cmd/api/util.go").write_text(GO + "// committed in the worktree\n")
    _git(wt, "commit", "-qam", "change")

    blocked(committed.stop())

    assert [n["file"] for n in committed.state()["domains"]["backend"]["found"]] == [
        ".claude/worktrees/wt1/cmd/api/util.go"
    ]


def test_a_pull_or_branch_switch_is_not_the_sessions_change_but_its_own_commit_is(kit: Kit) -> None:
    kit.install(files={"cmd/api/main.go": GO})
    _git(kit.repo, "add", "-A")
    _git(kit.repo, "commit", "-qm", "base")
    _git(kit.repo, "checkout", "-qb", "upstream")  # a teammate's branch, committed before the session
    kit.write("cmd/api/team.go", GO)
    _git(kit.repo, "add", "-A")
    _git(kit.repo, "commit", "-qm", "team", "--date=2020-01-01T00:00:00Z")
    subprocess.run(
        ["git", "commit", "-q", "--amend", "--no-edit"], cwd=kit.repo, check=True, capture_output=True,
        env={**os.environ, "GIT_COMMITTER_DATE": "2020-01-01T00:00:00Z"},
    )  # fmt: skip
    _git(kit.repo, "checkout", "-q", "-")
    kit.call(events.record_baseline, "SessionStart", source="startup")

    _git(kit.repo, "merge", "-q", "--ff-only", "upstream")  # = git pull
    assert kit.stop().decision is None
    assert kit.state() == {}

    kit.write("cmd/api/mine.go", GO)  # the session's own commit
    _git(kit.repo, "add", "-A")
    _git(kit.repo, "commit", "-qm", "mine")
    assert "cmd/api/mine.go" in blocked(kit.stop("again"))
    assert [n["file"] for n in kit.state()["domains"]["backend"]["found"]] == ["cmd/api/mine.go"]
