"""The Workflow tool starts agents (its script's agent() calls): the same spawn gates as Agent/Task.

Payloads are PreToolUse(Workflow) as Claude Code 2.1.329 sends them (`tool_input.script`, `name` or
`scriptPath`); the real-runtime scenario is tests/e2e/test_scope_e2e.py.
"""

from __future__ import annotations

import uuid
from pathlib import Path
from typing import Any

import pytest

from claude_kit_hooks.contract.defaults import AGENT_TOOLS, HOOK_EVENTS, SPAWN_TOOLS
from claude_kit_hooks.spawn.transcripts import session_transcripts
from claude_kit_hooks.spawn.values import workflow_target
from tests.hooks.hookrun import fixture, kit_repo, log_records, run_hook

SCRIPT = (
    'export const meta = { name: "fix-api", description: "fix", phases: [] }\n'
    'const a = await agent("change main.go", {agentType: "backend-developer"})\n'
    "const b = await agent('review it', { agentType: 'backend-reviewer' })\n"
    'await agent("again", {agentType: "backend-developer"})\n'
)


@pytest.fixture(scope="module")
def kit(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return kit_repo(tmp_path_factory, "workflow")


def workflow_call(repo: Path, *, agent: tuple[str, str] | None = None, **tool_input: Any) -> dict[str, Any]:
    payload = fixture("PreToolUse-agent-foreground", repo)
    payload.update(tool_name="Workflow", tool_input=tool_input, tool_use_id="toolu_" + uuid.uuid4().hex[:24])
    payload["session_id"] = str(uuid.uuid4())
    if agent:
        payload.update(agent_id=agent[0], agent_type=agent[1])
    return payload


def test_every_spawning_tool_is_in_the_settings_matcher_and_gated() -> None:
    pre = str(HOOK_EVENTS["pre_tool_use"][1]).split("|")
    post = str(HOOK_EVENTS["post_tool_use"][1]).split("|")
    assert "Workflow" in SPAWN_TOOLS and set(SPAWN_TOOLS) <= set(pre)
    assert set(AGENT_TOOLS) <= set(post) and "Workflow" not in post  # its result is no one agent's


def test_a_workflow_is_named_by_its_agent_types() -> None:
    assert workflow_target({"script": SCRIPT}) == "Workflow fix-api (backend-developer, backend-reviewer)"
    assert workflow_target({"name": "review"}) == "Workflow review (its agents)"
    assert workflow_target({"scriptPath": "/s/workflows/scripts/probe-wf_1.js"}) == (
        "Workflow probe-wf_1.js (its agents)"
    )
    assert workflow_target({"script": 7}) == "Workflow script (its agents)"


def test_a_subagent_starting_a_workflow_is_denied_like_a_spawn(kit: Path) -> None:
    payload = workflow_call(kit, agent=("a1", "backend-developer"), script=SCRIPT)
    result = run_hook(kit, "pre_tool_use", payload)
    assert result.permission == "deny"
    assert "workers don't delegate" in result.reason
    assert "`Workflow fix-api (backend-developer, backend-reviewer)` was not spawned" in result.reason
    [rec] = log_records(kit, tool_use_id=payload["tool_use_id"])
    assert (rec["hook"], rec["tool"]) == ("spawn_depth", "Workflow")


def test_a_main_thread_workflow_passes_every_spawn_gate_in_order(kit: Path) -> None:
    payload = workflow_call(kit, script=SCRIPT)
    assert run_hook(kit, "pre_tool_use", payload).stdout == ""
    records = log_records(kit, tool_use_id=payload["tool_use_id"])
    assert [r["hook"] for r in records][:2] == ["spawn_depth", "compaction_gate"]
    assert (
        records[0]["reason"]
        == "main thread spawns Workflow fix-api (backend-developer, backend-reviewer) (depth 1 of 1)"
    )


def test_workflow_agents_transcripts_count_for_the_session(tmp_path: Path) -> None:
    main = tmp_path / "s1.jsonl"
    run = tmp_path / "s1/subagents/workflows/wf_1"
    run.mkdir(parents=True)
    for path in (main, tmp_path / "s1/subagents/agent-a.jsonl", run / "agent-b.jsonl", run / "journal.jsonl"):
        path.write_text("")
    assert session_transcripts(str(main)) == [
        str(main),
        str(tmp_path / "s1/subagents/agent-a.jsonl"),
        str(run / "agent-b.jsonl"),
    ]
