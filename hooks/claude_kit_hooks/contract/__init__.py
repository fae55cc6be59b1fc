# claude-kit: managed, id=hooks/claude_kit_hooks/contract
"""What the CLI and the hooks both rely on, defined once: paths under `.claude/`, file formats,
defaults and naming rules. Standard library only: the CLI imports these modules, and so do hooks."""
