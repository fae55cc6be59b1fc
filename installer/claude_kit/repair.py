"""`claude-kit doctor --fix`: put the installed kit back after its own files or wiring were changed.

The hooks and agents the manifest lists come back from their pristine copies (an edited agent is kept
beside it as `<name>.md.claude-kit-edited`, so nothing the user wrote is lost); the interpreter cache
is dropped (the launcher resolves it again); then `sync` re-merges the hook entries into settings.json
and recompiles the team config. The user's settings.local.json is only reported, never rewritten.
"""

from __future__ import annotations

from pathlib import Path

import click

from claude_kit import apply, manifest, worktree_checks
from claude_kit.errors import KitError
from claude_kit.plan import Action, Plan
from claude_kit_hooks.contract.layout import AGENTS_DIR, HOOKS_DIR, PYTHON_CACHE

EDITED_SUFFIX = ".claude-kit-edited"
_RESTORED = (f"{HOOKS_DIR}/", f"{AGENTS_DIR}/")


def plan_repair(root: Path) -> Plan:
    """The writes that restore the kit's hooks and agents as installed, and drop the interpreter cache."""
    rec = manifest.load(root)
    if rec is None:
        raise KitError(
            f"{root}: claude-kit is not installed here; nothing to repair", hint="claude-kit install"
        )
    plan = Plan()
    for rel, info in sorted(rec["files"].items()):
        if not rel.startswith(_RESTORED):
            continue
        path = root / rel
        disk = path.read_bytes() if path.is_file() else None
        if disk is not None and manifest.sha256(disk) in (info.get("sha256"), info.get("base_sha256")):
            continue
        base = root / manifest.base_path(rel)
        if not base.is_file():
            plan.warnings.append(f"{rel}: no pristine copy to restore from; run `claude-kit update`")
            continue
        plan.actions.append(Action("update", rel, str(info.get("component", "?")), write=base.read_bytes()))
        if disk is not None and rel.startswith(f"{AGENTS_DIR}/"):
            plan.actions.append(Action("create", rel + EDITED_SUFFIX, "agents", write=disk, note="your edit"))
    if (root / PYTHON_CACHE).exists():
        plan.actions.append(Action("remove", PYTHON_CACHE, "local", delete=True, note="resolved again"))
    return plan


def repair(root: Path) -> int:
    """Restore the kit's files, then sync its settings entries and compiled config; prints what it did."""
    from claude_kit import lifecycle

    with apply.locked(root, dry_run=False):
        plan = plan_repair(root)
        for w in plan.warnings:
            click.echo(f"warn     {w}")
        for a in plan.actions:
            click.echo(f"{'restore' if a.status == 'update' else a.status:8} {a.path}")
        apply.apply_plan(root, plan, command="doctor --fix")
        lifecycle.move_shared_state(root)
        rec = manifest.load(root)
        for line in worktree_checks.fix_worktree_include(root, rec) if rec else ():
            click.echo(f"added    {line} to {worktree_checks.WORKTREE_INCLUDE}")
    return lifecycle.sync(root)
