# claude-kit: managed, id=hooks/claude_kit_hooks/briefings/rules
"""The kit's rules as the briefings state them (who edits a domain, how deep agents may spawn), and
the length budget of a line: every briefing costs context each time it is shown."""

from __future__ import annotations

TYPE_CHECKING = False  # typing costs ~14 ms at a hook's start-up; mypy still reads the branch
if TYPE_CHECKING:
    from claude_kit_hooks.contract.records import CompiledConfig
    from claude_kit_hooks.runtime.project import Project

LINE_MAX = 160


def clip(text: str, limit: int = LINE_MAX) -> str:
    """`text` on one line (whitespace runs collapsed), cut to `limit` characters with `...`."""
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def max_depth(cfg: CompiledConfig) -> int:
    # A hand-edited compiled file may hold anything here: the briefing then states the default rule.
    value: object = cfg["spawn"]["max_depth"]
    return value if isinstance(value, int) and not isinstance(value, bool) else 1


def domains_line(cfg: CompiledConfig, project: Project) -> str:
    """`backend -> backend-developer, ui` (a domain without a developer agent file is named alone)."""
    from claude_kit_hooks.runtime.project import spawn_name

    parts = []
    for name, dom in cfg["domains"].items():
        dev = dom["agents"].get("developer") or f"{name}-developer"
        parts.append(f"{name} -> {spawn_name(dev)}" if project.agent_exists(dev) else name)
    return ", ".join(parts) if parts else "none configured"
