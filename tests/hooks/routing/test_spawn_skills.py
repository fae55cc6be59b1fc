"""spawn_skills: a spawn's task prompt gets the routed library paths appended (PreToolUse updatedInput)."""

from __future__ import annotations

from pathlib import Path

import pytest

from claude_kit_hooks.routing.spawn_skills import ROUTED_MARK
from tests.hooks.hookrun import fixture, kit_repo, log_records, run_hook

POOL = ".claude/skill-library/backend/connection-pooling-and-timeouts/SKILL.md"
TASK = "postgres says too many clients already under load; fix the pool settings"


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return kit_repo(tmp_path_factory, "spawn-skills")


def spawn(repo: Path, prompt: str, agent: str = "backend-developer") -> dict[str, object]:
    return fixture("PreToolUse-agent-foreground", repo, prompt=prompt, subagent_type=agent)


def test_the_prompt_gets_the_routed_paths_and_the_rest_of_the_input_is_kept(repo: Path) -> None:
    payload = spawn(repo, TASK)
    result = run_hook(repo, "pre_tool_use", payload)
    spec = result.spec
    assert "permissionDecision" not in spec
    updated = spec["updatedInput"]
    assert updated["prompt"].startswith(TASK) and ROUTED_MARK in updated["prompt"]
    assert POOL in updated["prompt"].split(ROUTED_MARK)[1]
    # The runtime replaces the whole input: every other field goes back as it came.
    assert {k: v for k, v in updated.items() if k != "prompt"} == {
        k: v
        for k, v in payload["tool_input"].items()
        if k != "prompt"  # type: ignore[attr-defined]
    }
    assert updated["prompt"].count("\n- ") <= 3


def test_a_reviewer_is_routed_within_its_domain_and_security_only(repo: Path) -> None:
    result = run_hook(
        repo, "pre_tool_use", spawn(repo, "review the login handler for sql injection", "backend-reviewer")
    )
    routed = result.spec["updatedInput"]["prompt"].split(ROUTED_MARK)[1]
    assert "/security/" in routed
    assert "/frontend/" not in routed and "/python/" not in routed and "/kit/" not in routed


def test_an_already_routed_prompt_a_nonsense_task_and_a_denied_spawn_are_left_alone(repo: Path) -> None:
    assert (
        "updatedInput"
        not in run_hook(repo, "pre_tool_use", spawn(repo, f"{TASK}\n\n{ROUTED_MARK}:\n- x")).spec
    )
    assert run_hook(repo, "pre_tool_use", spawn(repo, "zzqx wibble")).stdout == ""
    assert log_records(repo, hook="spawn_skills")[-1]["reason"] == "no library skill fits the task"
    nested = {**spawn(repo, TASK), "agent_id": "a1", "agent_type": "backend-developer"}
    denied = run_hook(repo, "pre_tool_use", nested)
    assert denied.permission == "deny" and "updatedInput" not in denied.spec


def test_a_broken_index_spawns_unchanged_and_logs_the_error(tmp_path_factory: pytest.TempPathFactory) -> None:
    repo = kit_repo(tmp_path_factory, "spawn-skills-broken")
    (repo / ".claude/skill-library/index.json").write_text('{"skills": [{"name": 3, "triggers": 7}]}')
    result = run_hook(repo, "pre_tool_use", spawn(repo, TASK))
    assert result.stdout == ""
    (repo / ".claude/skill-library/index.json").unlink()
    assert run_hook(repo, "pre_tool_use", spawn(repo, TASK)).stdout == ""
    assert "no routing index" in log_records(repo, hook="spawn_skills")[-1]["reason"]


def test_the_built_index_is_cached_and_a_broken_cache_is_rebuilt(repo: Path, tmp_path: Path) -> None:
    # Building the search state tokenizes every skill: a spawn loads it from the cache that
    # `claude-kit route` shares; a cache that does not load is rebuilt, never an error.
    import marshal
    import os

    from claude_kit_hooks.contract.layout import SKILL_INDEX

    env = {"XDG_CACHE_HOME": str(tmp_path)}
    first = run_hook(repo, "pre_tool_use", spawn(repo, TASK), env=env)
    cache = next((tmp_path / "claude-kit" / "route").glob("*.marshal"))
    assert POOL in first.spec["updatedInput"]["prompt"]
    cache.write_bytes(b"not marshal")
    again = run_hook(repo, "pre_tool_use", spawn(repo, TASK), env=env)
    assert again.spec["updatedInput"] == first.spec["updatedInput"]
    key, _state = marshal.loads(cache.read_bytes())
    assert str(os.path.realpath(repo / SKILL_INDEX)) in key
