# claude-kit: managed, id=hooks/session_start
"""SessionStart: record the working tree the session starts from (so changes made outside Edit/Write
are found at Stop) and the checkout it runs in (the repository's session registry), and tell a new,
resumed, cleared or compacted session what the kit enforces here, and what is in progress (active
feature and phase, open feedback loop, armed completion loop).

Fails open: a broken context line must never stop a session from starting. Writes only the new
session's baseline and registry record: it never deletes another session's state (old state and
week-old registry records are cleaned up by age).
"""

from __future__ import annotations

import os
import sys

from claude_kit_hooks.briefings import session
from claude_kit_hooks.contract.naming import PLUGIN_ROOT_ENV
from claude_kit_hooks.runtime.entry import project_root_of, run
from claude_kit_hooks.stoploop import events
from claude_kit_hooks.store import sessions

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from claude_kit_hooks.runtime.entry import Check


def main(root: str | None = None, **io: Any) -> int:
    """Run this event's checks; tests pass `root`, `stdin`, `stdout` and `timing` to run it in-process."""
    return run(
        "SessionStart",
        [events.record_baseline, sessions.register, session.session_context],
        root=root or project_root_of(__file__),
        unconfigured=_plugin_setup_notice(),
        **io,
    )


def _plugin_setup_notice() -> Check | None:
    # Only the plugin edition says how to set a project up: a repository install without a compiled
    # config is mid-install or uninstalled, and its command prints the next step itself.
    if not os.environ.get(PLUGIN_ROOT_ENV):
        return None
    from claude_kit_hooks.runtime import plugin

    here = os.path.dirname(os.path.abspath(__file__))
    return plugin.setup_notice if plugin.plugin_project(here, os.environ) is not None else None


if __name__ == "__main__":
    sys.exit(main())
