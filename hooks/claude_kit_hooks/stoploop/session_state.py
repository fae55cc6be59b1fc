# claude-kit: managed, id=hooks/claude_kit_hooks/stoploop/session_state
"""The Stop loop's per-session state: where it lives, its shape, and its age-based cleanup.

.claude/.claude-kit/local/state/<session>/
  feedback.json  seq (one counter for every recorded change, spawn and verdict), iteration, consecutive
                 failures per role, domains {name: files, changes, changed_seq, verifier_changes, phases,
                 last_verdict}, failures, spawns, agents (verdicts by agentId), reports, outloc
  stop.json      blocks, streak, history (loop detection), last_seq, last_key, backstop, escalated
  loop.json      the completion loop (written by `claude-kit loop start`)
(records: stoploop/records.py and contract.records.CompletionLoop)

Every write goes through update_json (locked + atomic): parallel subagents' hooks never lose an
update or tear the JSON. Readers read without the lock (a replace is atomic). Cheap on purpose: a Stop
with nothing recorded imports only this module.
"""

from __future__ import annotations

import os
import time

from claude_kit_hooks.contract.defaults import VERIFY_ROLES
from claude_kit_hooks.contract.naming import safe_name
from claude_kit_hooks.store.jsonfile import read_json, update_json, write_json_atomic

TYPE_CHECKING = False  # typing costs ~14 ms at a hook's start-up; mypy still reads the branch
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any, TypeVar

    from claude_kit_hooks.contract.layout import KitPaths
    from claude_kit_hooks.contract.records import CompiledConfig
    from claude_kit_hooks.stoploop.records import DomainState, FeedbackState, StopState

    State = TypeVar("State")

# How much of each list the state keeps (the most recent entries).
FILE_CAP = 200  # files per domain
FAILURE_CAP = 20
AGENT_CAP = 300
SPAWN_CAP = 50
REPORT_CAP = 200
RETENTION_DAYS = 7
CLEANUP_EVERY = 86400


def read(paths: KitPaths, sid: str, name: str) -> Any:
    """One state file as a dict; None when it is missing or not a JSON object. The caller types it
    (FeedbackState after norm_feedback, StopState, CompletionLoop)."""
    data = read_json(paths.state(sid, name), None)
    return data if isinstance(data, dict) else None


def update(paths: KitPaths, sid: str, name: str, fn: Callable[[State], None]) -> State:
    """Locked read-modify-write of one state file; `fn` changes the dict in place."""

    def wrap(data: Any) -> Any:
        state: Any = data if isinstance(data, dict) else {}
        fn(state)
        return state

    new: State = update_json(paths.state(sid, name), wrap)
    return new


def update_feedback(paths: KitPaths, sid: str, fn: Callable[[FeedbackState], None]) -> FeedbackState:
    """update() of feedback.json with every key filled in before `fn` sees it."""

    def apply(d: dict[str, Any]) -> None:
        fn(norm_feedback(d))

    return norm_feedback(update(paths, sid, "feedback", apply))


def norm_feedback(d: Any) -> FeedbackState:
    """Fill in every key of the feedback state (tolerates older or partial files)."""
    d.setdefault("created", time.time())
    d.setdefault("seq", 0)
    d.setdefault("iteration", 1)
    cons = d.setdefault("consecutive", {})
    for role in VERIFY_ROLES:
        cons.setdefault(role, 0)
    for key in ("domains", "agents", "reports", "outloc"):
        if not isinstance(d.get(key), dict):
            d[key] = {}
    for key in ("failures", "spawns"):
        if not isinstance(d.get(key), list):
            d[key] = []
    fb: FeedbackState = d  # every key is present now
    return fb


def domain_entry(d: FeedbackState, domain: str) -> DomainState:
    """A domain's record in the feedback state, created on first use."""
    e = d["domains"].setdefault(domain, {})
    e.setdefault("files", [])
    e.setdefault("changes", 0)
    e.setdefault("changed_seq", 0)
    e.setdefault("verifier_changes", 0)
    if not isinstance(e.get("phases"), dict):
        e["phases"] = {}
    return e


def changed_domains(cfg: CompiledConfig, fb: FeedbackState) -> list[tuple[str, DomainState]]:
    """[(name, entry)] of configured domains that changed in this session, in first-change order."""
    configured = cfg["domains"]
    return [(n, e) for n, e in fb["domains"].items() if e.get("changes", 0) > 0 and n in configured]


def bounded(d: dict[str, Any], cap: int) -> None:
    """Drop the oldest keys of `d` (insertion order) beyond `cap`."""
    while len(d) > cap:
        d.pop(next(iter(d)))


def reset_streak(d: StopState) -> None:
    """stop.json: the next block starts a new streak and a new loop-detection window."""
    d["blocks"] = 0
    d["streak"] = 0
    d["history"] = []


COPIES = ".copies"  # under the state folder, beside the sessions' folders (cleanup skips dot entries)


def _copy_path(paths: KitPaths, sid: str, name: str) -> str:
    return os.path.join(paths.state_dir, COPIES, f"{safe_name(sid)}.{name}.json")


def keep_copy(paths: KitPaths, sid: str, name: str, data: Any) -> None:
    """A copy of one state file outside the session's folder: what must survive that folder's deletion
    (the working-tree baseline). Best effort: the original is the one that counts."""
    import contextlib

    with contextlib.suppress(OSError):
        write_json_atomic(_copy_path(paths, sid, name), data)


def read_copy(paths: KitPaths, sid: str, name: str) -> Any:
    """The kept copy of one state file (keep_copy), or None."""
    data = read_json(_copy_path(paths, sid, name), None)
    return data if isinstance(data, dict) else None


def maybe_cleanup(paths: KitPaths, current_sid: str, now: float | None = None) -> list[str]:
    """At most once a day per repo: delete session state untouched for RETENTION_DAYS (not the current)."""
    now = time.time() if now is None else now
    base = paths.state_dir
    stamp = os.path.join(base, ".cleanup-stamp")
    try:
        if now - os.stat(stamp).st_mtime < CLEANUP_EVERY:
            return []
    except OSError:
        pass
    removed: list[str] = []
    try:
        os.makedirs(base, exist_ok=True)
        with open(stamp, "w", encoding="utf-8") as f:
            f.write(str(now))
        os.utime(stamp, (now, now))
        entries = os.listdir(base)
    except OSError:
        return removed
    keep = safe_name(current_sid)
    limit = RETENTION_DAYS * 86400
    _cleanup_copies(os.path.join(base, COPIES), keep, now - RETENTION_DAYS * 86400)
    for entry in entries:
        path = os.path.join(base, entry)
        if entry == keep or entry.startswith(".") or not os.path.isdir(path):
            continue
        if now - _newest_mtime(path) > limit:
            import shutil

            shutil.rmtree(path, ignore_errors=True)
            removed.append(entry)
    return removed


def _cleanup_copies(folder: str, keep: str, older_than: float) -> None:
    try:
        names = os.listdir(folder)
    except OSError:
        return
    for name in names:
        path = os.path.join(folder, name)
        try:
            if not name.startswith(keep + ".") and os.stat(path).st_mtime < older_than:
                os.remove(path)
        except OSError:
            continue


def _newest_mtime(path: str) -> float:
    newest = 0.0
    for folder, _dirs, files in os.walk(path):
        for name in [folder] + [os.path.join(folder, f) for f in files]:
            try:
                newest = max(newest, os.stat(name).st_mtime)
            except OSError:
                continue
    return newest
