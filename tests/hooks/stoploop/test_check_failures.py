"""A check that cannot pass: the same failure escalates after limits.max_same_check_failures Stops, and a
failure first seen before the session changed code is reported, not blocking."""

from __future__ import annotations

import json
import time
from pathlib import Path

from claude_kit_hooks.stoploop import check_failures, events
from tests.hooks.stoploop.conftest import BACKEND, Kit, allowed, blocked

FAILING = (
    "{name: db, run: \"sh -c 'echo FAIL TestOrders pid $$ at 0x7ffc1234abcd: connection refused; exit 1'\"}"
)


def config(*, limit: int | None = None) -> str:
    limits = f"limits:\n  max_same_check_failures: {limit}\n" if limit else ""
    return (
        BACKEND + f"    checks:\n      - {FAILING}\n" + "hooks:\n  feedback_loop: {enabled: false}\n" + limits
    )


def edit_in(kit: Kit, sid: str, rel: str) -> None:
    """A subagent's Edit in another session (the earlier one)."""
    path = kit.write(rel, "package main // earlier\n")
    kit.call(
        events.track_modification,
        "PostToolUse",
        session_id=sid,
        tool_name="Edit",
        tool_input={"file_path": str(path)},
        tool_response={},
        agent_type="backend-developer",
        agent_id="dev0",
    )


def test_the_signature_ignores_numbers_and_ids_but_not_the_failure() -> None:
    sig = check_failures.signature
    a = sig("k", "fail", "FAIL TestX (0.12s) at /tmp/go-build123456789/x_test.go:41")
    b = sig("k", "fail", "FAIL TestX (3.40s) at /tmp/go-build987654321/x_test.go:57")
    assert a == b
    assert a != sig("k", "fail", "FAIL TestY (0.12s) at /tmp/go-build123456789/x_test.go:41")
    assert a != sig("k", "timeout", "FAIL TestX (0.12s) at /tmp/go-build123456789/x_test.go:41")
    assert a != sig("other", "fail", "FAIL TestX (0.12s) at /tmp/go-build123456789/x_test.go:41")


def test_the_same_failure_escalates_at_the_limit_even_while_code_changes(kit: Kit) -> None:
    kit.install(config=config())
    kit.edit("cmd/main.go")
    assert "refused" in blocked(kit.stop())
    kit.edit("cmd/main.go", text="package main // 1\n")
    blocked(kit.stop(active=True))
    kit.edit("cmd/main.go", text="package main // 2\n")

    h = kit.stop(active=True)

    allowed(h)
    [esc] = kit.decisions(decision="escalate")
    assert esc["hook"] == "quality_gate"
    assert 'check "db" for backend failed the same way at 3 stops in a row' in esc["reason"]
    assert any("claude-kit escalated to you (quality_gate)" in m for m in h.messages)
    assert kit.state("quality") == {}  # counted afresh once the code changes after the escalation


def test_a_different_failure_or_a_pass_restarts_the_count(kit: Kit) -> None:
    kit.install(config=config(limit=2))
    kit.edit("cmd/main.go")
    blocked(kit.stop())
    [(key, rec)] = kit.state("quality").items()
    assert rec["count"] == 1
    check_failures.reset(kit.hook("Stop"), key)
    assert kit.state("quality") == {}
    blocked(kit.stop(active=True))  # 1 again, below the limit of 2
    assert not kit.decisions(decision="escalate")


def test_a_failure_seen_before_the_session_changed_code_is_reported_not_blocking(kit: Kit) -> None:
    kit.install(config=config())
    edit_in(kit, "earlier", "cmd/main.go")
    blocked(kit.stop(session_id="earlier"))
    time.sleep(0.01)

    kit.edit("cmd/main.go", text="package main // today\n")
    h = kit.stop()

    allowed(h)
    [note] = h.messages
    assert (
        'check "db" for backend failed (exit 1), the same way as before this session changed backend' in note
    )
    assert "so it is reported, not blocking" in note and "refused" in note
    [warn] = kit.decisions(hook="quality_gate", decision="warn")
    assert "reported, not blocking" in warn["reason"]


def test_a_pass_forgets_the_failure(kit: Kit) -> None:
    kit.install(config=config())
    edit_in(kit, "earlier", "cmd/main.go")
    blocked(kit.stop(session_id="earlier"))
    cache = kit.repo / ".claude/.claude-kit/local/cache/checks.json"
    [key] = [k for k in json.loads(cache.read_text()) if k.startswith("fail\0")]
    check_failures.forget_failure(kit.hook("Stop"), key[len("fail\0") :])
    assert not [k for k in json.loads(cache.read_text()) if k.startswith("fail\0")]
    kit.edit("cmd/main.go", text="package main // today\n")
    blocked(kit.stop())  # no record from before: this session's failure blocks
    assert Path(cache).exists()


def test_a_check_failing_differently_each_time_escalates_at_twice_the_limit(kit: Kit) -> None:
    # A flaky suite: another test fails at each run, so no signature repeats.
    flaky = "{name: db, run: 'echo FAIL Test$(date +%N | tr 0-9 a-j); exit 1'}"
    kit.install(
        config=BACKEND + f"    checks:\n      - {flaky}\n" + "hooks:\n  feedback_loop: {enabled: false}\n"
        "limits:\n  max_same_check_failures: 2\n"
    )
    tries = ["Retried the pool setup.", "Pinned the seed.", "Added a wait on the port.", "Raised a timeout."]
    for i, message in enumerate(tries[:3]):
        kit.edit("cmd/main.go", text=f"package main // {i}\n")
        blocked(kit.stop(message, active=bool(i)))
    kit.edit("cmd/main.go", text="package main // 3\n")

    allowed(kit.stop(tries[3], active=True))

    [esc] = kit.decisions(decision="escalate")
    assert esc["hook"] == "quality_gate"
    assert "failed at 4 stops in a row, with a different output each time" in esc["reason"]
