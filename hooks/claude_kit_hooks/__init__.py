# claude-kit: managed, id=hooks/claude_kit_hooks
"""claude-kit's hook package: standard library only, one folder per subsystem (docs/architecture.md)."""
