# claude-kit: managed, id=hooks/claude_kit_hooks/stoploop/feedback
"""The feedback loop at Stop (docs/loop.md, "The feedback loop"): a domain is open while one of its
required phases (review, test plan, testing) lacks a PASS since its last change; the Stop is blocked
with the one next step (the verifier to call, or the developer to fix a FAIL) until the bounds on
iterations and consecutive failures hand the decision to the user.

Verdicts move the state (stoploop.verdicts); this module reads it, names the next step and resets the
counters once the loop is complete.
"""

from __future__ import annotations

from claude_kit_hooks.contract.defaults import ROLE_WORD, VERIFY_ROLES
from claude_kit_hooks.runtime.project import spawn_name
from claude_kit_hooks.stoploop import session_state
from claude_kit_hooks.stoploop.decision import REASON_CAP, Decision, cap, kill_switch
from claude_kit_hooks.stoploop.roles import developer, required_phases

TYPE_CHECKING = False  # typing costs ~14 ms at a hook's start-up; mypy still reads the branch
if TYPE_CHECKING:
    from claude_kit_hooks.contract.records import CompiledConfig, Limits
    from claude_kit_hooks.runtime.hook import Hook
    from claude_kit_hooks.runtime.project import Project
    from claude_kit_hooks.stoploop.records import (
        DomainState,
        DomainVerdict,
        FeedbackState,
        Step,
        VerdictRecord,
    )

    OpenStep = tuple[str, DomainState, Step]

_TASK = {"review": "Review", "test_planning": "Plan the tests for", "testing": "Write and run the tests for"}


def next_step(
    project: Project, cfg: CompiledConfig, name: str, e: DomainState, req: list[tuple[str, str]]
) -> Step | None:
    """What domain `name` needs next, or None when every required phase passed since its last change.

    {"kind": "fix", "agent": developer or None, "fail", "then": (role, agent), "pending"} after a valid
    FAIL; {"kind": "verify", "agent", "role", "fail": invalid FAIL or None, "pending"} otherwise.
    """
    phases = e.get("phases") or {}
    pending = [(role, agent) for role, agent in req if not _passed(phases.get(role))]
    if not pending:
        return None
    last = e.get("last_verdict")
    fail = (
        last
        if last and last.get("verdict") == "FAIL" and last.get("seq", 0) > e.get("changed_seq", 0)
        else None
    )
    if fail and not fail.get("invalid"):
        dev = developer(cfg, name)
        return {
            "kind": "fix",
            "agent": dev if dev and project.agent_exists(dev) else None,
            "fail": fail,
            "then": pending[0],
            "pending": pending,
        }
    role, agent = pending[0]
    return {"kind": "verify", "agent": agent, "role": role, "fail": fail, "pending": pending}


def _passed(rec: VerdictRecord | None) -> bool:
    return rec is not None and rec.get("verdict") == "PASS"


def open_steps(project: Project, cfg: CompiledConfig, fb: FeedbackState) -> list[OpenStep]:
    """[(name, entry, next step)] of every changed domain that is still open, in first-change order."""
    todo: list[OpenStep] = []
    for name, e in session_state.changed_domains(cfg, fb):
        req = required_phases(project, cfg, name)
        step = next_step(project, cfg, name, e, req) if req else None
        if step:
            todo.append((name, e, step))
    return todo


def restart_counters(d: FeedbackState) -> None:
    """A new feedback loop: iteration 1, no consecutive failures."""
    d["iteration"] = 1
    d["consecutive"] = dict.fromkeys(VERIFY_ROLES, 0)


def _path(p: str, width: int = 100) -> str:
    return p if len(p) <= width else "..." + p[-(width - 3) :]


def files_text(files: list[str], n: int = 10) -> str:
    recent = [_path(str(f)) for f in list(reversed(files))[:n]]
    more = f" (+{len(files) - n} more)" if len(files) > n else ""
    return ", ".join(recent) + more if recent else "(none recorded)"


def issues_text(rec: DomainVerdict, n: int = 5, width: int = 160) -> str:
    parts = []
    for issue in (rec.get("issues") or [])[:n]:
        where = _path(str(issue.get("file") or "?"))
        if isinstance(issue.get("line"), int):
            where += f":{issue['line']}"
        parts.append(f"{where} {str(issue.get('problem') or '')[:width]}")
    extra = len(rec.get("issues") or []) - n
    return "; ".join(parts) + (f" (+{extra} more)" if extra > 0 else "")


def counters_text(fb: FeedbackState, only_failing: bool = False) -> str:
    """The consecutive failures per role, e.g. "review 0, test plan 0, testing 2"."""
    cons = fb["consecutive"]
    return ", ".join(f"{ROLE_WORD[r]} {cons[r]}" for r in VERIFY_ROLES if cons[r] or not only_failing)


def feedback_gate(h: Hook, fb: FeedbackState | None, running: set[str]) -> Decision | None:
    """Block with the next step, escalate past the bounds, or wait for a running background verifier."""
    if not fb or not h.enabled("feedback_loop"):
        return None
    cfg = h.config
    todo = open_steps(h.project, cfg, fb)
    if not todo:
        return None
    lim = cfg["limits"]
    name, e, step = todo[0]
    key = f"feedback:{name}:{step['kind']}:{step['agent']}"
    over = _over_bounds(fb, lim)
    if over:
        reason = _feedback_reason(fb, name, e, step, todo, lim)
        return Decision("escalate", "feedback_loop", key, reason, why="; ".join(over))
    domain_agents = {cfg["test_lead"]}
    for other, _e, _s in todo:
        domain_agents.update(cfg["domains"][other]["agents"].values())
    waiting = sorted(running & domain_agents)
    if waiting:  # its verdict arrives with its SubagentStop; Claude Code then starts a new turn
        why = f"background agent(s) still running: {', '.join(waiting)}"
        return Decision("wait", "feedback_loop", why=why)
    reason = _feedback_reason(fb, name, e, step, todo, lim)
    if e.get("found"):  # changed outside Edit/Write: say which agent should have made the change
        from claude_kit_hooks.stoploop.working_tree import found_note

        note = found_note(cfg, name, e)
        head, _sep, rest = reason.partition("\n")
        reason = cap(f"{head}\n{note}\n{rest}") if note else reason
    return Decision("block", "feedback_loop", key, reason)


def _over_bounds(fb: FeedbackState, lim: Limits) -> list[str]:
    """The bounds reached, each worded for the user's escalation message."""
    over = []
    if fb["iteration"] > lim["max_feedback_iterations"]:
        over.append(
            f"testing failed {fb['iteration'] - 1} times (limits.max_feedback_iterations = "
            f"{lim['max_feedback_iterations']})"
        )
    for role in VERIFY_ROLES:
        if fb["consecutive"][role] >= lim["max_consecutive_failures"]:
            over.append(
                f"{ROLE_WORD[role]} failed {fb['consecutive'][role]} times in a row "
                f"(limits.max_consecutive_failures = {lim['max_consecutive_failures']})"
            )
    return over


def _verdict_shape(role: str, domain: str) -> str:
    return (
        f'{{"claude_kit": "verdict", "role": "{role}", "domain": "{domain}", "verdict": "PASS" or "FAIL", '
        '"issues": [{"file": ..., "line": ..., "problem": ...}], "summary": "..."}'
    )


# (issues in the FAIL line, issues in the developer's prompt, files, characters per problem): the
# message is built with the first that fits REASON_CAP, so the next step and the way out always show.
_SIZES = ((5, 3, 10, 160), (3, 3, 5, 120), (0, 3, 5, 120), (0, 2, 3, 80), (0, 1, 2, 60))


def _feedback_reason(
    fb: FeedbackState, name: str, e: DomainState, step: Step, todo: list[OpenStep], lim: Limits
) -> str:
    for sizes in _SIZES:
        text = _compose_reason(fb, name, e, step, todo, lim, *sizes)
        if len(text) <= REASON_CAP:
            return text
    return cap(text)


def _compose_reason(
    fb: FeedbackState,
    name: str,
    e: DomainState,
    step: Step,
    todo: list[OpenStep],
    lim: Limits,
    n_listed: int,
    n_prompt: int,
    n_files: int,
    width: int,
) -> str:
    files = files_text(e.get("files", []), n_files)
    head = (
        f"claude-kit feedback loop (iteration {fb['iteration']}/{lim['max_feedback_iterations']}): "
        f"{name} code changed in this session and is not yet "
        f"{' + '.join(ROLE_WORD[r] for r, _a in step['pending'])} PASS."
    )
    fail = step.get("fail")
    summary = str((fail.get("summary") if fail else None) or "no issues listed")[:300]
    lines = [head]
    if fail and fail.get("invalid"):
        lines.append(f"The last {fail['agent']} verdict counts as FAIL because {fail['invalid']}.")
    elif fail:
        listed = issues_text(fail, n_listed, width) if n_listed else ""
        count = len(fail.get("issues") or [])
        listed = listed or (f"{count} issue(s), in the prompt below" if count else summary)
        lines.append(f"The last {fail['agent']} verdict is FAIL: {listed}.")
        ignored = e.get("ignored_pass")
        if ignored and ignored.get("fail_seq") == fail.get("seq"):
            lines.append(
                f"The later {ignored['agent']} PASS did not clear it: no {name} code changed after the "
                "FAIL, so the FAIL stands until a fix changes the code."
            )
    if step["kind"] == "fix" and fail is not None:  # a fix always follows a FAIL
        then_role, then_agent = step["then"]
        who = (
            f'the Agent tool with subagent_type "{spawn_name(step["agent"])}"'
            if step["agent"]
            else "the domain's developer agent"
        )
        lines.append(
            f'Next: call {who} and run_in_background false, prompt: "Fix these {name} issues found by '
            f'{fail["agent"]}: {issues_text(fail, n_prompt, width) or summary}. Files: {files}." '
            f'Then call the Agent tool with subagent_type "{spawn_name(then_agent)}" again '
            f"({ROLE_WORD[then_role]})."
        )
    else:
        role = step["role"]
        lines.append(
            f'Next: call the Agent tool with subagent_type "{spawn_name(str(step["agent"]))}" and '
            "run_in_background false, "
            f'prompt: "{_TASK[role]} the {name} changes in this session: {files}." The agent must end its '
            f"final message with one fenced ```json block: {_verdict_shape(role, name)}."
        )
    others = [f"{n}: {s['agent'] or 'developer'}" for n, _e, s in todo[1:4]]
    if others:
        lines.append("Also waiting: " + "; ".join(others) + ".")
    cons = counters_text(fb, only_failing=True)
    lines.append(
        f"Then stop again; claude-kit re-checks. After {lim['max_consecutive_failures']} failures in a row"
        f"{' (now: ' + cons + ')' if cons else ''} or {lim['max_feedback_iterations']} iterations "
        "the user decides. " + kill_switch("feedback_loop")
    )
    return "\n".join(lines)
