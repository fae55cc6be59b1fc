"""`claude-kit report`, first half: collect one or more sessions from the decision log, the feedback
state and the transcripts into typed records (report_html.py renders them)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from datetime import datetime
from pathlib import Path
from typing import Any, NamedTuple

from claude_kit import logquery
from claude_kit.errors import KitError
from claude_kit.logrecord import record_time, who
from claude_kit.session_runner import find_transcript
from claude_kit_hooks.contract.layout import COMPILED_CONFIG, state_file
from claude_kit_hooks.contract.records import LogRecord
from claude_kit_hooks.spawn.transcripts import session_transcripts
from claude_kit_hooks.spawn.usage import scan_usage
from claude_kit_hooks.stoploop.session_state import norm_feedback

MAX_SESSIONS = 50  # a report of the whole log shows the latest ones


class Usage(NamedTuple):
    tokens: int = 0
    usd: float = 0.0
    unpriced: int = 0  # tokens of models without a price in budget.prices


class AgentRun(NamedTuple):
    """The main thread (agent_id "") or one subagent of a session."""

    agent_id: str
    agent_type: str
    start: datetime | None
    end: datetime | None
    verdict: str | None  # PASS | FAIL for a reviewer/tester whose verdict the loop counted
    usage: Usage | None  # None: no transcript found

    @property
    def label(self) -> str:
        return who({"agent_id": self.agent_id, "agent_type": self.agent_type})

    @property
    def seconds(self) -> float:
        return (self.end - self.start).total_seconds() if self.start and self.end else 0.0


class Decision(NamedTuple):
    """A deny, block or escalation, with what the model (or the user) was told."""

    when: datetime | None
    decision: str
    hook: str
    event: str
    caller: str
    target: str  # tool and file
    reason: str


class DomainLoop(NamedTuple):
    """Where a domain's review/test loop stands at the end of the session."""

    domain: str
    changes: int
    files: tuple[str, ...]
    phases: tuple[tuple[str, str, str], ...]  # (role, verdict, agent) since the last change
    failures: int


class Budget(NamedTuple):
    tokens: int | None
    usd: float | None


class SessionReport(NamedTuple):
    session_id: str
    start: datetime | None
    end: datetime | None
    runs: tuple[AgentRun, ...]  # the main thread first
    blocks: tuple[Decision, ...]
    escalations: tuple[Decision, ...]
    loops: tuple[DomainLoop, ...]
    iteration: int
    usage: Usage | None
    budget: Budget
    decisions: int  # records of the session in the log


class Report(NamedTuple):
    title: str
    generated: datetime
    sessions: tuple[SessionReport, ...]


# -- selecting the records ------------------------------------------------------------------------------
def by_session(records: Iterable[LogRecord], q: logquery.Query) -> dict[str, list[LogRecord]]:
    """The records of each session that `q` selects, oldest first; sessions in order of first appearance."""
    out: dict[str, list[LogRecord]] = {}
    for rec in records:
        if rec.get("session_id") and logquery.matches(rec, q):
            out.setdefault(str(rec["session_id"]), []).append(rec)
    return dict(list(out.items())[-MAX_SESSIONS:])


# -- one session ------------------------------------------------------------------------------------------
def _read_json(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _budget_config(cfg: dict[str, Any]) -> dict[str, Any]:
    b = cfg.get("budget")
    return b if isinstance(b, dict) else {}


def _budget(cfg: dict[str, Any]) -> Budget:
    b = _budget_config(cfg)
    tokens, usd = b.get("session_tokens"), b.get("session_usd")
    return Budget(
        tokens if isinstance(tokens, int) and not isinstance(tokens, bool) and tokens > 0 else None,
        float(usd) if isinstance(usd, (int, float)) and not isinstance(usd, bool) and usd > 0 else None,
    )


def transcript_usage(main: Path | None, prices: dict[str, Any]) -> dict[str, Usage]:
    """Usage per transcript of the session: "" for the main thread, else the agent id."""
    if main is None:
        return {}
    out = {}
    for path in session_transcripts(str(main)):
        entry = scan_usage(path, {}, prices)
        name = Path(path).name
        key = name[len("agent-") : -len(".jsonl")] if name.startswith("agent-") else ""
        out[key] = Usage(
            int(entry.get("tokens", 0)), float(entry.get("usd", 0.0)), int(entry.get("unpriced", 0))
        )
    return out


def _transcript_times(main: Path | None) -> dict[str, tuple[datetime | None, datetime | None]]:
    """First and last timestamp of each transcript, keyed as transcript_usage is."""
    out: dict[str, tuple[datetime | None, datetime | None]] = {}
    for path in session_transcripts(str(main)) if main else []:
        times = []
        try:
            lines = Path(path).read_bytes().splitlines()
        except OSError:
            continue
        for raw in lines:
            try:
                obj = json.loads(raw)
            except ValueError:
                continue
            when = record_time({"ts": str(obj.get("timestamp"))}) if isinstance(obj, dict) else None
            if when is not None:
                times.append(when)
        name = Path(path).name
        key = name[len("agent-") : -len(".jsonl")] if name.startswith("agent-") else ""
        out[key] = (min(times), max(times)) if times else (None, None)
    return out


def _decision(rec: LogRecord) -> Decision:
    return Decision(
        when=record_time(rec),
        decision=str(rec.get("decision") or ""),
        hook=str(rec.get("hook") or ""),
        event=str(rec.get("event") or ""),
        caller=who(rec),
        target=" ".join(str(rec[k]) for k in ("tool", "file") if rec.get(k)),
        reason=str(rec.get("reason") or ""),
    )


def _loops(feedback: dict[str, Any]) -> tuple[tuple[DomainLoop, ...], int]:
    if not feedback:
        return (), 0
    fb = norm_feedback(feedback)
    failures: dict[str, int] = {}
    for f in fb["failures"]:
        failures[str(f.get("domain"))] = failures.get(str(f.get("domain")), 0) + 1
    loops = tuple(
        DomainLoop(
            domain=name,
            changes=int(d.get("changes", 0)),
            files=tuple(str(f) for f in d.get("files", [])),
            phases=tuple(
                (role, str(v.get("verdict")), str(v.get("agent")))
                for role, v in sorted(d.get("phases", {}).items())
            ),
            failures=failures.get(name, 0),
        )
        for name, d in sorted(fb["domains"].items())
    )
    return loops, int(fb["iteration"])


def collect_session(root: Path, session_id: str, records: list[LogRecord], home: Path) -> SessionReport:
    cfg = _read_json(root / COMPILED_CONFIG)
    prices = _budget_config(cfg).get("prices") or {}
    main = find_transcript(home, session_id)
    usage = transcript_usage(main, prices)
    times = _transcript_times(main)
    fb_raw = _read_json(root / state_file(session_id, "feedback"))
    verdicts = {
        aid: str(a.get("verdict"))
        for aid, a in (fb_raw.get("agents") or {}).items()
        if isinstance(a, dict) and a.get("verdict")
    }
    agents: dict[str, dict[str, Any]] = {}
    for rec in records:
        aid = str(rec.get("agent_id") or "")
        if aid:
            a = agents.setdefault(aid, {"type": rec.get("agent_type") or "agent", "times": []})
            if (when := record_time(rec)) is not None:
                a["times"].append(when)
    for aid in usage:  # an agent that no hook logged still ran and cost tokens
        if aid and aid not in agents:
            agents[aid] = {"type": "agent", "times": []}

    def run(aid: str, agent_type: str, own: list[datetime]) -> AgentRun:
        first, last = times.get(aid, (None, None))
        spans = [t for t in (first, last, *own) if t is not None]
        return AgentRun(
            aid,
            agent_type,
            min(spans, default=None),
            max(spans, default=None),
            verdicts.get(aid),
            usage.get(aid),
        )

    main_run = run("", "", [t for r in records if not r.get("agent_id") and (t := record_time(r))])
    runs = [run(aid, str(a["type"]), a["times"]) for aid, a in agents.items()]
    runs.sort(key=lambda r: (r.start is None, r.start.timestamp() if r.start else 0.0))
    loops, iteration = _loops(fb_raw)
    total = (
        Usage(
            sum(u.tokens for u in usage.values()),
            round(sum(u.usd for u in usage.values()), 6),
            sum(u.unpriced for u in usage.values()),
        )
        if usage
        else None
    )
    everything = [t for r in (main_run, *runs) for t in (r.start, r.end) if t is not None]
    return SessionReport(
        session_id=session_id,
        start=min(everything, default=None),
        end=max(everything, default=None),
        runs=(main_run, *runs),
        blocks=tuple(_decision(r) for r in records if r.get("decision") in logquery.BLOCKING),
        escalations=tuple(_decision(r) for r in records if r.get("decision") == "escalate"),
        loops=loops,
        iteration=iteration,
        usage=total,
        budget=_budget(cfg),
        decisions=len(records),
    )


def collect(
    root: Path, *, session: str | None = None, feature: str | None = None, home: Path | None = None
) -> Report:
    """Every chosen session of the repository at `root` (all logged ones when neither filter is set);
    with a feature, each session's records while that feature was the task (logrecord.with_tasks)."""
    if session and feature:
        raise KitError("--session and --feature: choose one", hint="a feature's report covers its sessions")
    title = f"claude-kit report: feature {feature}" if feature else "claude-kit report"
    title = f"claude-kit report: session {session}" if session else title
    q = logquery.Query(session=session, feature=feature, limit=0)
    chosen = by_session(logquery.read_records(logquery.log_files(root)), q)
    if (session or feature) and not chosen:
        option = f"--session {session}" if session else f"--feature {feature}"
        raise KitError(f"{option}: no session in the decision log matches", hint="see `claude-kit log`")
    home = home or Path.home()
    return Report(
        title=title,
        generated=datetime.now().astimezone(),
        sessions=tuple(collect_session(root, sid, recs, home) for sid, recs in chosen.items()),
    )
