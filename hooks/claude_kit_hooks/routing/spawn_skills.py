# claude-kit: managed, id=hooks/claude_kit_hooks/routing/spawn_skills
"""spawn_skills (PreToolUse on Agent/Task, after the spawn gates allowed it): route the task prompt
to the library and append the few SKILL.md paths that fit to the prompt the agent receives.

Knowledge arrives just in time, where the task is known, instead of a whole gateway preloaded into
every agent. The routing index is `.claude/skill-library/index.json`, written by install/update/sync;
the ranking is routing.lexical, the same definition `claude-kit route` extends. The skills are those
of the agent's gateways: its domain's, plus security for a reviewer and testing for a tester.
"""

from __future__ import annotations

from claude_kit_hooks.contract.defaults import AGENT_TOOLS
from claude_kit_hooks.contract.layout import SKILL_INDEX
from claude_kit_hooks.contract.naming import kit_agent_name
from claude_kit_hooks.runtime.jsonio import loads

TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    from claude_kit_hooks.contract.records import CompiledConfig
    from claude_kit_hooks.runtime.hook import Hook

HOOK = "spawn_skills"
ROUTED_MARK = "claude-kit: library skills for this task"
MAX_SKILLS = 3
# Below MIN_SCORE a match rests on one common word ("update", "handler"), and a skill scoring under
# RELATIVE of the best is a side topic: no path beats a wrong one. Scores are scaled by the share of
# the prompt a skill covers (Weights.coverage), which already sinks a one-word match: 5 routes more
# right paths and fewer wrong ones than 8 did (heldout_intents.yaml in its gateways: 58 right, 9
# wrong of 72 spawns, against 56 and 14 with 8 before coverage).
MIN_SCORE = 5.0
RELATIVE = 0.5
EXTRA_GATEWAYS = {"reviewer": ("security",), "tester": ("testing",), "test-lead": ("testing",)}


def gateways_for(cfg: CompiledConfig, agent_type: str) -> list[str] | None:
    """The gateways whose skills an agent may be handed; None (every non-kit skill) for an agent the
    kit does not know, such as general-purpose."""
    from claude_kit_hooks.briefings.subagent import role_of

    domain, role = role_of(cfg, agent_type)
    if role is None:
        return None
    return [*([domain] if domain else []), *EXTRA_GATEWAYS.get(role, ())]


def index_path(h: Hook) -> str:
    return h.project.root + "/" + SKILL_INDEX


def load_entries(h: Hook) -> list[dict[str, Any]] | None:
    try:
        with open(index_path(h), "rb") as f:
            data = loads(f.read().decode("utf-8"))
    except (OSError, ValueError):
        return None
    skills = data.get("skills") if isinstance(data, dict) else None
    return [s for s in skills if isinstance(s, dict)] if isinstance(skills, list) else None


def routed_note(paths: list[str]) -> str:
    lines = "\n".join(f"- {p}" for p in paths)
    return f"{ROUTED_MARK} (Read the ones that fit before you start):\n{lines}"


def spawn_skills(h: Hook) -> None:
    if h.tool_name not in AGENT_TOOLS or not h.enabled(HOOK):
        return
    try:
        route_prompt(h)
    except Exception as exc:  # fail open: a broken index must not stop a spawn the gates allowed
        h.log(HOOK, "error", f"routing failed, spawned without paths: {type(exc).__name__}: {exc}")


def route_prompt(h: Hook) -> None:
    prompt = h.tool_input.get("prompt")
    if not isinstance(prompt, str) or not prompt.strip() or ROUTED_MARK in prompt:
        return
    entries = load_entries(h)
    if not entries:
        h.allow(HOOK, f"no routing index at {SKILL_INDEX}: nothing routed")
        return
    from claude_kit_hooks.routing.lexical import WEIGHTS, LexicalRouter, cached_state

    agent_type = kit_agent_name(str(h.tool_input.get("subagent_type") or "general-purpose"))
    router = LexicalRouter(entries, WEIGHTS, cached_state(entries, index_path(h)))
    ranked = router.ranked(prompt, gateways=gateways_for(h.config, agent_type), limit=MAX_SKILLS)
    floor = max(MIN_SCORE, RELATIVE * ranked[0][1]) if ranked else MIN_SCORE
    paths = [str(entries[i].get("path")) for i, score in ranked if score >= floor]
    if not paths:
        h.allow(HOOK, "no library skill fits the task", subagent_type=agent_type)
        return
    note = routed_note(paths)
    h.update_input({**h.tool_input, "prompt": prompt.rstrip() + "\n\n" + note})
    h.allow(HOOK, note, subagent_type=agent_type)
