"""`claude-kit checks` and `claude-kit checks run`: each domain's checks with the folder they run in and
why they were chosen, and running them now the way the Stop gate does (the same runner, folders,
timeouts and classification: stoploop/check_runner.py, stoploop/check_scope.py)."""

from __future__ import annotations

import json
from dataclasses import asdict
from pathlib import Path
from typing import Any

import click

from claude_kit import config, repo
from claude_kit.detect_checks import DetectedCheck
from claude_kit.errors import KitError
from claude_kit_hooks.contract.records import Check, CompiledConfig
from claude_kit_hooks.runtime import processes
from claude_kit_hooks.runtime.project import Project
from claude_kit_hooks.stoploop import check_runner, check_scope

STATUS_WORDS = {"ok": "pass", "fail": "FAIL", "timeout": "TIMEOUT", "missing": "setup"}
STATUS_COLORS = {"ok": "green", "fail": "red", "timeout": "red", "missing": "yellow"}


def _load(target: Path) -> tuple[Path, dict[str, Any], CompiledConfig]:
    root = repo.find_root(target)
    cfg = config.load(root)
    text = config.load_text(root)
    return root, cfg, config.compile_config(cfg, text.encode("utf-8"))


def listed(cfg: dict[str, Any], compiled: CompiledConfig) -> list[DetectedCheck]:
    out = []
    for name, dom in compiled["domains"].items():
        raw = cfg["domains"][name].get("checks", [])
        for check, src in zip(dom["checks"], raw, strict=True):
            why = src.get("why") or "written in claude-kit.yaml"
            out.append(DetectedCheck(name, check["name"], check["run"], check["cwd"], check["timeout"], why))
    return out


def list_checks(target: Path, *, fmt: str = "text") -> int:
    """`claude-kit checks`: every domain's checks, where they run and why."""
    _root, cfg, compiled = _load(target)
    rows = listed(cfg, compiled)
    if fmt == "json":
        click.echo(json.dumps([asdict(r) for r in rows], indent=1))
        return 0
    for name in compiled["domains"]:
        mine = [r for r in rows if r.domain == name]
        click.echo(f"{name}:" + ("" if mine else " no checks"))
        for r in mine:
            click.echo(
                f"  {r.name}: `{r.run}` in {r.cwd if r.cwd != '.' else 'the project root'} ({r.timeout} s)"
            )
            click.echo(f"      why: {r.why}")
    return 0


def changed_files(root: Path) -> list[str]:
    """Files that differ from HEAD (staged, unstaged, untracked), as the Stop gate sees a session's
    changes."""
    status = processes.git(str(root), ["status", "--porcelain", "-z", "--untracked-files=all"], timeout=120)
    out, items = [], (status or b"").decode("utf-8", "replace").split("\0")
    i = 0
    while i < len(items):
        entry = items[i]
        i += 1
        if len(entry) < 4:
            continue
        out.append(entry[3:])
        if entry[0] in "RC":
            i += 1  # the rename's source follows
    return out


def selected(
    root: Path, compiled: CompiledConfig, *, domain: str | None, run_all: bool
) -> list[tuple[str, Check]]:
    """(domain, check) to run: every check with --all, else those a changed file concerns."""
    if domain is not None and domain not in compiled["domains"]:
        known = ", ".join(compiled["domains"]) or "none"
        raise KitError(f"{config.CONFIG_REL}: no domain {domain!r} (domains: {known})")
    project = Project(str(root))
    changed: dict[str, list[str]] = {}
    if not run_all:
        for rel in changed_files(root):
            name = project.domain_of(compiled, rel)
            if name is not None:
                changed.setdefault(name, []).append(rel)
    picked = []
    for name, dom in compiled["domains"].items():
        if domain is not None and name != domain:
            continue
        checks = dom["checks"] if run_all else check_scope.concerned(dom["checks"], changed.get(name, []))
        picked += [(name, c) for c in checks]
    return picked


def run_checks(target: Path, *, domain: str | None = None, run_all: bool = False) -> int:
    """`claude-kit checks run`: 0 when nothing failed (a setup problem is reported, not a failure)."""
    root, _cfg, compiled = _load(target)
    picked = selected(root, compiled, domain=domain, run_all=run_all)
    if not picked:
        click.echo(
            "no checks to run" + ("" if run_all else " (no changed file concerns one; --all runs them all)")
        )
        return 0
    failed = 0
    for name, check in picked:
        where = check["cwd"] if check["cwd"] != "." else "the project root"
        res = check_runner.run_check(str(root), check)
        word = click.style(f"{STATUS_WORDS[res['status']]:<8}", fg=STATUS_COLORS[res["status"]])
        click.echo(f"{word} {name}: {check['name']} (`{check['run']}` in {where})")
        if res["status"] == "missing":
            click.echo(f"         setup problem, not a code failure: {res['fix']}")
            click.echo(
                "         " + res["tail"].splitlines()[-1][:300] if res["tail"] else "", nl=bool(res["tail"])
            )
        elif res["status"] != "ok":
            failed += 1
            click.echo("\n".join("         " + line for line in res["tail"].splitlines()[-15:]))
    click.echo(f"{len(picked)} check(s): {failed} failed")
    return 1 if failed else 0
