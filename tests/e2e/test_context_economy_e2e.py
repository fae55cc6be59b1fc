"""Just-in-time knowledge and the always-on context, as the real Claude Code sends them.

A spawned developer gets the library paths routed for its task appended to its prompt (PreToolUse
`updatedInput` on the Agent call), not a whole gateway preloaded; the main thread is asked to
delegate by the CLAUDE.md block it is shown.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from claude_kit.fakeapi import Script, Turn, agent_call, say
from claude_kit_hooks.routing.spawn_skills import ROUTED_MARK
from tests.e2e.kitrepo import BACKEND_CONFIG, decisions, install_kit, run_ok

pytestmark = pytest.mark.e2e

POOL_SKILL = ".claude/skill-library/backend/connection-pooling-and-timeouts/SKILL.md"
GATEWAY_BODY = "# Backend gateway"  # the heading of skills/gateway-backend/SKILL.md
DELEGATION = "Delegate: spawn the domain's agents with the Agent tool"


def test_a_spawned_developer_gets_the_routed_paths_not_the_gateway(
    tmp_repo: Path, isolated_home: Path, claude_bin: Path
) -> None:
    install_kit(tmp_repo, BACKEND_CONFIG)
    task = "postgres says too many clients already under load; fix the pool settings"
    script = Script(
        main=[Turn([agent_call("POOLFIX", task, subagent_type="backend-developer")]), say("main done")],
        agents={"POOLFIX": [say("developer done")]},
    )

    result = run_ok(tmp_repo, isolated_home, claude_bin, script)

    [first, *_] = result.subagent_requests("POOLFIX")
    shown = first.text()
    assert ROUTED_MARK in shown and POOL_SKILL in shown
    assert GATEWAY_BODY not in shown  # no gateway preloaded into the developer
    [routed] = decisions(tmp_repo, hook="spawn_skills", decision="allow")
    assert POOL_SKILL in routed["reason"] and routed["subagent_type"] == "backend-developer"
    # The main thread's first request asks for delegation in the CLAUDE.md block it carries.
    assert DELEGATION in result.main_requests()[0].text()


def test_a_task_no_skill_fits_spawns_unchanged(tmp_repo: Path, isolated_home: Path, claude_bin: Path) -> None:
    install_kit(tmp_repo, BACKEND_CONFIG)
    script = Script(
        main=[Turn([agent_call("PLAINX", "zzqx wibble", subagent_type="backend-developer")]), say("done")],
        agents={"PLAINX": [say("developer done")]},
    )

    result = run_ok(tmp_repo, isolated_home, claude_bin, script)

    [first, *_] = result.subagent_requests("PLAINX")
    assert ROUTED_MARK not in first.text()
    assert (
        decisions(tmp_repo, hook="spawn_skills", decision="allow")[0]["reason"]
        == "no library skill fits the task"
    )
