"""Verdict blocks: parsing, the stdlib validator (cross-checked against jsonschema), and recording."""

from __future__ import annotations

import copy
import json
import random
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

import ck_loop_config
import ck_schema
import ck_verdicts
from tests.loop.conftest import BACKEND, Kit, blocked, fixture, verdict_text

SCHEMA_FILE = Path(__file__).resolve().parents[2] / "installer/claude_kit/schemas/verdict.schema.json"
VALID: dict[str, Any] = {
    "claude_kit": "verdict",
    "role": "review",
    "domain": "backend",
    "verdict": "PASS",
    "issues": [],
    "summary": "ok",
}
FAILING = dict(VALID, verdict="FAIL", issues=[{"file": "a.go", "line": 3, "problem": "bug"}])


# -- the schema and the validator ---------------------------------------------------------------------
def test_schema_file_is_the_schema_the_hooks_embed() -> None:
    assert json.loads(SCHEMA_FILE.read_text()) == ck_verdicts.VERDICT_SCHEMA
    Draft202012Validator.check_schema(ck_verdicts.VERDICT_SCHEMA)


def test_schema_uses_only_keywords_the_stdlib_validator_implements() -> None:
    def keywords(node: Any, in_properties: bool = False) -> set[str]:
        found: set[str] = set()
        if isinstance(node, dict):
            for key, value in node.items():
                if not in_properties:
                    found.add(key)
                found |= keywords(value, in_properties=key == "properties" and not in_properties)
        elif isinstance(node, list):
            for item in node:
                found |= keywords(item)
        return found

    assert keywords(ck_verdicts.VERDICT_SCHEMA) <= ck_schema.SUPPORTED_KEYWORDS


MUTATIONS: list[tuple[str, Any]] = [
    ("claude_kit", "plan"),
    ("claude_kit", None),
    ("role", "reviewer"),
    ("role", "testing"),
    ("role", "test_planning"),
    ("role", 1),
    ("domain", "Backend"),
    ("domain", "back end"),
    ("domain", ""),
    ("domain", "a" * 41),
    ("domain", "a" * 42),
    ("domain", "x-1"),
    ("domain", 7),
    ("verdict", "pass"),
    ("verdict", "FAIL"),
    ("verdict", True),
    ("issues", None),
    ("issues", {}),
    ("issues", "none"),
    ("summary", ""),
    ("summary", "s" * 2000),
    ("summary", "s" * 2001),
    ("summary", 3),
    ("summary", None),
    ("extra", "allowed"),
    ("summary", "\u00e9" * 2000),
]
ISSUES: list[Any] = [
    [],
    [{"file": "a.go", "line": 1, "problem": "p"}],
    [{"file": "a.go", "line": None, "problem": "p"}],
    [{"file": "a.go", "problem": "p"}],
    [{"file": "a.go", "line": "3", "problem": "p"}],
    [{"file": "a.go", "line": 3.0, "problem": "p"}],
    [{"file": "a.go", "line": 3.5, "problem": "p"}],
    [{"file": "a.go", "line": True, "problem": "p"}],
    [{"file": "a.go", "line": -1, "problem": "p"}],
    [{"file": "a.go", "line": 0, "problem": "p"}],
    [{"file": "", "line": 1, "problem": "p"}],
    [{"file": "a.go", "line": 1, "problem": ""}],
    [{"line": 1, "problem": "p"}],
    [{"file": "a.go", "line": 1}],
    [{"file": 1, "line": 1, "problem": "p"}],
    ["a.go:1 bug"],
    [None],
    [{"file": "a", "problem": "p", "x": 1}],
    [{"file": "a", "problem": "p"}] * 200,
    [{"file": "a", "problem": "p"}] * 201,
]


def _examples() -> list[Any]:
    out: list[Any] = [VALID, FAILING, None, [], "verdict", 3, True, {}, [VALID]]
    for base in (VALID, FAILING):
        for key, value in MUTATIONS:
            out.append(dict(base, **{key: value}))
        for key in base:
            out.append({k: v for k, v in base.items() if k != key})
        for issues in ISSUES:
            out.append(dict(base, issues=copy.deepcopy(issues)))
    rng = random.Random(20261121)
    pool = [v for _k, v in MUTATIONS] + ISSUES + ["PASS", "FAIL", "review", "backend", 0, 1.0, False]
    keys = list(VALID) + ["extra"]
    for _ in range(400):
        doc = copy.deepcopy(rng.choice([VALID, FAILING]))
        for _ in range(rng.randint(1, 3)):
            key = rng.choice(keys)
            if rng.random() < 0.2:
                doc.pop(key, None)
            else:
                doc[key] = copy.deepcopy(rng.choice(pool))
        out.append(doc)
    return out


EXAMPLES = _examples()


def test_stdlib_validator_agrees_with_jsonschema_on_every_example() -> None:
    reference = Draft202012Validator(ck_verdicts.VERDICT_SCHEMA)
    verdicts = [
        (not ck_schema.validate(ck_verdicts.VERDICT_SCHEMA, doc), reference.is_valid(doc)) for doc in EXAMPLES
    ]
    disagreements = [doc for doc, (ours, theirs) in zip(EXAMPLES, verdicts, strict=True) if ours != theirs]
    assert disagreements == []
    valid = sum(1 for ours, _ in verdicts if ours)
    assert 20 < valid < len(EXAMPLES) - 100  # both outcomes are well represented


def test_validator_messages_name_the_path() -> None:
    errors = ck_schema.validate(ck_verdicts.VERDICT_SCHEMA, dict(VALID, verdict="OK", issues=[{"file": "a"}]))
    assert '$.verdict: "OK" is not one of ["PASS", "FAIL"]' in errors
    assert '$.issues[0]: required property "problem" is missing' in errors


# -- parsing ------------------------------------------------------------------------------------------
def test_parse_takes_the_last_fenced_claude_kit_block() -> None:
    text = (
        "```json\n" + json.dumps(FAILING) + "\n```\nthen fixed\n" + verdict_text() + "\n```sh\ngo test\n```"
    )
    obj, problem = ck_verdicts.parse_verdict(text)
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
    _obj, problem = ck_verdicts.parse_verdict(text)
    assert problem is not None and expected in problem


def test_parse_accepts_an_unfenced_trailing_block() -> None:
    obj, problem = ck_verdicts.parse_verdict("report\n" + json.dumps(VALID))
    assert problem is None and obj == VALID


# -- recording ---------------------------------------------------------------------------------------
def test_agent_names_map_to_domain_and_role_including_custom_names(kit: Kit) -> None:
    kit.install(
        config=BACKEND.replace(
            'paths: ["**/*.go"]\n', 'paths: ["**/*.go"]\n    agents: {reviewer: api-reviewer}\n'
        )
    )
    roles = ck_loop_config.agent_roles(kit.hook("Stop").config)
    assert roles["api-reviewer"] == ("backend", "review")
    assert roles["backend-tester"] == ("backend", "testing")
    assert roles["test-lead"] == (None, "test_planning")
    assert "backend-reviewer" not in roles


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
