"""`claude-kit status --sessions`: the sessions and agents active on a repository, in every worktree,
from the kit's own records (the shared session registry and decision log, each session's loop state in
its checkout) and the runtime's background sessions (`claude agents --json`)."""

from __future__ import annotations

import json
import shutil
import subprocess
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import click

from claude_kit import repo, shared_state
from claude_kit.logquery import log_files, read_records
from claude_kit.logrecord import record_time
from claude_kit.output import emit
from claude_kit_hooks.contract.layout import ACTIVE_FEATURE, SESSIONS_DIR

ACTIVE_SECONDS = 30 * 60  # a session or agent the hooks heard from this recently is active
RUNTIME_TIMEOUT = 10.0


@dataclass
class Agent:
    agent_id: str
    agent_type: str
    last_seen: str
    stopped: bool  # its SubagentStop went through (the kit logged it finished)


@dataclass
class Session:
    session_id: str
    checkout: str
    started: str
    last_seen: str
    active: bool
    open_loops: str  # the loop system's own summary: feedback loop and completion loop, "" when none
    agents: list[Agent] = field(default_factory=list)


def _iso(epoch: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(epoch))


def _registry(root: Path) -> list[dict[str, Any]]:
    out = []
    for path in sorted(shared_state.path(root, SESSIONS_DIR).glob("*.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(data, dict) and isinstance(data.get("session_id"), str):
            out.append(data)
    return out


def _activity(root: Path) -> tuple[dict[str, float], dict[str, dict[str, Agent]]]:
    """From the decision log: each session's last decision, and its agents."""
    last: dict[str, float] = {}
    agents: dict[str, dict[str, Agent]] = {}
    for rec in read_records(log_files(root)):
        sid, when = rec.get("session_id"), record_time(rec)
        if not isinstance(sid, str) or when is None:
            continue
        epoch = when.timestamp()
        last[sid] = max(last.get(sid, 0.0), epoch)
        aid = rec.get("agent_id")
        if isinstance(aid, str) and aid:
            agent = agents.setdefault(sid, {}).setdefault(
                aid, Agent(aid, str(rec.get("agent_type") or ""), "", False)
            )
            agent.last_seen = max(agent.last_seen, _iso(epoch))
            agent.stopped = rec.get("hook") == "agent_finished"  # its last record: SubagentStop let it go
    return last, agents


def _open_loops(checkout: str, session_id: str) -> str:
    """The session's open loops as its own Stop loop sums them up, read in its checkout."""
    from claude_kit_hooks.runtime import config as hook_config
    from claude_kit_hooks.runtime.project import Project
    from claude_kit_hooks.stoploop import events

    project = Project(checkout)
    cfg = hook_config.load(project.paths)
    if cfg is None:
        return ""
    try:
        return events.active_summary(project, session_id, cfg)
    except (OSError, ValueError, KeyError, TypeError):
        return ""


def runtime_sessions(root: Path, checkouts: set[str]) -> list[dict[str, Any]] | None:
    """`claude agents --json` entries (background sessions) that name one of the repository's
    checkouts; None when there is no `claude` on PATH or it cannot list them."""
    claude = shutil.which("claude")
    if claude is None:
        return None
    try:
        proc = subprocess.run(
            [claude, "agents", "--json"],
            cwd=root,
            capture_output=True,
            text=True,
            timeout=RUNTIME_TIMEOUT,
            stdin=subprocess.DEVNULL,
            check=False,
        )
        entries = json.loads(proc.stdout) if proc.returncode == 0 else None
    except (OSError, subprocess.TimeoutExpired, ValueError):
        return None
    if not isinstance(entries, list):
        return None
    # The entries' fields are the runtime's; a session belongs here when it names one of our checkouts.
    return [e for e in entries if isinstance(e, dict) and any(c in json.dumps(e) for c in checkouts)]


def collect(root: Path, *, now: float | None = None, ask_runtime: bool = True) -> dict[str, Any]:
    now = time.time() if now is None else now
    last, agents = _activity(root)
    sessions = []
    for reg in _registry(root):
        sid = reg["session_id"]
        seen = max(last.get(sid, 0.0), float(reg.get("seen") or 0.0))
        checkout = str(reg.get("root") or root)
        sessions.append(
            Session(
                session_id=sid,
                checkout=checkout,
                started=_iso(float(reg.get("started") or seen)),
                last_seen=_iso(seen),
                active=now - seen < ACTIVE_SECONDS,
                open_loops=_open_loops(checkout, sid),
                agents=sorted(agents.get(sid, {}).values(), key=lambda a: a.last_seen),
            )
        )
    sessions.sort(key=lambda s: s.last_seen, reverse=True)
    try:
        feature = json.loads(shared_state.path(root, ACTIVE_FEATURE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        feature = None
    checkouts = {s.checkout for s in sessions} | {str(root)}
    return {
        "feature": {"feature_id": feature.get("feature_id"), "phase": feature.get("current_phase")}
        if isinstance(feature, dict)
        else None,
        "sessions": [asdict(s) for s in sessions],
        "runtime_sessions": runtime_sessions(root, checkouts) if ask_runtime else None,
    }


def _print(data: dict[str, Any]) -> None:
    feature = data["feature"]
    click.echo(
        f"feature  {feature['feature_id']} (phase {feature['phase'] or '-'})" if feature else "feature  none"
    )
    if not data["sessions"]:
        click.echo("no sessions recorded yet (the hooks record each session when it starts)")
    for s in data["sessions"]:
        state = "active" if s["active"] else "idle"
        click.echo(f"session  {s['session_id']}  {state}, last seen {s['last_seen']}  in {s['checkout']}")
        click.echo(f"  loops  {s['open_loops'] or 'none open'}")
        for a in s["agents"]:
            done = "finished" if a["stopped"] else "running or unfinished"
            click.echo(
                f"  agent  {a['agent_type'] or 'agent'} {a['agent_id']}  {done}, last seen {a['last_seen']}"
            )
    runtime = data["runtime_sessions"]
    if runtime:
        click.echo(f"background sessions (claude agents --json): {len(runtime)}")
        for entry in runtime:
            click.echo(f"  {json.dumps(entry, ensure_ascii=False)[:200]}")


def sessions_command(target: Path, *, fmt: str = "text") -> int:
    data = collect(repo.find_root(target))
    emit(data, fmt, lambda: _print(data))
    return 0
