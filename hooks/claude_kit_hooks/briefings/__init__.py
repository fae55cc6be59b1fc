# claude-kit: managed, id=hooks/claude_kit_hooks/briefings
"""Briefings: what the model is told at session start, per prompt, before compaction and at subagent start."""
