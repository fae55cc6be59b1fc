# claude-kit: managed, id=hooks/subagent_stop
"""SubagentStop: record reviewer/tester verdicts and keep reports in the output folder. Fails open."""

from __future__ import annotations

import sys

from claude_kit_hooks.runtime.entry import project_root_of, run
from claude_kit_hooks.stoploop import events

if __name__ == "__main__":
    checks = [events.subagent_verdict, events.output_location]
    sys.exit(run("SubagentStop", checks, root=project_root_of(__file__)))
