"""`claude-kit feature ...`: the orchestration state of a feature in MANIFEST.yaml.

`<output_dir>/features/<YYYYMMDD-HHMMSS>-<slug>/MANIFEST.yaml` is validated against
schemas/manifest.schema.json and written atomically under a lock, so agents never hand-edit YAML.
`<output_dir>/features/active.json` mirrors the feature in progress for the hooks (which read JSON
only); it is removed when no feature is in progress.
"""

from __future__ import annotations

import json
import re
import time
from functools import cache
from pathlib import Path
from typing import Any

import click

from claude_kit.errors import KitError

MANIFEST_NAME = "MANIFEST.yaml"
ACTIVE_NAME = "active.json"
PHASES = (
    "setup",
    "triage",
    "codebase-discovery",
    "skill-discovery",
    "complexity",
    "brainstorming",
    "architecture-plan",
    "implementation",
    "design-verification",
    "domain-compliance",
    "code-quality",
    "test-planning",
    "testing",
    "coverage-verification",
    "test-quality",
    "completion",
)
WORK_TYPES = ("bugfix", "small", "medium", "large")
SKIPS: dict[str, tuple[str, ...]] = {
    "bugfix": ("complexity", "brainstorming", "architecture-plan", "design-verification", "test-planning"),
    "small": ("complexity", "brainstorming", "architecture-plan", "design-verification"),
    "medium": (),
    "large": (),
}
PHASE_STATUSES = ("pending", "in_progress", "complete", "skipped", "failed")
FEATURE_STATUSES = ("in_progress", "complete", "blocked", "abandoned")
DONE = ("complete", "skipped")
# phase -> (who does it, what to do, the file it leaves in the feature dir); from the
# orchestrating-feature-development skill.
PLAYBOOK: dict[str, tuple[str, str, str]] = {
    "setup": ("you", "save the user's request verbatim and the testable acceptance criteria", "request.md"),
    "triage": ("you", "confirm the work type (it decides the skipped phases)", "MANIFEST.yaml"),
    "codebase-discovery": (
        "you or an Explore agent",
        "find the files to touch, patterns to copy, test locations",
        "discovery.md",
    ),
    "skill-discovery": (
        "you",
        "route each sub-problem with `claude-kit route` and list the library paths",
        "skills.md",
    ),
    "complexity": ("you", "list risks, the number of developers and compaction checkpoints", "complexity.md"),
    "brainstorming": (
        "you and the user",
        "compare 2-3 options and choose one with a reason",
        "brainstorming.md",
    ),
    "architecture-plan": (
        "<domain>-lead",
        "spawn the lead; save its plan block verbatim",
        "<domain>-lead-plan.md",
    ),
    "implementation": (
        "<domain>-developer",
        "spawn one developer per planned task (lock its files first)",
        "<domain>-developer-<n>.md",
    ),
    "design-verification": (
        "<domain>-reviewer",
        "spawn the reviewer: does the code match the plan?",
        "<domain>-reviewer-review-<n>.md",
    ),
    "domain-compliance": (
        "<domain>-reviewer",
        "the review checks the routed library skills are followed",
        "<domain>-reviewer-review-<n>.md",
    ),
    "code-quality": (
        "<domain>-reviewer",
        "the review verdict must be PASS",
        "<domain>-reviewer-review-<n>.md",
    ),
    "test-planning": (
        "test-lead",
        "spawn test-lead for a test plan per domain",
        "test-lead-<domain>-plan.md",
    ),
    "testing": (
        "<domain>-tester",
        "spawn the tester with the plan; verdict must be PASS",
        "<domain>-tester-<n>.md",
    ),
    "coverage-verification": (
        "you or the tester",
        "run coverage on the changed code; justify gaps",
        "coverage.md",
    ),
    "test-quality": (
        "test-lead",
        "spawn test-lead to judge whether the tests would catch a regression",
        "test-lead-<domain>-test-quality.md",
    ),
    "completion": ("you", "run the full checks, summarise, tell the user", "summary.md"),
}


# -- plumbing ---------------------------------------------------------------------------------------
def now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


@cache
def schema() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(
        (Path(__file__).parent / "schemas" / "manifest.schema.json").read_text()
    )
    return data


def validate(data: dict[str, Any], source: str) -> None:
    from jsonschema import Draft202012Validator

    errors = sorted(Draft202012Validator(schema()).iter_errors(data), key=lambda e: list(map(str, e.path)))
    if errors:
        lines = "\n  ".join(f"{e.json_path} -> {e.message}" for e in errors[:10])
        raise KitError(
            f"{source}: invalid feature manifest:\n  {lines}",
            hint="MANIFEST.yaml is written by `claude-kit feature ...`; restore it from git "
            "or fix the fields named above",
        )


def slugify(name: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    return slug[:48].rstrip("-")


def normalize_phase(phase: str) -> str:
    p = re.sub(r"[\s_]+", "-", phase.strip().lower())
    if p not in PHASES:
        raise KitError(f"unknown phase {phase!r}", hint=f"phases, in order: {', '.join(PHASES)}")
    return p


class Features:
    """The features folder of one repository."""

    def __init__(self, cwd: Path) -> None:
        from claude_kit import config, repo

        self.root = repo.find_root(cwd)
        output_dir = str(config.DEFAULTS["output_dir"])
        if (self.root / config.CONFIG_REL).is_file():
            output_dir = str(config.load(self.root)["output_dir"])
        self.dir = self.root / output_dir.rstrip("/") / "features"

    def rel(self, path: Path) -> str:
        return path.relative_to(self.root).as_posix()

    def lock(self) -> Any:
        from claude_kit.fsutil import exclusive_lock

        return exclusive_lock(self.dir / ".lock")

    def ids(self) -> list[str]:
        if not self.dir.is_dir():
            return []
        return sorted(p.parent.name for p in self.dir.glob(f"*/{MANIFEST_NAME}"))

    def path(self, feature_id: str) -> Path:
        return self.dir / feature_id / MANIFEST_NAME

    def load(self, feature_id: str) -> dict[str, Any]:
        from claude_kit.knowledge import yaml_load

        path = self.path(feature_id)
        try:
            data = yaml_load(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise KitError(f"{self.rel(path)}: no such feature manifest") from None
        except Exception as exc:  # yaml.YAMLError and decoding errors alike
            raise KitError(f"{self.rel(path)}: unreadable ({exc})", hint="restore it from git") from None
        if not isinstance(data, dict):
            raise KitError(f"{self.rel(path)}: not a mapping", hint="restore it from git")
        validate(data, self.rel(path))
        return data

    def save(self, data: dict[str, Any]) -> None:
        import yaml

        from claude_kit.fsutil import atomic_write

        path = self.path(data["feature_id"])
        validate(data, self.rel(path))  # a kit bug must never write an invalid manifest
        text = "# Written by `claude-kit feature ...`; do not edit by hand.\n" + yaml.safe_dump(
            data, sort_keys=False, allow_unicode=True, default_flow_style=False, width=100
        )
        atomic_write(path, text.encode("utf-8"))

    def resolve(self, ref: str) -> str:
        ids = self.ids()
        if ref == "active":
            active = self.active_id()
            if active is None:
                raise KitError(
                    "no feature is in progress",
                    hint='start one: claude-kit feature start "<name>" --type small',
                )
            return active
        if ref in ids:
            return ref
        by_slug = [i for i in ids if i[16:] == ref]
        matches = by_slug or [i for i in ids if i.startswith(ref)]
        if len(matches) == 1:
            return matches[0]
        listing = ", ".join(ids[-8:]) or "(none)"
        if not matches:
            raise KitError(
                f"no feature matches {ref!r}", hint=f"features: {listing} (see `claude-kit feature status`)"
            )
        raise KitError(f"{ref!r} matches several features: {', '.join(matches)}", hint="give more of the id")

    def all(self) -> list[dict[str, Any]]:
        return [self.load(i) for i in self.ids()]

    def active_id(self) -> str | None:
        live = [m for m in self.all() if m["status"] == "in_progress"]
        if not live:
            return None
        return str(max(live, key=lambda m: (m["updated_at"], m["feature_id"]))["feature_id"])

    def write_active(self) -> None:
        """active.json for the hooks: the most recently updated feature in progress, or no file."""
        from claude_kit.fsutil import atomic_write

        path = self.dir / ACTIVE_NAME
        active = self.active_id()
        if active is None:
            path.unlink(missing_ok=True)
            return
        m = self.load(active)
        data = {
            "feature_id": m["feature_id"],
            "dir": self.rel(self.path(active).parent),
            "name": m["name"],
            "work_type": m["work_type"],
            "status": m["status"],
            "current_phase": m["current_phase"],
            "updated_at": m["updated_at"],
        }
        atomic_write(path, (json.dumps(data, indent=1) + "\n").encode())


def current_phase(m: dict[str, Any]) -> str | None:
    """First phase in progress, else first failed, else first pending; None when all are done."""
    for wanted in ("in_progress", "failed", "pending"):
        for p in PHASES:
            if m["phases"][p]["status"] == wanted:
                return p
    return None


def new_manifest(feature_id: str, name: str, slug: str, work_type: str) -> dict[str, Any]:
    at = now()
    phases: dict[str, dict[str, Any]] = {
        p: {
            "status": "skipped" if p in SKIPS[work_type] else "pending",
            "agent": None,
            "started_at": None,
            "completed_at": None,
            "notes": [],
        }
        for p in PHASES
    }
    phases["setup"].update(status="in_progress", started_at=at)
    return {
        "format": 1,
        "feature_id": feature_id,
        "name": name,
        "slug": slug,
        "work_type": work_type,
        "status": "in_progress",
        "current_phase": "setup",
        "created_at": at,
        "updated_at": at,
        "skipped_phases": list(SKIPS[work_type]),
        "phases": phases,
        "agents_contributed": [],
        "artifacts": [],
        "verification": {},
        "history": [{"at": at, "event": f"started ({work_type})"}],
    }


def next_step(m: dict[str, Any], feature_dir: str) -> list[str]:
    phase = m["current_phase"]
    fid = m["feature_id"]
    if phase is None:
        return [
            "every phase is done: run the full checks, then "
            f"`claude-kit feature mark {fid} --status complete`"
        ]
    who, what, output = PLAYBOOK[phase]
    status = m["phases"][phase]["status"]
    lines = []
    if status == "pending":
        lines.append(f"claude-kit feature phase {fid} {phase} --status in_progress")
    elif status == "failed":
        lines.append(
            f"{phase} failed: fix the cause (see its notes and the latest report), then "
            f"`claude-kit feature phase {fid} {phase} --status in_progress`; after 3 failures ask the user"
        )
    lines.append(f"{phase} ({who}): {what} -> {feature_dir}/{output}")
    lines.append(f"claude-kit feature phase {fid} {phase} --status complete   (or failed)")
    return lines


# -- commands -----------------------------------------------------------------------------------
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
        while fs.path(feature_id).parent.exists():
            feature_id, n = f"{stamp}-{slug}-{n}", n + 1
        others = [i for i in fs.ids() if fs.load(i)["status"] == "in_progress"]
        m = new_manifest(feature_id, name, slug, work_type)
        fs.save(m)
        fs.write_active()
    fdir = fs.rel(fs.path(feature_id).parent)
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
    fdir = fs.rel(fs.path(fid).parent)
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
        "dir": fs.rel(fs.path(m["feature_id"]).parent),
        "updated_at": m["updated_at"],
    }


def status(cwd: Path, ref: str | None = None, *, fmt: str = "text") -> int:
    fs = Features(cwd)
    if ref is None:
        manifests = fs.all()
        active = fs.active_id()
        rows = [summary(fs, m) for m in manifests]
        if fmt == "json":
            click.echo(json.dumps({"active": active, "features": rows}, indent=1))
            return 0
        if not rows:
            click.echo('no features yet: claude-kit feature start "<name>" --type bugfix|small|medium|large')
            return 0
        for r in rows:
            mark_ = "*" if r["feature_id"] == active else " "
            click.echo(
                f"{mark_} {r['feature_id']}  {r['work_type']:<6} {r['status']:<11} "
                f"{r['progress']:>5}  {r['current_phase'] or '-'}"
            )
        click.echo("(* = active; details: claude-kit feature status <id>)")
        return 0
    m = fs.load(fs.resolve(ref))
    if fmt == "json":
        click.echo(json.dumps({**summary(fs, m), "manifest": m}, indent=1))
        return 0
    s = summary(fs, m)
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
    return 0


def resume(cwd: Path, *, fmt: str = "text") -> int:
    fs = Features(cwd)
    active = fs.active_id()
    if active is None:
        recent = [summary(fs, m) for m in fs.all()][-3:]
        if fmt == "json":
            click.echo(json.dumps({"active": None, "recent": recent}, indent=1))
            return 0
        click.echo('no feature in progress. Start one: claude-kit feature start "<name>" --type small')
        for r in recent:
            click.echo(f"  recent: {r['feature_id']} ({r['status']})")
        return 0
    m = fs.load(active)
    fdir = fs.rel(fs.path(active).parent)
    files = sorted(p.name for p in (fs.root / fdir).iterdir() if p.is_file() and p.name != MANIFEST_NAME)
    steps = next_step(m, fdir)
    if fmt == "json":
        click.echo(json.dumps({**summary(fs, m), "files": files, "next": steps}, indent=1))
        return 0
    click.echo(
        f"active feature: {m['name']} ({active}), {m['work_type']}, progress {summary(fs, m)['progress']}"
    )
    click.echo(f"dir:            {fdir}  ({', '.join(files) or 'no outputs yet'})")
    phase_ = m["current_phase"]
    click.echo(f"current phase:  {phase_ or '-'}" + (f" ({m['phases'][phase_]['status']})" if phase_ else ""))
    click.echo("re-read first:  request.md, skills.md and the latest plan in that dir (those that exist)")
    for line in steps:
        click.echo(f"next:           {line}")
    return 0
