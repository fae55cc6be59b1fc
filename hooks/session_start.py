# claude-kit: managed, id=hooks/session_start
"""SessionStart: tell a new, resumed, cleared or compacted session what the kit enforces here.

Fails open: a broken context line must never stop a session from starting.
"""

from __future__ import annotations

import sys

import ckrt


def kit_context(h: ckrt.Hook) -> None:
    if not h.enabled("session_context"):
        return
    cfg = h.config
    parts = []
    for name, dom in cfg.get("domains", {}).items():
        dev = dom["agents"]["developer"]
        parts.append(f"{name} -> {dev}" if ckrt.agent_exists(dev) else name)
    domains = ", ".join(parts) if parts else "none configured"
    h.context(
        "session_context",
        "claude-kit is active. You coordinate; domain files are edited by domain developer agents "
        f"({domains}). Route knowledge through the gateway-* skills, write reports under "
        f"{cfg.get('output_dir', '.claude/.output')}/, and when a hook blocks, do exactly what its message says.",
        decision="allow",
        source=str(h.payload.get("source", "")),
    )


if __name__ == "__main__":
    sys.exit(ckrt.run("SessionStart", [kit_context]))
