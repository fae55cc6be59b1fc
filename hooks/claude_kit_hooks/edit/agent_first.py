# claude-kit: managed, id=hooks/claude_kit_hooks/edit/agent_first
"""agent_first (PreToolUse on Edit/Write/NotebookEdit): the main thread coordinates, so it may not edit
a domain's file when that domain's developer agent exists; the deny names the agent and the one-step
spawn call.

Paths outside the project root are allowed (and logged): the kit governs the project; other paths
(the user's home, /tmp, plan files under ~/.claude) are the user's business. Symlinks are resolved
before matching (Project.relpath). docs/enforcement.md describes the exact messages.
"""

from __future__ import annotations

from claude_kit_hooks.edit.delegation import developer_for, off_switch, short_path, spawn_call

TYPE_CHECKING = False  # typing costs ~14 ms at a hook's start-up; mypy still reads the branch
if TYPE_CHECKING:
    from claude_kit_hooks.runtime.hook import Hook


def agent_first(h: Hook) -> None:
    if not h.enabled("agent_first"):
        return
    path = h.edit_path
    if not path:
        h.allow("agent_first", "no file path in tool_input; nothing to check")
        return
    rel = h.edit_relpath()
    if rel is None:
        h.allow("agent_first", "outside the project root (not governed by the kit)", file=path)
        return
    if h.is_subagent:
        h.allow("agent_first", f"edit by subagent {h.agent_type or h.agent_id}", file=rel)
        return
    cfg = h.config
    label = h.project.exemption_of(cfg, rel)
    if label:
        h.allow("agent_first", f"exempt ({label})", file=rel)
        return
    domain = h.project.domain_of(cfg, rel)
    if domain is None:
        h.allow("agent_first", "outside every domain", file=rel)
        return
    dev = developer_for(cfg, domain)
    if h.agent_type and h.agent_type == dev:
        h.allow("agent_first", f"the main thread runs as {dev} (--agent)", file=rel, domain=domain)
        return
    if not h.project.agent_exists(dev):
        h.allow("agent_first", f"no developer agent {dev} for domain {domain}", file=rel, domain=domain)
        return
    reason = (
        f"claude-kit: {short_path(rel)} is a {domain} file. The main thread coordinates; "
        f"{dev} makes {domain} changes, so this edit was not made. Don't retry it here.\n"
        f"Spawn it: {spawn_call(dev, rel)}\n"
        f"(The user can turn this off with {off_switch('agent_first')}.)"
    )
    h.deny("agent_first", reason, file=rel, domain=domain, agent=dev)
