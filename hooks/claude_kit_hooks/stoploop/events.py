# claude-kit: managed, id=hooks/claude_kit_hooks/stoploop/events
"""The Stop loop's entry points (docs/loop.md): what the dispatchers and the briefings call.

Every hook is a new process, so each entry imports only the modules its event needs. A Stop first
runs one `git status` (working_tree: changes made outside Edit/Write); in a session where nothing was
recorded it then reads three small state files and returns without loading the gates, the verdict
validator or the similarity code.

- record_baseline      SessionStart: the working tree the session starts from (working_tree) and the
                       kit's own files (integrity)
- track_modification   PostToolUse Edit|Write|NotebookEdit, main thread and subagents (tracking)
- scan_working_tree    SubagentStop: changes made outside Edit/Write, e.g. by Bash (working_tree)
- capture_agent_result PostToolUse Agent|Task: spawns, foreground verdicts (verdicts)
- subagent_verdict     SubagentStop: verdicts of reviewers, testers, test-lead (verdicts)
- output_location      SubagentStop: reports written outside the output folder (output_location)
- stop_gate            Stop, main thread: the kit's integrity (integrity), the working-tree scan, then
                       the gates, bounds, escalation and advisor (stop_gate)
- active_summary       one line about the open loops, for the context hooks (briefings)

The other modules, all standard library only: roles (who verifies which domain), session_state (the
per-session state files; their records in records.py), verdict_schema (the verdict validator), reports
(what is a misplaced report), decision (what a gate answers), feedback, quality_gate, completion,
loop_detection, advisor, escalation, and processes (git and check commands). Every Stop gate fails
open: the runtime turns an internal error into a systemMessage, never a block.
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing costs ~14 ms at a hook's start-up; mypy still reads the branch
if TYPE_CHECKING:
    from typing import Any

    from claude_kit_hooks.contract.records import CompiledConfig, CompletionLoop
    from claude_kit_hooks.runtime.hook import Hook
    from claude_kit_hooks.runtime.project import Project
    from claude_kit_hooks.stoploop.records import StopState


def record_baseline(h: Hook) -> None:
    from claude_kit_hooks.stoploop import working_tree

    try:
        working_tree.record_baseline(h)
    except Exception as exc:  # the briefing after it must still reach the session
        h.log("track_modifications", "error", f"baseline not recorded: {type(exc).__name__}: {exc}")
    if h.enabled("kit_files"):
        from claude_kit_hooks.stoploop import integrity

        try:
            integrity.record(h)
        except Exception as exc:
            h.log(integrity.NAME, "error", f"fingerprint not recorded: {type(exc).__name__}: {exc}")


def track_modification(h: Hook) -> None:
    from claude_kit_hooks.stoploop import tracking, working_tree

    tracking.track_modification(h)
    working_tree.note_tool_edit(h)


def scan_working_tree(h: Hook) -> None:
    from claude_kit_hooks.stoploop import working_tree

    working_tree.scan(h)


def capture_agent_result(h: Hook) -> None:
    from claude_kit_hooks.stoploop import verdicts

    verdicts.capture_agent_result(h)


def subagent_verdict(h: Hook) -> None:
    from claude_kit_hooks.stoploop import verdicts

    verdicts.subagent_verdict(h)


def output_location(h: Hook) -> None:
    from claude_kit_hooks.stoploop import output_location as outloc

    outloc.output_location(h)


def stop_gate(h: Hook) -> None:
    """Main-thread Stop: the cheap part here, the gates in stop_gate only when the session has state."""
    if h.is_subagent:
        return
    from claude_kit_hooks.stoploop import session_state

    session_state.maybe_cleanup(h.paths, h.session_id)
    from claude_kit_hooks.store.jsonfile import StateWriteError

    try:
        if h.enabled("kit_files"):  # the kit's own files first: the gates below trust them
            from claude_kit_hooks.stoploop import integrity

            integrity.check(h)
            if h.decision is not None:
                return
        _stop_gates(h)
    except StateWriteError as exc:
        _state_unavailable(h, exc)


def _stop_gates(h: Hook) -> None:
    from claude_kit_hooks.stoploop import session_state

    sid = h.session_id
    if h.enabled("track_modifications"):  # changes made outside Edit/Write: one `git status`
        from claude_kit_hooks.stoploop import working_tree

        working_tree.scan(h)
    fb: dict[str, Any] | None = session_state.read(h.paths, sid, "feedback")
    loop: CompletionLoop | None = session_state.read(h.paths, sid, "loop")
    st: StopState | None = session_state.read(h.paths, sid, "stop")
    if fb is None and not (loop and loop.get("active")) and not st:
        return  # nothing happened in this session that any gate looks at
    from claude_kit_hooks.stoploop import stop_gate as gates

    gates.run(h, fb, loop, st)


def _state_unavailable(h: Hook, exc: Exception) -> None:
    """The session's state cannot be written (locked by another process, disk full): that never means
    "nothing to review". The stop is blocked once with what git says changed in the domains."""
    from claude_kit_hooks.stoploop import working_tree

    why = getattr(exc, "reason", str(exc))
    where = h.project.relpath(str(getattr(exc, "filename", "") or "")) or "its state folder"
    status = working_tree.git_status(h.project.root, specs=working_tree.pathspecs(h.config))
    changed = sorted(
        r for r in (status[1] if status else ()) if working_tree.domain_of(h.project, h.config, r)
    )
    note = f"claude-kit could not record this session's state ({why}: {where})"
    if h.payload.get("stop_hook_active") or not changed:
        h.tell_user(f"{note}; the review loop could not check this stop.")
        h.log("stop_gate", "error", note, changed=changed[:50])
        return
    shown = ", ".join(changed[:10]) + (f" and {len(changed) - 10} more" if len(changed) > 10 else "")
    h.tell_user(f"{note}. If a process of yours holds that lock, stop it.")
    h.block(
        "stop_gate",
        f"{note}, so it cannot tell what was reviewed. Domain files that differ from git HEAD: {shown}. "
        "Have each changed domain reviewed and tested by its agents before you stop, and tell the user "
        "that the kit's state was unavailable. This stop is blocked once.",
        changed=changed[:50],
    )


def active_summary(project: Project, session_id: str, cfg: CompiledConfig) -> str:
    """One line about the session's loops (for prompt reminders and compaction context); '' when none."""
    from claude_kit_hooks.stoploop import session_state

    parts = []
    loop: CompletionLoop | None = session_state.read(project.paths, session_id, "loop")
    if loop and loop.get("active"):
        parts.append(
            f"completion loop iteration {loop.get('iteration')}/{loop.get('max_iterations')} "
            f"(finish with <promise>{loop.get('completion_promise')}</promise>)"
        )
    raw: dict[str, Any] | None = session_state.read(project.paths, session_id, "feedback")
    if raw:
        from claude_kit_hooks.stoploop import feedback

        fb = session_state.norm_feedback(raw)
        for name, _e, step in feedback.open_steps(project, cfg, fb):
            needs = step["agent"] or "a fix"
            parts.append(f"feedback loop iteration {fb['iteration']}: {name} needs {needs}")
    return "; ".join(parts)
