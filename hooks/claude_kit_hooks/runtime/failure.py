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


def failure_answer(event: str, hook: Hook | None, summary: str, closed: bool) -> str:
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
