# claude-kit: managed, id=hooks/claude_kit_hooks/edit
"""Edit checks (PreToolUse on Edit/Write/NotebookEdit and on shell tools): agent-first, coordinators
don't edit, file locks, warnings about shell commands that write domain files."""
