# claude-kit: managed, id=hooks/claude_kit_hooks/stoploop/roles
"""Who verifies which domain in which role, as the compiled config names them: agent names come from
the config, so customised names work; a phase is required only when its agent is installed.
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing costs ~14 ms at a hook's start-up; mypy still reads the branch
if TYPE_CHECKING:
    from claude_kit_hooks.contract.records import CompiledConfig
    from claude_kit_hooks.runtime.project import Project


def agent_roles(cfg: CompiledConfig) -> dict[str, tuple[str | None, str]]:
    """Agent name -> (domain or None for test-lead, role)."""
    out: dict[str, tuple[str | None, str]] = {}
    for name, dom in cfg["domains"].items():
        agents = dom["agents"]
        if agents.get("reviewer"):
            out[agents["reviewer"]] = (name, "review")
        if agents.get("tester"):
            out[agents["tester"]] = (name, "testing")
    out[cfg["test_lead"]] = (None, "test_planning")
    return out


def is_verifier(cfg: CompiledConfig, agent_type: str | None) -> bool:
    return bool(agent_type) and agent_type in agent_roles(cfg)


def required_phases(project: Project, cfg: CompiledConfig, domain: str) -> list[tuple[str, str]]:
    """[(role, agent)] the feedback loop requires for a domain: only agents installed in .claude/agents."""
    dom = cfg["domains"].get(domain)
    if dom is None:
        return []
    agents = dom["agents"]
    out = []
    if agents.get("reviewer") and project.agent_exists(agents["reviewer"]):
        out.append(("review", agents["reviewer"]))
    lead = cfg["test_lead"]
    if dom["test_planning"] and project.agent_exists(lead):
        out.append(("test_planning", lead))
    if agents.get("tester") and project.agent_exists(agents["tester"]):
        out.append(("testing", agents["tester"]))
    return out


def developer(cfg: CompiledConfig, domain: str) -> str | None:
    """The domain's developer agent as configured (None when the config names none)."""
    dom = cfg["domains"].get(domain)
    return dom["agents"].get("developer") if dom is not None else None
