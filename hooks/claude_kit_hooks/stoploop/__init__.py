# claude-kit: managed, id=hooks/claude_kit_hooks/stoploop
"""The Stop loop: change tracking, verdicts, feedback loop, quality gate, completion loop, escalation."""
