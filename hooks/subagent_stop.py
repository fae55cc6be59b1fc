# claude-kit: managed, id=hooks/subagent_stop
"""SubagentStop: record reviewer/tester verdicts and keep reports in the output folder. Fails open."""

from __future__ import annotations

import sys

from claude_kit_hooks.runtime.entry import project_root_of, run
from claude_kit_hooks.stoploop import events

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def main(root: str | None = None, **io: Any) -> int:
    """Run this event's checks; tests pass `root`, `stdin`, `stdout` and `timing` to run it in-process."""
    return run(
        "SubagentStop",
        [events.subagent_verdict, events.scan_working_tree, events.output_location],
        root=root or project_root_of(__file__),
        **io,
    )


if __name__ == "__main__":
    sys.exit(main())
