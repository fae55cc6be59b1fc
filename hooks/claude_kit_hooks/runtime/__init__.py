# claude-kit: managed, id=hooks/claude_kit_hooks/runtime
"""The hook runtime: payload in, answer out, failure policy, project paths and compiled config."""
