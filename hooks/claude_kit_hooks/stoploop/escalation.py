# claude-kit: managed, id=hooks/claude_kit_hooks/stoploop/escalation
"""Escalation (docs/loop.md, "Bounds, escalation and stop_hook_active"): when a bound is reached the
stop goes through, the user gets a systemMessage and a context file under <output_dir>/escalations/,
and the kit does not block this session again until something is recorded (a change, a verdict, a
spawn).
"""

from __future__ import annotations

import time

from claude_kit_hooks.contract.defaults import ROLE_WORD
from claude_kit_hooks.contract.layout import ESCALATIONS_DIR, in_output, output_dir_of
from claude_kit_hooks.contract.naming import safe_name
from claude_kit_hooks.decisionlog.redact import redact
from claude_kit_hooks.stoploop import session_state
from claude_kit_hooks.stoploop.completion import end_loop, scratch, scratchpad_rel
from claude_kit_hooks.stoploop.feedback import counters_text, files_text, issues_text
from claude_kit_hooks.store.jsonfile import write_atomic

TYPE_CHECKING = False  # typing costs ~14 ms at a hook's start-up; mypy still reads the branch
if TYPE_CHECKING:
    from claude_kit_hooks.contract.records import CompiledConfig, CompletionLoop
    from claude_kit_hooks.runtime.hook import Hook
    from claude_kit_hooks.stoploop.decision import Decision
    from claude_kit_hooks.stoploop.records import FeedbackState, StopState


def escalate(
    h: Hook,
    decision: Decision,
    fb: FeedbackState | None,
    st: StopState,
    loop: CompletionLoop | None,
    msg: str,
) -> None:
    cfg = h.config
    sid = h.session_id
    stamp = time.strftime("%Y%m%d-%H%M%S", time.gmtime())
    rel = f"{in_output(output_dir_of(cfg), ESCALATIONS_DIR)}/{safe_name(sid)}-{stamp}.md"
    try:
        # The file quotes the model's messages and check output: a value given to a configured
        # secret's name (or a known token shape) is redacted like the decision log.
        text = redact(
            "\n".join(_context_lines(cfg, sid, decision, fb, st, loop, msg)), cfg["secrets"]["names"]
        )
        write_atomic(h.project.abspath(rel), text.encode("utf-8"))  # no temp file left if it fails
    except OSError as exc:
        rel = f"(not written: {exc})"
    h.log(decision.hook, "escalate", decision.why, file=rel, gate=decision.gate)
    h.tell_user(
        f"claude-kit escalated to you ({decision.hook}): {decision.why}. Claude may stop now; claude-kit "
        f"does not block again until the code changes. Context: {rel}. Decide: tell Claude what to try "
        "next, fix it yourself, or switch the gate off (CLAUDE_KIT_DISABLE=1 for one run)."
    )
    seq = fb["seq"] if fb else 0

    def apply(d: StopState) -> None:
        session_state.reset_streak(d)
        d["last_seq"] = seq
        d["escalated"] = {  # stop_gate lets stops through while fb["seq"] still equals this seq
            "seq": seq,
            "gate": decision.gate,
            "hook": decision.hook,
            "why": decision.why,
            "file": rel,
            "ts": time.time(),
        }
        d["escalations"] = int(d.get("escalations", 0)) + 1

    session_state.update(h.paths, sid, "stop", apply)
    if decision.gate == "completion_loop" and loop and loop.get("active"):
        end_loop(h.paths, sid, "escalated")
        i, n = loop.get("iteration"), loop.get("max_iterations")
        scratch(h.project, cfg, sid, i, n, msg, f"escalated: {decision.why}")


def _context_lines(
    cfg: CompiledConfig,
    sid: str,
    decision: Decision,
    fb: FeedbackState | None,
    st: StopState,
    loop: CompletionLoop | None,
    msg: str,
) -> list[str]:
    """The escalation file: limits, counters, each domain's files and phases, recent failures, the
    instruction the kit would have repeated, the last assistant messages, and what the user can do."""
    lim = cfg["limits"]
    lines = [
        f"# claude-kit escalation: {decision.hook}",
        "",
        f"- session: {sid}",
        f"- time: {time.strftime('%Y-%m-%d %H:%M:%S', time.gmtime())}Z",
        f"- gate: {decision.gate}",
        f"- why: {decision.why}",
        f"- limits: max_feedback_iterations {lim['max_feedback_iterations']}, max_consecutive_failures "
        f"{lim['max_consecutive_failures']}, max_stop_blocks {lim['max_stop_blocks']}, "
        f"max_same_check_failures {lim['max_same_check_failures']}, "
        f"loop_similarity_percent {lim['loop_similarity_percent']}",
    ]
    if fb:
        lines += [
            "",
            "## Feedback loop",
            f"- iteration: {fb['iteration']}",
            f"- consecutive failures: {counters_text(fb)}",
        ]
        for name, e in fb["domains"].items():
            phases = e.get("phases") or {}
            done = (
                ", ".join(f"{ROLE_WORD.get(r, r)} {p.get('verdict')}" for r, p in phases.items())
                or "nothing passed yet"
            )
            lines.append(
                f"- {name}: {e.get('changes', 0)} change(s) ({files_text(e.get('files', []), 15)}); {done}"
            )
        if fb["failures"]:
            lines += ["", "## Recent failures"]
            for f in fb["failures"][-8:]:
                when = time.strftime("%H:%M:%S", time.gmtime(f.get("ts", 0)))
                what = " - ".join(x for x in (issues_text(f), f.get("summary")) if x)
                what = f.get("invalid") or what or "no details"
                lines.append(
                    f"- {when}Z {f.get('domain')} {ROLE_WORD.get(f.get('role'), f.get('role'))} "
                    f"by {f.get('agent')}: {what}"
                )
    if loop:
        lines += [
            "",
            "## Completion loop",
            f"- iteration {loop.get('iteration')}/{loop.get('max_iterations')}, "
            f"promise <promise>{loop.get('completion_promise')}</promise>",
            f"- scratchpad: {scratchpad_rel(cfg, sid)}",
        ]
    if decision.reason:
        lines += ["", "## Last instruction claude-kit would have repeated", "", "```", decision.reason, "```"]
    recent = [str(x.get("msg") or "") for x in st.get("history", [])][-2:] + [msg]
    lines += ["", "## Last assistant messages"] + [
        f"- {' '.join(m.split())[:400] or '(empty)'}" for m in recent
    ]
    lines += [
        "",
        "## What you can do",
        "- Fix the cause yourself or tell Claude what to try; claude-kit gates again once code changes.",
        "- Switch a gate off in .claude/claude-kit.yaml (hooks: {<name>: {enabled: false}}), "
        "then `claude-kit sync`.",
        "- Everything off for one run: CLAUDE_KIT_DISABLE=1.",
        "",
    ]
    return lines
