"""File locks: `claude-kit lock ...` (store, expiry, all-or-nothing) and the PreToolUse check."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from claude_kit import locks
from tests.conftest import build_file_tree, concurrently
from tests.hooks.hookrun import assert_clean, fixture, install, log_records, run_hook

LOCKS = ".claude/.output/locks/locks.json"
PAST, FUTURE = "2000-01-01T00:00:00Z", "2999-01-01T00:00:00Z"


@pytest.fixture
def repo(tmp_repo: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    build_file_tree(tmp_repo, {"notes.txt": "a\n", "src/api/handler.go": "package api\n"})
    monkeypatch.chdir(tmp_repo)
    return tmp_repo


def store(repo: Path) -> dict[str, dict[str, str]]:
    path = repo / LOCKS
    return json.loads(path.read_text()) if path.exists() else {}


def write_store(repo: Path, data: dict[str, dict[str, str]]) -> None:
    build_file_tree(repo, {LOCKS: json.dumps(data)})


# -- the CLI --------------------------------------------------------------------------------------
def test_acquire_list_release(repo: Path, ck: Callable[..., Result]) -> None:
    result = ck(
        "lock", "acquire", "notes.txt", str(repo / "src/api/handler.go"), "--agent", "backend-developer"
    )
    assert result.exit_code == 0, result.output
    data = store(repo)
    assert set(data) == {"notes.txt", "src/api/handler.go"}  # project-relative, whatever was typed
    rec = data["notes.txt"]
    assert set(rec) == {"agent", "acquired_at", "expires_at"} and rec["agent"] == "backend-developer"
    assert rec["acquired_at"] < rec["expires_at"]
    listing = ck("lock", "list")
    assert "notes.txt  backend-developer  until " in listing.output
    assert json.loads(ck("lock", "list", "--format", "json").output)["locks"] == data
    released = ck("lock", "release", "notes.txt", "--agent", "backend-developer")
    assert released.exit_code == 0 and "released notes.txt" in released.output
    assert set(store(repo)) == {"src/api/handler.go"}
    assert ck("lock", "release", "--agent", "backend-developer").exit_code == 0  # all of its locks
    assert store(repo) == {}
    assert ck("lock", "list").output.strip() == "no locks held"


def test_paths_from_a_subdirectory_resolve_to_the_same_key(
    repo: Path, ck: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(repo / "src")
    assert ck("lock", "acquire", "api/handler.go", "--agent", "backend-developer").exit_code == 0
    assert set(store(repo)) == {"src/api/handler.go"}
    outside = ck("lock", "acquire", "/etc/hosts", "--agent", "backend-developer")
    assert outside.exit_code == 2 and "outside the project" in outside.output


def test_a_file_held_by_another_agent_is_refused_and_nothing_is_locked(
    repo: Path, ck: Callable[..., Result]
) -> None:
    ck("lock", "acquire", "notes.txt", "--agent", "backend-developer", "--ttl", "30")
    expires = store(repo)["notes.txt"]["expires_at"]
    result = ck("lock", "acquire", "src/api/handler.go", "notes.txt", "--agent", "frontend-developer")
    assert result.exit_code == 1
    assert f"notes.txt: held by backend-developer until {expires}" in result.output
    assert "nothing was locked" in result.output
    assert set(store(repo)) == {"notes.txt"}  # all or nothing: handler.go was not taken
    other = ck("lock", "release", "notes.txt", "--agent", "frontend-developer")
    assert other.exit_code == 1 and "by backend-developer" in other.output
    assert set(store(repo)) == {"notes.txt"}


def test_the_same_agent_refreshes_its_lock(repo: Path, ck: Callable[..., Result]) -> None:
    write_store(
        repo, {"notes.txt": {"agent": "backend-developer", "acquired_at": PAST, "expires_at": FUTURE}}
    )
    assert ck("lock", "acquire", "notes.txt", "--agent", "backend-developer", "--ttl", "5").exit_code == 0
    rec = store(repo)["notes.txt"]
    assert rec["acquired_at"] == PAST and rec["expires_at"] < FUTURE


def test_expired_locks_are_ignored_and_pruned(repo: Path, ck: Callable[..., Result]) -> None:
    write_store(
        repo,
        {
            "notes.txt": {"agent": "backend-developer", "acquired_at": PAST, "expires_at": PAST},
            "old.txt": {"agent": "x", "acquired_at": PAST, "expires_at": PAST},
        },
    )
    assert ck("lock", "list").output.strip() == "no locks held"
    assert store(repo) == {}  # pruned
    write_store(repo, {"notes.txt": {"agent": "backend-developer", "acquired_at": PAST, "expires_at": PAST}})
    assert ck("lock", "acquire", "notes.txt", "--agent", "frontend-developer").exit_code == 0
    assert store(repo)["notes.txt"]["agent"] == "frontend-developer"


def test_bad_input(repo: Path, ck: Callable[..., Result]) -> None:
    assert ck("lock", "acquire", "notes.txt", "--agent", "bad agent!").exit_code == 2
    assert ck("lock", "acquire", "notes.txt", "--agent", "a", "--ttl", "0").exit_code == 2
    assert ck("lock", "acquire", "--agent", "a").exit_code == 2
    build_file_tree(repo, {LOCKS: "{not json"})
    broken = ck("lock", "list")
    assert broken.exit_code == 2 and "not valid JSON" in broken.output and "delete it" in broken.output


def test_concurrent_acquires_lose_nothing(repo: Path) -> None:
    files = [f"f{i}.txt" for i in range(8)]

    def worker(name: str) -> None:
        assert locks.acquire(repo, [name], f"agent-{name[:2]}") == 0

    assert concurrently(worker, files) == []
    assert set(store(repo)) == set(files)


def test_the_output_dir_comes_from_the_team_config(repo: Path, ck: Callable[..., Result]) -> None:
    build_file_tree(repo, {".claude/claude-kit.yaml": "version: 1\noutput_dir: build/out\n"})
    ck("lock", "acquire", "notes.txt", "--agent", "a")
    assert (repo / "build/out/locks/locks.json").is_file()


# -- the PreToolUse check (hooks/ck_locks.py through the real dispatcher) ---------------------------
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
    assert "this edit by frontend-developer was not made" in reason
    assert "`claude-kit lock release notes.txt --agent backend-developer`" in reason
    assert "hooks: {file_locks: {enabled: false}}" in reason
    [rec] = log_records(kit, hook="file_locks", decision="deny")
    assert (rec["file"], rec["holder"], rec["agent_type"]) == (
        "notes.txt",
        "backend-developer",
        "frontend-developer",
    )


def test_the_release_command_in_the_deny_is_shell_quoted(kit: Path) -> None:
    (kit / "my notes.txt").write_text("a\n")
    locks.acquire(kit, ["my notes.txt"], "backend-developer")
    result = run_hook(kit, "pre_tool_use", edit(kit, "frontend-developer", "my notes.txt"))
    assert result.permission == "deny"
    assert "`claude-kit lock release 'my notes.txt' --agent backend-developer`" in result.reason


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
    assert denied.permission == "deny" and "this edit by main was not made" in denied.reason
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
import ckrt, ck_locks
opened = []
real_open = builtins.open
def spy(path, *a, **k):
    opened.append(str(path))
    return real_open(path, *a, **k)
payload = json.loads(sys.stdin.read())
h = ckrt.Hook("PreToolUse", payload, time.perf_counter())
h.config  # loaded by the dispatcher before any check runs
builtins.open = spy
ck_locks.file_locks(h)
builtins.open = real_open
print(json.dumps({"opened": opened, "decision": h.decision}))
"""


def test_without_a_locks_file_the_check_opens_nothing(kit: Path) -> None:
    def probe() -> dict:
        proc = subprocess.run(
            [sys.executable, "-E", "-S", "-c", PROBE, str(kit / ".claude/hooks")],
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
