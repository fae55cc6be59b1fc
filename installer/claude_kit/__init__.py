"""claude-kit: a governed engineering platform for Claude Code (CLI side)."""
