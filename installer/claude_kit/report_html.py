"""`claude-kit report`, second half: lay the collected records out as inline SVG charts and render
one self-contained HTML file (inline CSS, no script, nothing fetched at view time)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any, NamedTuple

import jinja2

from claude_kit.report_data import AgentRun, Report, SessionReport
from claude_kit_hooks.decisionlog.redact import redact

_TEMPLATES = Path(__file__).parent / "templates"
CHART_WIDTH = 900
LABEL_WIDTH = 220
ROW = 24
BAR = 16


class Bar(NamedTuple):
    """One horizontal bar of a chart, in SVG user units."""

    label: str
    x: float
    y: float
    width: float
    cls: str  # main | pass | fail | agent | over
    title: str


class Mark(NamedTuple):
    x: float
    y: float
    title: str


class Chart(NamedTuple):
    height: int
    bars: tuple[Bar, ...]
    marks: tuple[Mark, ...] = ()
    limit_x: float | None = None  # the budget's line
    limit_title: str = ""


def _seconds(start: datetime | None, when: datetime | None) -> float:
    return (when - start).total_seconds() if start and when else 0.0


def _verdict_cls(run: AgentRun) -> str:
    if not run.agent_id:
        return "main"
    return {"PASS": "pass", "FAIL": "fail"}.get(run.verdict or "", "agent")


def timeline(s: SessionReport) -> Chart:
    """A bar per thread from its first to its last sign of life; a mark per deny/block on its row."""
    span = max(_seconds(s.start, s.end), 1.0)
    scale = (CHART_WIDTH - LABEL_WIDTH - 10) / span
    bars, rows = [], {}
    for i, run in enumerate(s.runs):
        rows[run.label] = i
        x = LABEL_WIDTH + _seconds(s.start, run.start) * scale
        verdict = f", verdict {run.verdict}" if run.verdict else ""
        bars.append(
            Bar(run.label, x, i * ROW + 4, max(run.seconds * scale, 3.0), _verdict_cls(run),
                f"{run.label}: {run.seconds:.1f} s{verdict}")
        )  # fmt: skip
    marks = tuple(
        Mark(
            LABEL_WIDTH + _seconds(s.start, d.when) * scale,
            rows.get(d.caller, 0) * ROW + 2,
            f"{d.hook} {d.decision}",
        )
        for d in s.blocks
    )
    return Chart(len(s.runs) * ROW + 8, tuple(bars), marks)


def tokens_chart(s: SessionReport) -> Chart | None:
    """Tokens per thread and for the session, against the session's token budget when one is set."""
    rows = [(r.label, r.usage.tokens, _verdict_cls(r)) for r in s.runs if r.usage is not None]
    if s.usage is None or not rows:
        return None
    total_cls = "over" if s.budget.tokens and s.usage.tokens > s.budget.tokens else "main"
    rows.append(("session total", s.usage.tokens, total_cls))
    top = max([t for _, t, _ in rows] + [s.budget.tokens or 0, 1])
    scale = (CHART_WIDTH - LABEL_WIDTH - 90) / top
    bars = tuple(
        Bar(label, LABEL_WIDTH, i * ROW + 4, max(tokens * scale, 2.0), cls, f"{label}: {tokens:,} tokens")
        for i, (label, tokens, cls) in enumerate(rows)
    )
    limit = LABEL_WIDTH + s.budget.tokens * scale if s.budget.tokens else None
    return Chart(len(rows) * ROW + 8, bars, (), limit, f"budget {s.budget.tokens:,} tokens" if limit else "")


def _redacted(value: Any) -> Any:
    # Every printed value passes here: the log is redacted when written, transcripts and state are not.
    return redact(value) if isinstance(value, str) else value


def render(report: Report) -> str:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(_TEMPLATES),
        undefined=jinja2.StrictUndefined,
        autoescape=True,  # every value comes from logs and transcripts: untrusted
        finalize=_redacted,
    )
    env.filters["hms"] = lambda when: when.strftime("%Y-%m-%d %H:%M:%S %Z") if when else "?"
    sessions = [{"s": s, "timeline": timeline(s), "tokens": tokens_chart(s)} for s in report.sessions]
    return env.get_template("report.html.j2").render(
        report=report, sessions=sessions, width=CHART_WIDTH, label_width=LABEL_WIDTH, bar=BAR
    )
