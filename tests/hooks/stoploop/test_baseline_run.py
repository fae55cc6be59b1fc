"""baseline_run: a check that fails the same way on a copy of the session's starting commit is
reported, not blocking; one the session broke blocks; the gate runs checks in the worktree where a
domain changed."""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

import pytest

from claude_kit_hooks.stoploop import baseline_run, events
from tests.hooks.stoploop.conftest import Kit, allowed, blocked
from tests.hooks.stoploop.test_quality_gate import with_checks

GO = "package main\n\nfunc main() {}\n"


def _git(repo: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)


def started(kit: Kit, check: str, files: dict[str, str] | None = None) -> Kit:
    """The kit with `check`, everything committed, and the session's SessionStart baseline taken."""
    kit.install(config=with_checks(check), files={"cmd/main.go": GO, **(files or {})})
    _git(kit.repo, "add", "-A")
    _git(kit.repo, "commit", "-qm", "base")
    kit.call(events.record_baseline, "SessionStart", source="startup")
    return kit


def test_a_check_failing_the_same_way_at_the_starting_commit_is_reported_not_blocking(
    kit: Kit, tmp_path: Path
) -> None:
    runs = tmp_path / "runs.log"
    check = f"{{name: it, run: 'echo run >> {runs}; echo FAIL TestOrders: connection refused; exit 1'}}"
    started(kit, check)
    kit.edit("cmd/main.go", text="package main // changed\n")

    h = kit.stop()

    allowed(h)
    [note] = h.messages
    assert 'check "it" for backend failed (exit 1), the same way on the commit this session' in note
    assert "reported, not blocking" in note and "connection refused" in note
    assert runs.read_text().count("run") == 2  # in the tree, then once on the copy

    kit.edit("cmd/main.go", text="package main // again\n")
    allowed(kit.stop("again"))  # known now: no second run on a copy
    assert runs.read_text().count("run") == 3
    assert not [n for n in os.listdir(tmp_path) if n.startswith(baseline_run.PREFIX)]


def test_a_check_the_session_broke_blocks(kit: Kit) -> None:
    # Fails only once the session added hello.go: passes on the starting commit.
    started(kit, "{name: it, run: 'test ! -f cmd/hello.go || { echo FAIL TestHello; exit 1; }'}")
    kit.edit("cmd/hello.go")

    reason = blocked(kit.stop())

    assert 'check "it" for backend failed (exit 1)' in reason and "FAIL TestHello" in reason
    [memo] = [v for k, v in kit.state("quality").items() if k.startswith(baseline_run.MEMO)]
    assert memo["sig"] == ""  # it passed there


def test_a_copy_that_ran_the_real_trees_code_proves_nothing(kit: Kit) -> None:
    # As an editable install would: the output names the real tree, so the copy tested today's code.
    started(kit, f"{{name: it, run: 'echo FAIL in {kit.repo}/cmd/main.go; exit 1'}}")
    kit.edit("cmd/main.go", text="package main // changed\n")

    assert "FAIL in" in blocked(kit.stop())


def test_without_a_starting_commit_the_failure_blocks(kit: Kit) -> None:
    kit.install(config=with_checks("{name: it, run: 'echo broken; exit 1'}"))
    kit.edit("cmd/main.go")

    assert "broken" in blocked(kit.stop())


def test_sweep_deletes_only_old_copies(tmp_path: Path) -> None:
    old, new, other = (tmp_path / n for n in (baseline_run.PREFIX + "a", baseline_run.PREFIX + "b", "x"))
    for d in (old, new, other):
        d.mkdir()
    past = time.time() - baseline_run.STALE_AFTER - 10
    os.utime(old, (past, past))
    os.utime(other, (past, past))

    baseline_run.sweep(str(tmp_path))

    assert not old.exists() and new.exists() and other.exists()


def test_checks_run_in_the_worktree_where_the_domain_changed(
    kit: Kit, monkeypatch: pytest.MonkeyPatch
) -> None:
    started(kit, "{name: where, run: 'pwd >> \"$HOME_LOG\"'}")
    wt = kit.repo / ".claude/worktrees/agent-1"
    _git(kit.repo, "worktree", "add", "-q", "--detach", str(wt))
    log = kit.repo.parent / "where.log"
    monkeypatch.setenv("HOME_LOG", str(log))
    kit.edit(".claude/worktrees/agent-1/cmd/main.go", text="package main // in the worktree\n")

    allowed(kit.stop())

    assert log.read_text().split() == [str(wt)]
