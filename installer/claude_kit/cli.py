"""The `claude-kit` command line: parse options and call one function per command, nothing else.

The commands are grouped by area (cli_install, cli_knowledge, cli_orchestration, cli_scenarios,
cli_secrets, cli_ci, cli_sessions); each imports its implementation inside the command, so that
`claude-kit --help` stays fast.
"""

from __future__ import annotations

import sys
from pathlib import Path

import click

from claude_kit import (
    cli_ci,
    cli_install,
    cli_knowledge,
    cli_orchestration,
    cli_scenarios,
    cli_secrets,
    cli_sessions,
)
from claude_kit._version import __version__


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


_AREAS = (cli_install, cli_knowledge, cli_orchestration, cli_scenarios, cli_secrets, cli_sessions, cli_ci)
for _area in _AREAS:
    for _command in _area.COMMANDS:
        cli.add_command(_command)


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
