# claude-kit: managed, id=hooks/ck_loop_config
"""What the loop system reads from the compiled config: who verifies which domain in which role, the
limits, and the output folder. Agent names come from the config, so customised names work.
"""

from __future__ import annotations

import ckrt

# The verification roles, in the order a domain goes through them.
ROLES = ("review", "test_planning", "testing")
ROLE_WORD = {"review": "review", "test_planning": "test plan", "testing": "testing"}
# Mirrors the CLI's defaults (installer/claude_kit/config.py, "limits"; hooks cannot import it). The
# compiled config carries every key; these cover one that lacks a key (another kit version, by hand).
DEFAULT_LIMITS = {
    "max_feedback_iterations": 5,
    "max_consecutive_failures": 3,
    "max_stop_blocks": 6,
    "loop_similarity_percent": 90,
    "loop_max_iterations": 20,
}


def planning_agent(cfg: dict) -> str:
    """The test-lead agent's name (the test_planning role, shared by every domain)."""
    return cfg.get("test_lead") or "test-lead"


def domains(cfg: dict) -> dict:
    return cfg.get("domains") or {}


def output_dir(cfg: dict) -> str:
    """The output folder relative to the project root, without a trailing slash."""
    return (cfg.get("output_dir") or ".claude/.output").rstrip("/")


def limits(cfg: dict) -> dict:
    lim = dict(DEFAULT_LIMITS)
    lim.update(cfg.get("limits") or {})
    return lim


def agent_roles(cfg: dict) -> dict:
    """Agent name -> (domain or None for test-lead, role)."""
    out = {}
    for name, dom in domains(cfg).items():
        agents = dom.get("agents") or {}
        if agents.get("reviewer"):
            out[agents["reviewer"]] = (name, "review")
        if agents.get("tester"):
            out[agents["tester"]] = (name, "testing")
    out[planning_agent(cfg)] = (None, "test_planning")
    return out


def is_verifier(cfg: dict, agent_type) -> bool:
    return bool(agent_type) and agent_type in agent_roles(cfg)


def required_phases(cfg: dict, domain: str) -> list:
    """[(role, agent)] the feedback loop requires for a domain: only agents installed in .claude/agents."""
    dom = domains(cfg).get(domain) or {}
    agents = dom.get("agents") or {}
    out = []
    if agents.get("reviewer") and ckrt.agent_exists(agents["reviewer"]):
        out.append(("review", agents["reviewer"]))
    lead = planning_agent(cfg)
    if dom.get("test_planning") and ckrt.agent_exists(lead):
        out.append(("test_planning", lead))
    if agents.get("tester") and ckrt.agent_exists(agents["tester"]):
        out.append(("testing", agents["tester"]))
    return out


def developer(cfg: dict, domain: str):
    """The domain's developer agent as configured (None when the config names none)."""
    return ((domains(cfg).get(domain) or {}).get("agents") or {}).get("developer")
