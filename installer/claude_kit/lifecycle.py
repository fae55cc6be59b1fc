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


# Bulk payload folders: outside --dry-run their plain creates and removals are summarised per folder.
BULK_DIRS = (
    ".claude/skill-library/",
    ".claude/skills/",
    ".claude/agents/",
    ".claude/hooks/",
    ".claude/.claude-kit/",
)


def _line(status: str, path: str, note: str = "") -> str:
    return f"{click.style(f'{status:<9}', fg=STATUS_COLORS.get(status))} {path}" + (
        f"  ({note})" if note else ""
    )


def print_plan(plan: Plan, *, verbose: bool) -> None:
    """Every file with --dry-run; otherwise what deserves a look, with bulk creates counted per folder."""
    bulk: dict[tuple[str, str], int] = {}
    for a in plan.actions:
        if a.status == "identical" and not verbose:
            continue
        folder = next((d for d in BULK_DIRS if a.path.startswith(d)), None)
        if not verbose and folder and a.status in ("create", "remove") and not a.note:
            bulk[(a.status, folder)] = bulk.get((a.status, folder), 0) + 1
            continue
        click.echo(_line(a.status, a.path, a.note))
    for (status, folder), n in sorted(bulk.items()):
        click.echo(_line(status, folder, f"{n} file{'s' if n != 1 else ''}; --dry-run lists them"))
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
    target: Path,
    *,
    force: bool = False,
    dry_run: bool = False,
    require_installed: bool = False,
    show_next: bool = True,
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
    if old is None and show_next:
        click.echo(
            "\nNext:\n"
            f"  1. Check the domains and checks detected in {config.CONFIG_REL};\n"
            "     after editing it, run `claude-kit sync`.\n"
            "  2. `claude-kit doctor` checks the wiring; `claude-kit demo` shows the hooks at work.\n"
            "  3. Commit it so teammates get the same rules: git add .claude CLAUDE.md"
        )
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
