# claude-kit: managed, id=hooks/ck_completion
"""The completion loop (docs/loop.md, "Completion loop"): armed by `claude-kit loop start` for one
session, each Stop re-feeds the task until the last message holds <promise>TEXT</promise>, the
iteration limit is reached, the loop is cancelled, or the kit escalates. Every stop attempt is
appended to the loop's scratchpad under the output folder.
"""

from __future__ import annotations

import os
import time

import ck_state
import ckrt
from ck_decision import Decision, kill_switch
from ck_loop_config import output_dir


def has_promise(message: str, promise: str) -> bool:
    """True when `message` holds <promise>TEXT</promise> with exactly TEXT (whitespace-normalised)."""
    import re

    want = " ".join(str(promise).split())
    return any(
        " ".join(m.split()) == want for m in re.findall(r"<promise>(.*?)</promise>", message or "", re.S)
    )


def scratchpad_rel(cfg: dict, sid: str) -> str:
    return f"{output_dir(cfg)}/loops/{ckrt.safe_name(sid)}/scratchpad.md"


def scratch(cfg: dict, sid: str, iteration, limit, message: str, outcome: str) -> None:
    """Append one stop attempt (iteration, UTC time, outcome, message excerpt) to the scratchpad."""
    path = os.path.join(ckrt.ROOT, scratchpad_rel(cfg, sid))
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


def end_loop(sid: str, why: str) -> None:
    def apply(d):
        if d.get("active"):
            d["active"] = False
            d["ended"] = why
            d["ended_at"] = time.time()

    ck_state.update(sid, "loop", apply)


def completion_gate(h, cfg, loop, msg):
    """Block with the next iteration's prompt; None once the promise is found or the limit reached."""
    if not loop or not loop.get("active") or not h.enabled("completion_loop"):
        return None
    sid = h.session_id
    i, n = int(loop.get("iteration", 1)), int(loop.get("max_iterations", 1))
    promise = str(loop.get("completion_promise", ""))
    if has_promise(msg, promise):
        end_loop(sid, "promise")
        scratch(cfg, sid, i, n, msg, "promise found, loop ended")
        h.log(
            "completion_loop", "allow", f"<promise>{promise}</promise> found at iteration {i}/{n}; loop ended"
        )
        return None
    if i >= n:
        end_loop(sid, "limit")
        scratch(cfg, sid, i, n, msg, "iteration limit reached, loop ended")
        h.log("completion_loop", "warn", f"loop ended at its limit of {n} iterations without the promise")
        h.tell_user(
            f"claude-kit: the completion loop ended after {n} iterations without "
            f"<promise>{promise}</promise>; see {scratchpad_rel(cfg, sid)}."
        )
        return None

    def commit():  # only when the block is really sent (loop detection or a bound may take over)
        def apply(d):
            if d.get("active"):
                d["iteration"] = int(d.get("iteration", 1)) + 1

        ck_state.update(sid, "loop", apply)
        scratch(cfg, sid, i, n, msg, "no promise, continuing")

    reason = (
        f"claude-kit completion loop: iteration {i + 1}/{n}. Keep working on the task below. Read and "
        f"update the scratchpad {scratchpad_rel(cfg, sid)} (what is done, what is next). When the task is "
        "completely and verifiably done, and only then, end your message with "
        f"<promise>{promise}</promise>.\n"
        f"Task:\n{str(loop.get('prompt', ''))[:1000]}\n"
        "To end the loop early run `claude-kit loop cancel`. " + kill_switch("completion_loop")
    )
    return Decision("block", "completion_loop", "completion_loop", reason, commit=commit)
