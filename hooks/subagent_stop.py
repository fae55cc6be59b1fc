# claude-kit: managed, id=hooks/subagent_stop
"""SubagentStop: record reviewer/tester verdicts and keep reports in the output folder. Fails open."""

from __future__ import annotations

import sys

import ck_loop
import ckrt

if __name__ == "__main__":
    sys.exit(ckrt.run("SubagentStop", [ck_loop.subagent_verdict, ck_loop.output_location]))
