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
@click.option(
    "--dir",
    "directory",
    type=click.Path(file_okay=False, path_type=Path),
    help="Where to create the sample repository (default: a new temporary folder).",
)
@click.option(
    "--install-runtime", is_flag=True, help="Install the pinned Claude Code CLI from npm if it is missing."
)
@click.option(
    "--replay", is_flag=True, help="Do not start Claude Code; send the tool calls through the hooks directly."
)
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


@cli.command("log")
@TARGET
@click.option("--session", help="Session id (a prefix is enough).")
@click.option("--agent", help="Agent id (prefix) or agent type; `main` = the main thread. Comma list.")
@click.option("--decision", help="allow, warn, deny, block, escalate, error. Comma list.")
@click.option("--hook", "hook_name", help="Hook name, e.g. agent_first, compaction_gate. Comma list.")
@click.option("--event", help="Hook event, e.g. PreToolUse, Stop. Comma list.")
@click.option("--tool", help="Tool name, e.g. Edit, Write, Agent, Bash. Comma list.")
@click.option("--file", "file_part", help="Only records whose file contains this text.")
@click.option("--since", help="ISO date/time (UTC unless it has an offset) or an age: 30m, 2h, 1d.")
@click.option("--limit", type=click.IntRange(min=0), default=50, show_default=True, help="Last N; 0 = all.")
@click.option("--why", is_flag=True, help="Explain the most recent deny/block and how to get past it.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def log(
    target: Path, session: str | None, agent: str | None, decision: str | None, hook_name: str | None,
    event: str | None, tool: str | None, file_part: str | None, since: str | None, limit: int, why: bool,
    fmt: str,
) -> None:  # fmt: skip
    """Query the hooks' decision log (oldest first), or explain the latest block with --why.

    \b
    Examples:
      claude-kit log --why
      claude-kit log --decision deny,block --since 1h
      claude-kit log --session 3f2a --agent backend-developer --tool Edit,Write   # all edits by one agent
      claude-kit log --hook agent_first --format json | jq '.[].file'
    """
    from claude_kit import logquery

    query = logquery.Query(
        session=session, agent=agent, decision=decision, hook=hook_name, event=event, tool=tool,
        file=file_part, since=logquery.parse_since(since) if since else None, limit=limit,
    )  # fmt: skip
    sys.exit(logquery.log_command(target, query, why=why, fmt=fmt))


# -- knowledge layer: route, audit, new, feature, lock ------------------------------------------------
FORMAT = click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)


@cli.command()
@click.argument("intent")
@click.option("--gateway", help="Only skills routed from this gateway (backend, frontend, python, ...).")
@click.option("--limit", type=click.IntRange(min=1), default=5, show_default=True, help="Skills to print.")
@FORMAT
@click.option("--index", type=click.Path(dir_okay=False, path_type=Path), hidden=True)
def route(intent: str, gateway: str | None, limit: int, fmt: str, index: Path | None) -> None:
    """Rank the skill library for INTENT and print the SKILL.md paths to Read, best first.

    \b
    Uses .claude/skill-library/index.json of the repository you are in (the packaged library
    when the kit is not installed here).

    \b
    Examples:
      claude-kit route "postgres migration add non-null column" --gateway backend
      claude-kit route "flaky test in ci" --limit 3 --format json
    """
    from claude_kit import route as route_mod

    sys.exit(route_mod.route(intent, gateway=gateway, limit=limit, fmt=fmt, index=index))


@cli.command()
@TARGET
@click.option("--source", is_flag=True, help="TARGET is a kit source tree: skills/, skill-library/, agents/.")
@FORMAT
@click.option("--strict", is_flag=True, help="Warnings fail too (exit 1).")
def audit(target: Path, source: bool, fmt: str, strict: bool) -> None:
    """Check skills, agents, hooks wiring and config for defects; exit 1 on errors.

    \b
    Exit codes: 0 clean (warnings allowed), 1 errors (or warnings with --strict), 2 usage.

    \b
    Examples:
      claude-kit audit                    # the installed .claude/ of this repository
      claude-kit audit --strict --format json
      claude-kit audit --source .         # the kit's own source tree (CI)
    """
    from claude_kit import audit as audit_mod

    sys.exit(audit_mod.audit(target, source=source, fmt=fmt, strict=strict))


@cli.group()
def new() -> None:
    """Scaffold a library skill or an agent into this repository's .claude/ (never overwrites).

    \b
    Examples:
      claude-kit new skill kafka-consumer-retries --category backend
      claude-kit new agent payments reviewer
    """


@new.command("skill")
@click.argument("name")
@click.option("--category", required=True, help="Library category = gateway domain (backend, python, ...).")
def new_skill(name: str, category: str) -> None:
    """Create .claude/skill-library/CATEGORY/NAME/SKILL.md and re-index the library.

    \b
    Examples:
      claude-kit new skill kafka-consumer-retries --category backend
    """
    from claude_kit import scaffold

    sys.exit(scaffold.new_skill(Path.cwd(), name, category))


@new.command("agent")
@click.argument("domain")
@click.argument("role", type=click.Choice(["lead", "developer", "reviewer", "tester"]))
def new_agent(domain: str, role: str) -> None:
    """Create .claude/agents/DOMAIN-ROLE.md for a domain of .claude/claude-kit.yaml.

    \b
    Examples:
      claude-kit new agent payments developer
    """
    from claude_kit import scaffold

    sys.exit(scaffold.new_agent(Path.cwd(), domain, role))


@cli.group()
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

    sys.exit(feature_mod.mark(Path.cwd(), feature_id, status, note=note))


@cli.group()
def lock() -> None:
    """File locks for parallel agents: a locked file can only be edited by the agent holding it.

    \b
    Examples:
      claude-kit lock acquire internal/order/service.go --agent backend-developer --ttl 30
      claude-kit lock list
      claude-kit lock release --agent backend-developer
    """


@lock.command("acquire")
@click.argument("files", nargs=-1, required=True)
@click.option("--agent", required=True, help="The agent type that will edit them (e.g. backend-developer).")
@click.option("--ttl", type=click.IntRange(1, 1440), default=60, show_default=True, help="Minutes to expiry.")
def lock_acquire(files: tuple[str, ...], agent: str, ttl: int) -> None:
    """Lock FILES for AGENT (all or nothing).

    \b
    Examples:
      claude-kit lock acquire internal/order/service.go internal/order/store.go --agent backend-developer
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
      claude-kit lock release internal/order/service.go --agent backend-developer
      claude-kit lock release --agent backend-developer      # everything it holds
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


@cli.group()
def loop() -> None:
    """Iterate to completion: re-feed a task at every stop until Claude writes a promise.

    Run it from Claude Code's Bash tool (which sets $CLAUDE_CODE_SESSION_ID); see docs/loop.md.

    \b
    Examples:
      claude-kit loop start "make tests/api pass" --max-iterations 10 --completion-promise "ALL GREEN"
      claude-kit loop status
      claude-kit loop cancel
    """


SESSION = click.option(
    "--session", help="Session id (default: $CLAUDE_CODE_SESSION_ID, else the latest logged)."
)


@loop.command("start")
@click.argument("prompt")
@click.option(
    "--max-iterations",
    type=int,
    default=None,
    help="At most N iterations (default and cap: limits.loop_max_iterations).",
)
@click.option(
    "--completion-promise",
    required=True,
    help="Text Claude writes as <promise>TEXT</promise> once the task is done.",
)
@SESSION
def loop_start(prompt: str, max_iterations: int | None, completion_promise: str, session: str | None) -> None:
    """Arm a completion loop for this session: each stop re-feeds PROMPT until the promise is written.

    \b
    Examples:
      claude-kit loop start "fix the tests in ./api" --max-iterations 8 --completion-promise "ALL GREEN"
      claude-kit loop start "finish the migration" --completion-promise DONE --session 4f1c...
    """
    from claude_kit import loop as loop_mod

    sys.exit(loop_mod.start(Path("."), prompt, max_iterations, completion_promise, session))


@loop.command("status")
@SESSION
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def loop_status(session: str | None, fmt: str) -> None:
    """Show the session's loop (all sessions' loops outside Claude Code).

    \b
    Examples:
      claude-kit loop status
      claude-kit loop status --format json
    """
    from claude_kit import loop as loop_mod

    sys.exit(loop_mod.status(Path("."), session, fmt))


@loop.command("cancel")
@SESSION
def loop_cancel(session: str | None) -> None:
    """End the session's completion loop now.

    \b
    Examples:
      claude-kit loop cancel
      claude-kit loop cancel --session 4f1c...
    """
    from claude_kit import loop as loop_mod

    sys.exit(loop_mod.cancel(Path("."), session))


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
