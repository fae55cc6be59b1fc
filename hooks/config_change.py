# claude-kit: managed, id=hooks/config_change
"""ConfigChange: a change to the project's settings files during a session is not applied to it.

Claude Code reloads `.claude/settings.json` and `.claude/settings.local.json` mid-session (hooks and
`env` take effect at once), so a script the model runs could set the kill switch or drop the hook
entries for the rest of the session. The kit blocks the reload (the runtime honours a block for
project and local settings); the file keeps the change, the user is told, and the next session
applies it. kit_files denies the plain writes before they happen; this holds for the rest.
"""

from __future__ import annotations

import sys

from claude_kit_hooks.runtime.entry import project_root_of, run

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from claude_kit_hooks.runtime.hook import Hook


def settings_change(h: Hook) -> None:
    if not h.enabled("kit_files"):
        return
    source = str(h.payload.get("source") or "")
    if source not in ("project_settings", "local_settings"):
        return
    path = h.payload.get("file_path")
    rel = (h.project.relpath(path) if isinstance(path, str) else None) or source
    note = (
        f"claude-kit: {rel} changed during this session; the change is not applied to it (the kit's "
        "hooks stay as they were). A change the user made takes effect in the next session; if they did "
        "not make it, `claude-kit doctor` shows what it does."
    )
    h.tell_user(note)
    h.block("kit_files", note, file=rel, source=source)


def main(root: str | None = None, **io: Any) -> int:
    """Run this event's checks; tests pass `root`, `stdin`, `stdout` and `timing` to run it in-process."""
    return run("ConfigChange", [settings_change], root=root or project_root_of(__file__), **io)


if __name__ == "__main__":
    sys.exit(main())
