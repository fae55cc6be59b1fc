"""The state store on a disk that fails: a write is whole or absent, never leaves its temp file, and
raises StateWriteError naming the file; the hook then tells the user what it could not record (a
systemMessage) instead of dropping it silently, and logs it when it still can."""

from __future__ import annotations

import errno
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from claude_kit_hooks.store.jsonfile import StateWriteError, read_json, update_json, write_json_atomic
from tests.conftest import git_repo
from tests.hooks.hookrun import BACKEND, fixture, install, run_hook

FULL = OSError(errno.ENOSPC, "No space left on device")
STATE = ".claude/.claude-kit/local/state"


class FailingOs:
    """Stands for the `os` module; `name` fails as a full disk does (after `after` successful calls)."""

    def __init__(self, name: str, exc: BaseException = FULL, after: int = 0) -> None:
        self.name, self.exc, self.after = name, exc, after

    def __getattr__(self, attr: str) -> Any:
        real = getattr(os, attr)
        if attr != self.name:
            return real

        def call(*args: Any, **kwargs: Any) -> Any:
            if self.after > 0:
                self.after -= 1
                return real(*args, **kwargs)
            raise self.exc

        return call


def leftovers(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.rglob("*.tmp"))


# -- the store itself ---------------------------------------------------------------------------------
class Halfway(FailingOs):
    """`write` writes one byte (a short write), then the disk is full."""

    def __init__(self) -> None:
        super().__init__("write", FULL, after=1)

    def __getattr__(self, attr: str) -> Any:
        if attr != "write":
            return getattr(os, attr)

        def write(fd: int, data: Any) -> int:
            if self.after > 0:
                self.after -= 1
                return os.write(fd, bytes(data[:1]))
            raise self.exc

        return write


@pytest.mark.parametrize(
    "fs",
    [
        FailingOs("makedirs"),
        FailingOs("open"),
        FailingOs("write"),
        Halfway(),  # the disk fills up partway through the file
        FailingOs("fsync"),
        FailingOs("replace"),
    ],
    ids=["makedirs", "open", "write", "write-halfway", "fsync", "replace"],
)
def test_a_failed_write_keeps_the_old_file_and_leaves_no_temp_file(tmp_path: Path, fs: FailingOs) -> None:
    path = tmp_path / "state/feedback.json"
    write_json_atomic(str(path), {"seq": 1})
    with pytest.raises(StateWriteError) as caught:
        write_json_atomic(str(path), {"seq": 2, "pad": "x" * 10_000}, fs=fs)
    assert caught.value.errno == errno.ENOSPC and caught.value.filename == str(path)
    assert caught.value.reason == "disk full"
    assert isinstance(caught.value.__cause__, OSError)
    assert read_json(str(path)) == {"seq": 1}
    assert leftovers(tmp_path) == []


def test_short_writes_still_write_the_whole_file(tmp_path: Path) -> None:
    class OneByte:
        def __getattr__(self, attr: str) -> Any:
            return (lambda fd, data: os.write(fd, bytes(data[:1]))) if attr == "write" else getattr(os, attr)

    path = tmp_path / "s.json"
    data = {"files": ["a" * 50, "b"], "n": 3}
    write_json_atomic(str(path), data, fs=OneByte())
    assert json.loads(path.read_text()) == data


def test_an_interrupt_during_the_write_removes_the_temp_file_and_is_not_wrapped(tmp_path: Path) -> None:
    path = tmp_path / "s.json"
    with pytest.raises(KeyboardInterrupt):
        write_json_atomic(str(path), {"a": 1}, fs=FailingOs("fsync", KeyboardInterrupt()))
    assert not path.exists() and leftovers(tmp_path) == []


def test_a_value_json_cannot_hold_fails_before_the_disk_is_touched(tmp_path: Path) -> None:
    with pytest.raises(TypeError):
        write_json_atomic(str(tmp_path / "s.json"), {"a": object()})
    assert list(tmp_path.iterdir()) == []


def test_update_json_reports_a_lock_it_cannot_create(tmp_path: Path) -> None:
    (tmp_path / "state").write_text("a file where the folder should be")
    path = tmp_path / "state/s/feedback.json"
    with pytest.raises(StateWriteError) as caught:
        update_json(str(path), lambda d: {**d, "seq": 1})
    assert caught.value.filename == str(path)


def test_update_json_passes_the_failure_of_the_write_through(tmp_path: Path) -> None:
    path = tmp_path / "feedback.json"
    update_json(str(path), lambda d: {"seq": 1})
    with pytest.raises(StateWriteError):
        update_json(str(path), lambda d: {"seq": d["seq"] + 1}, fs=FailingOs("replace"))
    assert read_json(str(path)) == {"seq": 1} and leftovers(tmp_path) == []
    update_json(str(path), lambda d: {"seq": d["seq"] + 1})  # the lock was released
    assert read_json(str(path)) == {"seq": 2}


# -- what the hooks say ---------------------------------------------------------------------------------
@pytest.fixture
def repo(tmp_path: Path) -> Path:
    return install(git_repo(tmp_path / "repo"), BACKEND + "budget: {session_tokens: 10000}\n")


def _edit(repo: Path) -> dict[str, Any]:
    (repo / "cmd").mkdir(exist_ok=True)
    (repo / "cmd/main.go").write_text("package main\n")
    return fixture("PostToolUse-subagent-edit", repo, file_path=str(repo / "cmd/main.go"))


def _message(stdout: str) -> str:
    return str(json.loads(stdout).get("systemMessage") or "") if stdout.strip() else ""


def test_a_change_that_cannot_be_recorded_is_named_to_the_user(repo: Path) -> None:
    payload = _edit(repo)
    state = repo / STATE / payload["session_id"]
    (state / "feedback.json").mkdir(parents=True)  # the state file cannot be replaced
    result = run_hook(repo, "post_tool_use", payload)
    message = _message(result.stdout)
    assert message.startswith("claude-kit could not record the change to cmd/main.go: "), message
    assert f"(writing {STATE}/{payload['session_id']}/feedback.json)" in message
    assert "Stop gate will not ask for its review" in message
    assert leftovers(repo / STATE) == []
    assert "StateWriteError" in (repo / ".claude/.claude-kit/local/errors.log").read_text()  # logged


def test_usage_the_budget_cannot_record_is_named_to_the_user(repo: Path) -> None:
    payload = fixture("PreToolUse-agent-foreground", repo)
    transcript = repo.parent / "session.jsonl"
    usage = {"input_tokens": 100, "output_tokens": 10}
    line = {"type": "assistant", "message": {"id": "m1", "model": "claude-opus-4-7", "usage": usage}}
    transcript.write_text(json.dumps(line) + "\n")
    payload["transcript_path"] = str(transcript)
    (repo / STATE / payload["session_id"] / "budget.json").mkdir(parents=True)
    result = run_hook(repo, "pre_tool_use", payload, env={"CLAUDE_AUTOCOMPACT_PCT_OVERRIDE": ""})
    message = _message(result.stdout)
    assert "claude-kit could not record this session's model usage (the budget): " in message, result
    assert result.permission != "deny"  # the budget fails open
    assert leftovers(repo / STATE) == []


def _limited(limit: int) -> None:  # pragma: no cover (runs in the child)
    import resource

    resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))


@pytest.mark.skipif(sys.platform == "win32", reason="RLIMIT_FSIZE is POSIX")
def test_a_hook_that_can_write_no_byte_tells_the_user_and_leaves_nothing(repo: Path) -> None:
    # No file may grow past 0 bytes in the hook process (Python ignores SIGXFSZ: writes fail EFBIG).
    payload = _edit(repo)
    proc = subprocess.run(
        [sys.executable, "-E", "-S", "-B", str(repo / ".claude/hooks/post_tool_use.py")],
        input=json.dumps(payload), capture_output=True, text=True, timeout=60, check=False,
        preexec_fn=lambda: _limited(0),
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    message = _message(proc.stdout)
    assert message.startswith("claude-kit could not record the change to cmd/main.go: file size"), message
    assert leftovers(repo / STATE) == []


@pytest.fixture
def full_disk(repo: Path) -> Iterator[Path]:
    """The repo's state folder on a tiny tmpfs that is full (root only: skipped elsewhere)."""
    if sys.platform != "linux" or os.geteuid() != 0 or shutil.which("mount") is None:
        pytest.skip("mounting a tmpfs needs root on Linux")
    state = repo / STATE
    state.mkdir(parents=True, exist_ok=True)
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(state)], check=False)
    if mounted.returncode != 0:
        pytest.skip("cannot mount a tmpfs here")
    try:
        fd = os.open(state / "filler", os.O_WRONLY | os.O_CREAT)
        try:
            with pytest.raises(OSError) as caught:
                while True:
                    os.write(fd, b"\0" * 4096)
        finally:
            os.close(fd)
        assert caught.value.errno == errno.ENOSPC
        yield state
    finally:
        subprocess.run(["umount", "-l", str(state)], check=False)


def test_on_a_full_disk_the_hook_says_disk_full_and_leaves_no_temp_file(repo: Path, full_disk: Path) -> None:
    payload = _edit(repo)
    (full_disk / payload["session_id"]).mkdir()
    result = run_hook(repo, "post_tool_use", payload, in_process=False)
    message = _message(result.stdout)
    assert message.startswith("claude-kit could not record the change to cmd/main.go: disk full"), message
    assert leftovers(full_disk) == []
