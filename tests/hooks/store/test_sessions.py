"""The session registry: SessionStart records the session's checkout in the repository's shared folder
(every worktree's sessions in one place); a resume keeps the first start; week-old records go."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from tests.conftest import git
from tests.hooks.hookrun import fixture, install, run_hook

REGISTRY = ".git/claude-kit/sessions"


def start(checkout: Path, session: str, source: str = "startup") -> None:
    payload = fixture("SessionStart", checkout)
    payload.update(session_id=session, source=source, cwd=str(checkout))
    run_hook(checkout, "session_start", payload)


def test_sessions_of_two_worktrees_are_recorded_in_one_registry(tmp_repo: Path, tmp_path: Path) -> None:
    repo = install(tmp_repo)
    git(repo, "add", "-A")
    git(repo, "commit", "-q", "-m", "kit")
    other = tmp_path / "other"
    git(repo, "worktree", "add", "-q", "-b", "other", str(other))
    start(repo, "s-main")
    start(other, "s-other")
    recs = {p.stem: json.loads(p.read_text()) for p in (repo / REGISTRY).glob("*.json")}
    assert {k: v["root"] for k, v in recs.items()} == {"s-main": str(repo), "s-other": str(other)}
    assert not (other / ".git").is_dir()  # the worktree's own .git is the `gitdir:` file


def test_a_resume_keeps_the_first_start_and_old_records_go(tmp_repo: Path) -> None:
    repo = install(tmp_repo)
    start(repo, "s1")
    first = json.loads((repo / REGISTRY / "s1.json").read_text())
    stale = repo / REGISTRY / "gone.json"
    stale.write_text("{}")
    week_ago = time.time() - 8 * 86400
    os.utime(stale, (week_ago, week_ago))
    start(repo, "s1", source="resume")
    again = json.loads((repo / REGISTRY / "s1.json").read_text())
    assert again["started"] == first["started"] and again["source"] == "resume"
    assert again["seen"] >= first["seen"]
    assert not stale.exists()
