"""`claude-kit audit`: find the defects that break the knowledge layer or the hook wiring silently.

Deterministic (sorted findings, no timings) and fast (one read per file, frontmatter parsed with
the C YAML loader). Two layouts:

- installed: `<repo>/.claude/{skills,skill-library,agents}` plus settings.json, the team config and
  the routing index;
- source (`--source`): the kit's own tree `<root>/{skills,skill-library,agents}`; paths written as
  `.claude/...` in the content resolve into it.

Every finding has a severity, a code (see CODES and docs/knowledge.md), the file, the line where it
is known, what is wrong and how to fix it.

The checks live in one module per thing audited: audit_skills, audit_library (orphans, index,
routing tables), audit_links, audit_claims (what the texts say about the kit), audit_agents and
audit_hooks (settings.json and the team config);
audit_codes holds the code table and audit_base what they share. This module runs them and
renders the report.
"""

from __future__ import annotations

import re
from pathlib import Path

import click

from claude_kit import (
    audit_agents,
    audit_claims,
    audit_context,
    audit_hooks,
    audit_library,
    audit_links,
    audit_skills,
)
from claude_kit.audit_base import Audit, Doc, Layout
from claude_kit.audit_codes import CODES, ERROR, TIER1_BUDGET, WARNING, Finding
from claude_kit.errors import KitError
from claude_kit.output import emit
from claude_kit_hooks.contract.layout import CONFIG_YAML

__all__ = [
    "CODES", "ERROR", "TIER1_BUDGET", "WARNING", "Audit", "Doc", "Finding", "Layout",
    "audit", "resolve_layout", "run_audit", "run_checks",
]  # fmt: skip


def run_checks(a: Audit) -> list[Finding]:
    """Every check for the audit's layout, in order; the findings sorted by file, line and code."""
    lay = a.layout
    audit_skills.load_skills(a)
    audit_agents.check_agents(a)
    audit_skills.check_skills(a)
    a.context = audit_context.check_context(a)
    audit_links.check_links(a)
    audit_claims.check_claims(a)
    audit_library.check_orphans(a)
    if not lay.source:
        from claude_kit import manifest

        installed = manifest.load(lay.root)
        files = installed["files"] if installed else {}
        managed = {
            rel.split("/")[2] for rel in files if re.match(r"\.claude/skills/gateway-[^/]+/SKILL\.md$", rel)
        }
        audit_library.check_index(a, managed)
        audit_hooks.check_settings(a)
        if files or (lay.root / CONFIG_YAML).exists():
            audit_hooks.check_config(a)
    a.findings.sort(key=lambda f: (f.file, f.line or 0, f.code, f.message))
    return a.findings


def resolve_layout(target: Path, *, source: bool) -> Layout:
    target = target.resolve()
    if not target.is_dir():
        raise KitError(f"{target}: no such directory")
    if source:
        if not any((target / d).is_dir() for d in ("skills", "skill-library", "agents")):
            raise KitError(
                f"{target}: no skills/, skill-library/ or agents/ here",
                hint="--source takes the root of the kit's source tree",
            )
        return Layout(target, source=True)
    if (target / ".claude").is_dir():
        return Layout(target, source=False)
    from claude_kit import repo

    return Layout(repo.find_root(target), source=False)


def _require_kit(layout: Layout) -> None:
    """Without the kit, what is left in .claude/ (files uninstall kept, the user's own) links to kit
    files that are not there: one clear sentence beats a page of broken paths."""
    from claude_kit import manifest

    if not layout.source and manifest.load(layout.root) is None:
        raise KitError(
            f"{layout.root}: claude-kit is not installed here",
            hint=f"run `claude-kit install {layout.root}`, or pass `--source` to audit a kit source tree",
        )


def run_audit(target: Path, *, source: bool = False, commands: click.Command | None = None) -> Audit:
    """Audit `target`; `claude-kit` command lines in the texts are checked when `commands` (the CLI's
    root command) is given, as `claude-kit audit` does."""
    a = Audit(resolve_layout(target, source=source), commands)
    run_checks(a)
    return a


def audit(target: Path, *, source: bool = False, fmt: str = "text", strict: bool = False) -> int:
    layout = resolve_layout(target, source=source)
    _require_kit(layout)
    ctx = click.get_current_context(silent=True)
    a = Audit(layout, ctx.find_root().command if ctx else None)
    run_checks(a)
    errors = sum(f.severity == ERROR for f in a.findings)
    warnings = len(a.findings) - errors
    data = {
        "root": str(a.layout.root),
        "mode": "source" if a.layout.source else "installed",
        "errors": errors,
        "warnings": warnings,
        "files_checked": a.files_checked,
        "tier1_chars": a.tier1_chars,
        "tier1_budget": TIER1_BUDGET,
        "context": a.context._asdict() if a.context else None,
        "findings": [f._asdict() for f in a.findings],
    }

    def text() -> None:
        for f in a.findings:
            where = f"{f.file}:{f.line}" if f.line else f.file
            color = "red" if f.severity == ERROR else "yellow"
            click.echo(f"{where}: {click.style(f.severity, fg=color)} {f.code} {f.message}")
            click.echo(f"    fix: {f.fix}")
        click.echo(f"Tier-1 listing: {a.tier1_chars}/{TIER1_BUDGET} characters ({len(a.core)} core skills)")
        if a.context:
            c = a.context
            click.echo(
                f"Always-on context: main thread {c.main:,}/{c.budget:,} characters (skill listing "
                f"{c.listing:,}, agents {c.agents:,}, CLAUDE.md block {c.claude_md:,})"
            )
            if c.spawns:
                name, chars = max(c.spawns.items(), key=lambda kv: kv[1])
                click.echo(
                    f"  per spawn: up to {chars:,} characters "
                    f"({name}: body, preloaded skills, listing, CLAUDE.md)"
                )
        summary = f"audit: {errors} error(s), {warnings} warning(s) in {a.files_checked} files"
        click.echo(click.style(summary, fg="red" if errors else ("yellow" if warnings else "green")))

    emit(data, fmt, text)
    return 1 if errors or (strict and warnings) else 0
