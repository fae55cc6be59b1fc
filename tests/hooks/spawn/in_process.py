"""Run the PreToolUse dispatcher's checks in the test process, with a Timing of the test's choosing.

For the cases where the compaction gate waits for the current response and it never comes (no
transcript, no usage, a response that never lands): through a real hook process each would wait the
default 3 s; here the wait is cut to a few milliseconds, and nothing is patched.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pre_tool_use
from claude_kit_hooks.runtime.entry import run
from claude_kit_hooks.runtime.hook import Timing
from tests.hooks.hookrun import HookResult

# The gate still polls, but gives up after 50 ms instead of 3 s.
SHORT_WAIT = Timing(flush_wait=0.05, flush_poll=0.01)


def run_pre_tool_use(repo: Path, payload: dict[str, Any], timing: Timing = SHORT_WAIT) -> HookResult:
    """Like run_hook(repo, "pre_tool_use", payload), in this process, with `timing`."""
    out = io.BytesIO()
    code = run(
        "PreToolUse", [pre_tool_use.route], root=str(repo), fail_closed=True, timing=timing,
        stdin=io.BytesIO(json.dumps(payload).encode()), stdout=out,
    )  # fmt: skip
    return HookResult(code, out.getvalue().decode("utf-8"), "")
