# claude-kit: managed, id=hooks/pre_compact
"""PreCompact: hand the compactor the essentials (active feature, phase, open loop) to keep. Fails open."""

from __future__ import annotations

import sys

from claude_kit_hooks.briefings import session
from claude_kit_hooks.runtime.entry import project_root_of, run

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def main(root: str | None = None, **io: Any) -> int:
    """Run this event's checks; tests pass `root`, `stdin`, `stdout` and `timing` to run it in-process."""
    return run("PreCompact", [session.precompact_context], root=root or project_root_of(__file__), **io)


if __name__ == "__main__":
    sys.exit(main())
