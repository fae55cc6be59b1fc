# claude-kit: managed, id=hooks/pre_compact
"""PreCompact: hand the compactor the essentials (active feature, phase, open loop) to keep. Fails open."""

from __future__ import annotations

import sys

from claude_kit_hooks.briefings import session
from claude_kit_hooks.runtime.entry import project_root_of, run

if __name__ == "__main__":
    sys.exit(run("PreCompact", [session.precompact_context], root=project_root_of(__file__)))
