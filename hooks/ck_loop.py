# claude-kit: managed, id=hooks/ck_loop
"""The loop system's entry points (docs/loop.md): what the dispatchers and ck_context call.

Every hook is a new process, so each entry imports only the modules its event needs. A Stop in a
session where nothing was recorded reads three small state files and returns without loading the
gates, the verdict validator, the similarity code or subprocess.

- track_modification   PostToolUse Edit|Write|NotebookEdit, main thread and subagents (ck_tracking)
- capture_agent_result PostToolUse Agent|Task: spawns, foreground verdicts (ck_verdicts)
- subagent_verdict     SubagentStop: verdicts of reviewers, testers, test-lead (ck_verdicts)
- output_location      SubagentStop: reports written outside the output folder (ck_output_location)
- stop_gate            Stop, main thread: the gates, bounds, escalation and advisor (ck_stop)
- active_summary       one line about the open loops, for the context hooks (ck_context)

The other modules, all standard library only: ck_loop_config (roles, phases, limits), ck_state (the
per-session state files), ck_schema (the verdict validator), ck_reports (what is a misplaced report),
ck_decision (what a gate answers), ck_feedback, ck_quality_gate, ck_completion, ck_loop_detection,
ck_advisor, ck_escalation, and ck_proc (git and check commands). Every Stop gate fails open: ckrt.run
turns an internal error into a systemMessage, never a block.
"""

from __future__ import annotations


def track_modification(h) -> None:
    import ck_tracking

    ck_tracking.track_modification(h)


def capture_agent_result(h) -> None:
    import ck_verdicts

    ck_verdicts.capture_agent_result(h)


def subagent_verdict(h) -> None:
    import ck_verdicts

    ck_verdicts.subagent_verdict(h)


def output_location(h) -> None:
    import ck_output_location

    ck_output_location.output_location(h)


def stop_gate(h) -> None:
    """Main-thread Stop: the cheap part here, the gates in ck_stop only when the session has state."""
    if h.is_subagent:
        return
    import ck_state

    sid = h.session_id
    ck_state.maybe_cleanup(sid)
    fb = ck_state.read(sid, "feedback")
    loop = ck_state.read(sid, "loop")
    st = ck_state.read(sid, "stop")
    if fb is None and not (loop and loop.get("active")) and not st:
        return  # nothing happened in this session that any gate looks at
    import ck_stop

    ck_stop.run(h, fb, loop, st)


def active_summary(session_id: str, cfg: dict) -> str:
    """One line about the session's loops (for prompt reminders and compaction context); '' when none."""
    import ck_state

    parts = []
    loop = ck_state.read(session_id, "loop")
    if loop and loop.get("active"):
        parts.append(
            f"completion loop iteration {loop.get('iteration')}/{loop.get('max_iterations')} "
            f"(finish with <promise>{loop.get('completion_promise')}</promise>)"
        )
    fb = ck_state.read(session_id, "feedback")
    if fb:
        import ck_feedback

        fb = ck_state.norm_feedback(fb)
        for name, _e, step in ck_feedback.open_steps(cfg, fb):
            needs = step["agent"] or "a fix"
            parts.append(f"feedback loop iteration {fb['iteration']}: {name} needs {needs}")
    return "; ".join(parts)
