# claude-kit: managed, id=hooks/ck_stop
"""The main thread's Stop, once the session has loop state (ck_loop.stop_gate checks that cheaply).

The gates run in order: completion loop -> feedback loop -> quality gate -> output-location backstop;
the first that wants something decides. Around them: escalation when a gate says so, loop detection
(the same instruction answered with near-identical messages), the kit's own bound on consecutive
blocks without progress (it acts before Claude Code's cap of 8), and the advisor's hint from the 4th
block in a row. stop_hook_active false = a new turn: the streak and the detection window restart.
"""

from __future__ import annotations

import ck_state
from ck_completion import completion_gate
from ck_decision import REASON_CAP, RUNTIME_CAP, cap
from ck_feedback import feedback_gate, open_steps, restart_counters
from ck_loop_config import limits
from ck_output_location import backstop
from ck_quality_gate import quality_gate

MSG_CAP = 4000  # characters of each stop message kept for loop detection


def run(h, fb, loop, st) -> None:
    """Block with the next step, escalate, or let the stop through (fb, loop, st: the state as read)."""
    sid = h.session_id
    cfg = h.config
    fb = ck_state.norm_feedback(fb) if fb is not None else None
    st = st or {}
    msg = str(h.payload.get("last_assistant_message") or "")
    fresh = not h.payload.get("stop_hook_active")
    seq = fb["seq"] if fb else 0
    escalated = st.get("escalated")
    if escalated and seq != escalated.get("seq"):
        escalated = None  # code changed after the escalation: the gates engage again with fresh counters
        _reopen_after_escalation(sid)
        fb = ck_state.norm_feedback(ck_state.read(sid, "feedback") or {})
    decision = completion_gate(h, cfg, loop, msg)
    if decision is None and not escalated:
        decision = (
            feedback_gate(h, cfg, fb, _running_background(h.payload))
            or quality_gate(h, cfg, fb)
            or backstop(h, cfg, fb, st)
        )
    elif decision is None and escalated:
        h.log("stop_gate", "allow", f"escalated earlier ({escalated.get('why')}); no change since")
    if decision is None or decision.kind == "wait":
        if decision is not None:
            h.log(decision.gate, "allow", decision.why)
        _settle(h, fb, st, seq)
        return
    if decision.kind == "escalate":
        _escalate(h, cfg, decision, fb, st, loop, msg)
        return
    lim = limits(cfg)
    history = ([] if fresh else list(st.get("history", []))) + [{"key": decision.key, "msg": msg[:MSG_CAP]}]
    history = history[-3:]
    if h.enabled("loop_detection") and _stuck(history, float(lim["loop_similarity_percent"])):
        decision.why = (
            f"the last 3 stop attempts answered the same {decision.gate} instruction with messages "
            f"more than {lim['loop_similarity_percent']}% alike, so the agent is stuck"
        )
        decision.hook = "loop_detection"
        _escalate(h, cfg, decision, fb, dict(st, history=history[:-1]), loop, msg)
        return
    progress = fresh or seq != st.get("last_seq")
    blocks = 1 if progress else int(st.get("blocks", 0)) + 1
    if blocks > lim["max_stop_blocks"]:
        decision.why = (
            f"{lim['max_stop_blocks']} stop blocks in a row without a recorded change or verdict "
            f"(limits.max_stop_blocks); last gate: {decision.gate}"
        )
        decision.hook = "stop_bound"
        _escalate(h, cfg, decision, fb, st, loop, msg)
        return
    streak = 1 if fresh else int(st.get("streak", 0)) + 1
    reason = cap(decision.reason)
    if streak > 3 and h.enabled("advisor"):
        import ck_advisor

        hint = ck_advisor.advice(h, cfg, decision, fb, st, loop)[:400]
        reason = cap(decision.reason, REASON_CAP - len(hint) - 1) + "\n" + hint
    if decision.commit:
        decision.commit()
    h.block(decision.gate, cap(reason, RUNTIME_CAP))

    def apply(d):
        d.update(blocks=blocks, streak=streak, last_seq=seq, history=history, last_key=decision.key)
        if decision.details.get("backstop"):
            d["backstop"] = sorted(set(d.get("backstop", [])) | set(decision.details["backstop"]))

    ck_state.update(sid, "stop", apply)


def _escalate(h, cfg, decision, fb, st, loop, msg) -> None:
    import ck_escalation  # only when a bound is reached

    ck_escalation.escalate(h, cfg, decision, fb, st, loop, msg)


def _stuck(history: list, threshold: float) -> bool:
    if len(history) < 3:
        return False  # the similarity code is not even imported before the third block in a row
    import ck_loop_detection

    return ck_loop_detection.stuck(history, threshold)


def _running_background(payload: dict) -> set:
    out = set()
    for task in payload.get("background_tasks") or []:
        if isinstance(task, dict) and task.get("status") in ("running", "pending") and task.get("agent_type"):
            out.add(str(task["agent_type"]))
    return out


def _reopen_after_escalation(sid: str) -> None:
    ck_state.update_feedback(sid, restart_counters)

    def st_apply(d):
        d["escalated"] = None
        ck_state.reset_streak(d)

    ck_state.update(sid, "stop", st_apply)


def _settle(h, fb, st, seq) -> None:
    """The stop goes through: reset the streak; a finished feedback loop restarts at iteration 1."""
    if st.get("streak") or st.get("blocks") or st.get("history"):
        h.log("stop_gate", "allow", f"all gates pass after {st.get('streak', 0)} block(s) in a row")

        def apply(d):
            ck_state.reset_streak(d)
            d["last_seq"] = seq

        ck_state.update(h.session_id, "stop", apply)
    if fb and (fb["iteration"] != 1 or any(fb["consecutive"].values())) and not open_steps(h.config, fb):

        def reset(d):
            if not open_steps(h.config, d):
                restart_counters(d)

        ck_state.update_feedback(h.session_id, reset)
