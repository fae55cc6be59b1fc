"""PreSkillShellCommand (Claude Code 2.1.332+): a skill's shell line gets the Bash checks, and what
Bash would only warn about refuses the line (on the captured payload)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.hooks.hookrun import fixture, kit_repo, log_records, run_hook

SPAWN = 'Agent(subagent_type="backend-developer", description="Edit cmd/api/main.go"'


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return kit_repo(tmp_path_factory, "skillshell", files={"cmd/api/main.go": "package main\n"})


def _answer(repo: Path, **tool_input: str) -> dict[str, object]:
    result = run_hook(repo, "pre_skill_shell_command", fixture("PreSkillShellCommand", repo, **tool_input))
    assert result.returncode == 0
    return json.loads(result.stdout) if result.stdout else {}


def test_a_line_that_writes_a_domain_file_is_refused_with_the_agent_to_delegate_to(repo: Path) -> None:
    answer = _answer(repo)
    spec = answer["hookSpecificOutput"]
    assert isinstance(spec, dict)
    assert spec["hookEventName"] == "PreSkillShellCommand" and spec["permissionDecision"] == "deny"
    reason = str(spec["permissionDecisionReason"])
    assert reason.startswith(
        "claude-kit: this skill shell line was not run: it writes backend files (cmd/api/main.go), which "
        f"backend-developer changes. Delegate the change: {SPAWN}"
    )
    assert len(reason) < 500  # what the runtime shows of it
    assert "additionalContext" not in spec  # this event takes none
    records = [r for r in log_records(repo) if r["event"] == "PreSkillShellCommand"]
    assert [(r["hook"], r["decision"]) for r in records][-1:] == [
        ("shell_write_warning", "deny"),  # one record of the deny: the Bash check's, as it gave it
    ]
    assert records[-1]["tool_use_id"].startswith("toolu_test_")


@pytest.mark.parametrize(
    "command", ["git status --short", "echo hi > /tmp/out.txt", "sed -n 1p cmd/api/main.go"]
)
def test_lines_that_write_no_domain_file_run(repo: Path, command: str) -> None:
    assert _answer(repo, command=command) == {}


def test_a_subagent_line_gets_what_the_bash_check_gives_a_subagent(repo: Path) -> None:
    payload = fixture("PreSkillShellCommand", repo)
    payload.update(agent_id="a1", agent_type="backend-developer")
    assert run_hook(repo, "pre_skill_shell_command", payload).stdout == ""


def test_a_warning_without_a_file_is_quoted(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import claude_kit_hooks.edit.shell_writes as shell_writes

    def warn(h: object) -> None:
        h.context("shell_write_warning", "claude-kit warning: something")  # type: ignore[attr-defined]

    monkeypatch.setattr(shell_writes, "shell_write_warning", warn)
    reason = _answer(repo)["hookSpecificOutput"]["permissionDecisionReason"]  # type: ignore[index]
    assert reason == (
        "claude-kit: this skill shell line was not run (a skill cannot wait for a warning): "
        "claude-kit warning: something"
    )


def test_the_kill_switch_and_the_check_switch_let_the_line_run(repo: Path) -> None:
    payload = fixture("PreSkillShellCommand", repo)
    assert run_hook(repo, "pre_skill_shell_command", payload, env={"CLAUDE_KIT_DISABLE": "1"}).stdout == ""
    off = {"CLAUDE_KIT_DISABLE_HOOKS": "shell_write_warning"}
    assert run_hook(repo, "pre_skill_shell_command", payload, env=off).stdout == ""


def test_a_line_of_a_command_the_user_typed_is_the_users_own(repo: Path) -> None:
    payload = fixture("PreSkillShellCommand", repo)
    payload["invoked_by"] = "user"  # `/tidy-main` typed by the user, not the model's Skill call
    assert run_hook(repo, "pre_skill_shell_command", payload).stdout == ""
    [rec] = [r for r in log_records(repo) if r["tool_use_id"] == payload["tool_use_id"]]
    assert (rec["hook"], rec["decision"]) == ("skill_shell_line", "allow")


def test_a_line_gets_the_lock_check_too(repo: Path) -> None:
    payload = fixture(
        "PreSkillShellCommand",
        repo,
        command="claude-kit lock release cmd/api/main.go --agent a1aaaaaaaaaaaaaaa",
    )
    answer = run_hook(repo, "pre_skill_shell_command", payload)
    assert answer.permission == "deny"
    assert [r["hook"] for r in log_records(repo) if r["tool_use_id"] == payload["tool_use_id"]] == [
        "lock_commands"
    ]


def test_a_tool_other_than_a_shell_is_not_checked(repo: Path) -> None:
    payload = fixture("PreSkillShellCommand", repo)
    payload["tool_name"] = "Read"
    assert run_hook(repo, "pre_skill_shell_command", payload).stdout == ""
