# claude-kit: managed, id=hooks/claude_kit_hooks/contract/naming
"""Naming rules shared by the CLI and the hooks."""

from __future__ import annotations


def safe_name(value: str) -> str:
    """A session or agent id as one file-name component (state folders, scratchpads, escalations)."""
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in value)[:120] or "_"


# The plugin edition's name (`claude-kit export plugin`): Claude Code names the agents a plugin ships
# `<plugin>:<agent>`, which the checks read as the kit's own agent of that name. Not "claude-kit":
# `claude plugin validate` reserves names starting with "claude-" for Anthropic's own plugins.
PLUGIN_NAME = "governance-kit"
PLUGIN_ROOT_ENV = "CLAUDE_PLUGIN_ROOT"  # set by Claude Code for a plugin's hooks only
_PLUGIN_PREFIX = PLUGIN_NAME + ":"


def kit_agent_name(agent_type: str) -> str:
    """The kit's name of an agent type: `governance-kit:backend-developer` (shipped by the kit's plugin) is
    `backend-developer`; any other type, another plugin's included, is its own name."""
    return agent_type[len(_PLUGIN_PREFIX) :] if agent_type.startswith(_PLUGIN_PREFIX) else agent_type
