"""Hostile input, broken installs and concurrent hooks: a clean answer, never a traceback.

Policy under test (docs/enforcement.md): an unreadable payload fails open (nothing to identify);
an internal error on an Edit/Write/NotebookEdit/Agent call fails closed for the first
ckrt.FAIL_CLOSED_LIMIT errors of a session, then open; Bash warnings and other events fail open.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from claude_kit.payload import payload_root
from tests.hooks.hookrun import assert_clean, fixture, install, kit_repo, log_records, run_hook

HOOKS = payload_root() / "hooks"
DISPATCHERS = sorted(p.stem for p in HOOKS.glob("*.py") if 'if __name__ == "__main__"' in p.read_text())


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return kit_repo(tmp_path_factory, "robust", files={"cmd/api/main.go": "package main\n"})


@pytest.fixture
def ckrt(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> ModuleType:
    """The runtime module, in-process, with its log pointed into tmp_path."""
    monkeypatch.syspath_prepend(str(HOOKS))
    monkeypatch.setattr(sys, "dont_write_bytecode", True)  # keep hooks/ free of __pycache__
    import ckrt as module

    monkeypatch.setattr(module, "LOG_PATH", str(tmp_path / "log" / "decisions.jsonl"))
    return module


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
    message = _failed_open(run_hook(repo, "pre_tool_use", raw))
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
    result = run_hook(repo, "pre_tool_use", payload)
    assert_clean(result)
    assert result.stdout == ""


def test_a_lone_surrogate_in_the_path_gives_a_clean_answer(repo: Path) -> None:
    raw = b'{"tool_name": "Edit", "tool_input": {"file_path": "' + str(repo).encode() + b'/cmd/\\ud800.go"}}'
    result = run_hook(repo, "pre_tool_use", raw)
    assert_clean(result)
    assert result.permission in (None, "deny")


def test_non_utf8_bytes_in_a_path_still_get_checked(repo: Path) -> None:
    raw = b'{"session_id": "s", "tool_name": "Write", "tool_input": {"file_path": "%s/cmd/\xff\xfe.go"}}' % (
        str(repo).encode()
    )
    result = run_hook(repo, "pre_tool_use", raw)
    assert_clean(result)
    assert result.permission == "deny"
    assert "\ufffd" in result.reason


def test_a_10_mb_write_is_checked(repo: Path) -> None:
    content = "// " + "x" * (10 * 1024 * 1024) + "\n"
    payload = fixture("PreToolUse-write", repo, file_path=str(repo / "cmd/api/big.go"), content=content)
    result = run_hook(repo, "pre_tool_use", payload, timeout=20)
    assert_clean(result)
    assert result.permission == "deny"
    assert len(result.stdout) < 2000


def test_a_10_mb_shell_command_is_not_parsed(repo: Path) -> None:
    command = "echo " + "y" * (10 * 1024 * 1024) + " > cmd/api/main.go"
    payload = fixture("PreToolUse-bash", repo, command=command)
    result = run_hook(repo, "pre_tool_use", payload, timeout=20)
    assert (result.returncode, result.stdout) == (0, "")
    [rec] = log_records(repo, tool_use_id=payload["tool_use_id"])
    assert "not inspected" in rec["reason"] and len(json.dumps(rec)) < 3000


@pytest.mark.parametrize("module", DISPATCHERS)
def test_every_dispatcher_survives_garbage(repo: Path, module: str) -> None:
    result = run_hook(repo, module, b"\x00\xff{{{")
    _failed_open(result)


@pytest.mark.parametrize("module", DISPATCHERS)
def test_every_dispatcher_is_silent_without_a_compiled_config(tmp_repo: Path, module: str) -> None:
    install(tmp_repo)
    (tmp_repo / ".claude/hooks/claude-kit.json").unlink()
    payload = fixture("PreToolUse-edit", tmp_repo, file_path=str(tmp_repo / "cmd/api/main.go"))
    result = run_hook(tmp_repo, module, payload)
    assert (result.returncode, result.stdout, result.stderr) == (0, "", "")


def _corrupt_config(repo: Path, text: str = "{") -> None:
    (repo / ".claude/hooks/claude-kit.json").write_text(text)


@pytest.mark.parametrize("broken", ["{", "[]"])
def test_an_edit_fails_closed_then_opens_after_the_limit(tmp_repo: Path, broken: str) -> None:
    install(tmp_repo)
    _corrupt_config(tmp_repo, broken)
    payload = fixture("PreToolUse-edit", tmp_repo, file_path=str(tmp_repo / "cmd/api/main.go"))
    answers = [run_hook(tmp_repo, "pre_tool_use", payload) for _ in range(4)]
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
    _failed_open(run_hook(tmp_repo, "pre_tool_use", fixture("PreToolUse-bash", tmp_repo)))


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


WRITER = textwrap.dedent(
    """\
    import sys
    sys.path.insert(0, sys.argv[1])
    import ckrt
    ckrt.LOG_PATH = sys.argv[2]
    for i in range(int(sys.argv[4])):
        ckrt.append_log({"writer": sys.argv[3], "seq": i, "decision": "allow", "reason": "r" * 200},
                        {"max_bytes": int(sys.argv[5]), "keep": 3})
    """
)


def _writers(tmp_path: Path, count: int, records: int, max_bytes: int) -> Path:
    log = tmp_path / "log" / "decisions.jsonl"
    script = tmp_path / "writer.py"
    script.write_text(WRITER)
    args = [str(HOOKS), str(log), "", str(records), str(max_bytes)]
    procs = []
    for n in range(count):
        args[2] = f"w{n}"
        procs.append(subprocess.Popen([sys.executable, "-B", "-E", "-S", str(script), *args]))
    assert all(p.wait(timeout=60) == 0 for p in procs)
    return log


def _lines(paths: list[Path]) -> list[dict[str, Any]]:
    out = []
    for p in paths:
        for line in p.read_text(encoding="utf-8").splitlines():
            out.append(json.loads(line))  # a torn line would raise here
    return out


def test_parallel_writers_lose_no_line(tmp_path: Path) -> None:
    log = _writers(tmp_path, count=6, records=200, max_bytes=50_000_000)
    records = _lines([log])
    assert len(records) == 1200
    assert {(r["writer"], r["seq"]) for r in records} == {(f"w{n}", i) for n in range(6) for i in range(200)}


def test_parallel_writers_with_rotation_keep_whole_lines_and_bounded_files(tmp_path: Path) -> None:
    log = _writers(tmp_path, count=6, records=200, max_bytes=20_000)
    files = sorted(log.parent.glob("decisions.jsonl*"))
    names = {p.name for p in files}
    assert names <= {"decisions.jsonl", "decisions.jsonl.1", "decisions.jsonl.2", "decisions.jsonl.3",
                     "decisions.jsonl.lock"}  # fmt: skip
    data = [p for p in files if not p.name.endswith(".lock")]
    records = _lines(data)
    assert 0 < len(records) < 1200  # older rotations were dropped: the log is bounded
    line = len(json.dumps(records[0])) + 1
    for p in data:
        assert p.stat().st_size <= 20_000 + 6 * line, p


def test_rotation_follows_max_bytes_and_keep(ckrt: ModuleType, tmp_path: Path) -> None:
    cfg = {"max_bytes": 10_000, "keep": 2}
    for i in range(200):
        ckrt.append_log({"seq": i, "decision": "allow", "reason": "x" * 100}, cfg)
    log = Path(ckrt.LOG_PATH)
    assert sorted(p.name for p in log.parent.iterdir()) == [
        "decisions.jsonl", "decisions.jsonl.1", "decisions.jsonl.2", "decisions.jsonl.lock"
    ]  # fmt: skip
    oldest_first = [log.with_name("decisions.jsonl.2"), log.with_name("decisions.jsonl.1"), log]
    seqs = [r["seq"] for r in _lines(oldest_first)]
    assert seqs == list(range(seqs[0], 200))  # oldest first, contiguous, newest kept
    assert all(p.stat().st_size <= 10_000 + 200 for p in log.parent.glob("decisions.jsonl*"))


def test_the_log_never_breaks_a_hook(ckrt: ModuleType, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    ckrt.LOG_PATH = str(blocker / "log" / "decisions.jsonl")  # its parent is a file: cannot be created
    ckrt.append_log({"decision": "allow"})  # no exception


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("sk-ant-api03-abcdefghijklmnopqrstuvwxyz", "abcdefghijklmnopqrstuvwxyz"),
        ("token ghp_abcdefghijklmnopqrstuvwxyz0123", "ghp_abcdefghijklmnopqrstuvwxyz0123"),
        ("AKIAABCDEFGHIJKLMNOP", "AKIAABCDEFGHIJKLMNOP"),
        ('curl -H "Authorization: Bearer abcdef1234567890xyz"', "abcdef1234567890xyz"),
        ("export AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMIK7MDENG", "wJalrXUtnFEMIK7MDENG"),
        ('{"password": "hunter2hunter2"}', "hunter2hunter2"),
        ("api_key='abc def ghi'", "abc def ghi"),
        ("-----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY-----", "MIIEow"),
        ("-----BEGIN PRIVATE KEY-----\nMIIEtruncated", "MIIEtruncated"),
        ("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N", "dozjgNryP4J3jVmNHl0w5N"),
    ],
)
def test_secrets_are_redacted(ckrt: ModuleType, text: str, secret: str) -> None:
    out = ckrt.redact(text)
    assert secret not in out and "[REDACTED]" in out


@pytest.mark.parametrize("text", ["input_tokens: 5, max_tokens=3", "context tokens: 85%", "the secret sauce"])
def test_ordinary_text_is_kept(ckrt: ModuleType, text: str) -> None:
    assert ckrt.redact(text) == text


def test_logged_fields_are_redacted_and_bounded(ckrt: ModuleType) -> None:
    hook = ckrt.Hook("PreToolUse", {"session_id": "s", "tool_name": "Bash"}, 0.0)
    hook._config_loaded = True
    secret = "sk-ant-" + "k" * 40
    reason = "reason with " + secret + " " + "r" * 5000
    hook.log("shell_write_warning", "warn", reason, command=secret + " " + "c" * 5000)
    [rec] = _lines([Path(ckrt.LOG_PATH)])
    assert secret not in json.dumps(rec)
    assert len(rec["reason"]) == 2000 and len(rec["command"]) == 500
