"""`claude-kit log --why` for an escalated session: the path that led there, from the decision log.

The path is the session's story up to the escalation: its spawns, edits, verdicts and every warn,
deny and block, in order, then what repeated. A team lead turns it into a skill's anti-pattern or a
scenario (docs/scenarios.md); `claude-kit log --session <id>` still lists every decision.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from claude_kit.logrecord import record_time, who
from claude_kit_hooks.contract.records import LogRecord

# Allows that are part of the story: a spawn (the depth check passes every one), an edit of a domain
# file, a reviewer's or tester's verdict, the loop letting the session end.
_STORY_ALLOWS = {"spawn_depth", "agent_first", "verdicts", "stop_gate"}
_NOT_ALLOW = ("warn", "deny", "block", "escalate", "error")


def _in_story(rec: LogRecord) -> bool:
    return rec.get("decision") in _NOT_ALLOW or rec.get("hook") in _STORY_ALLOWS


def _first_line(text: object, width: int = 120) -> str:
    line = next((part.strip() for part in str(text or "").splitlines() if part.strip()), "")
    return line if len(line) <= width else line[: width - 3] + "..."


def _step(rec: LogRecord) -> dict[str, Any]:
    when = record_time(rec)
    what = " ".join(str(v) for v in (rec.get("tool"), rec.get("file")) if v)
    return {
        "time": when.strftime("%H:%M:%S") if when else "?",
        "decision": rec.get("decision"),
        "hook": rec.get("hook"),
        "event": rec.get("event"),
        "who": who(rec),
        "what": what,
        "reason": _first_line(rec.get("reason")),
    }


def escalation_path(records: Iterable[LogRecord], escalation: LogRecord) -> dict[str, Any]:
    """The story of `escalation`'s session up to it, and what repeated on the way (JSON-ready)."""
    session = escalation.get("session_id")
    story = []
    for rec in records:
        if rec.get("session_id") != session:
            continue
        if rec is escalation or rec == escalation:
            break
        if _in_story(rec):
            story.append(_step(rec))
    repeated = Counter(
        (s["hook"], s["decision"], s["reason"] if s["hook"] == "verdicts" else "")
        for s in story
        if s["decision"] in _NOT_ALLOW
    )
    return {
        "session_id": session,
        "escalation": _step(escalation),
        "context_file": escalation.get("file"),
        "path": story,
        "repeated": [
            {"hook": hook, "decision": decision, "reason": reason, "times": times}
            for (hook, decision, reason), times in repeated.most_common()
            if times > 1
        ],
    }


def format_path(found: dict[str, Any]) -> str:
    esc = found["escalation"]
    session = str(found["session_id"])
    lines = [f"Session {session} escalated to the user at {esc['time']} ({esc['hook']}): {esc['reason']}"]
    if found["context_file"]:
        lines.append(f"What the user was given: {found['context_file']}")
    lines.append(f"\nThe path that led there ({len(found['path'])} steps: spawns, edits, verdicts, blocks):")
    for number, step in enumerate(found["path"], 1):
        head = f"{step['decision'].upper() if step['decision'] != 'allow' else 'allow':<8} {step['hook']:<16}"
        lines.append(f"  {number:>3}  {step['time']}  {head} {step['who']:<22} {step['what']}".rstrip())
        lines.append(f"{'':>23}{step['reason']}")
    if found["repeated"]:
        lines.append("\nWhat repeated:")
        for rep in found["repeated"]:
            about = f": {rep['reason']}" if rep["reason"] else ""
            lines.append(f"  {rep['times']} x {rep['decision']} by {rep['hook']}{about}")
    lines.append(
        "\nTo keep it from happening again: name the repeated step as an anti-pattern in the skill or "
        "agent it belongs to, or script this path as a scenario (docs/scenarios.md) that must end "
        f"differently. Every decision of the session: claude-kit log --session {session[:8]} --limit 0"
    )
    return "\n".join(lines)
