# claude-kit: managed, id=hooks/claude_kit_hooks/store
"""The shared state store: JSON files read, replaced atomically and updated under a lock."""
