# claude-kit: managed, id=hooks/claude_kit_hooks/store/sessions
"""The repository's session registry: at SessionStart each session records which checkout it runs in
(`sessions/<id>.json` in the shared folder), so `claude-kit status --sessions` finds every session of
every worktree; records untouched for a week are removed then too."""

from __future__ import annotations

import os
import time

from claude_kit_hooks.contract.layout import SESSIONS_DIR
from claude_kit_hooks.contract.naming import safe_name
from claude_kit_hooks.store.jsonfile import read_json, write_json_atomic

TYPE_CHECKING = False  # typing costs ~14 ms at a hook's start-up; mypy still reads the branch
if TYPE_CHECKING:
    from claude_kit_hooks.contract.records import SessionRecord
    from claude_kit_hooks.runtime.hook import Hook

KEEP_SECONDS = 7 * 86400
MAX_PRUNED = 200  # per start: a registry grown huge is trimmed over several starts, never in one go


def register(h: Hook) -> None:
    """Record this session's checkout; a resumed session keeps the time it first started."""
    folder = h.paths.shared_file(SESSIONS_DIR)
    path = os.path.join(folder, safe_name(h.session_id) + ".json")
    now = time.time()
    old = read_json(path)
    started = old.get("started") if isinstance(old, dict) else None
    record: SessionRecord = {
        "session_id": h.session_id,
        "root": h.project.root,
        "cwd": str(h.payload.get("cwd") or h.project.root),
        "source": str(h.payload.get("source") or "startup"),
        "started": started if isinstance(started, (int, float)) else now,
        "seen": now,
    }
    try:
        write_json_atomic(path, record)
        _prune(folder, now)
    except OSError as exc:  # the registry only feeds a listing: never worth a failed start
        h.log("sessions", "error", f"session not registered: {exc}")


def _prune(folder: str, now: float) -> None:
    with os.scandir(folder) as entries:
        for n, entry in enumerate(entries):
            if n >= MAX_PRUNED:
                return
            try:
                if entry.name.endswith(".json") and now - entry.stat().st_mtime > KEEP_SECONDS:
                    os.unlink(entry.path)
            except OSError:
                continue
