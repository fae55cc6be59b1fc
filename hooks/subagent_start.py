# claude-kit: managed, id=hooks/subagent_start
"""SubagentStart: register the new agent (spawn depth) and brief it on its role. Fails open."""

from __future__ import annotations

import sys

import ck_context
import ck_spawn
import ckrt

if __name__ == "__main__":
    sys.exit(ckrt.run("SubagentStart", [ck_spawn.register_subagent, ck_context.subagent_context]))
