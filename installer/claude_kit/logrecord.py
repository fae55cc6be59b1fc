"""One decision-log record as `claude-kit log` shows it: who made the decision, and when."""

from __future__ import annotations

from datetime import datetime
from typing import Any


def record_time(rec: dict[str, Any]) -> datetime | None:
    ts = rec.get("ts")
    if not isinstance(ts, str):
        return None
    try:
        return datetime.fromisoformat(ts[:-1] + "+00:00" if ts.endswith("Z") else ts)
    except ValueError:
        return None


def who(rec: dict[str, Any]) -> str:
    if not rec.get("agent_id"):
        return f"main ({rec['agent_type']})" if rec.get("agent_type") else "main"
    return f"{rec.get('agent_type') or 'agent'}:{str(rec['agent_id'])[:8]}"
