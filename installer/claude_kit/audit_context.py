"""Audit of the always-on context cost: what the kit's files put into every main-thread request
(skill listing, agent listing, the CLAUDE.md block) and into every spawn of each agent (its body,
preloaded skills, the skill listing when it has the Skill tool, the CLAUDE.md block), against the
budget `context.budget_chars`.

A static estimate from the files, close to what bench/bench_context.py measures in the requests
the real runtime sends; the runtime adds its own framing around each piece.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from claude_kit.audit_base import Audit, Doc
from claude_kit_hooks.contract.defaults import DEFAULTS
from claude_kit_hooks.contract.layout import CONFIG_YAML

CLAUDE_MD_BLOCK = re.compile(r"<!-- claude-kit:start.*?<!-- claude-kit:end -->", re.S)


class ContextCost(NamedTuple):
    listing: int  # core skills as the runtime lists them: "- name: description"
    agents: int  # agents as the Agent tool lists them: "- name: description (Tools: ...)"
    claude_md: int  # the kit's block in CLAUDE.md (0 in a source tree: rendered per repository)
    main: int  # listing + agents + claude_md
    spawns: dict[str, int]  # agent -> body + preloaded skills (+ listing with the Skill tool) + claude_md
    budget: int


def budget_of(a: Audit) -> int:
    default = int(DEFAULTS["context"]["budget_chars"])
    if a.layout.source or not (a.layout.root / CONFIG_YAML).is_file():
        return default
    from claude_kit import config
    from claude_kit.errors import KitError

    try:
        return int(config.load(a.layout.root)["context"]["budget_chars"])
    except KitError:
        return default  # CONFIG_INVALID says why


def claude_md_chars(a: Audit) -> int:
    if a.layout.source:
        return 0
    path = a.layout.root / "CLAUDE.md"
    try:
        found = CLAUDE_MD_BLOCK.search(path.read_text(encoding="utf-8", errors="replace"))
    except OSError:
        return 0
    return len(found.group(0)) if found else 0


def body_chars(doc: Doc) -> int:
    return len("\n".join(doc.lines[len(doc.fm_lines) + 2 :]))


def preloaded(doc: Doc) -> list[str]:
    skills = (doc.meta or {}).get("skills") or []
    names = skills.split(",") if isinstance(skills, str) else skills
    return [str(s).strip() for s in names if str(s).strip()]


def has_skill_tool(doc: Doc) -> bool:
    """The runtime shows the skill listing to an agent with the Skill tool; no `tools` inherits all."""
    tools = (doc.meta or {}).get("tools")
    if not tools:
        return True
    names = tools.split(",") if isinstance(tools, str) else tools
    return "Skill" in {str(t).strip() for t in names}


def measure(a: Audit) -> ContextCost:
    """The cost of the files the audit read (a.core and a.agent_docs)."""
    block = claude_md_chars(a)
    agents = 0
    spawns: dict[str, int] = {}
    for doc in a.agent_docs:
        meta = doc.meta or {}
        name = str(meta.get("name") or doc.path.stem)
        agents += len(f"- {name}: {meta.get('description') or ''} (Tools: {meta.get('tools') or '*'})\n")
        skills = sum(body_chars(a.core[s]) for s in preloaded(doc) if s in a.core)
        listing = a.tier1_chars if has_skill_tool(doc) else 0
        spawns[name] = body_chars(doc) + skills + listing + block
    main = a.tier1_chars + agents + block
    return ContextCost(a.tier1_chars, agents, block, main, spawns, budget_of(a))


def check_context(a: Audit) -> ContextCost:
    cost = measure(a)
    if cost.main > cost.budget:
        a.add(
            "CONTEXT_BUDGET",
            a.layout.root / (CONFIG_YAML if not a.layout.source else "agents"),
            None,
            f"the main thread's always-on context is {cost.main:,} characters (skill listing "
            f"{cost.listing:,}, agents {cost.agents:,}, CLAUDE.md block {cost.claude_md:,}); "
            f"budget {cost.budget:,}",
        )
    for name, chars in sorted(cost.spawns.items()):
        if chars > cost.budget:
            doc = next(d for d in a.agent_docs if str((d.meta or {}).get("name") or d.path.stem) == name)
            a.add(
                "CONTEXT_BUDGET",
                doc.path,
                None,
                f"a spawn of {name} starts with {chars:,} characters of kit text (body, preloaded skills, "
                f"skill listing with the Skill tool, CLAUDE.md block); budget {cost.budget:,}",
            )
    return cost
