# claude-kit: managed, id=hooks/claude_kit_hooks/runtime/entry
"""The entry point every dispatcher calls: read the payload, run the event's checks in order until
one decides, print the answer, apply the failure policy. Standard library only, and only what the hot
path needs at import time: every hook is a new process on every matching tool call."""

from __future__ import annotations

import os
import sys
import time

from claude_kit_hooks.contract.defaults import KILL_SWITCH
from claude_kit_hooks.contract.naming import PLUGIN_ROOT_ENV
from claude_kit_hooks.runtime.hook import Hook, Timing
from claude_kit_hooks.runtime.project import Project

TYPE_CHECKING = False  # typing costs ~14 ms at a hook's start-up; mypy still reads the branch
if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Mapping
    from typing import BinaryIO

    from claude_kit_hooks.contract.records import Payload

    Check = Callable[[Hook], None]


MAX_STDIN = 64 * 1024 * 1024


def read_payload(stream: BinaryIO | None = None) -> Payload:
    """The JSON object Claude Code writes to a hook's stdin, read with a size bound."""
    from claude_kit_hooks.runtime.jsonio import loads

    raw = (stream or sys.stdin.buffer).read(MAX_STDIN + 1)
    if len(raw) > MAX_STDIN:
        raise ValueError(f"hook input larger than {MAX_STDIN} bytes")
    data = loads(raw.decode("utf-8", "replace"))
    if not isinstance(data, dict):
        raise ValueError("hook input is not a JSON object")
    payload: Payload = data  # type: ignore[assignment]  # the runtime's shape; checks read it defensively
    return payload


def project_root_of(dispatcher_file: str, env: Mapping[str, str] | None = None) -> str:
    """The project a dispatcher serves: it lives in <root>/.claude/hooks/ (the plugin edition's serves
    the session's project: runtime/plugin.py).

    The path is taken as the launcher gave it, never with symlinks resolved: behind a symlinked
    `.claude` (into the repository or out of it) the project is the repository holding the link,
    not the link target's parent. Should the dispatcher have been started through a resolved path,
    the runtime's CLAUDE_PROJECT_DIR wins when its .claude/hooks is this very folder.
    """
    hooks_dir = os.path.dirname(os.path.abspath(dispatcher_file))
    env = os.environ if env is None else env
    if env.get(PLUGIN_ROOT_ENV):  # the plugin edition: the dispatcher lives in the plugin's folder
        from claude_kit_hooks.runtime.plugin import plugin_project

        served = plugin_project(hooks_dir, env)
        if served is not None:
            return served
    root = os.path.dirname(os.path.dirname(hooks_dir))
    declared = env.get("CLAUDE_PROJECT_DIR")
    if declared and declared != root:  # the launcher builds the path from it: equal, but for a "/"
        declared = os.path.abspath(declared)
        try:
            if declared != root and os.path.samefile(os.path.join(declared, ".claude", "hooks"), hooks_dir):
                return declared
        except (OSError, ValueError):
            pass  # no such folder: this dispatcher serves another project than the runtime's
    return root


def run(
    event: str,
    checks: Iterable[Check],
    *,
    root: str,
    fail_closed: bool | tuple[str, ...] = False,
    timing: Timing | None = None,
    stdin: BinaryIO | None = None,
    stdout: BinaryIO | None = None,
    unconfigured: Check | None = None,
) -> int:
    """Run `checks` (functions taking a Hook) in order until one denies or blocks; print the answer.

    `fail_closed`: True, or the tool names whose calls are denied when a check fails internally
    (warning-only checks fail open). `unconfigured`: the one check that runs instead when the project
    has no compiled config. Always returns 0: the answer is in what is printed.
    """
    started = time.perf_counter()
    if os.environ.get(KILL_SWITCH) == "1":
        return 0
    project = Project(root)
    hook = None
    try:
        hook = Hook(event, read_payload(stdin), started, project, timing)
        if hook.load_config() is None:
            # Not compiled yet (mid-install), uninstalled, or a project the plugin serves unset: nothing
            # to enforce.
            if unconfigured is None:
                return 0
            checks = (unconfigured,)
        for check in checks:
            check(hook)
            if hook.decision is not None:
                break
        out = ""
        if hook.decision or hook.contexts or hook.messages or hook.stale or hook.updated_input is not None:
            from claude_kit_hooks.runtime.answer import render  # a silent allow needs no answer module

            out = render(hook)
    except Exception as exc:  # the model must never see a traceback
        from claude_kit_hooks.runtime.failure import failure_answer, record_error

        summary = record_error(event, project, hook, exc)
        closed = fail_closed is True or (
            isinstance(fail_closed, tuple) and hook is not None and hook.checked_as in fail_closed
        )
        out = failure_answer(event, hook, summary, closed, exc)
    if out:
        try:
            stream = stdout or sys.stdout.buffer
            stream.write(out.encode("utf-8", "replace"))
            stream.flush()
        except (OSError, ValueError):
            pass  # Claude Code stopped reading (timeout): nothing useful left to do
    return 0
