"""`claude-kit log`: query the hooks' decision log and explain the most recent block.

The hooks append one JSON object per decision to `.claude/.claude-kit/local/log/decisions.jsonl`
(hooks/claude_kit_hooks/decisionlog/writer.py) and rotate it to `decisions.jsonl.1 .. .N` (newest
first) past `logging.max_bytes`. Records are read oldest first; torn or foreign lines are skipped.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, NamedTuple

import click

from claude_kit import repo, shared_state
from claude_kit.errors import KitError
from claude_kit.logrecord import record_time, who
from claude_kit.output import emit
from claude_kit_hooks.contract.defaults import KILL_SWITCH
from claude_kit_hooks.contract.layout import CONFIG_YAML, DECISION_LOG, ERROR_LOG

DECISIONS = ("allow", "warn", "deny", "block", "escalate", "error")
BLOCKING = ("deny", "block")
_RELATIVE = re.compile(r"^(\d+)\s*([smhdw])$")
_UNITS = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days", "w": "weeks"}


class Query(NamedTuple):
    """Filters; every one that is set must match. Comma lists mean "any of"."""

    session: str | None = None
    agent: str | None = None
    decision: str | None = None
    hook: str | None = None
    event: str | None = None
    tool: str | None = None
    file: str | None = None
    since: datetime | None = None
    limit: int = 50


class Explanation(NamedTuple):
    what: str  # what the hook enforces, in plain words
    satisfy: str  # what lets the call or the stop through


EXPLANATIONS: dict[str, Explanation] = {
    "agent_first": Explanation(
        "The main thread, or a subagent other than the domain's developer (and the agents "
        "domains.<d>.editors names), tried to change a file of a domain whose developer agent "
        "exists. The kit keeps the main thread coordinating: the domain's developer agent makes the change.",
        "Spawn the developer agent named in the reason (it shows the exact Agent call; a subagent "
        "asks the main thread to). The same edit is allowed inside that developer, for exempt files "
        "(tests, docs, the output folder, exemptions.globs), for files outside every domain, and when "
        "the agent file is absent.",
    ),
    "coordinator_no_edit": Explanation(
        "An orchestration is active (an in-progress feature in <output_dir>/features/active.json, "
        "or orchestration.coordinator_mode: true), so the main thread may write only under the "
        "kit's output folder.",
        "Delegate the edit to a developer agent, or write plans and notes under the output folder. "
        "The main thread may edit again once the user ends the feature (`claude-kit feature mark <id> "
        "--status complete` from their terminal) or orchestration.coordinator_mode is false.",
    ),
    "kit_files": Explanation(
        "The model tried to change the kit that governs the session: its hooks, settings, team "
        "config, agents or control files (contract/protected.py), or to run one of the user's own "
        "commands (uninstall, feature mark, loop cancel ...), set the kill switch or start a nested "
        "claude session from a tool call. Nothing was changed.",
        "The user makes such a change from their own terminal (the CLI refuses these commands inside "
        "a Claude Code tool call); then `claude-kit doctor` checks the wiring.",
    ),
    "kit_integrity": Explanation(
        "The kit's own files or wiring (hooks, agents, settings, team config, interpreter cache) changed "
        "during the session, in a way the PreToolUse checks did not stop (a script, or the user). The "
        "stop was blocked once so that the user is told.",
        "If the user did not make the changes, `claude-kit doctor --fix` from their terminal restores "
        "the installed kit. The same changes never block again.",
    ),
    "shell_write_warning": Explanation(
        "A shell command plainly writes a domain's files (sed -i, redirection, tee, cp/mv, gofmt -w, "
        "git checkout -- ...) from the main thread, or from a read-only role (reviewer, lead, "
        "test-lead, Explore, Plan). The command was not run.",
        "Delegate the change to the developer agent named in the reason (it shows the exact Agent "
        "call); a read-only role puts the change in its findings instead.",
    ),
    "file_locks": Explanation(
        "Another agent holds a lock on this file (parallel developers must not edit the same file).",
        "Let the holder finish; `claude-kit lock list` shows the locks and `claude-kit lock release "
        "<file> --agent <holder>` frees a stale one.",
    ),
    "spawn_depth": Explanation(
        "A subagent tried to spawn another agent deeper than spawn.max_depth (1 by default: only "
        "the main thread spawns agents).",
        "Finish the subagent and report back; the main thread spawns the next agent. Teams that "
        "want nesting raise spawn.max_depth (at most 3).",
    ),
    "compaction_gate": Explanation(
        "The main conversation's context was above compaction.deny_percent of the model's window, "
        "so a new agent spawn was refused until the context is compacted.",
        "Run /compact, then spawn the agent again (or raise compaction.deny_percent).",
    ),
    "budget": Explanation(
        "The session's token or USD budget (budget.session_tokens / budget.session_usd) is used up, "
        "so new agent spawns are refused.",
        "Start a new session, or raise the budget in the team config and run `claude-kit sync`.",
    ),
    "feedback_loop": Explanation(
        "The session tried to end while changed code had not passed review and testing.",
        "Spawn the reviewer/tester agents named in the reason (after a FAIL, first the developer "
        "it names); the stop goes through after PASS verdicts (or after "
        "limits.max_feedback_iterations, escalating to the user).",
    ),
    "quality_gate": Explanation(
        "The session tried to end while a changed domain's checks (domains.<name>.checks) failed.",
        "Fix what the failing check printed, run it again, then finish.",
    ),
    "verdicts": Explanation(
        "A reviewer, tester or test-lead ended without a valid structured verdict block.",
        "End the final message with exactly one fenced JSON verdict block as the reason describes.",
    ),
    "output_location": Explanation(
        "A subagent, or the session, left report files outside the kit's output folder.",
        "Move (or delete) the files with the commands in the reason; the kit asks once per set of files.",
    ),
    "completion_loop": Explanation(
        "A completion loop (`claude-kit loop start`) is active and its promise was not written yet.",
        "Finish the loop's task and write its <promise>, or end the loop with `claude-kit loop cancel`.",
    ),
    "loop_detection": Explanation(
        "The session kept stopping with near-identical messages: it looked stuck.",
        "Change approach, or ask the user; the kit escalates instead of blocking again.",
    ),
    "skill_shell_line": Explanation(
        "A skill's `!` shell line (Claude Code 2.1.332+) did what the Bash checks catch, e.g. wrote a "
        "domain's file from the main thread; a skill cannot wait for a warning, so the line did not run.",
        "Delegate the change to the developer agent named in the reason (it shows the exact Agent call).",
    ),
    "runtime": Explanation(
        "The hook itself failed. PreToolUse checks on edits and spawns fail closed for the first "
        "few errors of a session, then open; every other hook fails open.",
        f"Run `claude-kit doctor`; the traceback is in {ERROR_LOG}.",
    ),
}
GENERIC = Explanation("A claude-kit hook decided.", "Do what the reason says.")


# -- reading ----------------------------------------------------------------------------------------
def log_files(root: Path) -> list[Path]:
    """The current log and its rotations, oldest first."""
    current = shared_state.path(root, DECISION_LOG)
    rotated = []
    for p in current.parent.glob(current.name + ".*"):
        suffix = p.name[len(current.name) + 1 :]
        if suffix.isdigit():
            rotated.append((int(suffix), p))
    files = [p for _, p in sorted(rotated, reverse=True)]
    if current.is_file():
        files.append(current)
    return files


def read_records(files: Iterable[Path]) -> Iterator[dict[str, Any]]:
    """Every whole record, oldest first; torn lines (a writer killed mid-line) are skipped."""
    for path in files:
        try:
            data = path.read_bytes()
        except OSError:
            continue
        for line in data.splitlines():
            try:
                rec = json.loads(line)
            except ValueError:
                continue
            if isinstance(rec, dict) and "decision" in rec:
                yield rec


# -- filtering ----------------------------------------------------------------------------------------
def parse_since(value: str, now: datetime | None = None) -> datetime:
    """An ISO date/time (UTC when no offset) or a relative age: 30s, 15m, 2h, 1d, 1w."""
    text = value.strip()
    rel = _RELATIVE.match(text)
    if rel:
        now = now or datetime.now(timezone.utc)
        try:
            return now - timedelta(**{_UNITS[rel.group(2)]: int(rel.group(1))})
        except (OverflowError, ValueError):  # further back than datetime reaches: every record
            return datetime.min.replace(tzinfo=timezone.utc)
    try:
        when = datetime.fromisoformat(text[:-1] + "+00:00" if text.endswith(("Z", "z")) else text)
    except ValueError:
        raise KitError(
            f"--since {value!r}: not an ISO date/time or an age",
            hint="use e.g. 2026-11-21, 2026-11-21T14:05:00Z, or 30m / 2h / 1d",
        ) from None
    return when if when.tzinfo else when.replace(tzinfo=timezone.utc)


def _any_of(value: str | None) -> set[str]:
    return {v.strip() for v in (value or "").split(",") if v.strip()}


def matches(rec: dict[str, Any], q: Query) -> bool:
    if q.session and not str(rec.get("session_id") or "").startswith(q.session):
        return False
    if q.agent:
        agent_id, agent_type = str(rec.get("agent_id") or ""), rec.get("agent_type")
        wanted = _any_of(q.agent)
        if not any(w == agent_type or (agent_id.startswith(w) if agent_id else w == "main") for w in wanted):
            return False
    for field, value in (("decision", q.decision), ("hook", q.hook), ("tool", q.tool)):
        if value and str(rec.get(field)) not in _any_of(value):
            return False
    if q.event and str(rec.get("event")).lower() not in {e.lower() for e in _any_of(q.event)}:
        return False
    if q.file and q.file not in str(rec.get("file") or ""):
        return False
    if q.since:
        when = record_time(rec)
        if when is None or when < q.since:
            return False
    return True


def select(records: Iterable[dict[str, Any]], q: Query) -> list[dict[str, Any]]:
    """The matching records, oldest first; only the last `q.limit` when it is positive."""
    found = [r for r in records if matches(r, q)]
    return found[-q.limit :] if q.limit > 0 else found


# -- output -------------------------------------------------------------------------------------------


def format_line(rec: dict[str, Any]) -> str:
    reason = " ".join(str(rec.get("reason") or "").split())
    if len(reason) > 110:
        reason = reason[:107] + "..."
    what = " ".join(str(rec[k]) for k in ("tool", "file") if rec.get(k))
    where = f"{rec.get('event', '?')}/{rec.get('hook', '?')}"
    line = f"{rec.get('ts', '?'):<20}  {rec.get('decision', '?'):<8} {where:<34} {who(rec):<24} {what:<40}"
    return f"{line} {reason}".rstrip()


def _ago(when: datetime | None, now: datetime) -> str:
    if when is None:
        return ""
    secs = int((now - when).total_seconds())
    if secs < 0:
        return ""
    for size, unit in ((86400, "d"), (3600, "h"), (60, "min")):
        if secs >= size:
            return f" ({secs // size} {unit} ago)"
    return f" ({secs} s ago)"


def off_switch(hook: str) -> str:
    if hook == "runtime":
        return f"{KILL_SWITCH}=1 in the environment turns every claude-kit hook off."
    return (
        f"`hooks: {{{hook}: {{enabled: false}}}}` in {CONFIG_YAML}, then `claude-kit sync`; "
        f"or {KILL_SWITCH}=1 in the environment for every hook."
    )


def explain(rec: dict[str, Any], now: datetime | None = None) -> dict[str, Any]:
    hook = str(rec.get("hook") or "")
    ex = EXPLANATIONS.get(hook, GENERIC)
    now = now or datetime.now(timezone.utc)
    return {
        "record": rec,
        "summary": (
            f"{rec.get('event', '?')} {rec.get('decision', '?')} by {hook or '?'} at {rec.get('ts', '?')}"
            f"{_ago(record_time(rec), now)}"
        ),
        "caller": who(rec),
        "what": ex.what,
        "satisfy": ex.satisfy,
        "off_switch": off_switch(hook),
    }


def format_why(ex: dict[str, Any]) -> str:
    rec = ex["record"]
    target = "  ".join(f"{k}: {rec[k]}" for k in ("tool", "file", "agent", "domain", "feature") if rec.get(k))
    reason = "\n".join("    " + line for line in str(rec.get("reason") or "").splitlines()) or "    (none)"
    return "\n".join(
        [
            f"Most recent block: {ex['summary']}",
            f"  session: {rec.get('session_id', '?')}   caller: {ex['caller']}",
            *([f"  {target}"] if target else []),
            f"Why: {ex['what']}",
            "Reason given to the model:",
            reason,
            f"How to get past it: {ex['satisfy']}",
            f"Turn it off: {ex['off_switch']}",
        ]
    )


# -- the command ----------------------------------------------------------------------------------------
def log_command(target: Path, q: Query, *, why: bool = False, fmt: str = "text") -> int:
    """`claude-kit log`: print matching decisions (oldest first), or explain the latest deny/block."""
    root = repo.find_root(target)
    bad = _any_of(q.decision) - set(DECISIONS)
    if bad:
        raise KitError(f"--decision: unknown {', '.join(sorted(bad))}", hint=f"use {', '.join(DECISIONS)}")
    files = log_files(root)
    if not files:
        where = shared_state.shown(root, DECISION_LOG)
        msg = f"no decision log yet ({where}): the hooks write it when they run"
        emit(None if why else [], fmt, lambda: click.echo(msg, err=True))
        return 0
    if why:
        decisions = _any_of(q.decision) or {*BLOCKING, "escalate"}
        records = list(read_records(files))
        found = select(records, q._replace(decision=",".join(sorted(decisions)), limit=1))
        if not found:
            msg = "no deny, block or escalation recorded" + (" matching the filters" if q != Query() else "")
            emit(None, fmt, lambda: click.echo(msg))
            return 0
        if found[-1].get("decision") == "escalate":
            from claude_kit import logpath

            path = logpath.escalation_path(records, found[-1])
            emit(path, fmt, lambda: click.echo(logpath.format_path(path)))
            return 0
        ex = explain(found[-1])
        emit(ex, fmt, lambda: click.echo(format_why(ex)))
        return 0
    found = select(read_records(files), q)

    def text() -> None:
        for rec in found:
            click.echo(format_line(rec))
        if not found:
            click.echo("no matching decisions", err=True)

    emit(found, fmt, text)
    return 0
