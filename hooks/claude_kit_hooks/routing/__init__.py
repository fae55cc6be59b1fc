# claude-kit: managed, id=hooks/claude_kit_hooks/routing
"""Routing a task to library skills: the terms and lexical scoring that `claude-kit route` and the
spawn hook share, and the spawn hook itself (PreToolUse on Agent/Task)."""
