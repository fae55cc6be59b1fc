# claude-kit: managed, id=hooks/claude_kit_hooks/spawn/values
"""Typed reads of the JSON the spawn checks share, and how they print numbers.

State files, transcripts and tool results are written by other processes (another hook, the
runtime, an older kit version), so every value is checked for its type before it is used.
"""

from __future__ import annotations

from claude_kit_hooks.contract.naming import kit_agent_name

TYPE_CHECKING = False  # typing costs ~14 ms at a hook's start-up; mypy still reads the branch
if TYPE_CHECKING:
    from typing import Any

    from claude_kit_hooks.runtime.hook import Hook


def as_int(value: object, default: int) -> int:
    """`value` when it is an int (a bool is not), else `default`."""
    return value if isinstance(value, int) and not isinstance(value, bool) else default


def as_number(value: object) -> float:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else 0.0


def objects(value: object) -> list[dict[str, Any]]:
    """The JSON objects of a list (anything else dropped); [] when `value` is not a list."""
    return [x for x in value if isinstance(x, dict)] if isinstance(value, list) else []


def thousands(n: float) -> str:
    return f"{int(n):,}"


def spawn_target(h: Hook) -> str:
    """The agent an Agent/Task call spawns (the runtime's default when the call names none); for a
    Workflow call, the workflow and the agent types its script names."""
    if h.tool_name == "Workflow":
        return workflow_target(h.tool_input)
    return kit_agent_name(str(h.tool_input.get("subagent_type") or "general-purpose"))


def workflow_target(tool_input: dict[str, Any]) -> str:
    """`Workflow <name> (<agent types>)`: the types its inline script passes as `agentType`, or "its
    agents" when the script is elsewhere (`name`, `scriptPath`) or names none."""
    import os
    import re

    script = tool_input.get("script")
    script = script if isinstance(script, str) else ""
    types: list[str] = []
    for found in re.findall(r"""\bagentType\s*:\s*["'`]([\w:.-]{1,80})["'`]""", script[:200_000]):
        if found not in types:
            types.append(found)
    meta = re.search(r"""\bname\s*:\s*["'`]([^"'`\n]{1,60})["'`]""", script[:4000])
    path = tool_input.get("scriptPath")
    name = tool_input.get("name") or (meta.group(1) if meta else "")
    name = name or (os.path.basename(path) if isinstance(path, str) else "")
    shown = ", ".join(types[:5]) + (", ..." if len(types) > 5 else "") if types else "its agents"
    return f"Workflow {str(name)[:60] or 'script'} ({shown})"
