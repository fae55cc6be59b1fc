"""The `claude-kit` command line: parse options and call one function per command, nothing else.

Command modules are imported inside each command so that `claude-kit --help` stays fast.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from claude_kit._version import __version__

TARGET = click.argument(
    "target", type=click.Path(file_okay=False, path_type=Path), default=".", required=False
)
DRY_RUN = click.option(
    "--dry-run", is_flag=True, help="Print the plan (one status word per file); write nothing."
)


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(__version__, "--version", prog_name="claude-kit")
def cli() -> None:
    """Turn Claude Code into a governed engineering platform inside a git repository.

    \b
    Examples:
      claude-kit install              # into the repository you are in
      claude-kit demo                 # see the hooks work in a scripted session
      claude-kit status --format json
    """


@cli.command()
@TARGET
@DRY_RUN
@click.option("--force", is_flag=True, help="Move foreign files at kit paths aside (restored by uninstall).")
def install(target: Path, dry_run: bool, force: bool) -> None:
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

    sys.exit(lifecycle.install(target, force=force, dry_run=dry_run))


@cli.command()
@TARGET
@DRY_RUN
def update(target: Path, dry_run: bool) -> None:
    """Bring the installed kit up to this package's version, keeping your edits.

    \b
    Untouched kit files are replaced; files you edited are merged three-way against the version
    the kit installed (a conflict writes <file>.claude-kit-new beside yours); files you deleted
    stay deleted.

    \b
    Examples:
      pip install -U claude-kit && claude-kit update --dry-run
      claude-kit update
    """
    from claude_kit import lifecycle

    sys.exit(lifecycle.install(target, dry_run=dry_run, require_installed=True))


@cli.command()
@TARGET
@DRY_RUN
def sync(target: Path, dry_run: bool) -> None:
    """Recompile the team config and regenerate the routing index after you edit them.

    \b
    Examples:
      $EDITOR .claude/claude-kit.yaml && claude-kit sync
    """
    from claude_kit import lifecycle

    sys.exit(lifecycle.install(target, dry_run=dry_run, require_installed=True))


@cli.command()
@TARGET
@DRY_RUN
def uninstall(target: Path, dry_run: bool) -> None:
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

    sys.exit(lifecycle.uninstall(target, dry_run=dry_run))


@cli.command()
@TARGET
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def status(target: Path, fmt: str) -> None:
    """Show what is installed, modified and missing, and the kit version.

    \b
    Examples:
      claude-kit status
      claude-kit status --format json | jq .modified
    """
    from claude_kit import status as status_mod

    sys.exit(status_mod.status(target, fmt=fmt))


@cli.command()
@TARGET
def doctor(target: Path) -> None:
    """Check the wiring: hook entries, hook files, interpreter, config, compiled rules.

    \b
    Examples:
      claude-kit doctor && echo healthy
    """
    from claude_kit import status as status_mod

    sys.exit(status_mod.doctor(target))


@cli.command()
@click.option("--dir", "directory", type=click.Path(file_okay=False, path_type=Path),
              help="Where to create the sample repository (default: a new temporary folder).")
@click.option("--install-runtime", is_flag=True, help=f"Install the pinned Claude Code CLI from npm if it is missing.")
@click.option("--replay", is_flag=True, help="Do not start Claude Code; send the tool calls through the hooks directly.")
def demo(directory: Path | None, install_runtime: bool, replay: bool) -> None:
    """Create a sample repository, install the kit and run a scripted session that shows the hooks.

    \b
    The session is the real Claude Code CLI (pinned version) talking to a scripted fake of the
    Messages API on 127.0.0.1: no API key, no network. Without the CLI the demo replays the same
    tool calls through the installed hooks.

    \b
    Examples:
      claude-kit demo --install-runtime
      claude-kit demo --dir /tmp/kit-demo --replay
    """
    from claude_kit import demo as demo_mod

    sys.exit(demo_mod.demo(directory, install_runtime=install_runtime, force_replay=replay))


def main() -> None:
    try:
        cli(prog_name="claude-kit")
    except Exception as exc:  # a kit bug: one line for the user, the traceback in a file
        import os
        import tempfile
        import traceback

        log_dir = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "claude-kit"
        try:
            log_dir.mkdir(parents=True, exist_ok=True)
        except OSError:
            log_dir = Path(tempfile.gettempdir())
        log = log_dir / "last-error.log"
        log.write_text("".join(traceback.format_exception(type(exc), exc, exc.__traceback__)))
        click.echo(f"claude-kit: internal error: {type(exc).__name__}: {exc} (traceback in {log})", err=True)
        sys.exit(3)
