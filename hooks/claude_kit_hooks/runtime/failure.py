# claude-kit: managed, id=hooks/claude_kit_hooks/runtime/failure
"""The failure policy (docs/architecture.md, "Failure policy"): an internal error never shows the
model a traceback. It goes to the error log and the decision log; PreToolUse enforcement fails closed
(deny naming the next step) for the first FAIL_CLOSED_LIMIT errors of a session, then opens (circuit
breaker); every other event fails open with a systemMessage the user sees."""

from __future__ import annotations

import os
import time

from claude_kit_hooks.contract.layout import ERROR_LOG
from claude_kit_hooks.runtime.answer import deny_pretooluse, system_message

TYPE_CHECKING = False  # typing costs ~14 ms at a hook's start-up; mypy still reads the branch
if TYPE_CHECKING:
    from claude_kit_hooks.runtime.hook import Hook
    from claude_kit_hooks.runtime.project import Project
    from claude_kit_hooks.store.jsonfile import StateWriteError

FAIL_CLOSED_LIMIT = 3


def record_error(event: str, project: Project, hook: Hook | None, exc: BaseException) -> str:
    """Write the traceback to the error log and one line to the decision log; return a summary."""
    import traceback

    from claude_kit_hooks.runtime.hook import Hook

    summary = f"{type(exc).__name__}: {exc}"[:300]
    try:
        os.makedirs(project.paths.local, exist_ok=True)
        with open(project.paths.error_log, "a", encoding="utf-8") as f:
            f.write(f"--- {time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime())} {event}\n")
            f.write("".join(traceback.format_exception(type(exc), exc, exc.__traceback__)))
    except OSError:
        pass
    rec_hook = hook or Hook(event, {}, time.perf_counter(), project)
    rec_hook.log("runtime", "error", summary)
    return summary


def fail_closed_allowed(hook: Hook) -> bool:
    """Circuit breaker: after FAIL_CLOSED_LIMIT internal errors in a session, fail open."""
    from claude_kit_hooks.store.jsonfile import update_json

    path = hook.paths.state(hook.session_id, "runtime-errors")
    try:
        data = update_json(path, lambda d: {"count": int(d.get("count", 0)) + 1})
        return int(data["count"]) <= FAIL_CLOSED_LIMIT
    except Exception:
        return False


def failure_answer(
    event: str, hook: Hook | None, summary: str, closed: bool, exc: BaseException | None = None
) -> str:
    from claude_kit_hooks.store.jsonfile import StateWriteError

    if isinstance(exc, StateWriteError):
        # Nothing can be recorded (the circuit breaker's count neither): fail open, saying what is lost.
        return system_message(unrecorded(hook, exc))
    if closed and hook is not None and hook.payload and fail_closed_allowed(hook):
        return deny_pretooluse(
            f"claude-kit could not check this {event} call ({summary}), so it is denied to stay safe. "
            f"Retry once; if it repeats, tell the user to run `claude-kit doctor` (details in {ERROR_LOG}). "
            f"Kill switch for the user: CLAUDE_KIT_DISABLE=1."
        )
    return system_message(
        f"claude-kit {event} hook failed open: {summary} "
        f"(see {ERROR_LOG}; `claude-kit doctor` checks the wiring)"
    )


# What each state file records, for the message when it could not be written (contract/layout.py).
_STATE_WORDS = {
    "feedback": "this session's changes and verdicts",
    "stop": "the Stop gate's progress",
    "loop": "the completion loop's progress",
    "budget": "this session's model usage (the budget)",
    "spawn": "the subagents' spawn depths",
    "runtime-errors": "the count of internal errors",
    "checks": "the quality gate's passed checks",
}


def unrecorded(hook: Hook | None, exc: StateWriteError) -> str:
    """The user's message for a state write that failed: what was not recorded, why, and what follows."""
    from claude_kit_hooks.contract.defaults import EDIT_TOOLS

    path = str(exc.filename or "")
    shown = path
    if hook is not None:
        root = hook.project.root
        if path.startswith(root.rstrip(os.sep) + os.sep):
            shown = os.path.relpath(path, root).replace(os.sep, "/")
    rel = hook.edit_relpath() if hook is not None and hook.checked_as in EDIT_TOOLS else None
    if rel and hook is not None and hook.event == "PostToolUse":
        return (
            f"claude-kit could not record the change to {rel}: {exc.reason} (writing {shown}), so the "
            "Stop gate will not ask for its review and tests: have it reviewed once claude-kit can write "
            f"again. Details in {ERROR_LOG}."
        )
    name = os.path.basename(path)
    what = _STATE_WORDS.get(name[: -len(".json")] if name.endswith(".json") else name, name)
    return (
        f"claude-kit could not record {what}: {exc.reason} (writing {shown}); it carries on without it. "
        f"Details in {ERROR_LOG}."
    )
