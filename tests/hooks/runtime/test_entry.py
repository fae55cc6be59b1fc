"""runtime/entry.run in-process: the payload from the given stdin, the answer to the given stdout,
the project from `root` (several in one process), the kill switch, and the failure policy (fail-closed
deny with its circuit breaker, fail-open systemMessage)."""

from __future__ import annotations

import io
import json
import os
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import pytest

from claude_kit_hooks.contract.layout import KitPaths
from claude_kit_hooks.runtime.entry import project_root_of, run
from claude_kit_hooks.runtime.failure import FAIL_CLOSED_LIMIT
from claude_kit_hooks.runtime.hook import Hook, Timing

Check = Callable[[Hook], None]
EDIT = {"session_id": "s1", "tool_name": "Edit", "tool_input": {"file_path": "a.go"}, "tool_use_id": "t1"}


def project(base: Path, name: str = "repo", config: dict[str, Any] | None = None) -> Path:
    """A project root with a compiled config (`config`, completed by the runtime from the defaults)."""
    root = base / name
    path = Path(KitPaths(str(root)).config_json)
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps({"format": 1, **(config or {})}))
    return root


def call(
    root: Path, checks: Iterable[Check], payload: dict[str, Any] | bytes = EDIT, event: str = "PreToolUse",
    **kwargs: Any,
) -> str:  # fmt: skip
    """Run the entry point in this process; returns what it printed."""
    raw = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    out = io.BytesIO()
    assert run(event, checks, root=str(root), stdin=io.BytesIO(raw), stdout=out, **kwargs) == 0
    return out.getvalue().decode()


def records(root: Path, **match: Any) -> list[dict[str, Any]]:
    path = Path(KitPaths(str(root)).decision_log)
    lines = path.read_text().splitlines() if path.exists() else []
    return [r for r in map(json.loads, lines) if all(r.get(k) == v for k, v in match.items())]


def deny(h: Hook) -> None:
    h.deny("test_check", f"no edits to {h.edit_relpath()}")


def broken(h: Hook) -> None:
    raise KeyError("boom")


# -- streams, order, root ----------------------------------------------------------------------------
def test_the_payload_comes_from_stdin_and_the_answer_goes_to_stdout(tmp_path: Path) -> None:
    root = project(tmp_path)
    (root / "a.go").write_text("package a\n")
    seen: list[Hook] = []

    out = call(root, [seen.append, deny])

    assert seen[0].payload == EDIT and seen[0].tool_name == "Edit" and seen[0].session_id == "s1"
    assert json.loads(out) == {
        "hookSpecificOutput": {
            "hookEventName": "PreToolUse",
            "permissionDecision": "deny",
            "permissionDecisionReason": "no edits to a.go",
        }
    }
    [rec] = records(root, hook="test_check")
    assert rec["decision"] == "deny" and rec["tool_use_id"] == "t1" and rec["tool"] == "Edit"


def test_checks_run_in_order_until_one_decides(tmp_path: Path) -> None:
    root = project(tmp_path)
    ran: list[str] = []

    def note(h: Hook) -> None:
        ran.append("note")
        h.context("note", "first")

    def block(h: Hook) -> None:
        ran.append("block")
        h.block("gate", "not yet")

    def later(h: Hook) -> None:
        ran.append("later")

    out = call(root, [note, block, later], {"session_id": "s"}, event="Stop")

    assert ran == ["note", "block"]
    assert json.loads(out) == {
        "decision": "block",
        "reason": "not yet",
        "hookSpecificOutput": {"hookEventName": "Stop", "additionalContext": "first"},
    }


def test_an_allow_prints_nothing(tmp_path: Path) -> None:
    root = project(tmp_path)

    assert call(root, [lambda h: h.allow("test_check", "fine")]) == ""
    assert records(root, hook="test_check", decision="allow")


def test_each_root_is_its_own_project_in_one_process(tmp_path: Path) -> None:
    one = project(tmp_path, "one", {"spawn": {"max_depth": 1}, "hooks": {"test_check": False}})
    two = project(tmp_path, "two", {"spawn": {"max_depth": 3}})
    seen: dict[str, tuple[str, int, bool]] = {}

    def check(h: Hook) -> None:
        seen[os.path.basename(h.project.root)] = (
            h.paths.root,
            h.config["spawn"]["max_depth"],
            h.enabled("test_check"),
        )
        h.allow("test_check", h.project.root)

    for root in (one, two, one):
        call(root, [check])

    assert seen == {"one": (str(one), 1, False), "two": (str(two), 3, True)}
    assert [r["reason"] for r in records(one)] == [str(one), str(one)]
    assert [r["reason"] for r in records(two)] == [str(two)]


def test_the_timing_reaches_the_checks(tmp_path: Path) -> None:
    root = project(tmp_path)
    seen: list[Timing] = []
    timing = Timing(flush_wait=0.0, flush_poll=0.0)

    call(root, [lambda h: seen.append(h.timing)], timing=timing)
    call(root, [lambda h: seen.append(h.timing)])

    assert seen[0] is timing
    assert (seen[1].flush_wait, seen[1].flush_poll) == (3.0, 0.025)  # the defaults


def test_the_dispatchers_project_is_two_levels_above_the_hooks_folder(tmp_path: Path) -> None:
    assert project_root_of(str(tmp_path / "repo/.claude/hooks/stop.py")) == str(tmp_path / "repo")


class Unreadable(io.BytesIO):
    def read(self, *args: Any) -> bytes:
        raise AssertionError("stdin must not be read")


def test_the_kill_switch_reads_nothing_and_answers_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = project(tmp_path)
    monkeypatch.setenv("CLAUDE_KIT_DISABLE", "1")
    out = io.BytesIO()

    assert run("PreToolUse", [broken], root=str(root), stdin=Unreadable(), stdout=out, fail_closed=True) == 0

    assert out.getvalue() == b""
    assert sorted(p.name for p in root.rglob("*") if p.is_file()) == ["claude-kit.json"]


def test_without_a_compiled_config_no_check_runs(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    root.mkdir()

    assert call(root, [broken], fail_closed=True) == ""
    assert not (root / ".claude").exists()


# -- failure policy ----------------------------------------------------------------------------------
def test_a_failing_check_on_a_guarded_tool_is_denied_then_opens_after_the_limit(tmp_path: Path) -> None:
    root = project(tmp_path)

    answers = [
        json.loads(call(root, [broken], fail_closed=("Edit", "Write"))) for _ in range(FAIL_CLOSED_LIMIT + 1)
    ]

    for answer in answers[:FAIL_CLOSED_LIMIT]:
        spec = answer["hookSpecificOutput"]
        assert spec["permissionDecision"] == "deny"
        assert spec["permissionDecisionReason"].startswith(
            "claude-kit could not check this PreToolUse call (KeyError: 'boom'), "
            "so it is denied to stay safe."
        )
        assert "`claude-kit doctor`" in spec["permissionDecisionReason"]
        assert "CLAUDE_KIT_DISABLE=1" in spec["permissionDecisionReason"]
    assert set(answers[-1]) == {"systemMessage"}
    assert "failed open" in answers[-1]["systemMessage"]
    state = Path(KitPaths(str(root)).state("s1", "runtime-errors"))
    assert json.loads(state.read_text()) == {"count": FAIL_CLOSED_LIMIT + 1}
    assert len(records(root, hook="runtime", decision="error")) == FAIL_CLOSED_LIMIT + 1
    errors = Path(KitPaths(str(root)).error_log).read_text()
    assert errors.count("Traceback (most recent call last)") == FAIL_CLOSED_LIMIT + 1
    assert "KeyError: 'boom'" in errors


def test_the_circuit_breaker_counts_per_session(tmp_path: Path) -> None:
    root = project(tmp_path)
    for _ in range(FAIL_CLOSED_LIMIT):
        call(root, [broken], fail_closed=True)

    other = json.loads(call(root, [broken], {**EDIT, "session_id": "s2"}, fail_closed=True))

    assert other["hookSpecificOutput"]["permissionDecision"] == "deny"


@pytest.mark.parametrize(
    ("event", "payload", "fail_closed"),
    [
        ("PreToolUse", {**EDIT, "tool_name": "Bash"}, ("Edit", "Write")),  # a tool outside the guarded set
        ("PreToolUse", EDIT, False),
        ("Stop", {"session_id": "s1"}, False),
        ("SessionStart", {"session_id": "s1"}, False),
    ],
)
def test_other_failures_fail_open_with_a_message_for_the_user(
    tmp_path: Path, event: str, payload: dict[str, Any], fail_closed: bool | tuple[str, ...]
) -> None:
    root = project(tmp_path)

    answer = json.loads(call(root, [broken], payload, event=event, fail_closed=fail_closed))

    assert answer == {
        "systemMessage": f"claude-kit {event} hook failed open: KeyError: 'boom' "
        "(see .claude/.claude-kit/local/errors.log; `claude-kit doctor` checks the wiring)"
    }
    [rec] = records(root, hook="runtime")
    assert rec["decision"] == "error" and rec["event"] == event and rec["reason"] == "KeyError: 'boom'"


@pytest.mark.parametrize("raw", [b"", b"not json", b"[1]", b"\xff{"])
def test_an_unreadable_payload_fails_open_even_when_closed(tmp_path: Path, raw: bytes) -> None:
    root = project(tmp_path)

    answer = json.loads(call(root, [deny], raw, fail_closed=True))

    assert set(answer) == {"systemMessage"} and "PreToolUse hook failed open" in answer["systemMessage"]
    [rec] = records(root, hook="runtime")
    assert rec["session_id"] == "no-session"


def test_a_broken_compiled_config_fails_like_a_check(tmp_path: Path) -> None:
    root = project(tmp_path)
    Path(KitPaths(str(root)).config_json).write_text("{")

    answer = json.loads(call(root, [deny], fail_closed=True))

    reason = answer["hookSpecificOutput"]["permissionDecisionReason"]
    assert "RuntimeError: .claude/hooks/claude-kit.json is unreadable" in reason


def test_a_closed_stdout_is_not_an_error(tmp_path: Path) -> None:
    root = project(tmp_path)
    out = io.BytesIO()
    out.close()

    assert (
        run("PreToolUse", [deny], root=str(root), stdin=io.BytesIO(json.dumps(EDIT).encode()), stdout=out)
        == 0
    )
