"""`claude-kit feature | lock`: orchestration state and file locks for parallel agents."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TextIO

import click

from claude_kit.cli_options import FORMAT


@click.group()
def feature() -> None:
    """Orchestration state: features/<ts>-<slug>/MANIFEST.yaml under the output folder.

    \b
    Examples:
      claude-kit feature start "order cancellation" --type medium
      claude-kit feature phase active implementation --status complete --agent backend-developer
      claude-kit feature resume
    """


@feature.command("start")
@click.argument("name")
@click.option("--type", "work_type", type=click.Choice(["bugfix", "small", "medium", "large"]), required=True)
def feature_start(name: str, work_type: str) -> None:
    """Start feature NAME; phases the work type skips are marked skipped.

    \b
    Examples:
      claude-kit feature start "order cancellation" --type medium
    """
    from claude_kit import feature as feature_mod

    sys.exit(feature_mod.start(Path.cwd(), name, work_type))


@feature.command("phase")
@click.argument("feature_id", metavar="ID")
@click.argument("phase")
@click.option("--status", required=True,
              type=click.Choice(["pending", "in_progress", "complete", "skipped", "failed"]))  # fmt: skip
@click.option("--agent", help="The agent that did (or is doing) the phase.")
@click.option("--note", help="One line to append to the phase's notes.")
@click.option("--artifact", "artifacts", multiple=True, help="A file the phase produced (repeatable).")
@click.option("--verdict", type=click.Choice(["PASS", "FAIL"]), help="Verification result of the phase.")
def feature_phase(
    feature_id: str, phase: str, status: str, agent: str | None, note: str | None,
    artifacts: tuple[str, ...], verdict: str | None,
) -> None:  # fmt: skip
    """Set the status of PHASE of feature ID (dir name, unique prefix, slug, or `active`).

    \b
    Examples:
      claude-kit feature phase active implementation --status in_progress --agent backend-developer
      claude-kit feature phase 20260101-120000-order-cancellation testing --status complete --verdict PASS
    """
    from claude_kit import feature as feature_mod

    sys.exit(feature_mod.phase(Path.cwd(), feature_id, phase, status, agent=agent, note=note,
                               artifacts=list(artifacts), verdict=verdict))  # fmt: skip


@feature.command("status")
@click.argument("feature_id", metavar="[ID]", required=False)
@FORMAT
def feature_status(feature_id: str | None, fmt: str) -> None:
    """List features, or show every phase of feature ID.

    \b
    Examples:
      claude-kit feature status
      claude-kit feature status active --format json
    """
    from claude_kit import feature as feature_mod

    sys.exit(feature_mod.status(Path.cwd(), feature_id, fmt=fmt))


@feature.command("resume")
@FORMAT
def feature_resume(fmt: str) -> None:
    """Print the feature in progress, its folder, its current phase and the next step.

    \b
    Examples:
      claude-kit feature resume      # first thing after a new session or a /compact
    """
    from claude_kit import feature as feature_mod

    sys.exit(feature_mod.resume(Path.cwd(), fmt=fmt))


@feature.command("check-plan")
@click.argument("source", metavar="FILE", type=click.File("r", encoding="utf-8"))
@FORMAT
def feature_check_plan(source: TextIO, fmt: str) -> None:
    """Check the plan block at the end of a lead's message in FILE (`-`: standard input).

    Every task needs an id, its agent, files, goal, depends_on and a verify command; the interfaces
    tasks share name the task that defines them; no placeholder steps; a self_review. Prints the
    waves of tasks that may run in parallel; exits 1 on any problem.

    \b
    Examples:
      claude-kit feature check-plan .claude/.output/features/<id>/backend-lead-plan.md
      claude-kit feature check-plan - < lead-message.md
    """
    from claude_kit import lead_plan

    sys.exit(lead_plan.report(Path.cwd(), source.read(), source.name, fmt=fmt))


@feature.command("mark")
@click.argument("feature_id", metavar="ID")
@click.option(
    "--status", required=True, type=click.Choice(["in_progress", "complete", "blocked", "abandoned"])
)
@click.option("--note", help="Why (recorded in the manifest).")
def feature_mark(feature_id: str, status: str, note: str | None) -> None:
    """Set the status of the whole feature (blocked, abandoned, complete, or back to in_progress).

    \b
    Examples:
      claude-kit feature mark active --status blocked --note "waiting for the payments API key"
      claude-kit feature mark 20260101-120000-order-cancellation --status complete
    """
    from claude_kit import feature as feature_mod
    from claude_kit.session_guard import refuse_in_tool_call

    refuse_in_tool_call("feature mark", "ends or reopens a feature the coordinator rules follow")
    sys.exit(feature_mod.mark(Path.cwd(), feature_id, status, note=note))


@click.group()
def lock() -> None:
    """File locks for parallel agents: a locked file can only be edited by the agent holding it.

    The holder is one agent instance: in a session, `--agent` is the caller's own agent id (its
    briefing gives it; `main` for the main thread), and a finished agent's locks are released.

    \b
    Examples:
      claude-kit lock acquire internal/order/service.go --agent a1b2c3d4e5f6a7b8c --ttl 30
      claude-kit lock list
      claude-kit lock release --agent a1b2c3d4e5f6a7b8c
    """


@lock.command("acquire")
@click.argument("files", nargs=-1, required=True)
@click.option("--agent", required=True, help="The holder: your agent id in a session (main thread: main).")
@click.option("--ttl", type=click.IntRange(1, 1440), default=60, show_default=True, help="Minutes to expiry.")
def lock_acquire(files: tuple[str, ...], agent: str, ttl: int) -> None:
    """Lock FILES for AGENT (all or nothing).

    \b
    Examples:
      claude-kit lock acquire internal/order/service.go internal/order/store.go --agent a1b2c3d4e5f6a7b8c
    """
    from claude_kit import locks

    sys.exit(locks.acquire(Path.cwd(), list(files), agent, ttl_minutes=ttl))


@lock.command("release")
@click.argument("files", nargs=-1)
@click.option("--agent", required=True, help="The agent holding the locks.")
def lock_release(files: tuple[str, ...], agent: str) -> None:
    """Release FILES held by AGENT (all of AGENT's locks when no file is given).

    \b
    Examples:
      claude-kit lock release internal/order/service.go --agent a1b2c3d4e5f6a7b8c
      claude-kit lock release --agent a1b2c3d4e5f6a7b8c      # everything it holds
    """
    from claude_kit import locks

    sys.exit(locks.release(Path.cwd(), list(files), agent))


@lock.command("list")
@FORMAT
def lock_list(fmt: str) -> None:
    """Show the locks in force (expired ones are pruned).

    \b
    Examples:
      claude-kit lock list
      claude-kit lock list --format json
    """
    from claude_kit import locks

    sys.exit(locks.list_locks(Path.cwd(), fmt=fmt))


COMMANDS = (feature, lock)
