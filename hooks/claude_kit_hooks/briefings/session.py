# claude-kit: managed, id=hooks/claude_kit_hooks/briefings/session
"""The main thread's briefings: what the kit enforces and what is in progress, told at session start,
on each prompt (one short reminder), and to the compactor (what its summary must keep). Every text
here is short on purpose: it costs context each time. Behaviour: docs/enforcement-spawn.md.
"""

from __future__ import annotations

from claude_kit_hooks.briefings.rules import clip, domains_line, max_depth
from claude_kit_hooks.briefings.state_summary import (
    active_feature,
    dirty_domains,
    feature_line,
    loop_summary,
    state_lines,
)
from claude_kit_hooks.contract.layout import output_dir_of

TYPE_CHECKING = False  # typing costs ~14 ms at a hook's start-up; mypy still reads the branch
if TYPE_CHECKING:
    from claude_kit_hooks.runtime.hook import Hook

REMINDER_MAX = 300


# -- SessionStart ----------------------------------------------------------------------------------
def session_context(h: Hook) -> None:
    if not h.enabled("session_context"):
        return
    cfg = h.config
    source = str(h.payload.get("source") or "")
    text = [
        "claude-kit is active. You coordinate; domain files are edited by domain developer agents "
        f"({domains_line(cfg, h.project)}): delegate to them with the Agent tool. Write reports "
        f"under {output_dir_of(cfg)}/, and when a hook blocks, do exactly what its message says."
    ]
    if max_depth(cfg) <= 1:
        text.append("Only you spawn agents: subagents cannot spawn subagents.")
    text.append(subdirectory_note(h))
    lines = state_lines(h)
    text += lines
    if source == "compact" and lines:
        text.append(
            "The context was just compacted: run `claude-kit feature resume` and re-read the state above "
            "before continuing."
        )
    elif active_feature(h.paths, cfg):
        text.append("`claude-kit feature resume` prints the open feature's phase and next step.")
    h.context("session_context", "\n".join(text), decision="allow", source=source)


def subdirectory_note(h: Hook) -> str:
    """Whether sessions started below the root are governed: only through the user-level hooks."""
    import os

    from claude_kit_hooks.contract.layout import USER_DISPATCHER

    if os.path.isfile(os.path.join(os.path.expanduser("~"), USER_DISPATCHER)):
        return (
            f"Sessions started in a subdirectory of {h.project.root} are governed too, through "
            "claude-kit's user-level hooks."
        )
    return (
        f"Sessions started in a subdirectory of {h.project.root} run no kit hook (Claude Code loads no "
        "project hooks there): they are not governed."
    )


# -- UserPromptSubmit ------------------------------------------------------------------------------
def prompt_reminder(h: Hook) -> None:
    if not h.enabled("prompt_reminder"):
        return
    text = (
        "claude-kit: delegate domain code to <domain>-developer agents (the kit hands each the library "
        "skills for its task)."
    )
    lines = state_lines(h)
    if lines:
        room = REMINDER_MAX - len(text) - 1
        text += "\n" + clip(" ".join(lines), max(40, room))
    h.context("prompt_reminder", text[:REMINDER_MAX], decision="allow")


# -- PreCompact ------------------------------------------------------------------------------------
def precompact_context(h: Hook) -> None:
    """Plain text appended to the compactor's instructions: what the summary must keep."""
    if not h.enabled("precompact_context"):
        return
    cfg = h.config
    out = ["claude-kit: keep these facts verbatim in the summary."]
    feature = active_feature(h.paths, cfg)
    if feature:
        out.append("- " + feature_line(feature, cfg))
    loops = loop_summary(h)
    if loops:
        out.append(f"- Open: {loops}.")
    for name, files, verdicts in dirty_domains(h.paths, h.session_id)[:6]:
        shown = ", ".join(files[-5:]) + (f" (+{len(files) - 5} more)" if len(files) > 5 else "")
        done = f"; verdicts so far: {', '.join(verdicts)}" if verdicts else "; no verdict yet"
        out.append(clip(f"- Changed in {name}: {shown or 'files'}{done}.", 300))
    out.append(
        f"- Rules: the main thread coordinates; domain files are edited by developer agents "
        f"({domains_line(cfg, h.project)}); reports go under {output_dir_of(cfg)}/."
    )
    if feature:
        out.append("- After compaction, run `claude-kit feature resume` before doing anything else.")
    h.context(
        "precompact_context", "\n".join(out), decision="allow", trigger=str(h.payload.get("trigger") or "")
    )
