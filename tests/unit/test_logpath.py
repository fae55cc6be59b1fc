"""`claude-kit log --why` after an escalation: the path through the decision log that led there.
In a real escalated session: tests/e2e/test_loop_e2e.py (failing tester)."""

from __future__ import annotations

from typing import Any

from claude_kit.logpath import escalation_path, format_path


def _rec(hook: str, decision: str, reason: str = "", session: str = "s1", **extra: Any) -> dict[str, Any]:
    return {"ts": "2026-12-03T08:00:00Z", "session_id": session, "event": "Stop", "hook": hook,
            "decision": decision, "reason": reason, **extra}  # fmt: skip


FAIL = "backend-tester -> backend testing FAIL via SubagentStop: TestHello fails"
ESCALATE = _rec("feedback_loop", "escalate", "testing failed 2 times in a row", file=".claude/.output/e.md")
RECORDS = [
    _rec("session_context", "allow", "briefing"),  # routine: not part of the story
    _rec("spawn_depth", "allow", "main thread spawns backend-developer", tool="Agent"),
    _rec("agent_first", "deny", "claude-kit: no\nsecond line", session="other"),  # another session
    _rec("verdicts", "warn", FAIL, agent_id="a1", agent_type="backend-tester"),
    _rec("feedback_loop", "block", "claude-kit feedback loop (iteration 2/5)\nNext: ..."),
    _rec("compaction_gate", "allow", "context at 0%"),
    _rec("verdicts", "warn", FAIL, agent_id="a2", agent_type="backend-tester"),
    _rec("feedback_loop", "block", "claude-kit feedback loop (iteration 3/5)"),
    ESCALATE,
    _rec("feedback_loop", "block", "after the escalation"),
]


def test_the_path_is_the_sessions_story_up_to_the_escalation() -> None:
    found = escalation_path(RECORDS, ESCALATE)

    assert [(s["hook"], s["decision"]) for s in found["path"]] == [
        ("spawn_depth", "allow"),
        ("verdicts", "warn"),
        ("feedback_loop", "block"),
        ("verdicts", "warn"),
        ("feedback_loop", "block"),
    ]
    assert found["path"][2]["reason"] == "claude-kit feedback loop (iteration 2/5)"  # its first line
    assert found["path"][1]["who"].startswith("backend-tester:")
    assert found["repeated"] == [
        {"hook": "verdicts", "decision": "warn", "reason": FAIL, "times": 2},
        {"hook": "feedback_loop", "decision": "block", "reason": "", "times": 2},
    ]
    assert found["context_file"] == ".claude/.output/e.md"


def test_the_text_names_the_escalation_the_steps_and_what_repeated() -> None:
    text = format_path(escalation_path(RECORDS, ESCALATE))

    assert text.startswith("Session s1 escalated to the user at 08:00:00 (feedback_loop): testing failed 2")
    assert "What the user was given: .claude/.output/e.md" in text
    assert "The path that led there (5 steps" in text
    assert f"2 x warn by verdicts: {FAIL}" in text and "2 x block by feedback_loop\n" in text
    assert "after the escalation" not in text and "briefing" not in text
    assert "claude-kit log --session s1 --limit 0" in text
