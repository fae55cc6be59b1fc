"""`claude-kit lock acquire|release|list`: file locks for parallel agents.

One JSON file, `<output_dir>/locks/locks.json`, maps a project-relative path to
`{"agent", "acquired_at", "expires_at"}` (UTC, `YYYY-MM-DDTHH:MM:SSZ`, so the hook compares
strings). Writers serialise on `locks.json.lock` and replace the file atomically; expired locks
are ignored everywhere and pruned on every write. The holder is an agent instance:
in a session `--agent` is the caller's own agent id (`main` for the main thread), which the
PreToolUse(Bash) hook enforces (hooks/claude_kit_hooks/edit/lock_commands.py), because this command
cannot tell who runs it; from the user's terminal any holder may be named and any lock released. The
PreToolUse hook (hooks/claude_kit_hooks/edit/file_locks.py) denies an Edit/Write/NotebookEdit on a
locked file by anyone but its holder, and SubagentStop releases a finished agent's locks.
"""

from __future__ import annotations

import json
import os
import re
import time
from pathlib import Path
from typing import Any, cast

import click

from claude_kit import shared_state
from claude_kit.errors import KitError
from claude_kit.output import emit
from claude_kit_hooks.contract.layout import LOCKS_FILE
from claude_kit_hooks.contract.records import FileLock

AGENT_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,99}$")


def iso(ts: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(ts))


class Store:
    def __init__(self, cwd: Path) -> None:
        from claude_kit import repo

        self.cwd = cwd
        self.root = repo.find_root(cwd)
        self.path = shared_state.path(self.root, LOCKS_FILE)

    def read(self) -> dict[str, FileLock]:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (ValueError, UnicodeDecodeError) as exc:
            raise KitError(
                f"{self.path}: not valid JSON ({exc})",
                hint="delete it to drop every lock (agents holding locks must re-acquire)",
            ) from None
        if not isinstance(data, dict):
            raise KitError(f"{self.path}: not a JSON object", hint="delete it to drop every lock")
        # Entries without an expiry are not locks (a hand edit): ignored, then pruned on the next write.
        return {
            k: cast(FileLock, v)
            for k, v in data.items()
            if isinstance(v, dict) and isinstance(v.get("expires_at"), str)
        }

    def live(self, now: str) -> dict[str, FileLock]:
        return {k: v for k, v in self.read().items() if v["expires_at"] > now}

    def write(self, locks: dict[str, FileLock]) -> None:
        from claude_kit.fsutil import atomic_write

        atomic_write(self.path, (json.dumps(dict(sorted(locks.items())), indent=1) + "\n").encode())

    def lock(self) -> Any:
        from claude_kit.errors import file_in_the_way
        from claude_kit.fsutil import exclusive_lock

        if any(p.exists() and not p.is_dir() for p in self.path.parents if p.is_relative_to(self.root)):
            raise file_in_the_way(self.root, self.path)
        return exclusive_lock(self.path.with_name(self.path.name + ".lock"))

    def relpath(self, value: str) -> str:
        """Project-relative path with `/`, symlinks resolved (as the hook computes it)."""
        p = Path(value)
        full = Path(os.path.realpath(p if p.is_absolute() else self.cwd / p))
        root = Path(os.path.realpath(self.root))
        try:
            rel = full.relative_to(root).as_posix()
        except ValueError:
            raise KitError(
                f"{value}: outside the project {root}", hint="lock files inside the repository"
            ) from None
        if rel in ("", "."):
            raise KitError(f"{value}: is the project root, not a file")
        return rel


def _check_agent(agent: str) -> None:
    if not AGENT_RE.match(agent):
        raise KitError(
            f"invalid agent name {agent!r}",
            hint="in a session: your agent id (your briefing gives it) or main for the main thread",
        )


def acquire(cwd: Path, files: list[str], agent: str, *, ttl_minutes: int = 60) -> int:
    _check_agent(agent)
    if not 1 <= ttl_minutes <= 1440:
        raise KitError(f"--ttl {ttl_minutes}: minutes must be between 1 and 1440")
    store = Store(cwd)
    rels = list(dict.fromkeys(store.relpath(f) for f in files))
    with store.lock():
        t = time.time()
        now, expires = iso(t), iso(t + ttl_minutes * 60)
        locks = store.live(now)
        held = [(r, locks[r]) for r in rels if r in locks and locks[r]["agent"] != agent]
        if held:
            for rel, rec in held:
                click.echo(f"locked   {rel}: held by {rec['agent']} until {rec['expires_at']}", err=True)
            click.echo(
                f"claude-kit: {len(held)} of {len(rels)} file(s) are locked by another agent; "
                "nothing was locked.\n"
                "  hint: wait for the holder to finish (its locks are released then), or report that you "
                "need these files so the work can be split into disjoint files",
                err=True,
            )
            return 1
        for r in rels:
            current = locks.get(r)
            locks[r] = {
                "agent": agent,
                "acquired_at": current.get("acquired_at", now) if current else now,
                "expires_at": expires,
            }
        store.write(locks)
    for r in rels:
        click.echo(f"locked   {r} for {agent} until {expires}")
    return 0


def release(cwd: Path, files: list[str], agent: str) -> int:
    _check_agent(agent)
    store = Store(cwd)
    rels = list(dict.fromkeys(store.relpath(f) for f in files))
    with store.lock():
        now = iso(time.time())
        locks = store.live(now)
        if not rels:
            rels = [r for r, v in locks.items() if v["agent"] == agent]
        others = [(r, locks[r]) for r in rels if r in locks and locks[r]["agent"] != agent]
        if others:
            for rel, rec in others:
                click.echo(f"held     {rel}: by {rec['agent']} until {rec['expires_at']}", err=True)
            click.echo(
                f"claude-kit: {len(others)} file(s) are locked by another agent; nothing was released.\n"
                "  hint: a lock is released by its holder, when the holder finishes, when it expires, or "
                "by the user from a terminal",
                err=True,
            )
            return 1
        released = [r for r in rels if r in locks]
        for r in released:
            del locks[r]
        store.write(locks)
    for r in rels:
        click.echo(f"released {r}" if r in released else f"unlocked {r} (was not locked)")
    if not rels:
        click.echo(f"{agent} holds no locks")
    return 0


def list_locks(cwd: Path, *, fmt: str = "text") -> int:
    store = Store(cwd)
    with store.lock():
        now = iso(time.time())
        locks = store.live(now)
        if store.path.exists() and locks != store.read():
            store.write(locks)  # prune expired ones

    def text() -> None:
        if not locks:
            click.echo("no locks held")
        for rel, rec in locks.items():
            click.echo(f"{rel}  {rec['agent']}  until {rec['expires_at']}")

    emit({"now": now, "locks": locks}, fmt, text)
    return 0
