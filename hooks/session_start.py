# claude-kit: managed, id=hooks/session_start
"""SessionStart: tell a new, resumed, cleared or compacted session what the kit enforces here,
and what is in progress (active feature and phase, open feedback loop, armed completion loop).

Fails open: a broken context line must never stop a session from starting. Reads state only:
it never deletes another session's state (old state is cleaned up by age elsewhere).
"""

from __future__ import annotations

import sys

from claude_kit_hooks.briefings import session
from claude_kit_hooks.runtime.entry import project_root_of, run

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any


def main(root: str | None = None, **io: Any) -> int:
    """Run this event's checks; tests pass `root`, `stdin`, `stdout` and `timing` to run it in-process."""
    return run("SessionStart", [session.session_context], root=root or project_root_of(__file__), **io)


if __name__ == "__main__":
    sys.exit(main())
