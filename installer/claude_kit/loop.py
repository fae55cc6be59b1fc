"""`claude-kit loop start|status|cancel`: arm, inspect and end a session's completion loop.

The Stop hook (hooks/claude_kit_hooks/stoploop/completion.py) does the looping; this module only writes
its per-session state,
`.claude/.claude-kit/local/state/<session>/loop.json`, with the same lock protocol as the hooks
(an exclusive lock on `<file>.lock`, then an atomic replace), so a hook and the CLI never tear it.

Which session: `--session`, else `$CLAUDE_CODE_SESSION_ID` (Claude Code 2.1.329 sets it for every
Bash command it runs, so a model that runs `claude-kit loop start` arms its own session), else the
most recent session in the decision log (for a human at a terminal; printed so it can be checked).
"""

from __future__ import annotations

import json
import os
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from claude_kit import fsutil, repo, shared_state
from claude_kit.errors import KitError
from claude_kit.output import emit
from claude_kit_hooks.contract.layout import (
    COMPILED_CONFIG,
    CONFIG_YAML,
    DECISION_LOG,
    STATE_DIR,
    output_dir_of,
    scratchpad,
    state_file,
)
from claude_kit_hooks.contract.records import CompletionLoop

HARD_MAX_ITERATIONS = 1000
SESSION_ENV = "CLAUDE_CODE_SESSION_ID"


def loop_path(root: Path, session: str) -> Path:
    return root / state_file(session, "loop")


def _compiled(root: Path) -> dict[str, Any]:
    path = root / COMPILED_CONFIG
    try:
        data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise KitError(f"{path}: claude-kit is not installed here", hint="run `claude-kit install`") from None
    except (OSError, ValueError) as exc:
        raise KitError(f"{path}: unreadable ({exc})", hint="run `claude-kit sync`") from None
    return data


def _latest_logged_session(root: Path) -> str | None:
    log = shared_state.path(root, DECISION_LOG)
    try:
        lines = log.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return None
    for line in reversed(lines[-2000:]):
        try:
            sid = json.loads(line).get("session_id")
        except (ValueError, AttributeError):
            continue
        if isinstance(sid, str) and sid and sid != "no-session":
            return sid
    return None


def resolve_session(root: Path, session: str | None) -> tuple[str, str]:
    """(session id, where it came from)."""
    if session:
        return session, "--session"
    env = os.environ.get(SESSION_ENV)
    if env:
        return env, f"${SESSION_ENV}"
    logged = _latest_logged_session(root)
    if logged:
        return logged, f"the most recent session in {shared_state.shown(root, DECISION_LOG)}"
    raise KitError(
        "no Claude Code session to attach the loop to",
        hint=f"run it from Claude Code (which sets ${SESSION_ENV}) or pass --session <id>",
    )


def _read(path: Path) -> dict[str, Any] | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None


def _update(path: Path, fn: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    with fsutil.exclusive_lock(Path(f"{path}.lock")):
        data = _read(path) or {}
        fn(data)
        fsutil.atomic_write(path, json.dumps(data).encode("utf-8"))
        return data


def start(target: Path, prompt: str, max_iterations: int | None, promise: str, session: str | None) -> int:
    root = repo.find_root(target)
    cfg = _compiled(root)
    limit = int((cfg.get("limits") or {}).get("loop_max_iterations", 20))
    if not prompt.strip():
        raise KitError("the loop prompt is empty", hint='claude-kit loop start "<what to do>" ...')
    promise = " ".join(promise.split())
    if not promise or "<" in promise or ">" in promise:
        raise KitError(
            f"--completion-promise {promise!r}: give plain text without < or >",
            hint="e.g. --completion-promise 'ALL TESTS PASS'",
        )
    n = limit if max_iterations is None else max_iterations
    if not 1 <= n <= min(limit, HARD_MAX_ITERATIONS):
        raise KitError(
            f"--max-iterations {n}: must be between 1 and {limit} (limits.loop_max_iterations)",
            hint=f"raise limits.loop_max_iterations in {CONFIG_YAML}, then `claude-kit sync`",
        )
    sid, source = resolve_session(root, session)
    output_dir = output_dir_of(cfg)
    previous = _read(loop_path(root, sid))
    now = time.time()
    state: CompletionLoop = {
        "active": True, "session_id": sid, "prompt": prompt, "max_iterations": n,
        "completion_promise": promise, "iteration": 1, "started": now,
    }  # fmt: skip

    def arm(d: dict[str, Any]) -> None:
        d.clear()
        d.update(state)

    _update(loop_path(root, sid), arm)
    pad = root / scratchpad(output_dir, sid)
    stamp = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(now))
    header = (
        f"# claude-kit loop scratchpad\n\n- session: {sid}\n- started: {stamp}Z\n- max iterations: {n}\n"
        f"- completion promise: <promise>{promise}</promise>\n\n## Task\n\n{prompt}\n\n"
        "## Notes (yours: what is done, what is next)\n\n## Iterations (written by claude-kit at each stop)\n"
    )
    pad.parent.mkdir(parents=True, exist_ok=True)
    with pad.open("a", encoding="utf-8") as f:
        f.write(header if f.tell() == 0 else f"\n---\n\n{header}")
    if previous and previous.get("active"):
        click.echo(
            f"replaced the loop that was active at iteration {previous.get('iteration')}/"
            f"{previous.get('max_iterations')}"
        )
    click.echo(
        f"claude-kit loop armed for session {sid} (from {source}): up to {n} iterations.\n"
        f"Each time you try to stop, the task is fed back as 'iteration i/{n}' until your last message "
        f"contains <promise>{promise}</promise> (write it only when it is true) or the limit is reached.\n"
        f"Scratchpad: {scratchpad(output_dir, sid)}\n"
        "Status: claude-kit loop status | end it: claude-kit loop cancel"
    )
    return 0


def _describe(state: dict[str, Any], output_dir: str) -> str:
    sid = str(state.get("session_id", "?"))
    where = f"{state.get('iteration')}/{state.get('max_iterations')}"
    if state.get("active"):
        head = f"session {sid}: active, iteration {where}"
    else:
        head = f"session {sid}: ended ({state.get('ended', 'unknown')}) at iteration {where}"
    return (
        f"{head}, promise <promise>{state.get('completion_promise')}</promise>\n"
        f"  scratchpad: {scratchpad(output_dir, sid)}"
    )


def status(target: Path, session: str | None, fmt: str = "text") -> int:
    root = repo.find_root(target)
    output_dir = output_dir_of(_compiled(root))
    states: list[dict[str, Any]] = []
    if session or os.environ.get(SESSION_ENV):
        sid, _source = resolve_session(root, session)
        found = _read(loop_path(root, sid))
        states = [found] if found else []
    else:
        for path in sorted((root / STATE_DIR).glob("*/loop.json")):
            found = _read(path)
            if found:
                states.append(found)

    def text() -> None:
        if not states:
            scoped = bool(session or os.environ.get(SESSION_ENV))
            click.echo("no completion loop for this session" if scoped else "no loop in this repository")
        for state in states:
            click.echo(_describe(state, output_dir))

    emit(states, fmt, text)
    return 0


def cancel(target: Path, session: str | None) -> int:
    root = repo.find_root(target)
    _compiled(root)
    sid, source = resolve_session(root, session)
    path = loop_path(root, sid)
    if not (_read(path) or {}).get("active"):
        click.echo(f"no active loop for session {sid} (from {source}); nothing to cancel")
        return 0

    def end(d: dict[str, Any]) -> None:
        d.update(active=False, ended="cancelled", ended_at=time.time())

    state = _update(path, end)
    where = f"{state.get('iteration')}/{state.get('max_iterations')}"
    click.echo(f"cancelled the loop of session {sid} at iteration {where}")
    return 0
