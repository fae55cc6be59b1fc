"""file_locks: the PreToolUse check that denies an edit to a file another agent holds, through the real
dispatcher (the locks themselves come from `claude-kit lock`, tested in tests/knowledge/test_locks.py)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from claude_kit import locks
from tests.conftest import build_file_tree, git_repo
from tests.hooks.hookrun import assert_clean, fixture, install, log_records, run_hook

LOCKS = ".git/claude-kit/locks/locks.json"
PAST = "2000-01-01T00:00:00Z"


def store(repo: Path) -> dict[str, dict[str, str]]:
    path = repo / LOCKS
    return json.loads(path.read_text()) if path.exists() else {}


def write_store(repo: Path, data: dict[str, dict[str, str]]) -> None:
    build_file_tree(repo, {LOCKS: json.dumps(data)})


@pytest.fixture
def kit(tmp_repo: Path) -> Path:
    return install(tmp_repo, files={"notes.txt": "a\n", "analysis.ipynb": "{}\n"})


def edit(repo: Path, agent_type: str | None, file: str = "notes.txt") -> dict:
    payload = fixture("PreToolUse-subagent-edit", repo, file_path=str(repo / file))
    if agent_type is None:
        payload.pop("agent_id"), payload.pop("agent_type")
    else:
        payload["agent_type"] = agent_type
    return payload


def test_an_edit_by_another_agent_is_denied_with_holder_expiry_and_next_steps(kit: Path) -> None:
    locks.acquire(kit, ["notes.txt"], "backend-developer")
    expires = store(kit)["notes.txt"]["expires_at"]
    result = run_hook(kit, "pre_tool_use", edit(kit, "frontend-developer"))
    assert_clean(result)
    assert result.permission == "deny"
    reason = result.reason
    assert f"notes.txt is locked by backend-developer until {expires}" in reason
    assert "this edit by frontend-developer (agent ab8cdc0b57ef5a522) was not made" in reason
    assert "A lock is released only by its holder or by the user." in reason
    assert "claude-kit lock release" not in reason  # never the command that takes another's lock
    assert "hooks: {file_locks: {enabled: false}}" in reason
    [rec] = log_records(kit, hook="file_locks", decision="deny")
    assert (rec["file"], rec["holder"], rec["agent_type"]) == (
        "notes.txt",
        "backend-developer",
        "frontend-developer",
    )


def test_a_lock_holds_for_the_same_file_in_a_worktree_under_claude_worktrees(kit: Path) -> None:
    # An `isolation: worktree` agent edits <root>/.claude/worktrees/<name>/notes.txt: the same file.
    locks.acquire(kit, ["notes.txt"], "backend-developer")
    build_file_tree(kit, {".claude/worktrees/agent-1/notes.txt": "a\n"})
    result = run_hook(
        kit, "pre_tool_use", edit(kit, "frontend-developer", ".claude/worktrees/agent-1/notes.txt")
    )
    assert result.permission == "deny"
    assert "notes.txt is locked by backend-developer until" in result.reason


def test_a_lock_is_held_by_the_agent_instance_not_its_type(kit: Path) -> None:
    locks.acquire(kit, ["notes.txt"], "a1111111111111111")
    holder = edit(kit, "backend-developer")
    holder["agent_id"] = "a1111111111111111"
    assert run_hook(kit, "pre_tool_use", holder).permission is None
    twin = edit(kit, "backend-developer")  # a second backend-developer running in parallel
    denied = run_hook(kit, "pre_tool_use", twin)
    assert denied.permission == "deny"
    assert "notes.txt is locked by a1111111111111111 until" in denied.reason
    assert "this edit by backend-developer (agent ab8cdc0b57ef5a522) was not made" in denied.reason


def test_a_finished_agents_locks_are_released_at_its_subagent_stop(kit: Path) -> None:
    me = fixture("SubagentStop-foreground", kit)["agent_id"]
    locks.acquire(kit, ["notes.txt", "src.txt"], me)
    locks.acquire(kit, ["other.txt"], "a2222222222222222")
    result = run_hook(kit, "subagent_stop", fixture("SubagentStop-foreground", kit))
    assert_clean(result)
    assert set(store(kit)) == {"other.txt"}
    [rec] = [r for r in log_records(kit, hook="file_locks") if "finished" in r["reason"]]
    assert rec["reason"] == f"{me} finished: released its locks on notes.txt, src.txt"


def test_the_holder_an_expired_lock_and_unlocked_files_are_allowed(kit: Path) -> None:
    locks.acquire(kit, ["notes.txt"], "backend-developer")
    same = run_hook(kit, "pre_tool_use", edit(kit, "backend-developer"))
    assert_clean(same)
    assert same.permission is None
    other_file = run_hook(kit, "pre_tool_use", edit(kit, "frontend-developer", "src.txt"))
    assert other_file.permission is None
    write_store(kit, {"notes.txt": {"agent": "backend-developer", "acquired_at": PAST, "expires_at": PAST}})
    expired = run_hook(kit, "pre_tool_use", edit(kit, "frontend-developer"))
    assert expired.permission is None
    assert log_records(kit, hook="file_locks", decision="allow")


def test_the_main_thread_is_agent_main(kit: Path) -> None:
    locks.acquire(kit, ["notes.txt"], "backend-developer")
    denied = run_hook(kit, "pre_tool_use", edit(kit, None))
    assert denied.permission == "deny" and "this edit by the main thread was not made" in denied.reason
    locks.release(kit, ["notes.txt"], "backend-developer")
    locks.acquire(kit, ["notes.txt"], "main")
    assert run_hook(kit, "pre_tool_use", edit(kit, None)).permission is None


def test_notebook_and_write_calls_are_checked_too(kit: Path) -> None:
    locks.acquire(kit, ["analysis.ipynb", "new.txt"], "python-developer")
    nb = fixture("PreToolUse-notebookedit", kit)
    nb["agent_id"], nb["agent_type"] = "a1", "python-tester"
    assert run_hook(kit, "pre_tool_use", nb).permission == "deny"
    write = fixture("PreToolUse-subagent-write", kit, file_path=str(kit / "new.txt"))
    assert run_hook(kit, "pre_tool_use", write).permission == "deny"


def test_the_check_can_be_switched_off(kit: Path) -> None:
    install(kit, config="version: 1\nhooks:\n  file_locks: {enabled: false}\n")
    locks.acquire(kit, ["notes.txt"], "backend-developer")
    assert run_hook(kit, "pre_tool_use", edit(kit, "frontend-developer")).permission is None
    env = {"CLAUDE_KIT_DISABLE_HOOKS": "file_locks"}
    install(kit)
    assert run_hook(kit, "pre_tool_use", edit(kit, "frontend-developer"), env=env).permission is None
    assert run_hook(kit, "pre_tool_use", edit(kit, "frontend-developer")).permission == "deny"


def test_a_corrupt_locks_file_fails_open_for_this_check(kit: Path) -> None:
    build_file_tree(kit, {LOCKS: "{torn"})
    result = run_hook(kit, "pre_tool_use", edit(kit, "frontend-developer"))
    assert_clean(result)
    assert result.permission is None


PROBE = """
import builtins, json, os, sys, time
sys.path.insert(0, sys.argv[1])
from claude_kit_hooks.edit.file_locks import file_locks
from claude_kit_hooks.runtime.hook import Hook
from claude_kit_hooks.runtime.project import Project
opened = []
real_open = builtins.open
def spy(path, *a, **k):
    opened.append(str(path))
    return real_open(path, *a, **k)
payload = json.loads(sys.stdin.read())
h = Hook("PreToolUse", payload, time.perf_counter(), Project(sys.argv[2]))
h.config  # loaded by the dispatcher before any check runs
builtins.open = spy
file_locks(h)
builtins.open = real_open
print(json.dumps({"opened": opened, "decision": h.decision}))
"""


def test_without_a_locks_file_the_check_opens_nothing(kit: Path) -> None:
    def probe() -> dict:
        proc = subprocess.run(
            [sys.executable, "-E", "-S", "-c", PROBE, str(kit / ".claude/hooks"), str(kit)],
            input=json.dumps(edit(kit, "frontend-developer")),
            capture_output=True,
            text=True,
            check=True,
        )
        return dict(json.loads(proc.stdout))

    assert not (kit / LOCKS).exists()
    assert probe() == {"opened": [], "decision": None}
    locks.acquire(kit, ["notes.txt"], "backend-developer")
    found = probe()
    assert found["decision"] == "deny"
    assert [os.path.basename(p) for p in found["opened"]] == ["locks.json"]  # one small JSON read


def test_the_locks_file_is_the_repositorys_and_machine_local_outside_git(tmp_path: Path) -> None:
    from claude_kit_hooks.contract.layout import KitPaths
    from claude_kit_hooks.edit.file_locks import locks_path

    repo, plain = git_repo(tmp_path / "a"), tmp_path / "b"
    assert locks_path(KitPaths(str(repo))) == str(repo / LOCKS)
    assert locks_path(KitPaths(str(plain))) == str(plain / ".claude/.claude-kit/local/locks/locks.json")
