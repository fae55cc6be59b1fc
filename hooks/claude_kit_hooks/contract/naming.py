# claude-kit: managed, id=hooks/claude_kit_hooks/contract/naming
"""Naming rules shared by the CLI and the hooks."""

from __future__ import annotations


def safe_name(value: str) -> str:
    """A session or agent id as one file-name component (state folders, scratchpads, escalations)."""
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in value)[:120] or "_"
