# claude-kit: managed, id=hooks/claude_kit_hooks/stoploop/integrity
"""The kit's integrity at Stop: its own files and wiring (hooks, agents, settings, team config, interpreter
cache) are fingerprinted at SessionStart; a change found at the main thread's Stop blocks the stop once
and tells the user what changed and how to restore it (`claude-kit doctor --fix`).

kit_files denies the plain ways to change these files; this finds the rest (a script, `sh -c`, a tool
the parser cannot read). A change the user made during the session is reported the same way, once: the
same set of changes never blocks twice, so the stop is bounded.
"""

from __future__ import annotations

import os

from claude_kit_hooks.contract.protected import INTEGRITY_FILES, INTEGRITY_TREES

TYPE_CHECKING = False  # typing costs ~14 ms at a hook's start-up; mypy still reads the branch
if TYPE_CHECKING:
    from claude_kit_hooks.runtime.hook import Hook
    from claude_kit_hooks.runtime.project import Project

NAME = "kit_integrity"
STATE = "integrity"
MAX_FILES = 2000  # a kit has ~100; a tree this large is not the kit's, and is not hashed further


def fingerprint(project: Project) -> dict[str, str]:
    """{relpath: sha256} of the kit's files and wiring as they are now (missing files are absent)."""
    import hashlib

    out: dict[str, str] = {}
    rels = list(INTEGRITY_FILES)
    for tree in INTEGRITY_TREES:
        top = project.abspath(tree)
        for folder, dirs, names in os.walk(top):
            dirs[:] = sorted(d for d in dirs if d != "__pycache__")
            base = os.path.relpath(folder, project.root).replace(os.sep, "/")
            rels += [f"{base}/{n}" for n in sorted(names)]
            if len(rels) > MAX_FILES:
                break
    for rel in rels[:MAX_FILES]:
        try:
            with open(project.abspath(rel), "rb") as fh:
                out[rel] = hashlib.sha256(fh.read()).hexdigest()
        except OSError:
            continue
    return out


def record(h: Hook) -> None:
    """SessionStart: the fingerprint the session starts from (kept across resume and compaction)."""
    from claude_kit_hooks.stoploop import session_state

    def apply(d: dict[str, object]) -> None:
        if not isinstance(d.get("files"), dict):
            d["files"] = fingerprint(h.project)

    session_state.update(h.paths, h.session_id, STATE, apply)


def changes(before: dict[str, str], after: dict[str, str]) -> list[str]:
    """`changed x`, `added x`, `removed x` lines, sorted by path."""
    out = []
    for rel in sorted(set(before) | set(after)):
        if rel not in after:
            out.append(f"removed {rel}")
        elif rel not in before:
            out.append(f"added {rel}")
        elif before[rel] != after[rel]:
            out.append(f"changed {rel}")
    return out


def check(h: Hook) -> None:
    """Main-thread Stop: block once per new set of changes to the kit's files since SessionStart."""
    from claude_kit_hooks.stoploop import session_state

    state = session_state.read(h.paths, h.session_id, STATE)
    now = fingerprint(h.project)
    if not state or not isinstance(state.get("files"), dict):
        # No SessionStart ran (a hook added mid-session): from now on; changes before it are not seen.
        session_state.update(h.paths, h.session_id, STATE, lambda d: d.update(files=now))
        return
    found = changes(state["files"], now)
    if not found or found == state.get("reported"):
        return
    session_state.update(h.paths, h.session_id, STATE, lambda d: d.update(reported=found))
    shown = "; ".join(found[:8]) + (f"; and {len(found) - 8} more" if len(found) > 8 else "")
    note = (
        f"claude-kit: the kit's own files or wiring changed during this session: {shown}. The kit may "
        "not be enforcing what it did at the start. If the user did not make these changes, they can "
        "restore the installed kit with `claude-kit doctor --fix` from their terminal."
    )
    h.tell_user(note)
    h.block(
        NAME,
        f"{note}\nTell the user exactly this list and stop; don't change these files back or again "
        "yourself (the kit denies it). This stop is blocked once for these changes.",
        changed=found[:50],
    )
