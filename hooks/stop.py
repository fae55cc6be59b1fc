# claude-kit: managed, id=hooks/stop
"""Stop: the session may end only when changed code is reviewed, tested and passes its checks.

Fails open: a broken gate must never trap a session (the decision log records the error).
"""

from __future__ import annotations

import sys

import ck_loop
import ckrt

if __name__ == "__main__":
    sys.exit(ckrt.run("Stop", [ck_loop.stop_gate]))
