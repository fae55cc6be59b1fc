# claude-kit: managed, id=hooks/ck_state
"""The loop system's per-session state: where it lives, its shape, and its age-based cleanup.

.claude/.claude-kit/local/state/<session>/
  feedback.json  seq (one counter for every recorded change, spawn and verdict), iteration, consecutive
                 failures per role, domains {name: files, changes, changed_seq, verifier_changes, phases,
                 last_verdict}, failures, spawns, agents (verdicts by agentId), reports, outloc
  stop.json      blocks, streak, history (loop detection), last_seq, last_key, backstop, escalated
  loop.json      the completion loop (written by `claude-kit loop start`)

Every write goes through ckrt.update_json (locked + atomic): parallel subagents' hooks never lose an
update or tear the JSON. Readers read without the lock (a replace is atomic). Cheap on purpose: a Stop
with nothing recorded imports only this module and ck_loop_config.
"""

from __future__ import annotations

import os
import time

import ckrt
from ck_loop_config import ROLES

# How much of each list the state keeps (the most recent entries).
FILE_CAP = 200  # files per domain
FAILURE_CAP = 20
AGENT_CAP = 300
SPAWN_CAP = 50
REPORT_CAP = 200
RETENTION_DAYS = 7
CLEANUP_EVERY = 86400


def read(sid: str, name: str):
    data = ckrt.read_json(ckrt.state_path(sid, name), None)
    return data if isinstance(data, dict) else None


def update(sid: str, name: str, fn):
    """Locked read-modify-write of one state file; `fn` changes the dict in place."""

    def wrap(data):
        data = data if isinstance(data, dict) else {}
        fn(data)
        return data

    return ckrt.update_json(ckrt.state_path(sid, name), wrap)


def update_feedback(sid: str, fn):
    """update() of feedback.json with every key filled in before `fn` sees it."""
    return update(sid, "feedback", lambda d: fn(norm_feedback(d)))


def norm_feedback(d: dict) -> dict:
    """Fill in every key of the feedback state (tolerates older or partial files)."""
    d.setdefault("created", time.time())
    d.setdefault("seq", 0)
    d.setdefault("iteration", 1)
    cons = d.setdefault("consecutive", {})
    for role in ROLES:
        cons.setdefault(role, 0)
    for key in ("domains", "agents", "reports", "outloc"):
        if not isinstance(d.get(key), dict):
            d[key] = {}
    for key in ("failures", "spawns"):
        if not isinstance(d.get(key), list):
            d[key] = []
    return d


def domain_entry(d: dict, domain: str) -> dict:
    """A domain's record in the feedback state, created on first use."""
    e = d["domains"].setdefault(domain, {})
    e.setdefault("files", [])
    e.setdefault("changes", 0)
    e.setdefault("changed_seq", 0)
    e.setdefault("verifier_changes", 0)
    if not isinstance(e.get("phases"), dict):
        e["phases"] = {}
    return e


def changed_domains(cfg: dict, fb: dict) -> list:
    """[(name, entry)] of configured domains that changed in this session, in first-change order."""
    configured = cfg.get("domains") or {}
    return [(n, e) for n, e in fb["domains"].items() if e.get("changes", 0) > 0 and n in configured]


def bounded(d: dict, cap: int) -> None:
    """Drop the oldest keys of `d` (insertion order) beyond `cap`."""
    while len(d) > cap:
        d.pop(next(iter(d)))


def reset_streak(d: dict) -> None:
    """stop.json: the next block starts a new streak and a new loop-detection window."""
    d.update(blocks=0, streak=0, history=[])


def maybe_cleanup(current_sid: str, now: float | None = None) -> list:
    """At most once a day per repo: delete session state untouched for RETENTION_DAYS (not the current)."""
    now = time.time() if now is None else now
    base = os.path.join(ckrt.LOCAL, "state")
    stamp = os.path.join(base, ".cleanup-stamp")
    try:
        if now - os.stat(stamp).st_mtime < CLEANUP_EVERY:
            return []
    except OSError:
        pass
    removed = []
    try:
        os.makedirs(base, exist_ok=True)
        with open(stamp, "w", encoding="utf-8") as f:
            f.write(str(now))
        os.utime(stamp, (now, now))
        entries = os.listdir(base)
    except OSError:
        return removed
    keep = ckrt.safe_name(current_sid)
    limit = RETENTION_DAYS * 86400
    for entry in entries:
        path = os.path.join(base, entry)
        if entry == keep or entry.startswith(".") or not os.path.isdir(path):
            continue
        if now - _newest_mtime(path) > limit:
            import shutil

            shutil.rmtree(path, ignore_errors=True)
            removed.append(entry)
    return removed


def _newest_mtime(path: str) -> float:
    newest = 0.0
    for folder, _dirs, files in os.walk(path):
        for name in [folder] + [os.path.join(folder, f) for f in files]:
            try:
                newest = max(newest, os.stat(name).st_mtime)
            except OSError:
                continue
    return newest
