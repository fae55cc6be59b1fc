"""Hostile input, broken installs and concurrent hooks: a clean answer, never a traceback.

Policy under test (docs/enforcement.md, runtime/failure.py), on the installed dispatchers: an
unreadable payload fails open (nothing to identify); an internal error on an
Edit/Write/NotebookEdit/Agent call fails closed for the first FAIL_CLOSED_LIMIT errors of a session,
then open; Bash warnings and other events fail open. Each hook here is a real `-E -S` process (what
reaches stdout and stderr, and processes running at once, are what is tested); the same policy
in-process: test_entry.py.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from claude_kit.payload import payload_root
from tests.hooks.hookrun import assert_clean, fixture, install, kit_repo, log_records, run_hook

HOOKS = payload_root() / "hooks"
DISPATCHERS = sorted(p.stem for p in HOOKS.glob("*.py") if 'if __name__ == "__main__"' in p.read_text())


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return kit_repo(tmp_path_factory, "robust", files={"cmd/api/main.go": "package main\n"})


def _failed_open(result: Any) -> str:
    assert_clean(result)
    out = result.json
    assert set(out) == {"systemMessage"}, out
    assert "failed open" in out["systemMessage"]
    return str(out["systemMessage"])


@pytest.mark.parametrize(
    "raw",
    [b"", b"not json", b"[1, 2]", b'"text"', b"\xff\xfe\x00garbage", b'{"tool_name": "Edit", '],
)
def test_unreadable_payloads_fail_open_without_a_traceback(repo: Path, raw: bytes) -> None:
    message = _failed_open(run_hook(repo, "pre_tool_use", raw, in_process=False))
    assert ".claude/.claude-kit/local/errors.log" in message
    assert log_records(repo, hook="runtime", decision="error")


@pytest.mark.parametrize(
    "payload",
    [
        {},
        {"tool_name": "Edit"},
        {"tool_name": "Edit", "tool_input": "not an object"},
        {"tool_name": "Edit", "tool_input": {"file_path": 123}},
        {"tool_name": "Write", "tool_input": {"file_path": ["a.go"]}},
        {"tool_name": "NotebookEdit", "tool_input": {}},
        {"tool_name": "Bash", "tool_input": {"command": ["sed", "-i"]}},
        {"tool_name": "Bash"},
        {"tool_name": "NoSuchTool", "tool_input": {"file_path": "/x.go"}},
        {"tool_name": 42, "session_id": ["odd"], "agent_id": 7},
        {"tool_name": "Edit", "tool_input": {"file_path": "cmd/api/\u0000.go"}},
    ],
)
def test_missing_or_odd_fields_are_allowed(repo: Path, payload: dict[str, Any]) -> None:
    result = run_hook(repo, "pre_tool_use", payload, in_process=False)
    assert_clean(result)
    assert result.stdout == ""


def test_a_lone_surrogate_in_the_path_gives_a_clean_answer(repo: Path) -> None:
    raw = b'{"tool_name": "Edit", "tool_input": {"file_path": "' + str(repo).encode() + b'/cmd/\\ud800.go"}}'
    result = run_hook(repo, "pre_tool_use", raw, in_process=False)
    assert_clean(result)
    assert result.permission in (None, "deny")


def test_non_utf8_bytes_in_a_path_still_get_checked(repo: Path) -> None:
    raw = b'{"session_id": "s", "tool_name": "Write", "tool_input": {"file_path": "%s/cmd/\xff\xfe.go"}}' % (
        str(repo).encode()
    )
    result = run_hook(repo, "pre_tool_use", raw, in_process=False)
    assert_clean(result)
    assert result.permission == "deny"
    assert "\ufffd" in result.reason


def test_a_10_mb_write_is_checked(repo: Path) -> None:
    content = "// " + "x" * (10 * 1024 * 1024) + "\n"
    payload = fixture("PreToolUse-write", repo, file_path=str(repo / "cmd/api/big.go"), content=content)
    result = run_hook(repo, "pre_tool_use", payload, timeout=20, in_process=False)
    assert_clean(result)
    assert result.permission == "deny"
    assert len(result.stdout) < 2000


def test_a_10_mb_shell_command_is_not_parsed(repo: Path) -> None:
    command = "echo " + "y" * (10 * 1024 * 1024) + " > cmd/api/main.go"
    payload = fixture("PreToolUse-bash", repo, command=command)
    result = run_hook(repo, "pre_tool_use", payload, timeout=20, in_process=False)
    assert (result.returncode, result.stdout) == (0, "")
    [rec] = log_records(repo, tool_use_id=payload["tool_use_id"])
    assert "not inspected" in rec["reason"] and len(json.dumps(rec)) < 3000


@pytest.mark.parametrize("module", DISPATCHERS)
def test_every_dispatcher_survives_garbage(repo: Path, module: str) -> None:
    result = run_hook(repo, module, b"\x00\xff{{{", in_process=False)
    _failed_open(result)


@pytest.mark.parametrize("module", DISPATCHERS)
def test_every_dispatcher_is_silent_without_a_compiled_config(tmp_repo: Path, module: str) -> None:
    install(tmp_repo)
    (tmp_repo / ".claude/hooks/claude-kit.json").unlink()
    payload = fixture("PreToolUse-edit", tmp_repo, file_path=str(tmp_repo / "cmd/api/main.go"))
    result = run_hook(tmp_repo, module, payload, in_process=False)
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


def _corrupt_config(repo: Path, text: str = "{") -> None:
    (repo / ".claude/hooks/claude-kit.json").write_text(text)


@pytest.mark.parametrize("broken", ["{", "[]"])
def test_an_edit_fails_closed_then_opens_after_the_limit(tmp_repo: Path, broken: str) -> None:
    install(tmp_repo)
    _corrupt_config(tmp_repo, broken)
    payload = fixture("PreToolUse-edit", tmp_repo, file_path=str(tmp_repo / "cmd/api/main.go"))
    answers = [run_hook(tmp_repo, "pre_tool_use", payload, in_process=False) for _ in range(4)]
    for result in answers[:3]:
        assert_clean(result)
        assert result.permission == "deny"
        assert "could not check this PreToolUse call" in result.reason
        assert "`claude-kit doctor`" in result.reason and "CLAUDE_KIT_DISABLE=1" in result.reason
    _failed_open(answers[3])
    assert len(log_records(tmp_repo, hook="runtime", decision="error")) == 4


def test_a_shell_command_fails_open_on_internal_errors(tmp_repo: Path) -> None:
    install(tmp_repo)
    _corrupt_config(tmp_repo)
    _failed_open(run_hook(tmp_repo, "pre_tool_use", fixture("PreToolUse-bash", tmp_repo), in_process=False))


def test_concurrent_failures_count_exactly(tmp_repo: Path) -> None:
    """The circuit breaker's counter is shared state: parallel hooks must not lose updates."""
    install(tmp_repo)
    _corrupt_config(tmp_repo)
    payload = json.dumps(fixture("PreToolUse-edit", tmp_repo, file_path=str(tmp_repo / "cmd/api/main.go")))
    hook = str(tmp_repo / ".claude/hooks/pre_tool_use.py")
    procs = [
        subprocess.Popen([sys.executable, "-E", "-S", hook], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        for _ in range(8)
    ]
    outs = [p.communicate(payload.encode(), timeout=30)[0] for p in procs]
    answers = [json.loads(o).get("hookSpecificOutput", {}) for o in outs]
    decisions = sorted(a.get("permissionDecision", "open") for a in answers)
    assert decisions == ["deny"] * 3 + ["open"] * 5
    session = json.loads(payload)["session_id"]
    state = tmp_repo / ".claude/.claude-kit/local/state" / session / "runtime-errors.json"
    assert json.loads(state.read_text()) == {"count": 8}


def test_concurrent_hooks_keep_every_log_line_whole(repo: Path) -> None:
    hook = str(repo / ".claude/hooks/pre_tool_use.py")
    payloads = [fixture("PreToolUse-edit", repo, file_path=str(repo / "cmd/api/main.go")) for _ in range(12)]
    procs = [
        subprocess.Popen([sys.executable, "-E", "-S", hook], stdin=subprocess.PIPE, stdout=subprocess.PIPE)
        for _ in payloads
    ]
    pairs = zip(procs, payloads, strict=True)
    outs = [proc.communicate(json.dumps(pl).encode(), timeout=30)[0] for proc, pl in pairs]
    assert all(json.loads(o)["hookSpecificOutput"]["permissionDecision"] == "deny" for o in outs)
    for pl in payloads:
        [rec] = log_records(repo, tool_use_id=pl["tool_use_id"])
        assert rec["decision"] == "deny"
