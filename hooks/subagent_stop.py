# claude-kit: managed, id=hooks/subagent_stop
"""SubagentStop: record reviewer/tester verdicts, keep reports in the output folder, and release the
file locks of an agent that finishes and log that it did. Fails open."""

from __future__ import annotations

import sys

from claude_kit_hooks.runtime.entry import project_root_of, run
from claude_kit_hooks.stoploop import events

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from claude_kit_hooks.runtime.hook import Hook


def _finished(h: Hook) -> None:
    # Last: it runs only when no check sent the agent back, that is when the agent really finishes:
    # its locks go, and the log says it ended (`claude-kit status --sessions` tells running agents so).
    from claude_kit_hooks.edit.file_locks import release_on_stop

    release_on_stop(h)
    if h.agent_id:
        h.log("agent_finished", "allow", f"{h.agent_type or 'agent'} {h.agent_id} finished")


def main(root: str | None = None, **io: Any) -> int:
    """Run this event's checks; tests pass `root`, `stdin`, `stdout` and `timing` to run it in-process."""
    return run(
        "SubagentStop",
        [events.subagent_verdict, events.scan_working_tree, events.output_location, _finished],
        root=root or project_root_of(__file__),
        **io,
    )


if __name__ == "__main__":
    sys.exit(main())
