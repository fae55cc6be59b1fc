"""Spawn depth (PreToolUse on Agent/Task) and subagent registration (SubagentStart).

Workers don't delegate: with the default spawn.max_depth 1 any spawn from inside a subagent is
denied; with 2 or 3 the kit tracks each subagent's depth.
"""

from __future__ import annotations

import json
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from tests.hooks.hookrun import assert_clean, fixture, install, kit_repo, log_records, run_hook

STATE = ".claude/.claude-kit/local/state"


@pytest.fixture(scope="module")
def kit(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return kit_repo(tmp_path_factory, "depth1")


@pytest.fixture(scope="module")
def deep(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return kit_repo(tmp_path_factory, "depth2", "version: 1\nspawn: {max_depth: 2}\n")


def spawn(repo: Path, session: str, *, agent: tuple[str, str] | None = None, transcript: str = "",
          **tool_input: Any) -> dict[str, Any]:  # fmt: skip
    payload = fixture("PreToolUse-agent-foreground", repo, **tool_input)
    payload.update(
        session_id=session, transcript_path=transcript, tool_use_id="toolu_" + uuid.uuid4().hex[:24]
    )
    if agent:
        payload.update(agent_id=agent[0], agent_type=agent[1])
    return payload


def started(repo: Path, session: str, agent_id: str, agent_type: str) -> dict[str, Any]:
    payload = fixture("SubagentStart-foreground", repo)
    payload.update(session_id=session, agent_id=agent_id, agent_type=agent_type)
    return payload


def registry(repo: Path, session: str) -> dict[str, Any]:
    path = repo / STATE / session / "spawn.json"
    return dict(json.loads(path.read_text())) if path.exists() else {}


# -- default depth 1 -------------------------------------------------------------------------------
def test_the_main_thread_may_spawn(kit: Path) -> None:
    session = str(uuid.uuid4())

    result = run_hook(kit, "pre_tool_use", spawn(kit, session, subagent_type="backend-developer"))

    assert_clean(result)
    assert result.stdout == ""
    [record] = log_records(kit, session_id=session, hook="spawn_depth")
    assert record["decision"] == "allow" and record["agent_id"] is None


@pytest.mark.parametrize("tool", ["Agent", "Task"])
def test_a_subagent_may_not_spawn_by_default(kit: Path, tool: str) -> None:
    session = str(uuid.uuid4())
    payload = spawn(kit, session, agent=("a1f00d", "backend-developer"), subagent_type="backend-reviewer",
                    description="Review the handler")  # fmt: skip
    payload["tool_name"] = tool

    result = run_hook(kit, "pre_tool_use", payload)

    assert_clean(result)
    assert result.permission == "deny"
    reason = result.reason
    assert reason.startswith("claude-kit: workers don't delegate.")
    assert "You are a subagent (backend-developer)" in reason
    assert "spawn.max_depth: 1" in reason
    assert 'NEEDS: spawn backend-reviewer for "Review the handler"' in reason
    assert "the main thread will spawn it" in reason
    assert "spawn: {max_depth: 2}" in reason and "hooks: {spawn_depth: {enabled: false}}" in reason
    assert len(reason) < 800
    [record] = log_records(kit, session_id=session, hook="spawn_depth")
    assert (record["decision"], record["agent_id"], record["agent_type"]) == (
        "deny",
        "a1f00d",
        "backend-developer",
    )
    # Depth 1 needs no bookkeeping at all.
    assert registry(kit, session) == {}


def test_agent_type_without_agent_id_is_a_main_thread_session(kit: Path) -> None:
    # `claude --agent x` sets agent_type on the main thread; only agent_id marks a subagent.
    payload = spawn(kit, str(uuid.uuid4()))
    payload["agent_type"] = "backend-lead"

    assert run_hook(kit, "pre_tool_use", payload).permission is None


def test_kill_switches(tmp_repo: Path) -> None:
    install(tmp_repo, "version: 1\nhooks: {spawn_depth: {enabled: false}}\n")
    payload = spawn(tmp_repo, str(uuid.uuid4()), agent=("a1", "backend-developer"))
    assert run_hook(tmp_repo, "pre_tool_use", payload).permission is None  # spawn_skills may route it

    install(tmp_repo, "version: 1\n")
    assert run_hook(tmp_repo, "pre_tool_use", payload).permission == "deny"
    assert (
        run_hook(
            tmp_repo, "pre_tool_use", payload, env={"CLAUDE_KIT_DISABLE_HOOKS": "spawn_depth"}
        ).permission
        is None
    )
    assert run_hook(tmp_repo, "pre_tool_use", payload, env={"CLAUDE_KIT_DISABLE": "1"}).stdout == ""


# -- depth tracking for max_depth 2 ----------------------------------------------------------------
def test_depth_is_tracked_through_subagent_start(deep: Path) -> None:
    session = str(uuid.uuid4())
    # main -> backend-lead (depth 1)
    assert (
        run_hook(deep, "pre_tool_use", spawn(deep, session, subagent_type="backend-lead")).permission is None
    )
    assert [p["parent_depth"] for p in registry(deep, session)["pending"]] == [0]
    assert_clean(run_hook(deep, "subagent_start", started(deep, session, "lead1", "backend-lead")))
    assert registry(deep, session)["agents"]["lead1"]["depth"] == 1
    assert registry(deep, session)["pending"] == []

    # backend-lead -> backend-developer (depth 2): allowed
    payload = spawn(deep, session, agent=("lead1", "backend-lead"), subagent_type="backend-developer")
    assert run_hook(deep, "pre_tool_use", payload).stdout == ""
    assert_clean(run_hook(deep, "subagent_start", started(deep, session, "dev1", "backend-developer")))
    assert registry(deep, session)["agents"]["dev1"]["depth"] == 2

    # backend-developer -> anything (depth 3): denied
    result = run_hook(deep, "pre_tool_use", spawn(deep, session, agent=("dev1", "backend-developer")))
    assert result.permission == "deny"
    assert (
        "you run at depth 2 and a spawn would run at depth 3, deeper than spawn.max_depth: 2" in result.reason
    )
    assert "spawn: {max_depth: 3}" in result.reason


def test_the_subagent_start_context_names_the_depth(deep: Path) -> None:
    session = str(uuid.uuid4())
    run_hook(deep, "pre_tool_use", spawn(deep, session, subagent_type="backend-lead"))

    result = run_hook(deep, "subagent_start", started(deep, session, "lead9", "backend-lead"))

    assert "Spawning is limited to depth 2 (you run at depth 1;" in result.context


def test_pending_spawns_match_first_in_first_out_by_agent_type(deep: Path) -> None:
    session = str(uuid.uuid4())
    run_hook(deep, "pre_tool_use", spawn(deep, session, subagent_type="backend-lead"))
    run_hook(deep, "subagent_start", started(deep, session, "lead1", "backend-lead"))
    # The lead (depth 1) spawns a tester, the main thread (depth 0) spawns a reviewer.
    run_hook(
        deep,
        "pre_tool_use",
        spawn(deep, session, agent=("lead1", "backend-lead"), subagent_type="backend-tester"),
    )
    run_hook(deep, "pre_tool_use", spawn(deep, session, subagent_type="backend-reviewer"))

    run_hook(deep, "subagent_start", started(deep, session, "rev1", "backend-reviewer"))
    run_hook(deep, "subagent_start", started(deep, session, "tst1", "backend-tester"))

    agents = registry(deep, session)["agents"]
    assert (agents["rev1"]["depth"], agents["tst1"]["depth"]) == (1, 2)


def test_the_runtimes_meta_file_wins_over_the_registry(deep: Path, tmp_path: Path) -> None:
    session = str(uuid.uuid4())
    transcript = tmp_path / f"{session}.jsonl"
    meta = tmp_path / session / "subagents" / "agent-x42.meta.json"
    meta.parent.mkdir(parents=True)
    meta.write_text(json.dumps({"agentType": "general-purpose", "spawnDepth": 2, "toolUseId": "toolu_1"}))

    result = run_hook(deep, "pre_tool_use", spawn(deep, session, agent=("x42", "general-purpose"),
                                                  transcript=str(transcript)))  # fmt: skip

    assert result.permission == "deny" and "you run at depth 2" in result.reason
    [record] = log_records(deep, session_id=session, hook="spawn_depth")
    assert record["depth"] == 2


def test_an_unknown_subagent_counts_as_depth_1(deep: Path) -> None:
    session = str(uuid.uuid4())

    result = run_hook(
        deep, "pre_tool_use", spawn(deep, session, agent=("never-registered", "general-purpose"))
    )

    assert result.permission is None
    assert "from default" in log_records(deep, session_id=session, hook="spawn_depth")[0]["reason"]


def test_an_unmatched_subagent_start_is_registered_at_depth_1(deep: Path) -> None:
    session = str(uuid.uuid4())
    # The compaction fork fires SubagentStart with an empty agent_type and no spawn before it.
    run_hook(deep, "subagent_start", started(deep, session, "fork1", ""))

    assert registry(deep, session)["agents"]["fork1"]["depth"] == 1
    assert "assumed 1" in log_records(deep, session_id=session, hook="spawn_depth")[0]["reason"]


def test_a_spawn_denied_by_a_later_check_leaves_no_pending_entry(tmp_repo: Path, tmp_path: Path) -> None:
    install(tmp_repo, "version: 1\nspawn: {max_depth: 2}\n")
    session = str(uuid.uuid4())
    transcript = tmp_path / f"{session}.jsonl"
    data = spawn(tmp_repo, session, transcript=str(transcript))
    call = {"type": "tool_use", "id": data["tool_use_id"], "name": "Agent", "input": {}}
    line = {"type": "assistant", "message": {"id": "m1", "model": "claude-sonnet-4-6", "content": [call],
                                             "usage": {"input_tokens": 190_000}}}  # fmt: skip
    transcript.write_text(json.dumps(line) + "\n")

    result = run_hook(tmp_repo, "pre_tool_use", data)

    assert result.permission == "deny" and "/compact" in result.reason
    assert registry(tmp_repo, session)["pending"] == []


def test_concurrent_subagent_starts_lose_no_registration(deep: Path) -> None:
    session = str(uuid.uuid4())
    for _ in range(8):
        run_hook(deep, "pre_tool_use", spawn(deep, session, subagent_type="backend-developer"))

    def start(i: int) -> None:  # eight hook processes at once, as the runtime starts them
        data = started(deep, session, f"dev{i}", "backend-developer")
        assert_clean(run_hook(deep, "subagent_start", data, in_process=False))

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(start, range(8)))

    data = registry(deep, session)
    assert sorted(data["agents"]) == sorted(f"dev{i}" for i in range(8))
    assert {a["depth"] for a in data["agents"].values()} == {1}
    assert data["pending"] == []


@pytest.mark.parametrize(
    "payload",
    [
        {"hook_event_name": "PreToolUse", "tool_name": "Agent", "tool_input": "not a dict", "agent_id": "a"},
        {"hook_event_name": "PreToolUse", "tool_name": "Agent", "agent_id": "a", "session_id": 7},
        {"hook_event_name": "SubagentStart"},
    ],
)
def test_odd_payloads_get_a_clean_answer(deep: Path, payload: dict[str, Any]) -> None:
    module = "subagent_start" if payload["hook_event_name"] == "SubagentStart" else "pre_tool_use"
    result = run_hook(deep, module, payload)
    assert_clean(result)
    if module == "pre_tool_use":
        assert result.stdout == ""  # a subagent at unknown depth 1 may spawn under max_depth 2


def test_corrupt_registry_state_is_survived(deep: Path) -> None:
    session = str(uuid.uuid4())
    path = deep / STATE / session / "spawn.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text('{"pending": "oops", "agents": [1, 2]}')

    assert_clean(run_hook(deep, "subagent_start", started(deep, session, "a1", "backend-lead")))
    assert registry(deep, session)["agents"]["a1"]["depth"] == 1
