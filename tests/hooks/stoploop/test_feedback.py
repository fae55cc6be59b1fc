"""The feedback loop at Stop: block with the next agent until review and testing pass, bounded."""

from __future__ import annotations

from pathlib import Path

import pytest

from claude_kit_hooks.contract.naming import PLUGIN_NAME
from claude_kit_hooks.runtime import plugin
from claude_kit_hooks.runtime.answer import render
from tests.hooks.stoploop.conftest import BACKEND, TWO_DOMAINS, Kit, allowed, blocked, limits, verdict_text


def test_changed_backend_blocks_until_review_and_testing_pass(kit: Kit) -> None:
    kit.install()
    kit.edit("cmd/main.go")

    reason = blocked(kit.stop("I am done"))
    assert 'subagent_type "backend-reviewer" and run_in_background false' in reason
    assert "cmd/main.go" in reason
    assert '"role": "review", "domain": "backend"' in reason
    assert "CLAUDE_KIT_DISABLE=1" in reason and "feedback_loop: {enabled: false}" in reason

    kit.verdict("backend-reviewer", verdict_text())
    reason = blocked(kit.stop("reviewed", active=True))
    assert 'subagent_type "backend-tester"' in reason
    assert "not yet testing PASS" in reason

    kit.verdict("backend-tester", verdict_text("testing"))
    h = kit.stop("tested", active=True)
    allowed(h)
    assert render(h) == ""
    [done] = kit.decisions(hook="stop_gate", decision="allow")
    assert "after 2 block(s)" in done["reason"]


def test_test_planning_runs_between_review_and_testing_when_configured(kit: Kit) -> None:
    kit.install(config=BACKEND + "    test_planning: true\n")
    kit.edit("cmd/main.go")
    kit.verdict("backend-reviewer", verdict_text())

    reason = blocked(kit.stop())
    assert 'subagent_type "test-lead"' in reason and '"role": "test_planning"' in reason

    kit.verdict("test-lead", verdict_text("test_planning"))
    assert 'subagent_type "backend-tester"' in blocked(kit.stop(active=True))


def test_review_fail_sends_the_developer_with_the_issues_then_the_reviewer_again(kit: Kit) -> None:
    kit.install()
    kit.edit("cmd/main.go")
    issue = [{"file": "cmd/main.go", "line": 7, "problem": "SQL built with Sprintf"}]
    kit.verdict("backend-reviewer", verdict_text(verdict="FAIL", issues=issue))

    reason = blocked(kit.stop())
    assert 'subagent_type "backend-developer"' in reason
    assert "cmd/main.go:7 SQL built with Sprintf" in reason
    assert 'Then call the Agent tool with subagent_type "backend-reviewer" again' in reason
    assert kit.state()["consecutive"]["review"] == 1
    assert kit.state()["iteration"] == 1  # only testing failures cost an iteration

    kit.edit("cmd/main.go", text="package main // fixed\n")
    reason = blocked(kit.stop(active=True))
    assert reason.splitlines()[1].startswith(
        'Next: call the Agent tool with subagent_type "backend-reviewer"'
    )


def test_testing_fail_increments_the_iteration_and_resets_every_domain(kit: Kit) -> None:
    kit.install(config=TWO_DOMAINS)
    kit.edit("cmd/main.go")
    kit.edit("tools/gen.py", agent_type="python-developer")
    for agent in ("backend-reviewer", "python-reviewer"):
        kit.verdict(agent, verdict_text(domain=agent.split("-")[0]))
    kit.verdict("python-tester", verdict_text("testing", "python"))

    kit.verdict("backend-tester", verdict_text("testing", verdict="FAIL"))

    state = kit.state()
    assert state["iteration"] == 2
    assert state["consecutive"]["testing"] == 1
    assert state["domains"]["backend"]["phases"] == {} and state["domains"]["python"]["phases"] == {}
    reason = blocked(kit.stop())
    assert "iteration 2/5" in reason and 'subagent_type "backend-developer"' in reason


def test_domains_without_installed_reviewer_and_tester_are_not_gated(kit: Kit) -> None:
    kit.install()
    kit.remove_agent("backend-reviewer")
    kit.remove_agent("backend-tester")
    kit.edit("cmd/main.go")

    allowed(kit.stop())


def test_only_installed_phases_are_required(kit: Kit) -> None:
    kit.install()
    kit.remove_agent("backend-tester")
    kit.edit("cmd/main.go")
    kit.verdict("backend-reviewer", verdict_text())

    allowed(kit.stop())


def test_a_running_background_verifier_lets_the_stop_through_to_wait_for_it(kit: Kit) -> None:
    kit.install()
    kit.edit("cmd/main.go")
    running = [
        {
            "id": "a1",
            "type": "subagent",
            "status": "running",
            "description": "review",
            "agent_type": "backend-reviewer",
        }
    ]

    allowed(kit.stop("waiting for the reviewer", background_tasks=running))
    [rec] = kit.decisions(hook="feedback_loop", decision="allow")
    assert "backend-reviewer" in rec["reason"]
    done = [dict(running[0], status="completed")]
    blocked(kit.stop(background_tasks=done))


def test_feedback_loop_can_be_switched_off(kit: Kit) -> None:
    kit.install(config=BACKEND + "hooks:\n  feedback_loop: {enabled: false}\n")
    kit.edit("cmd/main.go")

    allowed(kit.stop())


def test_a_long_fail_stays_bounded_and_keeps_the_next_step_and_the_way_out(kit: Kit) -> None:
    kit.install()
    for i in range(12):
        kit.edit(f"internal/service/handlers/orders/cancellation_handler_{i}.go")
    problem = "err compared with == instead of errors.Is, so a wrapped ErrNotFound maps to 500, not 404; " * 2
    where = "internal/service/handlers/orders/cancellation_handler_{}.go"
    issues = [{"file": where.format(i), "line": i, "problem": problem} for i in range(6)]
    kit.verdict("backend-reviewer", verdict_text(verdict="FAIL", issues=issues))

    reason = blocked(kit.stop())

    assert len(reason) <= 1900
    assert 'Next: call the Agent tool with subagent_type "backend-developer"' in reason
    assert "cancellation_handler_0.go:0 err compared with ==" in reason
    assert 'Then call the Agent tool with subagent_type "backend-reviewer" again (review).' in reason
    assert reason.endswith("hooks: {feedback_loop: {enabled: false}} in .claude/claude-kit.yaml.")


def test_a_review_fail_stands_against_a_later_pass_until_the_code_changes(kit: Kit) -> None:
    kit.install()
    kit.edit("cmd/main.go")
    issue = [{"file": "cmd/main.go", "line": 7, "problem": "SQL built with Sprintf"}]
    kit.verdict("backend-reviewer", verdict_text(verdict="FAIL", issues=issue), agent_id="r1")

    kit.verdict("backend-reviewer", verdict_text(), agent_id="r2")  # another reviewer, no fix in between

    state = kit.state()
    assert state["domains"]["backend"]["phases"]["review"]["verdict"] == "FAIL"
    assert state["consecutive"]["review"] == 2  # the shopping attempt counts toward the bound
    reason = blocked(kit.stop())
    assert "The last backend-reviewer verdict is FAIL: cmd/main.go:7 SQL built with Sprintf" in reason
    assert (
        "The later backend-reviewer PASS did not clear it: no backend code changed after the FAIL" in reason
    )
    assert 'Next: call the Agent tool with subagent_type "backend-developer"' in reason
    [note] = [r for r in kit.decisions(hook="verdicts") if "ignored" in r["reason"]]
    assert "stands until the backend code changes after it" in note["reason"]

    kit.edit("cmd/main.go", text="package main // fixed\n")
    kit.verdict("backend-reviewer", verdict_text(), agent_id="r3")
    assert kit.state()["domains"]["backend"]["phases"]["review"]["verdict"] == "PASS"


def test_a_pass_after_an_invalid_fail_counts(kit: Kit) -> None:
    kit.install()
    kit.edit("cmd/main.go")
    kit.verdict("backend-reviewer", "no block at all", agent_id="r1")  # counts as FAIL: missing block
    kit.verdict("backend-reviewer", verdict_text(), agent_id="r2")
    assert kit.state()["domains"]["backend"]["phases"]["review"]["verdict"] == "PASS"


def test_shopping_for_a_pass_is_bounded_by_the_consecutive_failures(kit: Kit) -> None:
    kit.install(config=limits(max_consecutive_failures=3))
    kit.edit("cmd/main.go")
    kit.verdict("backend-reviewer", verdict_text(verdict="FAIL"), agent_id="r1")
    kit.verdict("backend-reviewer", verdict_text(), agent_id="r2")
    kit.verdict("backend-reviewer", verdict_text(), agent_id="r3")

    h = kit.stop()
    assert h.decision is None  # escalated to the user instead of another block
    [esc] = kit.decisions(decision="escalate")
    assert "review failed 3 times in a row" in esc["reason"]


def test_through_the_plugin_its_agents_are_named_as_the_runtime_spawns_them(
    kit: Kit, monkeypatch: pytest.MonkeyPatch
) -> None:
    # These hooks loaded as the plugin's: the folder above them (the source tree) ships the agents.
    plugin_root = Path(plugin.__file__).resolve().parents[3]
    monkeypatch.setenv("CLAUDE_PLUGIN_ROOT", str(plugin_root))
    kit.install()
    kit.edit("cmd/main.go")

    assert f'subagent_type "{PLUGIN_NAME}:backend-reviewer"' in blocked(kit.stop("I am done"))
    kit.verdict(f"{PLUGIN_NAME}:backend-reviewer", verdict_text())  # the runtime's agent_type
    assert f'subagent_type "{PLUGIN_NAME}:backend-tester"' in blocked(kit.stop("reviewed", active=True))
