"""install / update / sync / uninstall: read the repo, compute a plan, print it, apply it.

- install: the kit's files, the team config (domains detected when there is none), settings entries
  and the CLAUDE.md block;
- update: the same for an installed repository, with this package's kit version (3-way merges);
- sync: only what the team's config and library determine (compiled config, routing index and
  tables, settings entries, CLAUDE.md block), with the kit version that is installed;
- uninstall: everything the kit owns, giving back what it changed.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import click

from claude_kit import (
    apply,
    claude_link,
    config,
    detect,
    detect_report,
    manifest,
    render,
    repo,
    settings_protection,
    versions,
)
from claude_kit._version import __version__
from claude_kit.detect import Detection
from claude_kit.errors import KitError
from claude_kit.payload import payload_root
from claude_kit.plan import Plan, plan_files, plan_install, plan_sync
from claude_kit.plan_uninstall import plan_uninstall
from claude_kit_hooks.contract.layout import (
    AGENTS_DIR,
    COMPILED_CONFIG,
    CONFIG_YAML,
    CONFLICT_SUFFIX,
    DEFAULT_OUTPUT_DIR,
    HOOKS_DIR,
    KIT_DIR,
    SETTINGS,
    SKILL_LIBRARY_DIR,
    SKILLS_DIR,
)
from claude_kit_hooks.contract.records import Manifest

STATUS_COLORS = {
    "create": "green",
    "update": "cyan",
    "conflict": "red",
    "remove": "yellow",
    "skip": "magenta",
}


# Bulk payload folders: outside --dry-run their plain creates and removals are summarised per folder.
BULK_DIRS = tuple(f"{d}/" for d in (SKILL_LIBRARY_DIR, SKILLS_DIR, AGENTS_DIR, HOOKS_DIR, KIT_DIR))


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


def _prepare(root: Path, *, allow_detect: bool) -> tuple[dict[str, object], str, Detection | None]:
    """The team config (parsed and as text), and what was detected when there was none to read."""
    repo.check_settings(root)
    repo.check_claude_md(root)
    path = root / CONFIG_YAML
    found = None
    if path.is_file():
        text = config.load_text(root)
    elif allow_detect:
        found = detect.detect(root)
        text = render.initial_config_text(found)
    else:
        raise KitError(
            f"{path}: team config is missing",
            hint="restore it from git, or run `claude-kit install` to recreate it",
        )
    return config.parse(text, CONFIG_YAML), text, found


def _installed(root: Path, target: Path) -> Manifest:
    old = manifest.load(root)
    if old is None and (root / COMPILED_CONFIG).is_file():
        raise KitError(
            f"{root}: claude-kit is not installed here; its compiled config is the plugin edition's",
            hint=f"run `claude-kit sync --plugin {target}`",
        )
    if old is None:
        raise KitError(f"{root}: claude-kit is not installed here", hint=f"run `claude-kit install {target}`")
    return old


@contextmanager
def _exclusive(target: Path, *, dry_run: bool) -> Iterator[Path]:
    """The repository's root, held under its lock with any interrupted command finished or undone."""
    root = repo.find_root(target)
    claude_link.refuse_unusable(root)  # first: the journal that locking recovers lives behind .claude
    with apply.locked(root, dry_run=dry_run):
        yield root


def install(
    target: Path,
    *,
    force: bool = False,
    dry_run: bool = False,
    require_installed: bool = False,
    show_next: bool = True,
    allow_downgrade: bool = False,
) -> int:
    """`claude-kit install` (`update` with require_installed): the kit's files at this package's version."""
    with _exclusive(target, dry_run=dry_run) as root:  # plan under the lock, never against half-work
        old = _installed(root, target) if require_installed else manifest.load(root)
        versions.check(
            root, old, "update" if require_installed else "install", allow_downgrade=allow_downgrade
        )
        cfg, text, found = _prepare(root, allow_detect=not require_installed)
        if found is not None:
            skipped = render.left_out_agents(cfg)
            agents = sorted({p.stem for p in (payload_root() / "agents").glob("*.md")} - set(skipped))
            click.echo("\n".join(detect_report.lines(found, agents, skipped)) + "\n")
        plan = plan_install(
            root,
            render.desired_files(root, cfg, text, old),
            render.settings_entries(cfg),
            render.claude_md_body(cfg, root),
            old,
            __version__,
            force=force,
            protection=settings_protection.wanted(cfg),
        )
        code = _apply(root, plan, dry_run=dry_run, command="update" if require_installed else "install")
        if not dry_run:
            move_shared_state(root)
    if code == 0 and old is None and show_next and not dry_run:
        click.echo(
            "\nNext:\n"
            f"  1. Check the domains and checks detected in {CONFIG_YAML};\n"
            "     after editing it, run `claude-kit sync`.\n"
            "  2. `claude-kit doctor` checks the wiring; `claude-kit demo` shows the hooks at work.\n"
            "  3. Commit it so teammates get the same rules: git add .claude CLAUDE.md"
        )
    return code


def update(target: Path, *, dry_run: bool = False, allow_downgrade: bool = False) -> int:
    """`claude-kit update`: move an installed repository to this package's kit version, then recompile."""
    return install(target, dry_run=dry_run, require_installed=True, allow_downgrade=allow_downgrade)


def sync(target: Path, *, dry_run: bool = False) -> int:
    """`claude-kit sync`: recompile what the team's config and library determine; no kit file changes."""
    with _exclusive(target, dry_run=dry_run) as root:
        old = _installed(root, target)
        versions.check(root, old, "sync")
        cfg, text, _ = _prepare(root, allow_detect=False)
        plan = plan_sync(
            root,
            render.generated_files(root, cfg, text, old),
            render.settings_entries(cfg),
            render.claude_md_body(cfg, root),
            old,
            protection=settings_protection.wanted(cfg),
        )
        _refuse_rule_change_in_tool_call(plan)
        return _apply(root, plan, dry_run=dry_run, command="sync")


def move_shared_state(root: Path) -> None:
    """State an older kit kept in this checkout moves to the repository's shared folder, which the hooks
    just installed read (under the repository's lock, so no other lifecycle command interleaves)."""
    from claude_kit import state_migration

    for line in state_migration.migrate(root):
        click.echo(f"shared   {line}")


def ci_init(target: Path, *, devcontainer: bool = False, force: bool = False, dry_run: bool = False) -> int:
    """`claude-kit ci init`: the CI workflow (and the devcontainer) for this repository's installed kit,
    written and recorded like the kit's own files, so update keeps it current and uninstall removes it."""
    from claude_kit import ci

    with _exclusive(target, dry_run=dry_run) as root:
        old = _installed(root, target)
        versions.check(root, old, "sync")  # the workflow installs this package's version: they must match
        cfg, _, _ = _prepare(root, allow_detect=False)
        plan = plan_files(root, ci.wanted(cfg, devcontainer=devcontainer), old, force=force, outside=True)
        code = _apply(root, plan, dry_run=dry_run, command="ci init")
    if code == 0 and not dry_run:
        click.echo(
            f"\nNext: commit {ci.WORKFLOW} with .claude/ (the session runs the committed kit), add the "
            "repository secret ANTHROPIC_API_KEY, then run the workflow from the Actions tab with a task."
        )
    return code


def _refuse_rule_change_in_tool_call(plan: Plan) -> None:
    """Inside a Claude Code tool call, sync may regenerate the routing files, but not apply a change to
    the rules the hooks enforce (the compiled config, the hook entries): that is the user's to make."""
    from claude_kit.session_guard import refuse_in_tool_call

    rules = (COMPILED_CONFIG, SETTINGS)
    if any(a.path in rules and a.status not in ("identical", "skip") for a in plan.actions):
        refuse_in_tool_call("sync", f"would change the rules the hooks enforce ({', '.join(rules)})")


def _apply(root: Path, plan: Plan, *, dry_run: bool, command: str) -> int:
    print_plan(plan, verbose=dry_run)
    if plan.errors:
        for e in plan.errors:
            click.echo(click.style("error    ", fg="red") + e, err=True)
        raise KitError("nothing was changed")
    if dry_run:
        click.echo("dry run: nothing was written")
        return 0
    apply.apply_plan(root, plan, command=command)
    conflicts = [a for a in plan.actions if a.status == "conflict"]
    if conflicts:
        click.echo(
            f"{len(conflicts)} conflict(s): merge the {CONFLICT_SUFFIX} files into yours, then delete them"
        )
        return 1
    return 0


def uninstall(target: Path, *, dry_run: bool = False, allow_downgrade: bool = False) -> int:
    with _exclusive(target, dry_run=dry_run) as root:
        old = manifest.load(root)
        if old is None:
            click.echo(f"claude-kit is not installed in {root}; nothing to do")
            return 0
        versions.check(root, old, "uninstall", allow_downgrade=allow_downgrade)
        repo.check_settings(root)
        repo.check_claude_md(root)
        plan = plan_uninstall(root, old)
        print_plan(plan, verbose=dry_run)
        if dry_run:
            click.echo("dry run: nothing was written")
            return 0
        output = _output_dir_or_default(root)
        apply.apply_plan(root, plan, command="uninstall")
        from claude_kit import state_migration

        for line in state_migration.remove(root):
            click.echo(line)
    left = sorted(p for p in (root / output).rglob("*") if p.is_file()) if (root / output).is_dir() else []
    if left:
        click.echo(
            f"left {output}/ ({len(left)} file{'s' if len(left) != 1 else ''}: feature manifests, agent "
            "reports, escalations): the team's records, not the kit's; delete the folder by hand if unwanted"
        )
    return 0


def _output_dir_or_default(root: Path) -> str:
    """The output folder the config names; the default when the config cannot be read (uninstall
    must not fail over a config it is about to remove)."""
    try:
        return config.output_dir(root)
    except KitError:
        return DEFAULT_OUTPUT_DIR
