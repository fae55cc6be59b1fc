"""Escalation: past a bound the stop goes through, the user is told, and a context file is written."""

from __future__ import annotations

from tests.hooks.stoploop.conftest import Kit, allowed, blocked, limits, verdict_text


def test_consecutive_failures_escalate_to_the_user_and_let_the_stop_through(kit: Kit) -> None:
    kit.install(config=limits(max_consecutive_failures=2))
    kit.edit("cmd/main.go")
    for n in range(2):
        kit.verdict("backend-reviewer", verdict_text())
        kit.verdict("backend-tester", verdict_text("testing", verdict="FAIL", summary=f"run {n}"))
        if n == 0:
            blocked(kit.stop(active=n > 0))
            kit.edit("cmd/main.go", text=f"package main // fix {n}\n")

    h = kit.stop("giving up?", active=True)

    allowed(h)
    [note] = h.messages
    assert "claude-kit escalated to you (feedback_loop): testing failed 2 times in a row" in note
    [esc] = kit.decisions(decision="escalate")
    assert esc["hook"] == "feedback_loop"
    escalation = kit.repo / esc["file"]
    assert esc["file"].startswith(f".claude/.output/escalations/{kit.sid}-") and escalation.is_file()
    text = escalation.read_text()
    assert "run 1" in text and "## Recent failures" in text and "consecutive failures: review 0" in text

    # The human decides: without a new change the kit does not block again ...
    allowed(kit.stop("ok, stopping"))
    allowed(kit.stop("still stopping", active=True))
    # ... and once the code changes, the gate engages again with fresh counters.
    kit.edit("cmd/main.go", text="package main // human fix\n")
    reason = blocked(kit.stop())
    assert "iteration 1/5" in reason
    assert kit.state()["consecutive"]["testing"] == 0


def test_iteration_limit_escalates(kit: Kit) -> None:
    kit.install(config=limits(max_feedback_iterations=2, max_consecutive_failures=20))
    kit.edit("cmd/main.go")
    for n in range(2):
        kit.verdict("backend-tester", verdict_text("testing", verdict="FAIL", summary=f"run {n}"))
        kit.edit("cmd/main.go", text=f"package main // {n}\n")

    h = kit.stop()

    allowed(h)
    assert "testing failed 2 times (limits.max_feedback_iterations = 2)" in h.messages[0]


def test_the_escalation_file_redacts_a_value_given_to_a_configured_secret(kit: Kit) -> None:
    secrets = "secrets:\n  DEPLOY_CRED: {provider: op, ref: 'op://dev/deploy/cred'}\n"
    kit.install(config=limits(max_consecutive_failures=1) + secrets)
    kit.edit("cmd/main.go")
    kit.verdict("backend-tester", verdict_text("testing", verdict="FAIL", summary="bad token"))

    h = kit.stop("tried DEPLOY_CRED=dc-live-4f9a2c81 and it failed")

    allowed(h)
    [esc] = kit.decisions(decision="escalate")
    text = (kit.repo / esc["file"]).read_text()
    assert "DEPLOY_CRED=[REDACTED]" in text and "dc-live-4f9a2c81" not in text
