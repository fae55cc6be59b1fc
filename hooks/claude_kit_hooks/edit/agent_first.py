# claude-kit: managed, id=hooks/claude_kit_hooks/edit/agent_first
"""agent_first (PreToolUse on Edit/Write/NotebookEdit): a domain's file is edited by the domain's
developer agent (and the agents `domains.<d>.editors` names), when that agent exists. The main thread
coordinates, and any other subagent (general-purpose, fork, claude, another domain's developer, a
reviewer or tester) is denied as well; the deny names the agent and the one-step spawn call, which a
subagent hands back to the main thread (workers don't spawn).

Paths outside the project root are allowed (and logged): the kit governs the project; other paths
(the user's home, /tmp, plan files under ~/.claude) are the user's business. Symlinks are resolved
before matching (Project.relpath). docs/enforcement.md describes the exact messages.
"""

from __future__ import annotations

from claude_kit_hooks.edit.delegation import developer_for, may_edit, off_switch, short_path, spawn_call

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
    who = h.agent_type or ""
    if may_edit(cfg, domain, who):
        if not h.is_subagent:
            why = f"the main thread runs as {who} (--agent)"
        else:
            why = f"edit by subagent {who}" + ("" if who == dev else f", an editor of {domain}")
        h.allow("agent_first", why, file=rel, domain=domain)
        return
    if not h.project.agent_exists(dev):
        h.allow("agent_first", f"no developer agent {dev} for domain {domain}", file=rel, domain=domain)
        return
    if h.is_subagent:
        reason = (
            f"claude-kit: {short_path(rel)} is a {domain} file, and {dev} makes {domain} changes, "
            f"not {who or 'this agent'}. This edit was not made; don't retry it, with this or another "
            f"tool. Finish your task without it and end your final message with `NEEDS: spawn {dev} for "
            f"<the change to {short_path(rel)}>`; the main thread spawns it: {spawn_call(dev, rel)}\n"
            f"(The user can allow {who or 'an agent'} with `domains: {{{domain}: {{editors: [...]}}}}` "
            f"or turn this off with {off_switch('agent_first')}.)"
        )
    else:
        reason = (
            f"claude-kit: {short_path(rel)} is a {domain} file. The main thread coordinates; "
            f"{dev} makes {domain} changes, so this edit was not made. Don't retry it here.\n"
            f"Spawn it: {spawn_call(dev, rel)}\n"
            f"(The user can turn this off with {off_switch('agent_first')}.)"
        )
    h.deny("agent_first", reason, file=rel, domain=domain, agent=dev)
