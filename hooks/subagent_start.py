# claude-kit: managed, id=hooks/subagent_start
"""SubagentStart: register the new agent (spawn depth) and brief it on its role. Fails open."""

from __future__ import annotations

import sys

from claude_kit_hooks.briefings import subagent
from claude_kit_hooks.runtime.entry import project_root_of, run
from claude_kit_hooks.spawn.depth import register_subagent

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def main(root: str | None = None, **io: Any) -> int:
    """Run this event's checks; tests pass `root`, `stdin`, `stdout` and `timing` to run it in-process."""
    return run(
        "SubagentStart",
        [register_subagent, subagent.subagent_context],
        root=root or project_root_of(__file__),
        **io,
    )


if __name__ == "__main__":
    sys.exit(main())
