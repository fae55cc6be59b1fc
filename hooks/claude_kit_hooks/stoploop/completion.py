# claude-kit: managed, id=hooks/claude_kit_hooks/stoploop/completion
"""The completion loop (docs/loop.md, "Completion loop"): armed by `claude-kit loop start` for one
session, each Stop re-feeds the task until the last message holds <promise>TEXT</promise>, the
iteration limit is reached, the loop is cancelled, or the kit escalates. Every stop attempt is
appended to the loop's scratchpad under the output folder.
"""

from __future__ import annotations

import os
import time

from claude_kit_hooks.contract.layout import output_dir_of, scratchpad
from claude_kit_hooks.stoploop import session_state
from claude_kit_hooks.stoploop.decision import Decision, kill_switch

TYPE_CHECKING = False  # typing costs ~14 ms at a hook's start-up; mypy still reads the branch
if TYPE_CHECKING:
    from claude_kit_hooks.contract.layout import KitPaths
    from claude_kit_hooks.contract.records import CompiledConfig, CompletionLoop
    from claude_kit_hooks.runtime.hook import Hook
    from claude_kit_hooks.runtime.project import Project


def has_promise(message: str, promise: str) -> bool:
    """True when `message` holds <promise>TEXT</promise> with exactly TEXT (whitespace-normalised)."""
    import re

    want = " ".join(str(promise).split())
    return any(
        " ".join(m.split()) == want for m in re.findall(r"<promise>(.*?)</promise>", message or "", re.S)
    )


def scratchpad_rel(cfg: CompiledConfig, sid: str) -> str:
    """The session's scratchpad, relative to the project root."""
    return scratchpad(output_dir_of(cfg), sid)


def scratch(
    project: Project,
    cfg: CompiledConfig,
    sid: str,
    iteration: object,
    limit: object,
    message: str,
    outcome: str,
) -> None:
    """Append one stop attempt (iteration, UTC time, outcome, message excerpt) to the scratchpad."""
    path = project.abspath(scratchpad_rel(cfg, sid))
    excerpt = " ".join((message or "").split())
    excerpt = excerpt if len(excerpt) <= 500 else excerpt[:497] + "..."
    stamp = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime())
    entry = f"\n### iteration {iteration}/{limit} - {stamp}Z - {outcome}\n> {excerpt or '(empty message)'}\n"
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "a", encoding="utf-8") as f:
            f.write(entry)
    except OSError:
        pass


def end_loop(paths: KitPaths, sid: str, why: str) -> None:
    def apply(d: CompletionLoop) -> None:
        if d.get("active"):
            d["active"] = False
            d["ended"] = why
            d["ended_at"] = time.time()

    session_state.update(paths, sid, "loop", apply)


def completion_gate(h: Hook, loop: CompletionLoop | None, msg: str) -> Decision | None:
    """Block with the next iteration's prompt; None once the promise is found or the limit reached."""
    if not loop or not loop.get("active") or not h.enabled("completion_loop"):
        return None
    cfg = h.config
    sid = h.session_id
    i, n = int(loop.get("iteration", 1)), int(loop.get("max_iterations", 1))
    promise = str(loop.get("completion_promise", ""))
    if has_promise(msg, promise):
        end_loop(h.paths, sid, "promise")
        scratch(h.project, cfg, sid, i, n, msg, "promise found, loop ended")
        h.log(
            "completion_loop", "allow", f"<promise>{promise}</promise> found at iteration {i}/{n}; loop ended"
        )
        return None
    if i >= n:
        end_loop(h.paths, sid, "limit")
        scratch(h.project, cfg, sid, i, n, msg, "iteration limit reached, loop ended")
        h.log("completion_loop", "warn", f"loop ended at its limit of {n} iterations without the promise")
        h.tell_user(
            f"claude-kit: the completion loop ended after {n} iterations without "
            f"<promise>{promise}</promise>; see {scratchpad_rel(cfg, sid)}."
        )
        return None

    def commit() -> None:  # only when the block is really sent (loop detection or a bound may take over)
        def apply(d: CompletionLoop) -> None:
            if d.get("active"):
                d["iteration"] = int(d.get("iteration", 1)) + 1

        session_state.update(h.paths, sid, "loop", apply)
        scratch(h.project, cfg, sid, i, n, msg, "no promise, continuing")

    reason = (
        f"claude-kit completion loop: iteration {i + 1}/{n}. Keep working on the task below. Read and "
        f"update the scratchpad {scratchpad_rel(cfg, sid)} (what is done, what is next). When the task is "
        "completely and verifiably done, and only then, end your message with "
        f"<promise>{promise}</promise>.\n"
        f"Task:\n{str(loop.get('prompt', ''))[:1000]}\n"
        "If the task cannot be finished, say why and ask the user to end the loop (only they can). "
        + kill_switch("completion_loop")
    )
    return Decision("block", "completion_loop", "completion_loop", reason, commit=commit)
