"""The session registry: SessionStart records the session's checkout in the repository's shared folder
(every worktree's sessions in one place); a resume keeps the first start; week-old records go."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

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


def test_status_sessions_shows_each_sessions_agents_loops_and_the_feature(
    tmp_repo: Path, ck: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = install(tmp_repo, files={"cmd/api/main.go": "package main\n"})
    monkeypatch.chdir(repo)
    monkeypatch.setattr("claude_kit.sessions.shutil.which", lambda name: None)  # no `claude` to ask
    assert ck("feature", "start", "health check", "--type", "small").exit_code == 0
    start(repo, "s1")
    edit = fixture("PostToolUse-subagent-edit", repo, file_path=str(repo / "cmd/api/main.go"))
    edit["session_id"] = "s1"
    (repo / "cmd/api/main.go").write_text("package main\n\nfunc A() {}\n")
    run_hook(repo, "post_tool_use", edit)
    run_hook(repo, "subagent_stop", {**fixture("SubagentStop-foreground", repo), "session_id": "s1",
                                      "agent_id": edit["agent_id"]})  # fmt: skip
    data = json.loads(ck("status", "--sessions", "--format", "json").output)
    assert data["feature"]["phase"] == "setup" and data["feature"]["feature_id"].endswith("-health-check")
    [s1] = data["sessions"]
    assert (s1["session_id"], s1["checkout"], s1["active"]) == ("s1", str(repo), True)
    assert "feedback loop iteration" in s1["open_loops"] and "backend" in s1["open_loops"]
    [agent] = s1["agents"]
    assert agent["agent_id"] == edit["agent_id"] and agent["stopped"]
    assert data["runtime_sessions"] is None
    text = ck("status", "--sessions").output
    assert "session  s1  active" in text and f"{edit['agent_type']} {edit['agent_id']}  finished" in text


def test_background_sessions_from_claude_agents_json_are_those_naming_a_checkout(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from claude_kit import sessions

    here, elsewhere = tmp_path / "repo", tmp_path / "elsewhere"
    entries = [{"id": "a", "cwd": str(here)}, {"id": "b", "cwd": str(elsewhere)}]
    fake = tmp_path / "claude"
    fake.write_text(f"#!/bin/sh\n[ \"$1 $2\" = 'agents --json' ] && echo '{json.dumps(entries)}'\n")
    fake.chmod(0o755)
    monkeypatch.setattr("claude_kit.sessions.shutil.which", lambda name: str(fake))
    assert sessions.runtime_sessions(tmp_path, {str(here)}) == [entries[0]]
    fake.write_text("#!/bin/sh\necho 'not json'\n")
    assert sessions.runtime_sessions(tmp_path, {str(here)}) is None  # nothing to list, never a failure
