"""The SubagentStart briefing (briefings/subagent.py), on captured payloads: the spawn rule, the
developer's boundary, and the closing block a verifier or lead must end with."""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest

from claude_kit_hooks.briefings.subagent import role_of
from claude_kit_hooks.runtime.config import complete
from tests.hooks.hookrun import assert_clean, fixture, install, log_records, run_hook


@pytest.fixture
def kit(tmp_repo: Path) -> Path:
    return install(tmp_repo)


def payload(repo: Path, name: str, **fields: Any) -> dict[str, Any]:
    data = fixture(name, repo)
    data["session_id"] = str(uuid.uuid4())
    data.update(fields)
    return data


def start(repo: Path, agent_type: str) -> str:
    data = payload(repo, "SubagentStart-foreground", agent_type=agent_type)
    result = run_hook(repo, "subagent_start", data)
    assert_clean(result)
    assert result.json["hookSpecificOutput"]["hookEventName"] == "SubagentStart"
    return result.context


@pytest.mark.parametrize(
    ("agent_type", "block"),
    [
        ("backend-reviewer", '{"claude_kit": "verdict", "role": "review", "domain": "backend"'),
        ("backend-tester", '{"claude_kit": "verdict", "role": "testing", "domain": "backend"'),
        ("test-lead", '{"claude_kit": "verdict", "role": "test_planning", "domain": "<domain>"'),
        ("backend-lead", '{"claude_kit": "plan", "domain": "backend"'),
    ],
)
def test_verifiers_and_leads_are_told_their_closing_block(kit: Path, agent_type: str, block: str) -> None:
    text = start(kit, agent_type)

    assert text.startswith(f"claude-kit: you are the subagent `{agent_type}`.")
    assert "Do not spawn agents" in text and "NEEDS: spawn <agent> for <goal>" in text
    assert "under .claude/.output/" in text
    assert block in text
    assert len(text) < 900


def test_developers_and_other_agents_get_only_the_boundary(kit: Path) -> None:
    dev = start(kit, "backend-developer")
    other = start(kit, "general-purpose")

    assert "edit only the backend domain's files" in dev
    for text in (dev, other):  # agents that may edit learn their own lock holder id
        assert "Your agent id is `ab8cdc0b57ef5a522`" in text and "--agent ab8cdc0b57ef5a522`" in text
    assert "claude_kit" not in dev and "claude_kit" not in other
    assert "Do not spawn agents" in other


def test_a_fork_without_agent_type_is_not_briefed(kit: Path) -> None:
    # The compaction summary is written by a forked agent whose agent_type is "" (captured fixture).
    data = payload(kit, "SubagentStart-foreground", agent_type="")

    assert run_hook(kit, "subagent_start", data).stdout == ""
    assert "a fork" in log_records(kit, hook="subagent_context")[0]["reason"]


def test_renamed_agents_from_the_config_are_recognised(tmp_repo: Path) -> None:
    install(
        tmp_repo, 'version: 1\ndomains:\n  api:\n    paths: ["**/*.go"]\n    agents: {reviewer: go-critic}\n'
    )

    assert '"role": "review", "domain": "api"' in start(tmp_repo, "go-critic")


def test_deeper_spawning_is_described_when_allowed(tmp_repo: Path) -> None:
    install(tmp_repo, "version: 1\nspawn: {max_depth: 3}\n")

    text = start(tmp_repo, "backend-lead")

    assert "Spawning is limited to depth 3 (you run at depth 1;" in text
    assert "Do not spawn agents" not in text


def test_subagent_context_kill_switch(tmp_repo: Path) -> None:
    install(tmp_repo, "version: 1\nhooks: {subagent_context: {enabled: false}}\n")
    data = payload(tmp_repo, "SubagentStart-foreground")

    assert run_hook(tmp_repo, "subagent_start", data).stdout == ""


@pytest.mark.parametrize(
    ("agent_type", "expected"),
    [
        ("go-critic", ("api", "reviewer")),
        ("qa-lead", (None, "test-lead")),
        ("backend-tester", ("backend", "tester")),  # kit naming outside the configured domains
        ("api-developer", ("api", "developer")),
        ("general-purpose", (None, None)),
        ("", (None, None)),
    ],
)
def test_role_of_reads_the_config_first_then_the_kit_naming(
    agent_type: str, expected: tuple[str | None, str | None]
) -> None:
    cfg = complete({"test_lead": "qa-lead", "domains": {"api": {"agents": {"reviewer": "go-critic"}}}})

    assert role_of(cfg, agent_type) == expected
