# claude-kit: managed, id=hooks/claude_kit_hooks/edit/file_locks
"""File locks for PreToolUse(Edit|Write|NotebookEdit): deny an edit to a file another agent holds.

Locks are written only by `claude-kit lock acquire|release` into `<output_dir>/locks/locks.json`:
`{"<project-relative path>": {"agent", "acquired_at", "expires_at"}}` with UTC times as
`YYYY-MM-DDTHH:MM:SSZ` (compared as strings). The editing agent is the payload's `agent_type`
(a subagent's type, or the `--agent` of the main thread), else `main`. A lock held by the same
agent name, or an expired lock, allows. Standard library only; when no locks file exists the
whole check costs one os.stat.
"""

from __future__ import annotations

import os
import time

from claude_kit_hooks.contract.layout import CONFIG_YAML, LOCKS_FILE, in_output, output_dir_of
from claude_kit_hooks.store.jsonfile import read_json

TYPE_CHECKING = False  # typing costs ~14 ms at a hook's start-up; mypy still reads the branch
if TYPE_CHECKING:
    from claude_kit_hooks.contract.layout import KitPaths
    from claude_kit_hooks.contract.records import CompiledConfig
    from claude_kit_hooks.runtime.hook import Hook


def locks_path(paths: KitPaths, cfg: CompiledConfig) -> str:
    return paths.abs(in_output(output_dir_of(cfg), LOCKS_FILE))


def file_locks(h: Hook) -> None:
    if not h.enabled("file_locks"):
        return
    path = locks_path(h.paths, h.config)
    try:
        os.stat(path)
    except OSError:
        return  # no locks file: nothing is locked
    rel = h.edit_relpath()
    if rel is None:
        return
    locks = read_json(path, {})
    rec = locks.get(rel) if isinstance(locks, dict) else None
    if not isinstance(rec, dict):
        return
    holder = str(rec.get("agent") or "")
    expires = str(rec.get("expires_at") or "")
    me = str(h.agent_type or "main")
    if not holder or expires <= time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()):
        h.allow("file_locks", f"lock on {rel} by {holder or '?'} expired at {expires or '?'}", file=rel)
        return
    if holder == me:
        h.allow("file_locks", f"{me} holds the lock on {rel}", file=rel)
        return
    import shlex  # only on a deny

    reason = (
        f"claude-kit: {rel} is locked by {holder} until {expires} (UTC) so that parallel agents do not "
        f"overwrite each other's work; this edit by {me} was not made. Do not retry it now. Either wait for "
        f"{holder} to finish and release it, or end your task reporting that you need {rel} so the main "
        f"thread can coordinate who edits it. If {holder} is no longer running (a stale lock), the main "
        f"thread can run `claude-kit lock release {shlex.quote(rel)} --agent {shlex.quote(holder)}`.\n"
        f"(The user can turn this check off with `hooks: {{file_locks: {{enabled: false}}}}` "
        f"in {CONFIG_YAML}.)"
    )
    h.deny("file_locks", reason, file=rel, holder=holder, expires_at=expires)
