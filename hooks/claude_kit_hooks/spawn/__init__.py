# claude-kit: managed, id=hooks/claude_kit_hooks/spawn
"""Spawn checks (PreToolUse on Agent/Task): depth, context window (compaction gate), budget; subagent
registration (SubagentStart) and usage accounting (PostToolUse)."""
