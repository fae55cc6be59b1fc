"""Verdict blocks: parsing the claude_kit block of a verifier's final message, and recording it."""

from __future__ import annotations

import json
from typing import Any

import pytest

from claude_kit_hooks.stoploop import verdicts
from tests.hooks.stoploop.conftest import BACKEND, Kit, blocked, fixture, verdict_text

VALID: dict[str, Any] = {
    "claude_kit": "verdict",
    "role": "review",
    "domain": "backend",
    "verdict": "PASS",
    "issues": [],
    "summary": "ok",
}
FAILING = dict(VALID, verdict="FAIL", issues=[{"file": "a.go", "line": 3, "problem": "bug"}])


# -- parsing ------------------------------------------------------------------------------------------
def test_parse_takes_the_last_fenced_claude_kit_block() -> None:
    text = (
        "```json\n" + json.dumps(FAILING) + "\n```\nthen fixed\n" + verdict_text() + "\n```sh\ngo test\n```"
    )
    obj, problem = verdicts.parse_verdict(text)
    assert problem is None
    assert obj is not None and obj["verdict"] == "PASS"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", "final message is empty"),
        ("all good, PASS", 'no fenced ```json block with "claude_kit": "verdict"'),
        ('```json\n{"claude_kit": "verdict", "role": \n```', "does not parse"),
        (
            "```json\n" + json.dumps(dict(VALID, issues=FAILING["issues"])) + "\n```",
            "$.issues: must have at most 0",
        ),
        ("```json\n" + json.dumps(dict(FAILING, issues=[])) + "\n```", "$.issues: needs at least 1"),
        ("```json\n" + json.dumps(dict(VALID, summary="")) + "\n```", "$.summary: is shorter than 1"),
    ],
)
def test_parse_reports_what_is_wrong(text: str, expected: str) -> None:
    _obj, problem = verdicts.parse_verdict(text)
    assert problem is not None and expected in problem


def test_parse_accepts_an_unfenced_trailing_block() -> None:
    obj, problem = verdicts.parse_verdict("report\n" + json.dumps(VALID))
    assert problem is None and obj == VALID


# -- recording ---------------------------------------------------------------------------------------
def test_background_verdict_arrives_with_subagent_stop_fixture(kit: Kit) -> None:
    kit.install()
    kit.edit("cmd/main.go")
    payload = fixture("SubagentStop-background", kit.repo)
    payload.update(session_id=kit.sid, agent_type="backend-reviewer", last_assistant_message=verdict_text())

    kit.run_hook("subagent_stop", payload)

    review = kit.state()["domains"]["backend"]["phases"]["review"]
    assert review["verdict"] == "PASS" and review["source"] == "SubagentStop"
    assert review["agent_id"] == payload["agent_id"]


def test_foreground_verdict_is_counted_once_from_subagent_stop_and_post_tool_use(kit: Kit) -> None:
    kit.install()
    kit.edit("cmd/main.go")
    post = fixture("PostToolUse-agent-foreground", kit.repo)
    post["session_id"] = kit.sid
    post["tool_input"]["subagent_type"] = "backend-tester"
    post["tool_response"].update(
        agentType="backend-tester",
        content=[
            {"type": "text", "text": "<tools-used-before-summary>Bash</tools-used-before-summary>"},
            {"type": "text", "text": verdict_text("testing", verdict="FAIL")},
        ],
    )
    agent_id = post["tool_response"]["agentId"]

    kit.verdict("backend-tester", verdict_text("testing", verdict="FAIL"), agent_id=agent_id)
    kit.run_hook("post_tool_use", post)

    state = kit.state()
    assert state["consecutive"]["testing"] == 1
    assert state["iteration"] == 2
    assert len(state["failures"]) == 1
    assert state["spawns"][-1]["type"] == "backend-tester"


def test_post_tool_use_alone_records_a_foreground_verdict(kit: Kit) -> None:
    kit.install()
    kit.edit("cmd/main.go")
    post = fixture("PostToolUse-agent-foreground", kit.repo)
    post["session_id"] = kit.sid
    post["tool_response"].update(
        agentType="backend-reviewer", content=[{"type": "text", "text": verdict_text()}]
    )

    kit.run_hook("post_tool_use", post)

    assert kit.state()["domains"]["backend"]["phases"]["review"]["source"] == "PostToolUse"


def test_background_launch_is_noted_but_carries_no_verdict(kit: Kit) -> None:
    kit.install()
    post = fixture("PostToolUse-agent-background", kit.repo)
    post["session_id"] = kit.sid
    post["tool_input"]["subagent_type"] = "backend-reviewer"

    kit.run_hook("post_tool_use", post)

    state = kit.state()
    assert state["spawns"][0]["background"] is True
    assert state["domains"] == {} and state["agents"] == {}


def test_missing_verdict_is_a_fail_and_the_stop_message_says_why(kit: Kit) -> None:
    kit.install()
    kit.edit("cmd/main.go")
    kit.verdict("backend-reviewer", "Looks good to me, no problems found.")

    review = kit.state()["domains"]["backend"]["phases"]["review"]
    assert review["verdict"] == "FAIL"
    assert "no fenced ```json block" in review["invalid"]
    reason = blocked(kit.stop())
    assert "The last backend-reviewer verdict counts as FAIL because no fenced ```json block" in reason
    assert 'subagent_type "backend-reviewer"' in reason  # re-run the same agent, nothing to fix in code
    [rec] = kit.decisions(hook="verdicts")
    assert rec["decision"] == "warn" and "FAIL" in rec["reason"]


def test_role_from_the_agent_name_wins_over_the_block(kit: Kit) -> None:
    kit.install()
    kit.edit("cmd/main.go")
    kit.verdict("backend-reviewer", verdict_text(role="testing", domain="frontend"))

    phases = kit.state()["domains"]["backend"]["phases"]
    assert list(phases) == ["review"]
    [rec] = kit.decisions(hook="verdicts")
    assert "role 'testing' in the block ignored" in rec["reason"]
    assert "domain 'frontend' in the block ignored" in rec["reason"]


def test_test_lead_verdict_goes_to_the_blocks_domain_or_the_first_open_one(kit: Kit) -> None:
    kit.install(config=BACKEND + "  python:\n    paths: ['**/*.py']\n")
    kit.edit("tools/gen.py", agent_type="python-developer")
    kit.verdict("test-lead", verdict_text("test_planning", domain="backend"))
    kit.verdict("test-lead", verdict_text("test_planning", domain="nonsense"))

    domains = kit.state()["domains"]
    assert domains["backend"]["phases"]["test_planning"]["verdict"] == "PASS"
    assert domains["python"]["phases"]["test_planning"]["verdict"] == "PASS"


def test_other_agents_and_the_compaction_fork_are_ignored(kit: Kit) -> None:
    kit.install()
    kit.verdict("general-purpose", verdict_text())
    fork = fixture("SubagentStop-compaction-fork", kit.repo)
    fork["session_id"] = kit.sid
    kit.run_hook("subagent_stop", fork)

    assert kit.state() == {}
