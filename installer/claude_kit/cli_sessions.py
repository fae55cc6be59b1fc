"""`claude-kit demo | log | report | loop`: watch the hooks in a session, query their decisions, see a
session as one HTML page, loop a task."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from claude_kit.cli_options import FORMAT, SESSION, TARGET


@click.command()
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


@click.command("log")
@TARGET
@click.option("--session", help="Session id (a prefix is enough).")
@click.option("--agent", help="Agent id (prefix) or agent type; `main` = the main thread. Comma list.")
@click.option(
    "--feature", help="Feature id, or a part of it: records written while it was active. Comma list."
)
@click.option(
    "--kind",
    help="edit, shell, spawn, verdict, check, task, other; one record per tool call and event. Comma list.",
)
@click.option("--decision", help="allow, warn, deny, block, escalate, error. Comma list.")
@click.option("--hook", "hook_name", help="Hook name, e.g. agent_first, compaction_gate. Comma list.")
@click.option("--event", help="Hook event, e.g. PreToolUse, Stop. Comma list.")
@click.option("--tool", help="Tool name, e.g. Edit, Write, Agent, Bash. Comma list.")
@click.option("--file", "file_part", help="Only records whose file contains this text.")
@click.option("--since", help="ISO date/time (UTC unless it has an offset) or an age: 30m, 2h, 1d.")
@click.option(
    "--limit",
    type=click.IntRange(min=0),
    default=None,
    help="Last N; 0 = all. [default: 50; all with --otlp]",
)
@click.option(
    "--why",
    is_flag=True,
    help="Explain the most recent deny/block and how to get past it; after an escalation, the path there.",
)
@click.option(
    "--follow", "following", is_flag=True, help="Keep printing new records as the hooks write them."
)
@click.option(
    "--follow-for",
    type=click.FloatRange(min=0),
    default=None,
    help="With --follow: stop after this many seconds (default: until Ctrl-C).",
)
@click.option(
    "--otlp",
    is_flag=False,
    flag_value="",
    default=None,
    metavar="[URL|FILE]",
    help="Export the selected records as OpenTelemetry (OTLP/HTTP JSON) logs, and spawns as spans, to "
    "a collector URL or a JSON-lines file; alone: the team config's telemetry.otlp, else "
    "OTEL_EXPORTER_OTLP_ENDPOINT.",
)
@FORMAT
def log(
    target: Path, session: str | None, agent: str | None, feature: str | None, kind: str | None,
    decision: str | None, hook_name: str | None, event: str | None, tool: str | None, file_part: str | None,
    since: str | None, limit: int | None, why: bool, following: bool, follow_for: float | None,
    otlp: str | None, fmt: str,
) -> None:  # fmt: skip
    """Query the decision log (oldest first), follow it, export it as OTLP, or explain the latest block.

    \b
    Examples:
      claude-kit log --why
      claude-kit log --session 3f2a --decision deny,block     # every block in a session, and why
      claude-kit log --agent api-developer --feature 0007 --kind edit   # one agent's edits in a feature
      claude-kit log --follow --format json                   # a live tail, one JSON object a line
      claude-kit log --since 1d --otlp http://127.0.0.1:4318  # to an OpenTelemetry collector
    """
    from claude_kit import logquery

    if follow_for is not None and not following:
        raise click.UsageError("--follow-for needs --follow")
    if sum((why, following, otlp is not None)) > 1:
        raise click.UsageError("--why, --follow and --otlp do not go together")
    query = logquery.Query(
        session=session, agent=agent, decision=decision, hook=hook_name, event=event, tool=tool,
        file=file_part, since=logquery.parse_since(since) if since else None,
        limit=limit if limit is not None else (0 if otlp is not None else 50), feature=feature, kind=kind,
    )  # fmt: skip
    sys.exit(
        logquery.log_command(
            target, query, why=why, fmt=fmt, follow_seconds=follow_for, following=following, otlp=otlp
        )
    )


@click.group()
def loop() -> None:
    """Iterate to completion: re-feed a task at every stop until Claude writes a promise.

    Run it from Claude Code's Bash tool (which sets $CLAUDE_CODE_SESSION_ID); see docs/loop.md.

    \b
    Examples:
      claude-kit loop start "make tests/api pass" --max-iterations 10 --completion-promise "ALL GREEN"
      claude-kit loop status
      claude-kit loop cancel
    """


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
@FORMAT
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
    from claude_kit.session_guard import refuse_in_tool_call

    refuse_in_tool_call("loop cancel", "ends the completion loop the user armed")
    sys.exit(loop_mod.cancel(Path("."), session))


@click.command()
@TARGET
@click.option("--session", help="Session id or a prefix of it (default: every session in the log).")
@click.option("--feature", help="A feature's id or name: the sessions' records while it was worked on.")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default="report.html",
    show_default=True,
)
def report(target: Path, session: str | None, feature: str | None, output: Path) -> None:
    """Write one self-contained HTML page about the logged sessions (no network needed to view it).

    \b
    Per session: a timeline of the main thread and its agents (duration, verdict), the denies and
    blocks with their reasons, tokens and cost per agent and per session against the budget, the
    feedback loop per domain and the escalations.

    \b
    Examples:
      claude-kit report -o report.html
      claude-kit report --session 3f2a -o session.html
      claude-kit report --feature health-check -o feature.html
    """
    from claude_kit import fsutil, repo
    from claude_kit.report_data import collect
    from claude_kit.report_html import render

    root = repo.find_root(target)
    page = render(collect(root, session=session, feature=feature))
    fsutil.atomic_write(output, page.encode("utf-8"))
    click.echo(f"wrote {output}")


COMMANDS = (demo, log, report, loop)
