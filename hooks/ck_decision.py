# claude-kit: managed, id=hooks/ck_decision
"""What a Stop gate answers (a Decision), and the two rules every block message follows: it names the
kill switch (a block can repeat) and it stays under the length the runtime keeps.
"""

from __future__ import annotations

REASON_CAP = 1900  # the runtime may cut hook strings near 2,000 characters


class Decision:
    """What a gate wants at this Stop: block (with a key naming the instruction), escalate or wait."""

    def __init__(self, kind: str, gate: str, key: str = "", reason: str = "", why: str = "", commit=None):
        self.kind = kind  # "block" | "escalate" | "wait"
        self.gate = gate
        self.key = key  # loop detection compares these: the same key = the same instruction
        self.reason = reason
        self.why = why
        self.commit = commit  # state to write only if this block is really sent
        self.details = {}
        self.hook = gate  # the decision log's `hook`: loop_detection / stop_bound when they take over


def kill_switch(hook_name: str) -> str:
    return (
        f"Kill switch (user): CLAUDE_KIT_DISABLE=1, or hooks: {{{hook_name}: {{enabled: false}}}} "
        "in .claude/claude-kit.yaml."
    )


def cap(text: str, limit: int = REASON_CAP) -> str:
    return text if len(text) <= limit else text[: limit - 15] + "\n[... cut ...]"
