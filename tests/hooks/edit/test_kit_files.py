"""kit_files: the model does not change the kit that governs it (PreToolUse on Edit/Write/NotebookEdit
and Bash/PowerShell): its files, settings, team config, agents and control files, the user's own
claude-kit commands, the kill switch and nested sessions are denied to every caller."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from claude_kit_hooks.contract.protected import protected_kind
from tests.hooks.edit.test_lock_commands import decide
from tests.hooks.hookrun import fixture, install, log_records, run_hook

OUT = ".claude/.output"


@pytest.fixture
def kit(tmp_repo: Path) -> Path:
    return install(tmp_repo, files={"cmd/api/main.go": "package main\n", "README.md": "hi\n"})


def bash(repo: Path, command: str, *, subagent: bool = False) -> dict[str, Any]:
    payload = fixture("PreToolUse-bash", repo, command=command)
    if subagent:
        payload["agent_id"], payload["agent_type"] = "ab8cdc0b57ef5a522", "backend-developer"
    return payload


def write(repo: Path, rel: str, *, subagent: bool = False) -> dict[str, Any]:
    payload = fixture("PreToolUse-write", repo, file_path=str(repo / rel), content="{}")
    if subagent:
        payload["agent_id"], payload["agent_type"] = "ab8cdc0b57ef5a522", "backend-developer"
    return payload


@pytest.mark.parametrize(
    ("rel", "kind"),
    [
        (".claude/hooks/claude-kit.json", "the kit's hooks"),
        (".claude/hooks/run", "the kit's hooks"),
        (".claude/.claude-kit/local/python", "the kit's own files and state"),
        (".claude/.claude-kit/local/state/s1/feedback.json", "the kit's own files and state"),
        (".claude/settings.json", "Claude Code's project settings (they wire the hooks)"),
        (".claude/settings.local.json", "Claude Code's local settings (they can switch the hooks off)"),
        (".claude/claude-kit.yaml", "the team config"),
        (".claude/agents/backend-reviewer.md", "the team's agent definitions"),
        (f"{OUT}/features/active.json", "the active feature's control file"),
        (f"{OUT}/locks/locks.json", "the file locks of parallel agents"),
        (".claude", "a folder holding the kit's hooks"),
        (".", "the project root (it holds the kit)"),
        (
            ".git/claude-kit/locks/locks.json",
            "the repository's shared kit state (locks, features, decision log)",
        ),
        (
            ".git/claude-kit/features/active.json",
            "the repository's shared kit state (locks, features, decision log)",
        ),
        (".git", "a folder holding the repository's shared kit state (locks, features, decision log)"),
    ],
)
def test_what_is_protected(rel: str, kind: str) -> None:
    assert protected_kind(rel, OUT) == kind


@pytest.mark.parametrize(
    "rel",
    ["cmd/api/main.go", ".claude/skills/x/SKILL.md", f"{OUT}/features/f1/MANIFEST.yaml", f"{OUT}/notes.md",
     ".claude/worktrees/agent-1/.claude/settings.json", ".claude/hooksy", "docs/settings.json"],
)  # fmt: skip
def test_what_is_not(rel: str) -> None:
    assert protected_kind(rel, OUT) is None


@pytest.mark.parametrize("subagent", [False, True])
@pytest.mark.parametrize(
    "rel",
    [".claude/hooks/claude-kit.json", ".claude/settings.local.json", ".claude/agents/backend-reviewer.md"],
)
def test_an_edit_of_a_kit_file_is_denied_to_every_caller(kit: Path, rel: str, subagent: bool) -> None:
    decision, reason = decide(kit, write(kit, rel, subagent=subagent))
    assert decision == "deny"
    assert reason.startswith(f"claude-kit: {rel} is ")
    assert "ask the user to make it themselves" in reason
    for hatch in ("CLAUDE_KIT_DISABLE", "enabled: false", "claude-kit sync", "uninstall"):
        assert hatch not in reason
    [rec] = log_records(kit, hook="kit_files")
    assert rec["decision"] == "deny" and rec["file"] == rel


def test_an_edit_of_a_domain_file_or_a_report_is_not_this_checks(kit: Path) -> None:
    assert decide(kit, write(kit, "README.md"))[0] is None
    assert decide(kit, write(kit, f"{OUT}/plan.md"))[0] is None
    assert log_records(kit, hook="kit_files") == []


SHELL_WRITES = [
    "echo '{}' > .claude/hooks/claude-kit.json",
    "printf 'exit 0\\n' > .claude/hooks/run",
    "ln -sf /bin/true .claude/.claude-kit/local/python",
    "echo /bin/true > .claude/.claude-kit/local/python",
    "rm -f .claude/agents/backend-developer.md",
    "rm -rf .claude/.claude-kit/local/state",
    "rm -rf .claude",
    "sed -i 's/enabled: true/enabled: false/' .claude/claude-kit.yaml",
    'echo \'{"env": {"CLAUDE_KIT_OFF": "1"}}\' | tee .claude/settings.local.json',
    "cp /tmp/empty.json .claude/settings.json",
    "mv .claude/hooks/stop.py /tmp/",
    "python3 -c \"open('.git/claude-kit/features/active.json', 'w').write('{}')\"",
    "cd .claude && echo x > settings.json",
]
USER_ONLY = [
    "claude-kit uninstall",
    "claude-kit update",
    "/home/u/.venv/bin/claude-kit feature mark 20261121-x --status complete",
    "true && python3 -m claude_kit loop cancel",
    "claude-kit user-hooks uninstall",
    "env -u CLAUDECODE claude-kit uninstall",
    "CLAUDE_KIT_DISABLE=1 claude -p 'edit main.go'",
    "export CLAUDE_KIT_DISABLE_HOOKS=agent_first; git status",
    "claude -p 'fix cmd/api/main.go' --agent backend-developer",
    "claude --agent backend-developer",
]


@pytest.mark.parametrize("command", SHELL_WRITES + USER_ONLY)
def test_a_shell_change_to_the_kit_or_its_switches_is_denied_to_every_caller(kit: Path, command: str) -> None:
    for subagent in (False, True):
        decision, reason = decide(kit, bash(kit, command, subagent=subagent))
        assert decision == "deny", command
        assert "ask the user" in reason
        assert ("this command writes" in reason) == (command in SHELL_WRITES)


@pytest.mark.parametrize(
    "command",
    [
        "claude-kit sync",  # compiles the protected config; the CLI refuses a rule change in a tool call
        "claude-kit feature start 'Login' --type feature",
        "claude-kit loop status",
        "claude --version",
        "cat .claude/settings.json",
        "grep -r CLAUDE_KIT_DISABLE docs/",
        "ls .claude/agents",
        "echo hi > .claude/.output/notes.md",
        "git diff -- .claude/claude-kit.yaml",
    ],
)
def test_reading_the_kit_and_routine_commands_are_allowed(kit: Path, command: str) -> None:
    assert decide(kit, bash(kit, command)) == (None, "")
    assert log_records(kit, hook="kit_files") == []


def test_the_check_can_be_switched_off_by_the_user(kit: Path) -> None:
    result = run_hook(
        kit, "pre_tool_use", bash(kit, "claude-kit uninstall"), env={"CLAUDE_KIT_DISABLE_HOOKS": "kit_files"}
    )
    assert result.permission is None
