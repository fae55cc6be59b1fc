# claude-kit: managed, id=hooks/claude_kit_hooks/briefings/subagent
"""The briefing a subagent gets when it starts: whether it may spawn agents, where its notes go, its
boundary as a developer, and the closing block a verifier or lead must end with (the Stop loop reads
those blocks). Reads no state: only the config and the agent's type.
"""

from __future__ import annotations

from claude_kit_hooks.briefings.rules import max_depth
from claude_kit_hooks.contract.layout import output_dir_of

TYPE_CHECKING = False  # typing costs ~14 ms at a hook's start-up; mypy still reads the branch
if TYPE_CHECKING:
    from claude_kit_hooks.contract.records import CompiledConfig
    from claude_kit_hooks.runtime.hook import Hook

# Agent role -> the verification role its verdict block records.
VERDICT_ROLE = {"reviewer": "review", "tester": "testing", "test-lead": "test_planning"}


def role_of(cfg: CompiledConfig, agent_type: str) -> tuple[str | None, str | None]:
    """(domain, role) of an agent type, from the team config first, then from the kit's naming."""
    if not agent_type:
        return None, None
    if agent_type == cfg["test_lead"]:
        return None, "test-lead"
    for name, dom in cfg["domains"].items():
        for role, agent in dom["agents"].items():
            if agent == agent_type:
                return name, role
    for role in ("lead", "developer", "reviewer", "tester"):  # kit naming outside the configured domains
        if agent_type.endswith("-" + role):
            return agent_type[: -len(role) - 1], role
    return None, None


def subagent_context(h: Hook) -> None:
    if not h.enabled("subagent_context") or not h.agent_id:
        return
    cfg = h.config
    agent_type = str(h.agent_type or "")
    if not agent_type:  # a fork without a definition, e.g. the one that writes compaction summaries
        h.allow("subagent_context", "agent without agent_type (a fork): no briefing")
        return
    domain, role = role_of(cfg, agent_type)
    depth_limit = max_depth(cfg)
    parts = [f"claude-kit: you are the subagent `{agent_type}`."]
    if depth_limit <= 1:
        parts.append(
            "Do not spawn agents (subagents cannot here): if you need another agent, finish your part and "
            "end with `NEEDS: spawn <agent> for <goal>`; the main thread spawns it."
        )
    else:
        depth = h.spawn_depth  # set by the spawn subsystem's registration, which runs first
        where = f"you run at depth {depth}; " if isinstance(depth, int) else ""
        parts.append(f"Spawning is limited to depth {depth_limit} ({where}the main thread is depth 0).")
    parts.append(f"Write reports and notes under {output_dir_of(cfg)}/, never in the repository root.")
    if role == "developer":
        parts.append(f"You implement: edit only the {domain} domain's files you were asked to change.")
    if role not in VERDICT_ROLE and role != "lead":
        parts.append(
            f"Your agent id is `{h.agent_id}`: take file locks as yourself, "
            f"`claude-kit lock acquire <file>... --agent {h.agent_id}`; they are released when you finish."
        )
    if role in VERDICT_ROLE:
        dom = domain or "<domain>"
        parts.append(
            "End your final message with exactly one fenced ```json block: "
            f'{{"claude_kit": "verdict", "role": "{VERDICT_ROLE[role]}", "domain": "{dom}", '
            '"verdict": "PASS" or "FAIL", "issues": [{"file": ..., "line": ..., "problem": ...}], '
            '"summary": "one line"}. A missing or malformed block counts as FAIL.'
        )
    elif role == "lead":
        parts.append(
            "You coordinate and do not edit files. End your final message with exactly one fenced "
            f'```json block: {{"claude_kit": "plan", "domain": "{domain}", "interfaces": [...], '
            '"tasks": [{"id": 1, "agent": ..., "files": [...], "goal": ..., "depends_on": [], '
            '"verify": ...}], "self_review": ...}; fields in the writing-plans skill, '
            "check it with `claude-kit feature check-plan -`."
        )
    h.context("subagent_context", " ".join(parts), decision="allow", role=role or "")
