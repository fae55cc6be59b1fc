# claude-kit: managed, id=hooks/claude_kit_hooks/transcript
"""Reading Claude Code transcripts from the end, bounded."""
