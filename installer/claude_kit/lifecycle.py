"""install / update / sync / uninstall: read the repo, compute a plan, print it, apply it."""

from __future__ import annotations

from pathlib import Path

import click

from claude_kit import apply, config, detect, manifest, render, repo
from claude_kit._version import __version__
from claude_kit.errors import KitError
from claude_kit.plan import Plan, plan_install, plan_uninstall

STATUS_COLORS = {
    "create": "green",
    "update": "cyan",
    "conflict": "red",
    "remove": "yellow",
    "skip": "magenta",
}


def print_plan(plan: Plan, *, verbose: bool) -> None:
    for a in plan.actions:
        if a.status == "identical" and not verbose:
            continue
        note = f"  ({a.note})" if a.note else ""
        click.echo(f"{click.style(f'{a.status:<9}', fg=STATUS_COLORS.get(a.status))} {a.path}{note}")
    for w in plan.warnings:
        click.echo(click.style("warning  ", fg="yellow") + w)
    counts = ", ".join(f"{n} {s}" for s, n in plan.counts().items() if n)
    click.echo(counts or "nothing to do")


def _prepare(root: Path, *, allow_detect: bool) -> tuple[dict[str, object], str]:
    repo.check_settings(root)
    repo.check_claude_md(root)
    path = root / config.CONFIG_REL
    if path.is_file():
        text = config.load_text(root)
    elif allow_detect:
        text = render.initial_config_text(root, detect.detect_domains(root))
    else:
        raise KitError(
            f"{path}: team config is missing",
            hint="restore it from git, or run `claude-kit install` to recreate it",
        )
    return config.parse(text, config.CONFIG_REL), text


def install(
    target: Path, *, force: bool = False, dry_run: bool = False, require_installed: bool = False
) -> int:
    root = repo.find_root(target)
    old = manifest.load(root)
    if require_installed and old is None:
        raise KitError(f"{root}: claude-kit is not installed here", hint=f"run `claude-kit install {target}`")
    cfg, text = _prepare(root, allow_detect=not require_installed)
    plan = plan_install(
        root,
        render.desired_files(root, cfg, text),
        render.settings_entries(cfg),
        render.claude_md_body(cfg, root),
        old,
        __version__,
        force=force,
    )
    print_plan(plan, verbose=dry_run)
    if plan.errors:
        for e in plan.errors:
            click.echo(click.style("error    ", fg="red") + e, err=True)
        raise KitError("nothing was changed")
    if dry_run:
        click.echo("dry run: nothing was written")
        return 0
    apply.apply_plan(root, plan)
    conflicts = [a for a in plan.actions if a.status == "conflict"]
    if conflicts:
        click.echo(
            f"{len(conflicts)} conflict(s): merge the .claude-kit-new files into yours, then delete them"
        )
        return 1
    return 0


def uninstall(target: Path, *, dry_run: bool = False) -> int:
    root = repo.find_root(target)
    old = manifest.load(root)
    if old is None:
        click.echo(f"claude-kit is not installed in {root}; nothing to do")
        return 0
    repo.check_settings(root)
    repo.check_claude_md(root)
    plan = plan_uninstall(root, old)
    print_plan(plan, verbose=dry_run)
    if dry_run:
        click.echo("dry run: nothing was written")
        return 0
    apply.apply_plan(root, plan)
    return 0
