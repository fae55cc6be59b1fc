"""`claude-kit install | update | sync | uninstall | status | doctor`: the kit's life in a repository."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from claude_kit.cli_options import DRY_RUN, FORMAT, TARGET

ALLOW_DOWNGRADE = click.option(
    "--allow-downgrade",
    is_flag=True,
    help="Let this package act on an install made by a newer claude-kit (refused by default).",
)


@click.command()
@TARGET
@DRY_RUN
@click.option("--force", is_flag=True, help="Move foreign files at kit paths aside (restored by uninstall).")
@ALLOW_DOWNGRADE
def install(target: Path, dry_run: bool, force: bool, allow_downgrade: bool) -> None:
    """Install the kit into TARGET (default: the current repository).

    \b
    Creates .claude/{hooks,skills,skill-library,agents}, the team config .claude/claude-kit.yaml
    (domains detected from your files), merges hook entries into .claude/settings.json and adds a
    marked block to CLAUDE.md. Running it again changes nothing.

    \b
    Examples:
      claude-kit install
      claude-kit install ../service --dry-run
      claude-kit install --force      # a file of yours sits where the kit installs one
    """
    from claude_kit import lifecycle

    sys.exit(lifecycle.install(target, force=force, dry_run=dry_run, allow_downgrade=allow_downgrade))


@click.command()
@TARGET
@DRY_RUN
@ALLOW_DOWNGRADE
def update(target: Path, dry_run: bool, allow_downgrade: bool) -> None:
    """Move the installed kit to this package's version, keeping your edits; then recompile.

    \b
    After installing a newer claude-kit. Untouched kit files are replaced; files you edited are
    merged three-way against the version the kit installed (a conflict writes
    <file>.claude-kit-new beside yours); files you deleted stay deleted; files the new version
    no longer has are removed. Then everything `sync` does is done too. An install made by a
    newer claude-kit is refused unless --allow-downgrade is given.

    \b
    Examples:
      pipx install --force ./claude-kit && claude-kit update --dry-run
      claude-kit update
    """
    from claude_kit import lifecycle
    from claude_kit.session_guard import refuse_in_tool_call

    refuse_in_tool_call("update", "replaces the kit's hooks")
    sys.exit(lifecycle.update(target, dry_run=dry_run, allow_downgrade=allow_downgrade))


@click.command()
@TARGET
@DRY_RUN
@click.option(
    "--plugin",
    is_flag=True,
    help="For a repository the plugin edition serves: write the team config (detected when missing) "
    "and compile it; nothing else.",
)
def sync(target: Path, dry_run: bool, plugin: bool) -> None:
    """Recompile after you edit the team config or the skill library; no kit file changes.

    \b
    Writes only what your config and library determine: the compiled config the hooks read
    (.claude/hooks/claude-kit.json), the routing index and the gateways' routing tables, the
    hook entries in settings.json (the Stop timeout follows your checks) and the CLAUDE.md
    block. The kit's own files stay at the installed version: when this package is another
    version, sync refuses (an older install: run `update`; a newer one: upgrade this package).

    \b
    Examples:
      $EDITOR .claude/claude-kit.yaml && claude-kit sync
      claude-kit sync --dry-run
      claude-kit sync --plugin        # the repository uses `claude-kit export plugin`'s plugin
    """
    if plugin:
        from claude_kit import plugin_project

        sys.exit(plugin_project.sync_plugin(target, dry_run=dry_run))
    from claude_kit import lifecycle

    sys.exit(lifecycle.sync(target, dry_run=dry_run))


@click.command()
@TARGET
@DRY_RUN
@ALLOW_DOWNGRADE
def uninstall(target: Path, dry_run: bool, allow_downgrade: bool) -> None:
    """Remove exactly what the kit installed and restore settings.json and CLAUDE.md.

    \b
    Files you edited are kept and listed; files the kit moved aside come back. Running it
    twice, or where the kit is not installed, does nothing.

    \b
    Examples:
      claude-kit uninstall --dry-run
      claude-kit uninstall
    """
    from claude_kit import lifecycle
    from claude_kit.session_guard import refuse_in_tool_call

    refuse_in_tool_call("uninstall", "removes the kit's governance")
    sys.exit(lifecycle.uninstall(target, dry_run=dry_run, allow_downgrade=allow_downgrade))


@click.command()
@TARGET
@FORMAT
@click.option(
    "--sessions",
    is_flag=True,
    help="Instead: the sessions and agents on this repository, in every worktree, with the feature, "
    "phase and open loops.",
)
def status(target: Path, fmt: str, sessions: bool) -> None:
    """Show what is installed, modified and missing, and the kit version.

    \b
    Examples:
      claude-kit status
      claude-kit status --format json | jq .modified
      claude-kit status --sessions    # who works on this repository right now, in which worktree
    """
    if sessions:
        from claude_kit.sessions import sessions_command

        sys.exit(sessions_command(target, fmt=fmt))
    from claude_kit import status as status_mod

    sys.exit(status_mod.status(target, fmt=fmt))


@click.command()
@TARGET
@click.option(
    "--fix",
    is_flag=True,
    help="First restore the kit's hooks and agents as installed (an edited agent is kept beside it), "
    "drop the interpreter cache and re-run sync.",
)
def doctor(target: Path, fix: bool) -> None:
    """Check the wiring: hook entries, hook files, interpreter, config, compiled rules, kill switches.

    \b
    Examples:
      claude-kit doctor && echo healthy
      claude-kit doctor --fix         # the Stop hook said the kit's files changed in a session
    """
    from claude_kit import repo
    from claude_kit import status as status_mod

    if fix:
        from claude_kit import repair

        repair.repair(repo.find_root(target))
    sys.exit(status_mod.doctor(target))


@click.group("user-hooks")
def user_hooks() -> None:
    """Opt-in hooks in ~/.claude/settings.json that govern sessions started in a subdirectory.

    Claude Code started below a repository's root (`cd backend && claude`) loads no project hooks.
    These entries run the nearest installed kit's hooks there; they do nothing elsewhere.

    \b
    Examples:
      claude-kit user-hooks install
      claude-kit user-hooks uninstall
    """


@user_hooks.command("install")
def user_hooks_install() -> None:
    """Add the entries and their dispatcher to ~/.claude (idempotent).

    \b
    Examples:
      claude-kit user-hooks install && cd backend && claude
    """
    from claude_kit import user_hooks as mod

    done = mod.install(Path.home())
    click.echo("\n".join(done) if done else "user hooks already installed")


@user_hooks.command("uninstall")
def user_hooks_uninstall() -> None:
    """Remove exactly what `user-hooks install` added (the user's own hooks stay).

    \b
    Examples:
      claude-kit user-hooks uninstall
    """
    from claude_kit import user_hooks as mod
    from claude_kit.session_guard import refuse_in_tool_call

    refuse_in_tool_call("user-hooks uninstall", "ungoverns sessions started in a subdirectory")
    done = mod.uninstall(Path.home())
    click.echo("\n".join(done) if done else "user hooks not installed")


@click.group(invoke_without_command=True)
@click.option("--target", "target", type=click.Path(file_okay=False, path_type=Path), default=".",
              help="The repository (default: the current one).")  # fmt: skip
@FORMAT
@click.pass_context
def checks(ctx: click.Context, target: Path, fmt: str) -> None:
    """List each domain's checks: the command, the folder it runs in and why it was chosen.

    \b
    The quality gate runs them at Stop for the modules and packages that changed.
    Examples:
      claude-kit checks
      claude-kit checks run            # the checks of what changed, as Stop would
      claude-kit checks run --all      # every check
    """
    ctx.obj = target
    if ctx.invoked_subcommand is None:
        from claude_kit import checks as checks_mod

        sys.exit(checks_mod.list_checks(target, fmt=fmt))


@checks.command("run")
@click.option("--domain", help="Only this domain's checks.")
@click.option("--all", "run_all", is_flag=True, help="Every check, not only those of changed files.")
@click.pass_obj
def checks_run(target: Path, domain: str | None, run_all: bool) -> None:
    """Run the checks now exactly as the Stop gate would: same folders, timeouts and verdicts.

    \b
    Without --all, only the checks that a file changed since HEAD concerns. A missing tool,
    module or node_modules is reported as a setup problem with the command that fixes it.
    Exit 1 when a check fails or times out.
    Examples:
      claude-kit checks run --domain backend
      claude-kit checks run --all
    """
    from claude_kit import checks as checks_mod

    sys.exit(checks_mod.run_checks(target, domain=domain, run_all=run_all))


@click.group()
def export() -> None:
    """Write the kit in another form than a repository install.

    \b
    Examples:
      claude-kit export plugin ./governance-kit
    """


@export.command("plugin")
@click.argument("directory", type=click.Path(path_type=Path))
@DRY_RUN
@click.option("--force", is_flag=True, help="Write into a non-empty folder no export wrote (its files stay).")
def export_plugin(directory: Path, dry_run: bool, force: bool) -> None:
    """Write the kit's hooks, agents and core skills as a Claude Code plugin into DIRECTORY.

    \b
    The plugin's hooks find their files through ${CLAUDE_PLUGIN_ROOT} and enforce the team
    config of the project a session serves; `claude-kit sync --plugin` writes and compiles it
    there. Rerunning updates an earlier export in place (files it no longer has are removed
    unless you changed them). What the plugin cannot do that `claude-kit install` does: README.

    \b
    Examples:
      claude-kit export plugin ./governance-kit
      claude plugin validate ./governance-kit && claude --plugin-dir ./governance-kit
    """
    from claude_kit import plugin_export

    sys.exit(plugin_export.export_plugin(directory, force=force, dry_run=dry_run))


COMMANDS = (install, update, sync, uninstall, status, doctor, user_hooks, checks, export)
