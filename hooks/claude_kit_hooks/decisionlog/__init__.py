# claude-kit: managed, id=hooks/claude_kit_hooks/decisionlog
"""The decision log: one redacted JSON line per decision, rotated by size."""
