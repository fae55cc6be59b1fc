"""`claude-kit ci init`: governed headless sessions on GitHub Actions, and a devcontainer recipe."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from claude_kit.cli_options import DRY_RUN, TARGET


@click.group()
def ci() -> None:
    """Run governed Claude Code sessions on CI and in containers.

    \b
    Examples:
      claude-kit ci init                  # .github/workflows/claude-kit.yml
      claude-kit ci init --devcontainer   # and .devcontainer/devcontainer.json
    """


@ci.command("init")
@TARGET
@click.option("--devcontainer", is_flag=True, help="Also write .devcontainer/devcontainer.json.")
@click.option("--force", is_flag=True, help="Move a file of yours there aside (uninstall restores it).")
@DRY_RUN
def ci_init(target: Path, devcontainer: bool, force: bool, dry_run: bool) -> None:
    """Write a GitHub Actions workflow that runs a governed headless session.

    \b
    .github/workflows/claude-kit.yml, started by hand with a task: it installs the pinned Claude
    Code and this claude-kit, runs `claude-kit doctor`, then anthropics/claude-code-action with a
    turn cap, the config's budget and a structured result (verdict, summary, files) that becomes
    the job's output; the decision log is uploaded as an artefact. The kit owns the file: `update`
    keeps it current (merging your edits), `uninstall` removes it. An existing file of yours is
    never overwritten unless --force moves it aside.

    \b
    Examples:
      claude-kit ci init
      claude-kit ci init --devcontainer   # plus .devcontainer/devcontainer.json
    """
    from claude_kit import lifecycle

    sys.exit(lifecycle.ci_init(target, devcontainer=devcontainer, force=force, dry_run=dry_run))


COMMANDS = (ci,)
