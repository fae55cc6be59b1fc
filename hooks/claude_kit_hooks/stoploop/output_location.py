# claude-kit: managed, id=hooks/claude_kit_hooks/stoploop/output_location
"""Reports belong under the output folder (docs/loop.md, "Output location").

SubagentStop: an agent that leaves new Markdown outside the allowed places is blocked once, with the
exact mv/rm (or git mv/git rm) commands; the same files never block it twice. Stop: the main thread's
backstop does the same once per set of files for the whole session.
"""

from __future__ import annotations

import os
import time

from claude_kit_hooks.contract.layout import output_dir_of
from claude_kit_hooks.stoploop import session_state
from claude_kit_hooks.stoploop.decision import Decision, cap, kill_switch
from claude_kit_hooks.stoploop.reports import first_timestamp, offending_reports, recent_untracked_markdown

TYPE_CHECKING = False  # typing costs ~14 ms at a hook's start-up; mypy still reads the branch
if TYPE_CHECKING:
    from claude_kit_hooks.contract.records import CompiledConfig
    from claude_kit_hooks.runtime.hook import Hook
    from claude_kit_hooks.stoploop.records import FeedbackState, StopState

    Offenders = list[tuple[str, str]]  # (relpath, git status: "??" untracked | "A" staged new)

# Where check() keeps its answer on the Hook for the rest of the hook run.
_MEMO = "_stoploop_output_location"


def check(h: Hook) -> tuple[Offenders, bool]:
    """(offending [(rel, status)], will_block) for the subagent that is stopping; cached per hook run.

    Cached because SubagentStop asks twice: the verdict capture defers a verdict that this check is
    about to send back, and output_location then blocks.
    """
    memo = vars(h)
    cached: tuple[Offenders, bool] | None = memo.get(_MEMO)
    if cached is not None:
        return cached
    result: tuple[Offenders, bool] = ([], False)
    if h.enabled("output_location") and h.is_subagent and (h.agent_type or ""):
        cfg = h.config
        fb = session_state.norm_feedback(session_state.read(h.paths, h.session_id, "feedback") or {})
        mine = {rel for rel, r in fb["reports"].items() if r.get("agent_id") == h.agent_id}
        others = {rel for rel, r in fb["reports"].items() if r.get("agent_id") != h.agent_id}
        since = first_timestamp(h.payload.get("agent_transcript_path"))
        scanned = set(recent_untracked_markdown(h.project, cfg, since)) - others
        offenders = offending_reports(h.project, cfg, mine | scanned)
        already = set(fb["outloc"].get(str(h.agent_id), []))
        result = (offenders, bool(offenders) and not {rel for rel, _s in offenders} <= already)
    memo[_MEMO] = result
    return result


def output_location(h: Hook) -> None:
    """SubagentStop: a report written outside the output folder blocks that agent once, with the fix."""
    offenders, will_block = check(h)
    if not offenders:
        return
    files = [rel for rel, _s in offenders]
    if not will_block:
        h.log(
            "output_location",
            "warn",
            f"{h.agent_type} left reports outside the output folder "
            f"(asked once already, not blocking again): {', '.join(files[:10])}",
        )
        return
    aid = str(h.agent_id)

    def remember(d: FeedbackState) -> None:
        d["outloc"][aid] = sorted(set(d["outloc"].get(aid, [])) | set(files))
        session_state.bounded(d["outloc"], session_state.AGENT_CAP)

    session_state.update_feedback(h.paths, h.session_id, remember)
    cfg = h.config
    out = output_dir_of(cfg)
    reason = (
        f"claude-kit output location: you wrote report file(s) outside {out}/: {', '.join(files[:10])}. "
        f"Reports belong under {out}/. For each file run one of these commands (Bash):\n"
        f"{_remediation(h.project.root, cfg, offenders)}\n"
        "Then finish again with your final report; if your role ends with a claude_kit verdict block, "
        "end with it again. claude-kit asks only once for these files.\n" + kill_switch("output_location")
    )
    h.block("output_location", cap(reason), file=files[0])


def backstop(h: Hook, fb: FeedbackState | None, st: StopState) -> Decision | None:
    """Stop: reports this session left outside the output folder block once per set of files."""
    if not fb or not h.enabled("output_location"):
        return None
    cfg = h.config
    since = first_timestamp(h.payload.get("transcript_path")) or fb.get("created")
    candidates = set(fb["reports"]) | set(recent_untracked_markdown(h.project, cfg, since))
    offenders = offending_reports(h.project, cfg, candidates)
    if not offenders:
        return None
    files = [rel for rel, _s in offenders]
    if set(files) <= set(st.get("backstop", [])):
        h.tell_user(
            "claude-kit: report files remain outside the output folder (asked once already): "
            + ", ".join(files[:10])
        )
        return None
    reason = (
        f"claude-kit output location: this session left report file(s) outside {output_dir_of(cfg)}/: "
        f"{', '.join(files[:10])}. "
        f"Move or delete each one (Bash):\n{_remediation(h.project.root, cfg, offenders)}\n"
        "Then stop again; claude-kit asks only once for these files. " + kill_switch("output_location")
    )
    d = Decision("block", "output_location", "output_location:" + ",".join(files[:10]), cap(reason))
    d.details = {"backstop": files}  # stop_gate remembers them once the block is sent
    return d


def _remediation(root: str, cfg: CompiledConfig, offenders: Offenders) -> str:
    import shlex

    out = output_dir_of(cfg)
    mkdir = f"mkdir -p {shlex.quote(out + '/adhoc')}"
    lines = []
    stamp = time.strftime("%Y%m%d-%H%M%S", time.gmtime())
    for rel, status in offenders[:10]:
        base = os.path.basename(rel)
        dest = f"{out}/adhoc/{base}"
        if os.path.exists(os.path.join(root, dest)):
            dest = f"{out}/adhoc/{stamp}-{base}"
        q, qd = shlex.quote(rel), shlex.quote(dest)
        if status == "A":
            lines.append(f"  keep it: {mkdir} && git mv {q} {qd}   | drop it: git rm -f {q}")
        else:
            lines.append(f"  keep it: {mkdir} && mv {q} {qd}   | drop it: rm {q}")
    if len(offenders) > 10:
        lines.append(f"  (+{len(offenders) - 10} more files like these)")
    return "\n".join(lines)
