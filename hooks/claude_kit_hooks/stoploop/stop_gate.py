# claude-kit: managed, id=hooks/claude_kit_hooks/stoploop/stop_gate
"""The main thread's Stop, once the session has loop state (events.stop_gate checks that cheaply).

The gates run in order: completion loop -> feedback loop -> quality gate -> output-location backstop;
the first that wants something decides. Around them: escalation when a gate says so, loop detection
(the same instruction answered with near-identical messages), the kit's own bound on consecutive
blocks without progress (it acts before Claude Code's cap of 8), and the advisor's hint from the 4th
block in a row. stop_hook_active false = a new turn: the streak and the detection window restart.
"""

from __future__ import annotations

from claude_kit_hooks.stoploop import session_state
from claude_kit_hooks.stoploop.completion import completion_gate
from claude_kit_hooks.stoploop.decision import REASON_CAP, RUNTIME_CAP, cap
from claude_kit_hooks.stoploop.feedback import feedback_gate, open_steps, restart_counters
from claude_kit_hooks.stoploop.output_location import backstop
from claude_kit_hooks.stoploop.quality_gate import quality_gate

TYPE_CHECKING = False  # typing costs ~14 ms at a hook's start-up; mypy still reads the branch
if TYPE_CHECKING:
    from typing import Any

    from claude_kit_hooks.contract.records import CompletionLoop, Payload
    from claude_kit_hooks.runtime.hook import Hook
    from claude_kit_hooks.stoploop.decision import Decision
    from claude_kit_hooks.stoploop.records import FeedbackState, StopAttempt, StopState

MSG_CAP = 4000  # characters of each stop message kept for loop detection
IDLE_NOTE = "claude-kit: the step below was not taken since the last block, and it still stands.\n"


def run(
    h: Hook, fb_read: dict[str, Any] | None, loop: CompletionLoop | None, st_read: StopState | None
) -> None:
    """Block with the next step, escalate, or let the stop through (fb, loop, st: the state as read)."""
    sid = h.session_id
    cfg = h.config
    fb = session_state.norm_feedback(fb_read) if fb_read is not None else None
    st: StopState = st_read or {}
    msg = str(h.payload.get("last_assistant_message") or "")
    fresh = not h.payload.get("stop_hook_active")
    seq = fb["seq"] if fb else 0
    escalated = st.get("escalated")
    if escalated and seq != escalated.get("seq"):
        escalated = None  # code changed after the escalation: the gates engage again with fresh counters
        _reopen_after_escalation(h)
        fb = session_state.norm_feedback(session_state.read(h.paths, sid, "feedback") or {})
    decision = completion_gate(h, loop, msg)
    if decision is None and not escalated:
        decision = (
            feedback_gate(h, fb, _running_background(h.payload)) or quality_gate(h, fb) or backstop(h, fb, st)
        )
    elif decision is None and escalated:
        h.log("stop_gate", "allow", f"escalated earlier ({escalated.get('why')}); no change since")
    if decision is None or decision.kind == "wait":
        if decision is not None:
            h.log(decision.gate, "allow", decision.why)
        _settle(h, fb, st, seq)
        return
    if decision.kind == "escalate":
        _escalate(h, decision, fb, st, loop, msg)
        return
    lim = cfg["limits"]
    attempt: StopAttempt = {"key": decision.key, "msg": msg[:MSG_CAP]}
    # The completion loop re-feeds a task the user armed: an agent that answers it without working is
    # stuck, and loop detection hands it back. The other gates ask for a step the model can take.
    idle = not fresh and decision.gate != "completion_loop" and not _worked(h, decision.gate)
    history = ([] if fresh else list(st.get("history", []))) + ([] if idle else [attempt])
    history = history[-3:]
    if idle:
        # Stopping again without doing anything is not being stuck: only the bound on blocks without
        # progress (limits.max_stop_blocks) ends it, and the model is told the step still stands.
        decision.reason = IDLE_NOTE + decision.reason
    elif h.enabled("loop_detection") and _stuck(history, float(lim["loop_similarity_percent"])):
        decision.why = (
            f"the last 3 stop attempts answered the same {decision.gate} instruction with messages "
            f"more than {lim['loop_similarity_percent']}% alike, so the agent is stuck"
        )
        decision.hook = "loop_detection"
        _escalate(h, decision, fb, {**st, "history": history[:-1]}, loop, msg)
        return
    progress = fresh or seq != st.get("last_seq")
    blocks = 1 if progress else int(st.get("blocks", 0)) + 1
    if blocks > lim["max_stop_blocks"]:
        decision.why = (
            f"{lim['max_stop_blocks']} stop blocks in a row without a recorded change or verdict "
            f"(limits.max_stop_blocks); last gate: {decision.gate}"
        )
        decision.hook = "stop_bound"
        _escalate(h, decision, fb, st, loop, msg)
        return
    streak = 1 if fresh else int(st.get("streak", 0)) + 1
    reason = cap(decision.reason)
    if streak > 3 and h.enabled("advisor"):
        from claude_kit_hooks.stoploop import advisor

        hint = advisor.advice(h, decision, fb, st, loop)[:400]
        reason = cap(decision.reason, REASON_CAP - len(hint) - 1) + "\n" + hint
    if decision.commit:
        decision.commit()
    h.block(decision.gate, cap(reason, RUNTIME_CAP))

    def apply(d: StopState) -> None:
        d.update(
            {
                "blocks": blocks,
                "streak": streak,
                "last_seq": seq,
                "history": history,
                "last_key": decision.key,
            }
        )
        if decision.details.get("backstop"):
            d["backstop"] = sorted(set(d.get("backstop", [])) | set(decision.details["backstop"]))

    session_state.update(h.paths, sid, "stop", apply)


def _escalate(
    h: Hook,
    decision: Decision,
    fb: FeedbackState | None,
    st: StopState,
    loop: CompletionLoop | None,
    msg: str,
) -> None:
    from claude_kit_hooks.stoploop import escalation  # only when a bound is reached

    escalation.escalate(h, decision, fb, st, loop, msg)


def _worked(h: Hook, gate: str) -> bool:
    """A tool call since the last block; for the feedback loop, whose step is a spawn, a spawn."""
    from claude_kit_hooks.contract.defaults import SPAWN_TOOLS
    from claude_kit_hooks.stoploop import loop_detection

    tools = SPAWN_TOOLS if gate == "feedback_loop" else None
    return loop_detection.worked_since_block(str(h.payload.get("transcript_path") or ""), tools)


def _stuck(history: list[StopAttempt], threshold: float) -> bool:
    if len(history) < 3:
        return False  # the similarity code is not even imported before the third block in a row
    from claude_kit_hooks.stoploop import loop_detection

    return loop_detection.stuck(history, threshold)


def _running_background(payload: Payload) -> set[str]:
    out = set()
    for task in payload.get("background_tasks") or []:
        if isinstance(task, dict) and task.get("status") in ("running", "pending") and task.get("agent_type"):
            out.add(str(task["agent_type"]))
    return out


def _reopen_after_escalation(h: Hook) -> None:
    sid = h.session_id
    session_state.update_feedback(h.paths, sid, restart_counters)

    def st_apply(d: StopState) -> None:
        d["escalated"] = None
        session_state.reset_streak(d)

    session_state.update(h.paths, sid, "stop", st_apply)


def _settle(h: Hook, fb: FeedbackState | None, st: StopState, seq: int) -> None:
    """The stop goes through: reset the streak; a finished feedback loop restarts at iteration 1."""
    if st.get("streak") or st.get("blocks") or st.get("history"):
        h.log("stop_gate", "allow", f"all gates pass after {st.get('streak', 0)} block(s) in a row")

        def apply(d: StopState) -> None:
            session_state.reset_streak(d)
            d["last_seq"] = seq

        session_state.update(h.paths, h.session_id, "stop", apply)
    if (
        fb
        and (fb["iteration"] != 1 or any(fb["consecutive"].values()))
        and not open_steps(h.project, h.config, fb)
    ):

        def reset(d: FeedbackState) -> None:
            if not open_steps(h.project, h.config, d):
                restart_counters(d)

        session_state.update_feedback(h.paths, h.session_id, reset)
