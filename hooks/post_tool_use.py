# claude-kit: managed, id=hooks/post_tool_use
"""PostToolUse dispatcher: records what changed and what spawned agents used and reported. Fails open."""

from __future__ import annotations

import sys

import ckrt


def route(h: ckrt.Hook) -> None:
    if h.tool_name in ckrt.EDIT_TOOLS:
        import ck_loop

        ck_loop.track_modification(h)
    elif h.tool_name in ckrt.SPAWN_TOOLS:
        import ck_loop
        import ck_spawn

        ck_spawn.account_usage(h)
        ck_loop.capture_agent_result(h)


if __name__ == "__main__":
    sys.exit(ckrt.run("PostToolUse", [route]))
