"""lock_commands: in a session an agent takes and releases file locks only as itself (PreToolUse on
Bash), because `claude-kit lock` cannot tell who runs it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.hooks.hookrun import fixture, install, log_records
from tests.hooks.hookrun import pre_tool_use_decision as decide

ME = "ab8cdc0b57ef5a522"  # the agent_id of the captured subagent payloads
OTHER = "a2222222222222222"


@pytest.fixture
def kit(tmp_repo: Path) -> Path:
    return install(tmp_repo, files={"notes.txt": "a\n"})


def bash(repo: Path, command: str, *, subagent: bool = True, tool: str = "Bash") -> dict[str, Any]:
    payload = fixture("PreToolUse-bash", repo, command=command)
    payload["tool_name"] = tool
    if subagent:
        payload["agent_id"], payload["agent_type"] = ME, "backend-developer"
    return payload


@pytest.mark.parametrize(
    "command",
    [
        f"claude-kit lock release notes.txt --agent {ME}",
        f"claude-kit lock acquire notes.txt --agent={ME} --ttl 30",
        f'"/venv/bin/python" -m claude_kit lock release --agent {ME}',
        "claude-kit lock list",
        "git log --oneline | head",
        f"cd sub && CLAUDE_KIT_X=1 timeout 30 claude-kit lock acquire a.txt --agent {ME}",
    ],
)
def test_an_agent_acting_as_itself_is_allowed(kit: Path, command: str) -> None:
    assert decide(kit, bash(kit, command)) == (None, "")


@pytest.mark.parametrize(
    "command",
    [
        f"claude-kit lock release notes.txt --agent {OTHER}",
        f"claude-kit lock release --agent={OTHER}",
        f"true && python3 -m claude_kit lock release --agent {OTHER}",
        f"claude-kit lock acquire notes.txt --agent {ME}; claude-kit lock release --agent {OTHER}",
        "claude-kit lock release notes.txt --agent backend-developer",  # its type is not its id
    ],
)
def test_a_subagent_cannot_release_another_agents_lock(kit: Path, command: str) -> None:
    permission, reason = decide(kit, bash(kit, command))
    assert permission == "deny"
    assert "is not you: you are agent ab8cdc0b57ef5a522 (backend-developer)" in reason
    assert f"Release only your own locks: `claude-kit lock release <file>... --agent {ME}`" in reason
    [rec] = log_records(kit, hook="lock_commands", decision="deny")
    assert rec["caller"] == ME and rec["claimed"] in (OTHER, "backend-developer")


@pytest.mark.parametrize(
    "command",
    [
        f"sh -c 'claude-kit lock release notes.txt --agent {ME}'",
        f'eval "claude-kit lock release --agent {OTHER}"',
        'CK=claude-kit; $CK lock release --agent "$WHO"',
    ],
)
def test_a_lock_command_the_kit_cannot_read_is_denied(kit: Path, command: str) -> None:
    permission, reason = decide(kit, bash(kit, command))
    assert permission == "deny"
    assert "in a form the kit cannot read" in reason and "Run `claude-kit lock` as a plain command" in reason


def test_the_main_thread_is_main_and_takes_no_lock_for_an_agent(kit: Path) -> None:
    assert decide(kit, bash(kit, "claude-kit lock acquire notes.txt --agent main", subagent=False))[0] is None
    permission, reason = decide(
        kit, bash(kit, "claude-kit lock acquire notes.txt --agent backend-developer", subagent=False)
    )
    assert permission == "deny" and "you are the main thread" in reason
    assert "tell each developer to run `claude-kit lock acquire <file>... --agent <its agent id>`" in reason
    permission, reason = decide(kit, bash(kit, f"claude-kit lock release --agent {OTHER}", subagent=False))
    assert permission == "deny" and "or by the user" in reason


def test_powershell_and_the_switch(kit: Path) -> None:
    command = f"claude-kit lock release notes.txt --agent {OTHER}"
    assert decide(kit, bash(kit, command, tool="PowerShell"))[0] == "deny"
    install(kit, config="version: 1\nhooks:\n  file_locks: {enabled: false}\n")
    assert decide(kit, bash(kit, command))[0] is None
