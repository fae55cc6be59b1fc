"""The user's controls stay the user's: inside a Claude Code tool call (CLAUDECODE=1, which the runtime
gives every Bash process) the commands that switch governance off refuse and change nothing; from the
user's terminal they work."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from claude_kit.cli import cli
from tests.hooks.hookrun import install
from tests.installer.kitproc import snapshot

IN_SESSION = {"CLAUDECODE": "1"}


@pytest.fixture
def kit(tmp_repo: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    repo = install(tmp_repo, files={"cmd/api/main.go": "package main\n"})
    monkeypatch.chdir(repo)
    return repo


def run(*args: str, env: dict[str, str] | None = None) -> tuple[int, str]:
    res = CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)
    return res.exit_code, res.output


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (("uninstall",), "uninstall"),
        (("update",), "update"),
        (("feature", "mark", "active", "--status", "complete"), "feature mark"),
        (("loop", "cancel"), "loop cancel"),
        (("user-hooks", "uninstall"), "user-hooks uninstall"),
    ],
)
def test_inside_a_tool_call_the_users_commands_refuse_and_change_nothing(
    kit: Path, args: tuple[str, ...], named: str
) -> None:
    before = snapshot(kit)
    code, out = run(*args, env=IN_SESSION)
    assert code == 2
    assert f"`claude-kit {named}`" in out
    assert "is the user's command and does not run inside a Claude Code session (CLAUDECODE=1)" in out
    assert "ask the user to run it from their own terminal" in out
    assert snapshot(kit) == before


def test_from_the_users_terminal_uninstall_works(kit: Path) -> None:
    code, out = run("uninstall")
    assert code == 0, out
    assert not (kit / ".claude/hooks/run").exists()


def test_sync_in_a_tool_call_regenerates_but_does_not_apply_a_rule_change(kit: Path) -> None:
    assert run("sync", env=IN_SESSION)[0] == 0  # nothing the hooks enforce changes: allowed
    yaml = kit / ".claude/claude-kit.yaml"
    yaml.write_text(yaml.read_text() + "hooks:\n  agent_first: {enabled: false}\n")
    compiled = (kit / ".claude/hooks/claude-kit.json").read_bytes()
    code, out = run("sync", env=IN_SESSION)
    assert code == 2 and "`claude-kit sync` would change the rules the hooks enforce" in out
    assert (kit / ".claude/hooks/claude-kit.json").read_bytes() == compiled
    code, out = run("sync")  # the user's terminal
    assert code == 0, out
    assert (kit / ".claude/hooks/claude-kit.json").read_bytes() != compiled
