"""`claude-kit feature ...`: the orchestration state of a feature in MANIFEST.yaml.

`features/<YYYYMMDD-HHMMSS>-<slug>/MANIFEST.yaml` in the repository's shared folder is validated against
schemas/manifest.schema.json and written atomically under a lock, so agents never hand-edit YAML
(the manifest's model: feature_manifest; where it lives: feature_store).
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import click

from claude_kit.errors import KitError
from claude_kit.feature_manifest import (
    FEATURE_STATUSES,
    PHASE_STATUSES,
    PHASES,
    SKIPS,
    WORK_TYPES,
    current_phase,
    new_manifest,
    next_step,
    normalize_phase,
    now,
    slugify,
)
from claude_kit.feature_store import Features
from claude_kit.output import emit


def start(cwd: Path, name: str, work_type: str) -> int:
    if work_type not in WORK_TYPES:
        raise KitError(f"unknown work type {work_type!r}", hint=f"use one of: {', '.join(WORK_TYPES)}")
    slug = slugify(name)
    if not slug:
        raise KitError(
            f"feature name {name!r} has no letters or digits",
            hint='e.g. claude-kit feature start "order cancellation" --type medium',
        )
    if len(name) > 200:
        raise KitError(
            "feature name is longer than 200 characters", hint="use a short title; details go in request.md"
        )
    fs = Features(cwd)
    with fs.lock():
        stamp = time.strftime("%Y%m%d-%H%M%S", time.gmtime())
        feature_id, n = f"{stamp}-{slug}", 2
        while fs.path(feature_id).exists() or fs.folder(feature_id).exists():
            feature_id, n = f"{stamp}-{slug}-{n}", n + 1
        others = [i for i in fs.ids() if fs.load(i)["status"] == "in_progress"]
        m = new_manifest(feature_id, name, slug, work_type)
        fs.save(m)
        fs.folder(feature_id).mkdir(parents=True, exist_ok=True)
        fs.write_active()
    fdir = fs.rel(fs.folder(feature_id))
    click.echo(f"feature {feature_id} started ({work_type})")
    click.echo(f"dir      {fdir}")
    click.echo(f"skips    {', '.join(SKIPS[work_type]) or 'nothing'}")
    if others:
        click.echo(f"note     also in progress: {', '.join(others)} (this one is now the active feature)")
    for line in next_step(m, fdir):
        click.echo(f"next     {line}")
    return 0


def phase(
    cwd: Path,
    ref: str,
    phase_name: str,
    status: str,
    *,
    agent: str | None = None,
    note: str | None = None,
    artifacts: list[str] | None = None,
    verdict: str | None = None,
) -> int:
    if status not in PHASE_STATUSES:
        raise KitError(f"unknown phase status {status!r}", hint=f"use one of: {', '.join(PHASE_STATUSES)}")
    p = normalize_phase(phase_name)
    fs = Features(cwd)
    with fs.lock():
        fid = fs.resolve(ref)
        m = fs.load(fid)
        at = now()
        entry = m["phases"][p]
        old = entry["status"]
        if status == "in_progress":
            entry["started_at"] = entry["started_at"] or at
            entry["completed_at"] = None
        elif status == "pending":
            entry["started_at"] = entry["completed_at"] = None
        else:
            entry["completed_at"] = at
        entry["status"] = status
        if agent:
            entry["agent"] = agent
            if agent not in m["agents_contributed"]:
                m["agents_contributed"].append(agent)
        if note:
            entry["notes"].append(note.replace("\n", " ").strip())
        for a in artifacts or []:
            m["artifacts"].append({"path": _artifact_path(fs, cwd, a), "phase": p, "agent": agent, "at": at})
        if verdict:
            m["verification"][p] = {"verdict": verdict, "agent": agent, "at": at}
        if status == "in_progress" and m["status"] != "in_progress":
            m["history"].append(
                {"at": at, "event": f"feature {m['status']} -> in_progress (phase {p} started)"}
            )
            m["status"] = "in_progress"
        m["current_phase"] = current_phase(m)
        if m["current_phase"] is None and m["status"] == "in_progress":
            m["status"] = "complete"
            m["history"].append({"at": at, "event": "feature complete (every phase complete or skipped)"})
        m["history"].append(
            {"at": at, "event": f"{p}: {old} -> {status}" + (f" by {agent}" if agent else "")}
        )
        m["updated_at"] = at
        fs.save(m)
        fs.write_active()
    fdir = fs.rel(fs.folder(fid))
    click.echo(
        f"{fid}: {p} {old} -> {status}; feature {m['status']}, current phase {m['current_phase'] or '-'}"
    )
    if m["status"] == "in_progress":
        for line in next_step(m, fdir):
            click.echo(f"next     {line}")
    return 0


def _artifact_path(fs: Features, cwd: Path, value: str) -> str:
    path = Path(value)
    full = (cwd / path).resolve() if not path.is_absolute() else path.resolve()
    try:
        return full.relative_to(fs.root).as_posix()
    except ValueError:
        return value


def mark(cwd: Path, ref: str, status: str, *, note: str | None = None) -> int:
    if status not in FEATURE_STATUSES:
        raise KitError(
            f"unknown feature status {status!r}", hint=f"use one of: {', '.join(FEATURE_STATUSES)}"
        )
    fs = Features(cwd)
    with fs.lock():
        fid = fs.resolve(ref)
        m = fs.load(fid)
        at = now()
        m["history"].append(
            {"at": at, "event": f"feature {m['status']} -> {status}" + (f": {note}" if note else "")}
        )
        m["status"] = status
        m["updated_at"] = at
        fs.save(m)
        fs.write_active()
    click.echo(f"{fid}: feature {status}")
    return 0


def summary(fs: Features, m: dict[str, Any]) -> dict[str, Any]:
    counted = [p for p in PHASES if m["phases"][p]["status"] != "skipped"]
    done = sum(m["phases"][p]["status"] == "complete" for p in counted)
    return {
        "feature_id": m["feature_id"],
        "name": m["name"],
        "work_type": m["work_type"],
        "status": m["status"],
        "current_phase": m["current_phase"],
        "progress": f"{done}/{len(counted)}",
        "dir": fs.rel(fs.folder(m["feature_id"])),
        "updated_at": m["updated_at"],
    }


def status(cwd: Path, ref: str | None = None, *, fmt: str = "text") -> int:
    fs = Features(cwd)
    if ref is None:
        active = fs.active_id()
        rows = [summary(fs, m) for m in fs.all()]
        emit({"active": active, "features": rows}, fmt, lambda: _print_list(rows, active))
        return 0
    m = fs.load(fs.resolve(ref))
    s = summary(fs, m)
    emit({**s, "manifest": m}, fmt, lambda: _print_feature(m, s))
    return 0


def _print_list(rows: list[dict[str, Any]], active: str | None) -> None:
    if not rows:
        click.echo('no features yet: claude-kit feature start "<name>" --type bugfix|small|medium|large')
        return
    for r in rows:
        mark_ = "*" if r["feature_id"] == active else " "
        click.echo(
            f"{mark_} {r['feature_id']}  {r['work_type']:<6} {r['status']:<11} "
            f"{r['progress']:>5}  {r['current_phase'] or '-'}"
        )
    click.echo("(* = active; details: claude-kit feature status <id>)")


def _print_feature(m: dict[str, Any], s: dict[str, Any]) -> None:
    click.echo(f"{m['name']}  ({m['feature_id']})")
    click.echo(
        f"type {m['work_type']}, status {m['status']}, current phase {m['current_phase'] or '-'}, "
        f"progress {s['progress']}, dir {s['dir']}"
    )
    for i, p in enumerate(PHASES, start=1):
        e = m["phases"][p]
        who = f" {e['agent']}" if e["agent"] else ""
        ver = m["verification"].get(p)
        extra = f" [{ver['verdict']}]" if ver else ""
        notes = f"  - {e['notes'][-1]}" if e["notes"] else ""
        click.echo(f"{i:>3}. {p:<22} {e['status']:<11}{who}{extra}{notes}")
    if m["artifacts"]:
        click.echo("artifacts: " + ", ".join(a["path"] for a in m["artifacts"]))


def resume(cwd: Path, *, fmt: str = "text") -> int:
    fs = Features(cwd)
    active = fs.active_id()
    if active is None:
        recent = [summary(fs, m) for m in fs.all()][-3:]

        def text_none() -> None:
            click.echo('no feature in progress. Start one: claude-kit feature start "<name>" --type small')
            for r in recent:
                click.echo(f"  recent: {r['feature_id']} ({r['status']})")

        emit({"active": None, "recent": recent}, fmt, text_none)
        return 0
    m = fs.load(active)
    fdir = fs.rel(fs.folder(active))
    folder = fs.folder(active)
    files = sorted(p.name for p in folder.iterdir() if p.is_file()) if folder.is_dir() else []
    steps = next_step(m, fdir)
    s = summary(fs, m)

    def text() -> None:
        click.echo(f"active feature: {m['name']} ({active}), {m['work_type']}, progress {s['progress']}")
        click.echo(f"dir:            {fdir}  ({', '.join(files) or 'no outputs yet'})")
        phase_ = m["current_phase"]
        status_ = f" ({m['phases'][phase_]['status']})" if phase_ else ""
        click.echo(f"current phase:  {phase_ or '-'}{status_}")
        click.echo("re-read first:  request.md, skills.md and the latest plan in that dir (those that exist)")
        for line in steps:
            click.echo(f"next:           {line}")

    emit({**s, "files": files, "next": steps}, fmt, text)
    return 0
