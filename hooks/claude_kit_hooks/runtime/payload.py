# claude-kit: managed, id=hooks/claude_kit_hooks/runtime/payload
"""The JSON object Claude Code writes to a hook's stdin, read with a size bound."""

from __future__ import annotations

import json
import sys

TYPE_CHECKING = False  # typing costs ~14 ms at a hook's start-up; mypy still reads the branch
if TYPE_CHECKING:
    from typing import BinaryIO

    from claude_kit_hooks.contract.records import Payload

MAX_STDIN = 64 * 1024 * 1024


def read_payload(stream: BinaryIO | None = None) -> Payload:
    raw = (stream or sys.stdin.buffer).read(MAX_STDIN + 1)
    if len(raw) > MAX_STDIN:
        raise ValueError(f"hook input larger than {MAX_STDIN} bytes")
    data = json.loads(raw.decode("utf-8", "replace"))
    if not isinstance(data, dict):
        raise ValueError("hook input is not a JSON object")
    payload: Payload = data  # type: ignore[assignment]  # the runtime's shape; checks read it defensively
    return payload
