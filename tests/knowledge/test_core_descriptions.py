"""Core skill descriptions say when to use the skill, not a summary of its steps.

A description is in every session's listing; an agent that reads "reproduce, isolate, bisect, fix"
there follows that summary instead of opening the skill (issue 13). The summary form is
"<situation>: <step>, <step>, ...", so a description with `: ` after its situation is one.
Gateways are routers whose description names what they find; they are left to their own test.
"""

from __future__ import annotations

import pytest

from claude_kit.knowledge import yaml_load
from claude_kit.payload import payload_root

CORE = sorted(p.parent.name for p in (payload_root() / "skills").glob("*/SKILL.md"))


@pytest.mark.parametrize("name", [n for n in CORE if not n.startswith("gateway-")])
def test_a_core_description_is_a_situation_not_a_summary_of_steps(name: str) -> None:
    text = (payload_root() / "skills" / name / "SKILL.md").read_text(encoding="utf-8")
    description = str(yaml_load(text.split("---\n")[1])["description"])
    assert description.startswith("Use when "), description
    assert ": " not in description, f"{name}: the part after ': ' summarises steps: {description}"
