"""`claude-kit log`: query the hooks' decision log, follow it live, export it as OTLP, and explain the
most recent block.

The hooks append one JSON object per decision to `log/decisions.jsonl` in the repository's shared folder
(hooks/claude_kit_hooks/decisionlog/writer.py) and rotate it to `decisions.jsonl.1 .. .N` (newest
first) past `logging.max_bytes`. Records are read oldest first; torn or foreign lines are skipped;
each gets the kit's task (feature, phase) it belongs to (logrecord.with_tasks).
"""

from __future__ import annotations

import json
import os
import re
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any, NamedTuple

import click

from claude_kit import repo, shared_state
from claude_kit.errors import KitError
from claude_kit.logrecord import KINDS, kind_of, record_time, who, with_tasks
from claude_kit.output import emit
from claude_kit_hooks.contract.defaults import KILL_SWITCH
from claude_kit_hooks.contract.layout import CONFIG_YAML, DECISION_LOG, ERROR_LOG
from claude_kit_hooks.contract.records import LogRecord

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
    feature: str | None = None  # feature id or a part of it
    kind: str | None = None  # logrecord.KINDS


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
    "secret_exposure": Explanation(
        "A command would have put one of the team's configured secrets into the context: it reads a "
        "secret env file (a shell command, Read or Grep), prints the environment, or uses a secret "
        "variable outside `claude-kit secrets run`. Nothing was run.",
        "Run the command as `claude-kit secrets run NAME... -- <command>`: the command gets the "
        "secrets in its own environment and its output comes back with the values redacted.",
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


def parse_line(line: bytes) -> LogRecord | None:
    """One record, or None for a torn line (a writer killed mid-line) or a foreign one."""
    try:
        rec = json.loads(line)
    except ValueError:
        return None
    if not isinstance(rec, dict) or "decision" not in rec:
        return None
    record: LogRecord = rec  # type: ignore[assignment]  # a dict read from disk: fields checked on use
    return record


def raw_records(files: Iterable[Path]) -> Iterator[LogRecord]:
    """Every whole record, oldest first, as written."""
    for path in files:
        try:
            data = path.read_bytes()
        except OSError:
            continue
        for line in data.splitlines():
            rec = parse_line(line)
            if rec is not None:
                yield rec


def read_records(files: Iterable[Path]) -> Iterator[LogRecord]:
    """Every whole record, oldest first, with the task it belongs to."""
    return with_tasks(raw_records(files))


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


def matches(rec: LogRecord, q: Query) -> bool:
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
    if q.feature and not any(w in str(rec.get("feature") or "") for w in _any_of(q.feature)):
        return False
    if q.kind and kind_of(rec) not in _any_of(q.kind):
        return False
    if q.since:
        when = record_time(rec)
        if when is None or when < q.since:
            return False
    return True


def select(records: Iterable[LogRecord], q: Query) -> list[LogRecord]:
    """The matching records, oldest first; only the last `q.limit` when it is positive. With --kind,
    one record per tool call and event: the one that decided it (a deny or block, else the first)."""
    found = [r for r in records if matches(r, q)]
    if q.kind:
        found = one_per_call(found)
    return found[-q.limit :] if q.limit > 0 else found


_SEVERITY = {"deny": 3, "block": 3, "escalate": 2, "error": 2, "warn": 1}


def one_per_call(records: list[LogRecord]) -> list[LogRecord]:
    """Several checks log the same tool call (agent_first, file_locks ...): keep its most severe
    record, at the place of the call's first. Records of no tool call are all kept."""
    best: dict[tuple[str, str], int] = {}
    out: list[LogRecord] = []
    for rec in records:
        call = rec.get("tool_use_id")
        if not call:
            out.append(rec)
            continue
        key = (str(call), str(rec.get("event")))
        if key not in best:
            best[key] = len(out)
            out.append(rec)
        elif _SEVERITY.get(str(rec.get("decision")), 0) > _SEVERITY.get(
            str(out[best[key]].get("decision")), 0
        ):
            out[best[key]] = rec
    return out


# -- output -------------------------------------------------------------------------------------------


def format_line(rec: LogRecord) -> str:
    reason = " ".join(str(rec.get("reason") or "").split())
    if len(reason) > 110:
        reason = reason[:107] + "..."
    what = " ".join(str(v) for v in (rec.get("tool"), rec.get("file")) if v)
    where = f"{rec.get('event', '?')}/{rec.get('hook', '?')}"
    task = "/".join(str(v) for v in (rec.get("feature"), rec.get("phase")) if v)
    line = (
        f"{rec.get('ts', '?'):<20}  {rec.get('decision', '?'):<8} {where:<34} {who(rec):<24} "
        f"{task + '  ' if task else ''}{what:<40}"
    )
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


def explain(rec: LogRecord, now: datetime | None = None) -> dict[str, Any]:
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


# -- following ---------------------------------------------------------------------------------------------
class Tail:
    """New whole lines of the current log, across rotations. Rotation renames the file, so the open
    one keeps its lines: it is read to its end, then the files rotated after it (several rotations
    may fall between two polls), then the new current file from its start. Lines without their
    newline yet wait for the next poll."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.fh: Any = None
        self.ino: int | None = None
        self.partial = b""
        self._open()

    def _open(self) -> None:
        try:
            fh = self.path.open("rb")
        except OSError:
            return
        self.fh, self.ino = fh, os.fstat(fh.fileno()).st_ino

    def lines(self) -> list[bytes]:
        out: list[bytes] = []
        if self.fh is not None:
            out += self._read()
        try:
            ino: int | None = self.path.stat().st_ino
        except OSError:
            ino = None
        if ino is not None and ino != self.ino:  # rotated (or created): its rest was read above
            had = self.ino
            self.close()
            self.partial = b""
            if had is not None:
                for path in self._rotated_after(had):
                    try:
                        out += [line for line in path.read_bytes().splitlines() if line.strip()]
                    except OSError:
                        continue  # rotated out of the kept files meanwhile
            self._open()
            out += self._read()
        return out

    def _rotated_after(self, ino: int) -> list[Path]:
        """The rotated files newer than the one with inode `ino`, oldest first (all of them when it
        was rotated out of the kept ones)."""
        newer: list[Path] = []
        n = 1
        while True:
            path = self.path.with_name(f"{self.path.name}.{n}")
            try:
                if path.stat().st_ino == ino:
                    break
            except OSError:
                break
            newer.append(path)
            n += 1
        return newer[::-1]

    def _read(self) -> list[bytes]:
        data = self.partial + self.fh.read()
        *whole, self.partial = data.split(b"\n")
        return [line for line in whole if line.strip()]

    def close(self) -> None:
        if self.fh is not None:
            self.fh.close()
            self.fh = None


def follow(
    root: Path, q: Query, show: Callable[[LogRecord], None], *, seconds: float | None, poll: float = 0.25
) -> None:
    """Show the last `q.limit` matching records, then those the hooks write from now on, until
    `seconds` pass (None: until interrupted). Each record gets the task in effect when it was written."""
    tail = Tail(
        shared_state.path(root, DECISION_LOG)
    )  # opened first: a record written while the rest is read is not lost
    rotated = [p for p in log_files(root) if p != tail.path]
    fresh = [rec for rec in map(parse_line, tail.lines()) if rec is not None]
    known = list(with_tasks([*raw_records(rotated), *fresh]))
    for rec in select(known, q):
        show(rec)
    # The task in effect now: the newest record that has one.
    tasks = list(deque((r for r in known if "feature" in r), maxlen=1))
    end = None if seconds is None else time.monotonic() + seconds
    try:
        while end is None or time.monotonic() < end:
            time.sleep(poll if end is None else max(0.0, min(poll, end - time.monotonic())))
            fresh = [rec for rec in map(parse_line, tail.lines()) if rec is not None]
            for rec in list(with_tasks(tasks + fresh))[len(tasks) :]:
                if "feature" in rec:
                    tasks = [rec]
                if matches(rec, q):
                    show(rec)
    except KeyboardInterrupt:
        return
    finally:
        tail.close()


# -- exporting -------------------------------------------------------------------------------------------
def otlp_destination(root: Path, value: str) -> Any:
    """`--otlp DEST`, else the team config's telemetry.otlp, else Claude Code's own
    OTEL_EXPORTER_OTLP_LOGS_ENDPOINT / OTEL_EXPORTER_OTLP_ENDPOINT."""
    from claude_kit import config, otlp

    if value:
        return otlp.destination(value, Path.cwd())
    configured = None
    if (root / CONFIG_YAML).is_file():
        configured = (config.load(root).get("telemetry") or {}).get("otlp")
    if configured:
        return otlp.destination(str(configured), root)
    env = os.environ.get("OTEL_EXPORTER_OTLP_LOGS_ENDPOINT") or os.environ.get("OTEL_EXPORTER_OTLP_ENDPOINT")
    if env:
        return otlp.destination(env, Path.cwd())
    raise KitError(
        "--otlp: no destination given",
        hint=f"give one (`--otlp http://127.0.0.1:4318` or `--otlp events.json`), set telemetry.otlp in "
        f"{CONFIG_YAML}, or OTEL_EXPORTER_OTLP_ENDPOINT",
    )


def export_command(root: Path, q: Query, value: str, fmt: str) -> int:
    from claude_kit import otlp

    dest = otlp_destination(root, value)
    found = select(read_records(log_files(root)), q)
    counts = otlp.export(found, dest)
    result = {"destination": dest.describe(), **counts}
    emit(
        result,
        fmt,
        lambda: click.echo(
            f"exported {counts['logs']} records and {counts['spans']} spawn spans to {dest.describe()}"
        ),
    )
    return 0


# -- the command ----------------------------------------------------------------------------------------
def log_command(
    target: Path,
    q: Query,
    *,
    why: bool = False,
    fmt: str = "text",
    follow_seconds: float | None = None,
    following: bool = False,
    otlp: str | None = None,
) -> int:
    """`claude-kit log`: print matching decisions (oldest first), follow them live, export them as
    OTLP, or explain the latest deny/block."""
    root = repo.find_root(target)
    bad = _any_of(q.decision) - set(DECISIONS)
    if bad:
        raise KitError(f"--decision: unknown {', '.join(sorted(bad))}", hint=f"use {', '.join(DECISIONS)}")
    bad = _any_of(q.kind) - set(KINDS)
    if bad:
        raise KitError(f"--kind: unknown {', '.join(sorted(bad))}", hint=f"use {', '.join(KINDS)}")
    if otlp is not None:
        return export_command(root, q, otlp, fmt)
    if following:
        # JSON Lines while following: a record per line as it comes, which a JSON array cannot be.
        show = (lambda rec: click.echo(json.dumps(rec, ensure_ascii=False))) if fmt == "json" else None
        follow(root, q, show or _echo_line, seconds=follow_seconds)
        return 0
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


def _echo_line(rec: LogRecord) -> None:
    click.echo(format_line(rec))  # click.echo flushes: a pipe sees each record as it comes
