"""delegation.read_only_role: which agents only read (their shell writes are denied, their changes reopen)."""

from __future__ import annotations

from typing import Any

from claude_kit_hooks.edit.delegation import read_only_role

CFG: Any = {
    "test_lead": "test-lead",
    "domains": {
        "backend": {
            "agents": {
                "reviewer": "backend-reviewer",
                "lead": "backend-lead",
                "developer": "backend-developer",
                "tester": "backend-tester",
            }
        }
    },
}


def test_reviewers_leads_test_lead_and_the_runtimes_readers_are_read_only() -> None:
    assert read_only_role(CFG, "backend-reviewer") == "backend reviewer"
    assert read_only_role(CFG, "backend-lead") == "backend lead"
    assert read_only_role(CFG, "test-lead") == "test-lead"
    assert read_only_role(CFG, "Explore") == "Explore"
    assert read_only_role(CFG, "Plan") == "Plan"


def test_developers_testers_and_unknown_agents_are_not() -> None:
    for other in ("backend-developer", "backend-tester", "general-purpose", "", None):
        assert read_only_role(CFG, other) is None
