"""The escalation advisor: a one-sentence hint once blocks repeat, optionally from a command."""

from __future__ import annotations

import json
import sys
from pathlib import Path

from claude_kit_hooks.stoploop import events
from tests.hooks.stoploop.conftest import BACKEND, Kit, blocked, verdict_text

MESSAGES = [
    "Done with the change.",
    "The reviewer is not needed for this.",
    "Here is a summary of my work.",
    "Let me explain the design instead.",
    "Everything compiles fine.",
]


def advisor(command: str, timeout: int = 5) -> str:
    return BACKEND + f"advisor:\n  command: {json.dumps(command)}\n  timeout: {timeout}\n"


def test_no_hint_for_the_first_three_blocks_then_a_deterministic_one(kit: Kit) -> None:
    kit.install()
    kit.edit("cmd/main.go")
    for n in range(3):
        assert "Hint" not in blocked(kit.stop(MESSAGES[n], active=n > 0))

    reason = blocked(kit.stop(MESSAGES[3], active=True))

    hint = reason.splitlines()[-1]
    assert hint.startswith("Hint: claude-kit has asked for backend-reviewer 4 times this session")
    assert "no agent was spawned since the last request" in hint


def test_hint_names_what_keeps_failing_and_what_was_not_tried(kit: Kit) -> None:
    kit.install(config=BACKEND + "limits:\n  max_consecutive_failures: 9\n  max_stop_blocks: 7\n")
    kit.edit("cmd/main.go")
    issue = [{"file": "cmd/main.go", "line": 9, "problem": "token compared with =="}]
    for n in range(4):
        kit.call(
            events.capture_agent_result,
            "PostToolUse",
            tool_name="Agent",
            tool_input={"subagent_type": "backend-reviewer"},
            tool_response={
                "status": "completed",
                "agentId": f"r{n}",
                "agentType": "backend-reviewer",
                "content": [{"type": "text", "text": verdict_text(verdict="FAIL", issues=issue)}],
            },
        )
        reason = blocked(kit.stop(MESSAGES[n], active=n > 0))

    hint = reason.splitlines()[-1]
    assert hint.startswith(
        "Hint: backend review has failed 4 time(s) (last: cmd/main.go:9 token compared with ==)"
    )
    assert "backend-developer has not been spawned since" in hint


def test_external_advisor_gets_the_context_on_stdin_and_its_line_is_used(kit: Kit, tmp_path: Path) -> None:
    seen = tmp_path / "context.json"
    script = tmp_path / "adv.py"
    script.write_text(
        f"import sys\nopen({str(seen)!r}, 'w').write(sys.stdin.read())\n"
        "print('\\n  Try the tester first.  \\nignored')\n"
    )
    kit.install(config=advisor(f"{sys.executable} {script}"))
    kit.edit("cmd/main.go")
    for n in range(3):
        blocked(kit.stop(MESSAGES[n], active=n > 0))

    reason = blocked(kit.stop(MESSAGES[3], active=True))

    assert reason.splitlines()[-1] == "Hint (advisor): Try the tester first."
    context = json.loads(seen.read_text())
    assert context["gate"] == "feedback_loop" and context["consecutive_blocks"] == 4
    assert context["last_assistant_message"] == MESSAGES[3]
    assert context["default_hint"].startswith("claude-kit has asked for backend-reviewer")


def test_a_failing_or_hanging_advisor_never_breaks_the_hook(kit: Kit) -> None:
    for command, error in (
        ("exit 3", "exit 3"),
        ("sleep 30", "timed out after 1 s"),
        ("true", "empty output"),
    ):
        kit.install(config=advisor(command, timeout=1))
        kit.edit("cmd/main.go", text=f"package main // {error}\n")
        for n in range(3):
            blocked(kit.stop(MESSAGES[n], active=n > 0))
        reason = blocked(kit.stop(MESSAGES[3], active=True))
        assert reason.splitlines()[-1].startswith("Hint: claude-kit has asked for backend-reviewer")
        assert any(error in r["reason"] for r in kit.decisions(hook="advisor", decision="error"))


def test_advisor_can_be_switched_off(kit: Kit) -> None:
    kit.install(config=BACKEND + "hooks:\n  advisor: {enabled: false}\n")
    kit.edit("cmd/main.go")
    for n in range(5):
        assert "Hint" not in blocked(kit.stop(MESSAGES[n], active=n > 0))


def test_with_a_hint_a_long_block_stays_under_the_runtime_cap_and_keeps_the_kill_switch(kit: Kit) -> None:
    kit.install()
    for i in range(12):
        kit.edit(f"internal/{'deeply/nested/' * 8}service/handlers/orders/a_rather_long_handler_{i}.go")
    for n in range(3):
        blocked(kit.stop(MESSAGES[n], active=n > 0))

    reason = blocked(kit.stop(MESSAGES[3], active=True))

    assert len(reason) <= 2000
    assert reason.splitlines()[-1].startswith("Hint: ")
    assert "hooks: {feedback_loop: {enabled: false}} in .claude/claude-kit.yaml." in reason
