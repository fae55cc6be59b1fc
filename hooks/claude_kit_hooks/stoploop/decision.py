# claude-kit: managed, id=hooks/claude_kit_hooks/stoploop/decision
"""What a Stop gate answers (a Decision), and the two rules every block message follows: it names the
kill switch (a block can repeat) and it stays under the length the runtime keeps.
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing costs ~14 ms at a hook's start-up; mypy still reads the branch
if TYPE_CHECKING:
    from collections.abc import Callable

REASON_CAP = 1900  # the runtime may cut hook strings near 2,000 characters
RUNTIME_CAP = 2000  # 2.1.329 caps a block `reason` at 2,000 UTF-16 units


class Decision:
    """What a gate wants at this Stop: block (with a key naming the instruction), escalate or wait."""

    def __init__(
        self,
        kind: str,
        gate: str,
        key: str = "",
        reason: str = "",
        why: str = "",
        commit: Callable[[], None] | None = None,
    ) -> None:
        self.kind = kind  # "block" | "escalate" | "wait"
        self.gate = gate
        self.key = key  # loop detection compares these: the same key = the same instruction
        self.reason = reason
        self.why = why
        self.commit = commit  # state to write only if this block is really sent
        self.details: dict[str, list[str]] = {}  # backstop: the reports this block asks about
        self.hook = gate  # the decision log's `hook`: loop_detection / stop_bound when they take over


def kill_switch(hook_name: str) -> str:
    return (
        f"Kill switch (user): CLAUDE_KIT_DISABLE=1, or hooks: {{{hook_name}: {{enabled: false}}}} "
        "in .claude/claude-kit.yaml."
    )


def cap(text: str, limit: int = REASON_CAP) -> str:
    """At most `limit` characters. A cut is made in the middle and keeps the last line, which is where
    every block message says how to go on and names the kill switch."""
    if len(text) <= limit:
        return text
    marker = "\n[... cut ...]\n"
    head, sep, last = text.rpartition("\n")
    if sep and len(last) + len(marker) + 200 <= limit:
        return head[: limit - len(marker) - len(last)] + marker + last
    return text[: limit - 15] + "\n[... cut ...]"
