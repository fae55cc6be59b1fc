# claude-kit: managed, id=hooks/claude_kit_hooks/transcript
"""Reading the runtime's transcripts and agent files: regular files only, never blocking, bounded."""
