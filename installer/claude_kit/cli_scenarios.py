"""`claude-kit scenario run | init`, `replay`: governance tests a team writes as data and runs against the
real CLI, and recorded sessions replayed through the current hooks."""

from __future__ import annotations

import sys
from pathlib import Path

import click

REPO = click.option(
    "--repo",
    "target",
    type=click.Path(file_okay=False, path_type=Path),
    default=".",
    show_default=True,
    help="The repository (any folder inside it).",
)


@click.group()
def scenario() -> None:
    """Governance tests: scripted sessions of the real Claude Code CLI that must end as the kit promises.

    \b
    Examples:
      claude-kit scenario init
      claude-kit scenario run
      claude-kit scenario run .claude/scenarios/agent-first.yaml --keep
    """


@scenario.command("run")
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False, path_type=Path))
@REPO
@click.option("--keep", is_flag=True, help="Keep each scenario's repository copy and print where it is.")
@click.option(
    "--install-runtime", is_flag=True, help="Install the pinned Claude Code CLI from npm if it is missing."
)
def scenario_run(files: tuple[Path, ...], target: Path, keep: bool, install_runtime: bool) -> None:
    """Run scenario FILES (default: .claude/scenarios/*.yaml), each in a copy of the repository.

    \b
    The session is the pinned Claude Code CLI against a scripted fake of the Messages API on
    127.0.0.1: no API key, no network, the repository itself untouched. Exit code 0 when every
    scenario passed, 1 when one failed, 2 when a scenario file is invalid.

    \b
    Examples:
      claude-kit scenario run
      claude-kit scenario run .claude/scenarios/feedback-loop.yaml
    """
    from claude_kit import scenario_run as run_mod

    sys.exit(run_mod.main(target, list(files), keep=keep, install_runtime=install_runtime))


@scenario.command("init")
@REPO
def scenario_init(target: Path) -> None:
    """Write the kit's starter scenarios for this repository into .claude/scenarios/.

    \b
    agent-first, spawn-depth, compaction-gate and feedback-loop, filled in with a domain of the team
    config, its agents and a new file in it. A scenario file already there is kept.

    \b
    Examples:
      claude-kit scenario init && claude-kit scenario run
    """
    from claude_kit import scenario_starter
    from claude_kit.repo import find_root

    sys.exit(scenario_starter.init(find_root(target)))


@click.command()
@click.argument("transcript", type=click.Path(dir_okay=False, path_type=Path))
@REPO
def replay(transcript: Path, target: Path) -> None:
    """Replay a recorded session's tool calls through the current hooks and config; print what differs.

    \b
    TRANSCRIPT is a session's `.jsonl` under ~/.claude/projects/; its subagents' transcripts beside
    it are replayed too. No tool runs: each call goes to the PreToolUse hooks of a copy of the
    repository, and every call whose allow/deny differs from what happened is printed. Exit code 0
    when nothing differs, 1 when something does (the red-green step after changing a rule).

    \b
    Examples:
      claude-kit replay ~/.claude/projects/-home-me-api/3f2a....jsonl
    """
    from claude_kit import replay as replay_mod

    sys.exit(replay_mod.replay_command(transcript, target))


COMMANDS = (scenario, replay)
