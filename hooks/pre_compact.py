# claude-kit: managed, id=hooks/pre_compact
"""PreCompact: hand the compactor the essentials (active feature, phase, open loop) to keep. Fails open."""

from __future__ import annotations

import sys

import ck_context
import ckrt

if __name__ == "__main__":
    sys.exit(ckrt.run("PreCompact", [ck_context.precompact_context]))
