"""A lead's plan block in a real Claude Code session: the lead is briefed on the block and checks it
with `claude-kit feature check-plan` from its own shell (a read-only role's shell reads stdin, it
writes nothing, so the kit's shell checks let it run)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from claude_kit.fakeapi import Script, Turn, agent_call, say, tool_use
from tests.e2e.kitrepo import BACKEND_CONFIG, LOOP_OFF, decisions, install_kit, run_ok

pytestmark = pytest.mark.e2e


def plan_message(depends_on_later: bool) -> str:
    tasks = [
        {"id": 1, "agent": "backend-developer", "files": ["internal/invoice/repo.go"],
         "goal": "ListAfter returns the page after the cursor", "depends_on": [],
         "verify": "go test ./internal/invoice/"},
        {"id": 2, "agent": "backend-developer", "files": ["internal/invoice/handler.go"],
         "goal": "GET /v1/invoices returns next_cursor", "depends_on": [3] if depends_on_later else [1],
         "verify": "go test ./internal/invoice/..."},
    ]  # fmt: skip
    block = {"claude_kit": "plan", "domain": "backend", "interfaces": [], "tasks": tasks,
             "self_review": "criterion 1 -> task 1, criterion 2 -> task 2; task 2 needs task 1"}  # fmt: skip
    return f"# backend-lead: plan\n\n```json\n{json.dumps(block)}\n```"


def test_a_lead_is_briefed_on_the_plan_block_and_checks_it_from_its_shell(
    tmp_repo: Path, isolated_home: Path, claude_bin: Path
) -> None:
    install_kit(tmp_repo, config=BACKEND_CONFIG + LOOP_OFF, files={"main.go": "package main\n"})
    check = f"{sys.executable} -m claude_kit feature check-plan - <<'EOF'\n{plan_message(True)}\nEOF"
    script = Script(
        main=[
            Turn([agent_call("PLANNER", "plan invoice pagination", subagent_type="backend-lead")]),
            say("done"),
        ],
        agents={
            "PLANNER": [
                Turn([tool_use("Bash", {"command": check, "description": "check the plan block"})]),
                say(plan_message(False)),
            ]
        },
    )

    result = run_ok(tmp_repo, isolated_home, claude_bin, script)

    first = result.subagent_requests("PLANNER")[0]
    # SubagentStart told the lead what its closing block holds and how to check it ...
    assert '{"claude_kit": "plan", "domain": "backend", "interfaces": [...]' in first.text()
    assert "check it with `claude-kit feature check-plan -`" in first.text()
    # ... the check ran in the lead's shell (exit 1) and named the problem in its draft ...
    [checked] = [e for e in result.tool_errors() if e.conversation.startswith("agent:PLANNER")]
    assert checked.tool == "Bash" and checked.text.startswith("Exit code 1\n")
    assert "<stdin>: task 2: depends on task 3, which is no task" in checked.text
    # ... and no kit check stood in its way.
    assert decisions(tmp_repo, decision="deny") == []
