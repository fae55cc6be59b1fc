# claude-kit: managed, id=hooks/claude_kit_hooks/stoploop/advisor
"""The escalation advisor (docs/loop.md, "Escalation advisor"): from the 4th block in a row, one more
sentence on what keeps failing and what has not been tried, built from the state and the decision log,
or from `advisor.command` when the team configured one (any failure of it falls back to the default).
"""

from __future__ import annotations

import json

from claude_kit_hooks.contract.defaults import ROLE_WORD
from claude_kit_hooks.runtime import processes
from claude_kit_hooks.stoploop.completion import scratchpad_rel
from claude_kit_hooks.stoploop.feedback import issues_text
from claude_kit_hooks.stoploop.roles import developer
from claude_kit_hooks.transcript.reader import tail_lines

TYPE_CHECKING = False  # typing costs ~14 ms at a hook's start-up; mypy still reads the branch
if TYPE_CHECKING:
    from typing import Any

    from claude_kit_hooks.contract.records import CompiledConfig, CompletionLoop
    from claude_kit_hooks.runtime.hook import Hook
    from claude_kit_hooks.stoploop.decision import Decision
    from claude_kit_hooks.stoploop.records import FeedbackState, StopState


def advice(
    h: Hook, decision: Decision, fb: FeedbackState | None, st: StopState, loop: CompletionLoop | None
) -> str:
    """The hint line appended to a block message."""
    cfg = h.config
    counts = _log_blocks(h.paths.decision_log, h.session_id)
    hint = deterministic_hint(decision, fb, st, cfg, loop, counts, h.session_id)
    command = cfg["advisor"]["command"]
    if command:
        context = {
            "session_id": h.session_id,
            "gate": decision.gate,
            "instruction": decision.reason[:1500],
            "consecutive_blocks": st.get("streak", 0) + 1,
            "blocks_by_gate": counts,
            "last_assistant_message": str(h.payload.get("last_assistant_message") or "")[:2000],
            "failures": fb["failures"][-5:] if fb else [],
            "iteration": fb["iteration"] if fb else None,
            "default_hint": hint,
        }
        external = run_advisor(h.project.root, str(command), int(cfg["advisor"]["timeout"]), context)
        if external.get("hint"):
            h.log("advisor", "allow", external["hint"])
            return "Hint (advisor): " + external["hint"]
        h.log(
            "advisor", "error", f"advisor command gave no hint ({external.get('error')}); default hint used"
        )
    return "Hint: " + hint


def deterministic_hint(
    decision: Decision,
    fb: FeedbackState | None,
    st: StopState,
    cfg: CompiledConfig,
    loop: CompletionLoop | None,
    counts: dict[str, int],
    sid: str = "",
) -> str:
    """One sentence from the state and the decision log: what keeps failing, what has not been tried."""
    gate = decision.gate
    total = counts.get(gate, 0) + 1
    spawned_since = [s for s in (fb["spawns"] if fb else []) if s.get("seq", 0) > st.get("last_seq", -1)]
    if gate == "feedback_loop":
        _f, name, kind, agent = (decision.key.split(":") + ["", "", "", ""])[:4]
        agent = agent if agent and agent != "None" else f"{name}'s developer agent"
        failures = [f for f in (fb["failures"] if fb else []) if f.get("domain") == name]
        if not spawned_since:
            return (
                f"claude-kit has asked for {agent} {total} times this session and no agent was spawned since "
                f'the last request: call the Agent tool with subagent_type "{agent}" and run_in_background '
                "false now instead of answering in text."
            )
        if failures:
            last = failures[-1]
            same = sum(1 for f in failures if f.get("role") == last.get("role"))
            why = last.get("invalid") or issues_text(last, 1) or last.get("summary") or "no details"
            tried = {s.get("type") for s in spawned_since}
            dev = developer(cfg, name) or ""
            untried = (
                f"; {dev} has not been spawned since" if dev and dev not in tried and kind == "fix" else ""
            )
            return (
                f"{name} {ROLE_WORD.get(last.get('role'), last.get('role'))} has failed {same} time(s) "
                f"(last: {why[:160]}){untried}: address that exact point before asking for another verdict."
            )
        return f"{total} feedback blocks this session: spawn exactly the agent named above and let it finish."
    if gate == "quality_gate":
        _q, name, check = (decision.key.split(":", 2) + ["", "", ""])[:3]
        dom = fb["domains"].get(name) if fb else None
        if (dom.get("changed_seq", 0) if dom else 0) <= st.get("last_seq", -1):
            return (
                f'check "{check}" has blocked {total} stops and no {name} file changed since the last one: '
                "change the code rather than retrying, or ask the user whether the check itself is wrong."
            )
        return (
            f'check "{check}" still fails after {total} attempts: read the output tail above line by line '
            "and fix the first error."
        )
    if gate == "completion_loop":
        i = (loop or {}).get("iteration", "?")
        return (
            f"iteration {i} without the promise: re-read {scratchpad_rel(cfg, sid)}, list what remains, "
            "finish the first unfinished item, and try a different approach if the last one did not work."
        )
    return f"{total} blocks by {gate} this session: run the commands in the message above exactly."


def run_advisor(root: str, command: str, timeout: int, context: dict[str, Any]) -> dict[str, str]:
    """Run advisor.command from `root` with the context JSON on stdin; {hint} or {error}. Never raises."""
    try:
        code, out, timed_out = processes.run_shell(
            root, command, max(1, timeout), stdin=json.dumps(context).encode()
        )
    except OSError as exc:
        return {"error": f"{type(exc).__name__}: {exc}"}
    if timed_out:
        return {"error": f"timed out after {timeout} s"}
    if code != 0:
        return {"error": f"exit {code}"}
    for line in out.decode("utf-8", "replace").splitlines():
        line = " ".join(line.split())
        if line:
            return {"hint": line if len(line) <= 300 else line[:297] + "..."}
    return {"error": "empty output"}


def _log_blocks(log_path: str, sid: str, limit: int = 400) -> dict[str, int]:
    """Stop blocks per gate for this session, from the decision log's tail."""
    counts: dict[str, int] = {}
    for n, raw in enumerate(tail_lines(log_path, max_bytes=1024 * 1024)):
        if n >= limit:
            break
        try:
            rec = json.loads(raw)
        except ValueError:
            continue
        if rec.get("session_id") == sid and rec.get("event") == "Stop" and rec.get("decision") == "block":
            counts[rec.get("hook")] = counts.get(rec.get("hook"), 0) + 1
    return counts
