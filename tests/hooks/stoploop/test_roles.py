"""Who verifies which domain in which role, from the compiled config (custom agent names included)."""

from __future__ import annotations

from claude_kit_hooks.stoploop import roles as stoploop_roles
from tests.hooks.stoploop.conftest import BACKEND, Kit


def test_agent_names_map_to_domain_and_role_including_custom_names(kit: Kit) -> None:
    kit.install(
        config=BACKEND.replace(
            'paths: ["**/*.go"]\n', 'paths: ["**/*.go"]\n    agents: {reviewer: api-reviewer}\n'
        )
    )
    roles = stoploop_roles.agent_roles(kit.hook("Stop").config)
    assert roles["api-reviewer"] == ("backend", "review")
    assert roles["backend-tester"] == ("backend", "testing")
    assert roles["test-lead"] == (None, "test_planning")
    assert "backend-reviewer" not in roles
