# claude-kit: managed, id=hooks/claude_kit_hooks/edit/file_locks
"""File locks for PreToolUse(Edit|Write|NotebookEdit): deny an edit to a file another agent holds; at
SubagentStop, release what the stopping agent held.

Locks are written by `claude-kit lock acquire|release` into `<output_dir>/locks/locks.json`:
`{"<project-relative path>": {"agent", "acquired_at", "expires_at"}}` with UTC times as
`YYYY-MM-DDTHH:MM:SSZ` (compared as strings). The holder is an agent instance: a subagent's
`agent_id` (edit/lock_commands.py makes every in-session `claude-kit lock` use the caller's own), or
`main` for the main thread, so two parallel agents of the same type are two holders. A holder written
as an agent type (`--agent backend-developer`, possible only outside a session, from the user's
terminal) lets every agent of that type edit. An expired lock allows. Standard library only; when no
locks file exists the whole check costs one os.stat.
"""

from __future__ import annotations

import os
import time

from claude_kit_hooks.contract.layout import CONFIG_YAML, LOCKS_FILE
from claude_kit_hooks.runtime.project import split_worktree
from claude_kit_hooks.store.jsonfile import read_json

TYPE_CHECKING = False  # typing costs ~14 ms at a hook's start-up; mypy still reads the branch
if TYPE_CHECKING:
    from typing import Any

    from claude_kit_hooks.contract.layout import KitPaths
    from claude_kit_hooks.runtime.hook import Hook


def locks_path(paths: KitPaths) -> str:
    """The repository's locks: shared by every checkout and session of it."""
    return paths.shared_file(LOCKS_FILE)


def file_locks(h: Hook) -> None:
    if not h.enabled("file_locks"):
        return
    path = locks_path(h.paths)
    try:
        os.stat(path)
    except OSError:
        return  # no locks file: nothing is locked
    rel = h.edit_relpath()
    if rel is None:
        return
    # Locks name files as the project root does: the same file in a worktree under .claude/worktrees/.
    rel = split_worktree(rel)[1]
    locks = read_json(path, {})
    rec = locks.get(rel) if isinstance(locks, dict) else None
    if not isinstance(rec, dict):
        return
    holder = str(rec.get("agent") or "")
    expires = str(rec.get("expires_at") or "")
    me = str(h.agent_id or "main")
    if not holder or expires <= time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()):
        h.allow("file_locks", f"lock on {rel} by {holder or '?'} expired at {expires or '?'}", file=rel)
        return
    if holder == me or (h.agent_type and holder == h.agent_type):
        h.allow("file_locks", f"{me} holds the lock on {rel}", file=rel)
        return
    who = f"{h.agent_type or 'subagent'} (agent {me})" if h.agent_id else "the main thread"
    reason = (
        f"claude-kit: {rel} is locked by {holder} until {expires} (UTC) so that parallel agents do "
        f"not overwrite each other's work; this edit by {who} was not made. Do not retry it now. Either "
        f"wait for {holder} to finish (its locks are released when it does), or end your task reporting "
        f"that you need {rel} so the main thread can coordinate who edits it. A lock is released only by "
        "its holder or by the user.\n"
        f"(The user can turn this check off with `hooks: {{file_locks: {{enabled: false}}}}` "
        f"in {CONFIG_YAML}.)"
    )
    h.deny("file_locks", reason, file=rel, holder=holder, expires_at=expires)


def release_on_stop(h: Hook) -> None:
    """SubagentStop that goes through (runs after the checks that may send the agent back): the agent
    is finished, so the locks it holds are released; it cannot come back as the same holder."""
    if not h.agent_id or not h.enabled("file_locks"):
        return
    path = locks_path(h.paths)
    try:
        os.stat(path)
    except OSError:
        return
    me = str(h.agent_id)
    locks = read_json(path, {})
    if not isinstance(locks, dict) or not any(
        isinstance(v, dict) and v.get("agent") == me for v in locks.values()
    ):
        return
    from claude_kit_hooks.store.jsonfile import update_json

    released: list[str] = []

    def apply(data: Any) -> dict[str, Any]:
        d: dict[str, Any] = data if isinstance(data, dict) else {}
        for rel in [k for k, v in d.items() if isinstance(v, dict) and v.get("agent") == me]:
            released.append(rel)
            del d[rel]
        return d

    update_json(path, apply)
    if released:
        h.log("file_locks", "allow", f"{me} finished: released its locks on {', '.join(sorted(released))}")
