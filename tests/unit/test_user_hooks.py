"""`claude-kit user-hooks install | uninstall`: entries in ~/.claude/settings.json with the project
settings' merge guarantees, and the dispatcher that walks up to the nearest installed kit."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from claude_kit import user_hooks
from claude_kit.errors import KitError
from claude_kit_hooks.contract.defaults import HOOK_EVENTS

OWN = {
    "theme": "dark",
    "hooks": {
        "PreToolUse": [{"matcher": "Bash", "hooks": [{"type": "command", "command": "my-check"}]}],
        "Stop": [{"hooks": [{"type": "command", "command": "true"}]}],
    },
}


def _settings(home: Path) -> dict[str, object]:
    return json.loads((home / ".claude/settings.json").read_text())


def test_install_adds_one_entry_per_event_beside_the_users_own_and_uninstall_restores_them(
    tmp_path: Path,
) -> None:
    home = tmp_path / "home"
    (home / ".claude").mkdir(parents=True)
    (home / ".claude/settings.json").write_text(json.dumps(OWN, indent=4))
    assert user_hooks.install(home)
    data = _settings(home)
    hooks = data["hooks"]
    assert isinstance(hooks, dict)
    assert {event for event, _, _ in HOOK_EVENTS.values()} <= set(hooks)
    assert hooks["PreToolUse"][0] == OWN["hooks"]["PreToolUse"][0]  # type: ignore[index]
    assert hooks["PreToolUse"][1]["hooks"][0]["command"] == (  # type: ignore[index]
        'sh "$HOME/.claude/claude-kit/dispatch" pre_tool_use || exit 1'
    )
    assert (home / ".claude/settings.json").read_text().startswith('{\n    "theme"')  # indent kept
    assert os.access(home / ".claude/claude-kit/dispatch", os.X_OK)
    assert user_hooks.installed(home)

    assert user_hooks.install(home) == []  # idempotent: nothing written twice
    assert _settings(home) == data

    assert user_hooks.uninstall(home)
    assert _settings(home) == OWN
    assert not (home / ".claude/claude-kit").exists()
    assert user_hooks.uninstall(home) == []  # a no-op when not installed


def test_containers_the_install_created_go_again(tmp_path: Path) -> None:
    home = tmp_path / "home"
    user_hooks.install(home)
    user_hooks.uninstall(home)
    assert _settings(home) == {}


def test_an_entry_the_user_edited_stays(tmp_path: Path) -> None:
    home = tmp_path / "home"
    user_hooks.install(home)
    data = _settings(home)
    data["hooks"]["Stop"][0]["hooks"][0]["timeout"] = 30  # type: ignore[index]
    (home / ".claude/settings.json").write_text(json.dumps(data))
    user_hooks.uninstall(home)
    assert _settings(home)["hooks"] == {"Stop": [data["hooks"]["Stop"][0]]}  # type: ignore[index]


@pytest.mark.parametrize("text", ["{not json", "[1, 2]"])
def test_unreadable_settings_change_nothing(tmp_path: Path, text: str) -> None:
    home = tmp_path / "home"
    (home / ".claude").mkdir(parents=True)
    (home / ".claude/settings.json").write_text(text)
    with pytest.raises(KitError, match="nothing was changed"):
        user_hooks.install(home)
    assert (home / ".claude/settings.json").read_text() == text
    assert not (home / ".claude/claude-kit/dispatch").exists()


def _dispatch(home: Path, project_dir: Path) -> subprocess.CompletedProcess[str]:
    env = {"PATH": os.environ["PATH"], "CLAUDE_PROJECT_DIR": str(project_dir), "HOME": str(home)}
    return subprocess.run(
        ["sh", str(home / ".claude/claude-kit/dispatch"), "pre_tool_use"],
        capture_output=True, text=True, env=env, check=False, input="{}",
    )  # fmt: skip


def test_the_dispatcher_runs_the_nearest_kit_below_its_root_only(tmp_path: Path) -> None:
    home = tmp_path / "home"
    user_hooks.install(home)
    repo = tmp_path / "repo"
    (repo / ".git").mkdir(parents=True)
    run = repo / ".claude/hooks/run"
    run.parent.mkdir(parents=True)
    # A stand-in launcher that says where it was asked to run.
    run.write_text('echo "ran $1 for $CLAUDE_PROJECT_DIR"\n')
    (repo / "backend/api").mkdir(parents=True)
    nested = repo / "vendor/other"
    (nested / ".git").mkdir(parents=True)

    assert _dispatch(home, repo / "backend/api").stdout == f"ran pre_tool_use for {repo}\n"
    assert _dispatch(home, repo).stdout == ""  # the project's own settings run it there
    assert _dispatch(home, nested).stdout == ""  # another repository: not the outer kit's
    assert _dispatch(home, tmp_path).stdout == ""  # no kit above at all
    assert _dispatch(home, tmp_path).returncode == 0


def test_the_cli_commands(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from click.testing import CliRunner

    from claude_kit.cli import cli

    monkeypatch.setenv("HOME", str(tmp_path))
    runner = CliRunner()
    first = runner.invoke(cli, ["user-hooks", "install"])
    assert first.exit_code == 0 and f"{tmp_path}/.claude/claude-kit/dispatch" in first.output
    assert runner.invoke(cli, ["user-hooks", "install"]).output == "user hooks already installed\n"
    assert "claude-kit hook entries removed" in runner.invoke(cli, ["user-hooks", "uninstall"]).output
    assert runner.invoke(cli, ["user-hooks", "uninstall"]).output == "user hooks not installed\n"


@pytest.mark.parametrize(
    ("command", "crash_at"), [("install", 1), ("install", 2), ("install", 3), ("uninstall", 1)]
)
def test_a_command_killed_between_its_writes_is_completed_or_undone_by_the_next(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, crash_at: int, command: str
) -> None:
    home = tmp_path / "home"
    (home / ".claude").mkdir(parents=True)
    original = json.dumps(OWN, indent=4).encode()
    (home / ".claude/settings.json").write_bytes(original)
    if command == "uninstall":
        user_hooks.install(home)
    real, writes = user_hooks.atomic_write, [0]

    def dies(path: Path, data: bytes, **kw: object) -> None:
        writes[0] += 1
        if writes[0] == crash_at:
            raise KeyboardInterrupt  # the process ends here: nothing after this write happens
        real(path, data, **kw)  # type: ignore[arg-type]

    monkeypatch.setattr(user_hooks, "atomic_write", dies)
    with pytest.raises(KeyboardInterrupt):
        getattr(user_hooks, command)(home)
    monkeypatch.setattr(user_hooks, "atomic_write", real)

    user_hooks.uninstall(home)  # undoes whatever the killed command left
    assert (home / ".claude/settings.json").read_bytes() == original
    assert not (home / ".claude/claude-kit").exists()
