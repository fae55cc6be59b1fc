"""File locks: `claude-kit lock ...` (store, expiry, all-or-nothing).

The PreToolUse check that enforces them is tested in tests/hooks/edit/test_file_locks.py.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from claude_kit import locks
from tests.conftest import build_file_tree, concurrently

LOCKS = ".git/claude-kit/locks/locks.json"
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


def test_the_locks_are_the_repositorys_whatever_the_output_dir(repo: Path, ck: Callable[..., Result]) -> None:
    build_file_tree(repo, {".claude/claude-kit.yaml": "version: 1\noutput_dir: build/out\n"})
    ck("lock", "acquire", "notes.txt", "--agent", "a")
    assert (repo / LOCKS).is_file()
    assert not (repo / "build/out/locks").exists()
