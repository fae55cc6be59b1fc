"""Decision-log records on the CLI side: who decided and when, what kind of action it was, and the
kit's task (feature and phase) each record belongs to."""

from __future__ import annotations

import json
import os
import time
from collections.abc import Iterable, Iterator
from datetime import datetime
from pathlib import Path

from claude_kit import shared_state
from claude_kit_hooks.contract.defaults import AGENT_TOOLS, EDIT_TOOLS, SHELL_TOOLS
from claude_kit_hooks.contract.layout import DECISION_LOG
from claude_kit_hooks.contract.records import TASK_EVENT, LogRecord

# What `claude-kit log --kind` selects; see kind_of.
KINDS = ("edit", "shell", "spawn", "verdict", "check", "task", "other")
_CHECK_HOOKS = ("quality_gate",)


def record_time(rec: LogRecord) -> datetime | None:
    ts = rec.get("ts")
    if not isinstance(ts, str):
        return None
    try:
        return datetime.fromisoformat(ts[:-1] + "+00:00" if ts.endswith("Z") else ts)
    except ValueError:
        return None


def who(rec: LogRecord) -> str:
    agent_id, agent_type = rec.get("agent_id"), rec.get("agent_type")
    if not agent_id:
        return f"main ({agent_type})" if agent_type else "main"
    return f"{agent_type or 'agent'}:{str(agent_id)[:8]}"


def kind_of(rec: LogRecord) -> str:
    """edit / shell / spawn (a tool call of that kind, or a subagent starting), verdict (a reviewer's
    or tester's verdict checked at its stop), check (a domain check run at a stop), task (a feature
    or phase change), other."""
    event, hook = rec.get("event"), rec.get("hook")
    tool = rec.get("checked_as") or rec.get(
        "tool"
    )  # an extra write tool: the Write or Bash it was checked as
    if event == TASK_EVENT:
        return "task"
    if hook == "verdicts":
        return "verdict"
    if hook in _CHECK_HOOKS:
        return "check"
    if tool in EDIT_TOOLS:
        return "edit"
    if tool in SHELL_TOOLS:
        return "shell"
    if tool in AGENT_TOOLS or event == "SubagentStart":
        return "spawn"
    return "other"


# -- the kit's task id ---------------------------------------------------------------------------------
def with_tasks(records: Iterable[LogRecord]) -> Iterator[LogRecord]:
    """The records, oldest first, each with the feature and phase in effect when it was written.

    A record a hook wrote with its task keeps it; the others take the task of the latest record before
    them that has one (a `claude-kit feature` task record, or a hook's). Records older than every such
    record stay without one: the log does not say.
    """
    current: tuple[str, str] | None = None
    for rec in records:
        if "feature" in rec:
            current = (str(rec.get("feature") or ""), str(rec.get("phase") or ""))
        elif current is not None:
            rec = {**rec, "feature": current[0], "phase": current[1]}
        yield rec


def task_of(active_json: Path) -> tuple[str, str]:
    """(feature id, phase) of the feature in progress per active.json; ("", "") when none is."""
    try:
        data = json.loads(active_json.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return ("", "")
    if not isinstance(data, dict) or data.get("status") != "in_progress":
        return ("", "")
    return (str(data.get("feature_id") or ""), str(data.get("current_phase") or ""))


def log_task_change(root: Path, before: tuple[str, str], after: tuple[str, str]) -> None:
    """Append a task record when the active feature or its phase changed: the mark every later
    hook record is attributed to (see with_tasks)."""
    if before == after:
        return
    from claude_kit import config
    from claude_kit.errors import KitError
    from claude_kit_hooks.decisionlog.writer import append_log

    feature, phase = after
    rec: LogRecord = {
        "ts": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime()) + "Z",
        "session_id": os.environ.get("CLAUDE_CODE_SESSION_ID", ""),
        "event": TASK_EVENT,
        "hook": "feature",
        "decision": "allow",
        "reason": f"feature {feature} in phase {phase or '(none)'}" if feature else "no feature in progress",
        "feature": feature,
        "phase": phase,
    }
    try:
        logging_cfg = config.load(root)["logging"]
    except (KitError, KeyError):
        logging_cfg = None
    append_log(str(shared_state.path(root, DECISION_LOG)), rec, logging_cfg)
