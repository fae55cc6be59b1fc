# claude-kit: managed, id=hooks/claude_kit_hooks/stoploop/check_failures
"""Bounds on a quality-gate check that keeps failing (docs/enforcement-loop.md): a failure is known by
its signature (the check and its output's tail with numbers and hex ids blanked out, so timings, line
numbers and temp names do not make a new failure).

- The same failure at `limits.max_same_check_failures` Stops in a row of one session escalates to the
  user, even when the model changes code between them (the runtime's own cap never fires then); a
  check that fails at twice that many Stops in a row with a different output each time (a flaky
  test, a cause outside the change) escalates too.
- A failure the kit recorded before this session started changing code (an earlier session's Stop
  saw the same signature first), or that fails the same way on a copy of the session's starting
  commit (stoploop/baseline_run.py), was there at the session's starting point: it is reported to
  the user, and does not block.

Per session: state/<session>/quality.json `{check key: {"sig", "count", "fails"}}`; across sessions: the check
cache (cache/checks.json) keeps `fail\\0<check key>: {"sig", "since"}`, the first time a signature was
seen.
"""

from __future__ import annotations

import time

from claude_kit_hooks.contract.layout import CHECK_CACHE
from claude_kit_hooks.stoploop import session_state
from claude_kit_hooks.store.jsonfile import read_json, update_json

TYPE_CHECKING = False  # typing costs ~14 ms at a hook's start-up; mypy still reads the branch
if TYPE_CHECKING:
    from typing import Any

    from claude_kit_hooks.runtime.hook import Hook
    from claude_kit_hooks.stoploop.records import FeedbackState

CACHE_CAP = 500  # entries of the check cache (passes and first-seen failures), oldest dropped first


def remember(cache_path: str, key: str, record: dict[str, Any]) -> None:
    """Put `record` in the check cache as its newest entry; a cache that cannot be written is skipped."""

    def apply(data: Any) -> dict[str, Any]:
        d: dict[str, Any] = data if isinstance(data, dict) else {}
        d.pop(key, None)
        d[key] = record
        session_state.bounded(d, CACHE_CAP)
        return d

    import contextlib

    with contextlib.suppress(OSError):
        update_json(cache_path, apply)


def signature(key: str, status: str, tail: str) -> str:
    import hashlib
    import re

    text = re.sub(r"[0-9a-f]{8,}", "#", tail.lower())
    text = re.sub(r"[0-9]+", "0", text)
    return hashlib.sha256(f"{key}\0{status}\0{text}".encode("utf-8", "replace")).hexdigest()[:16]


class Seen:
    """What the kit knows of one failure: how many Stops in a row had it, and whether it predates the
    session's changes."""

    __slots__ = ("count", "fails", "preexisting")

    def __init__(self, count: int, preexisting: bool, fails: int = 1) -> None:
        self.count = count  # Stops in a row with this same failure
        self.fails = fails  # Stops in a row with any failure of this check
        self.preexisting = preexisting


def note_failure(h: Hook, fb: FeedbackState, key: str, sig: str) -> Seen:
    """Record one failing run of check `key` with signature `sig`."""
    count = fails = 1

    def bump(d: dict[str, Any]) -> None:
        nonlocal count, fails
        rec = d.get(key)
        rec = rec if isinstance(rec, dict) else {}
        count = int(rec.get("count", 0)) + 1 if rec.get("sig") == sig else 1
        fails = int(rec.get("fails") or rec.get("count") or 0) + 1
        d[key] = {"sig": sig, "count": count, "fails": fails}

    session_state.update(h.paths, h.session_id, "quality", bump)
    cache_path = h.paths.abs(CHECK_CACHE)
    fail_key = f"fail\0{key}"
    known = (read_json(cache_path, {}) or {}).get(fail_key)
    since = known.get("since") if isinstance(known, dict) and known.get("sig") == sig else None
    started = float(fb.get("created") or time.time())
    if since is None:
        remember(cache_path, fail_key, {"sig": sig, "since": time.time()})
    return Seen(count, isinstance(since, (int, float)) and since < started, fails)


def predates(h: Hook, fb: FeedbackState, key: str, sig: str) -> None:
    """The failure was there at the session's start: recorded as first seen before it, so later
    stops (and later sessions) report it without running it on the baseline again."""
    started = float(fb.get("created") or time.time())
    remember(h.paths.abs(CHECK_CACHE), f"fail\0{key}", {"sig": sig, "since": started - 1})


def reset(h: Hook, key: str) -> None:
    """The check passed, or its failure was handed to the user: the count starts again."""
    state = session_state.read(h.paths, h.session_id, "quality")
    if not state or key not in state:
        return

    def drop(d: dict[str, Any]) -> None:
        d.pop(key, None)

    session_state.update(h.paths, h.session_id, "quality", drop)


def forget_failure(h: Hook, key: str) -> None:
    """The check passed: a later failure with the same output is new, not one from before."""
    cache_path = h.paths.abs(CHECK_CACHE)
    fail_key = f"fail\0{key}"
    if fail_key not in (read_json(cache_path, {}) or {}):
        return

    def drop(data: Any) -> dict[str, Any]:
        d: dict[str, Any] = data if isinstance(data, dict) else {}
        d.pop(fail_key, None)
        return d

    import contextlib

    with contextlib.suppress(OSError):
        update_json(cache_path, drop)
