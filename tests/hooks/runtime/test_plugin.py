"""runtime/plugin: a dispatcher in the plugin's folder serves the session's project; the plugin's agents
(`governance-kit:<name>`) are the kit's; a project without a compiled config is told once how to set up."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

import session_start
from claude_kit_hooks.contract.naming import PLUGIN_NAME, kit_agent_name
from claude_kit_hooks.runtime import plugin
from claude_kit_hooks.runtime.entry import project_root_of, run
from claude_kit_hooks.runtime.hook import Hook
from claude_kit_hooks.runtime.project import Project, spawn_name
from tests.hooks.runtime.test_entry import project

HOOKS = Path(plugin.__file__).resolve().parents[2]  # the hooks folder these modules were loaded from


def test_a_dispatcher_in_the_plugins_folder_serves_the_sessions_project(tmp_path: Path) -> None:
    plugin_root = tmp_path / "cache/governance-kit/1.0"
    (plugin_root / "hooks").mkdir(parents=True)
    dispatcher = str(plugin_root / "hooks/stop.py")
    env = {"CLAUDE_PLUGIN_ROOT": str(plugin_root), "CLAUDE_PROJECT_DIR": str(tmp_path / "proj")}
    assert project_root_of(dispatcher, env) == str(tmp_path / "proj")
    # A repository install's dispatcher stays its repository's, whatever plugin root the env names.
    installed = str(tmp_path / "repo/.claude/hooks/stop.py")
    (tmp_path / "repo/.claude/hooks").mkdir(parents=True)
    assert project_root_of(installed, env) == str(tmp_path / "repo")


def test_plugin_agents_are_the_kits_by_their_name() -> None:
    assert kit_agent_name(f"{PLUGIN_NAME}:backend-developer") == "backend-developer"
    assert kit_agent_name("other-plugin:backend-developer") == "other-plugin:backend-developer"
    assert kit_agent_name("backend-developer") == "backend-developer"
    hook = Hook("PreToolUse", {"agent_id": "a1", "agent_type": f"{PLUGIN_NAME}:backend-reviewer"}, 0.0,
                Project("/nowhere"))  # fmt: skip
    assert hook.agent_type == "backend-reviewer"


@pytest.fixture
def as_plugin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """These hooks loaded as the plugin's: CLAUDE_PLUGIN_ROOT is the folder above them, with agents."""
    root = HOOKS.parent
    if not (root / "agents/backend-developer.md").is_file():  # pragma: no cover - an odd checkout
        pytest.skip("no agents beside the hooks")
    monkeypatch.setenv("CLAUDE_PLUGIN_ROOT", str(root))
    monkeypatch.setenv("CLAUDE_PROJECT_DIR", str(tmp_path / "proj"))
    return root


def test_the_plugins_agents_exist_and_are_spawned_by_their_qualified_name(
    as_plugin: Path, tmp_path: Path
) -> None:
    proj = Project(str(tmp_path / "proj"))
    assert proj.agent_exists("backend-developer") and not proj.agent_exists("nobody-developer")
    assert spawn_name("backend-developer") == f"{PLUGIN_NAME}:backend-developer"
    assert spawn_name("nobody-developer") == "nobody-developer"


def test_without_the_plugin_nothing_changes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CLAUDE_PLUGIN_ROOT", raising=False)
    assert spawn_name("backend-developer") == "backend-developer"
    assert not Project(str(tmp_path)).agent_exists("backend-developer")


def _session_start(root: Path, source: str) -> str:
    out = io.BytesIO()
    stdin = io.BytesIO(json.dumps({"session_id": "s1", "source": source}).encode())
    session_start.main(root=str(root), stdin=stdin, stdout=out)
    return out.getvalue().decode()


def test_an_unconfigured_project_is_told_once_how_to_set_up(as_plugin: Path, tmp_path: Path) -> None:
    bare = tmp_path / "proj"
    bare.mkdir()
    assert json.loads(_session_start(bare, "startup")) == {"systemMessage": plugin.SETUP_NOTICE}
    assert _session_start(bare, "compact") == "" and _session_start(bare, "clear") == ""
    assert list(bare.iterdir()) == []  # no state, no log: the kit governs nothing here
    # A configured project gets its briefing, not the notice.
    configured = project(tmp_path, "configured")
    assert plugin.SETUP_NOTICE not in _session_start(configured, "startup")


def test_a_repository_installs_session_start_says_nothing_without_a_config(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CLAUDE_PLUGIN_ROOT", raising=False)
    assert _session_start(tmp_path, "startup") == ""
    assert run("SessionStart", [], root=str(tmp_path), stdin=io.BytesIO(b"{}"), stdout=io.BytesIO()) == 0


def test_the_plugins_own_files_are_denied_to_the_edit_tools(as_plugin: Path, tmp_path: Path) -> None:
    from claude_kit_hooks.edit.kit_files import kit_files
    from tests.hooks.runtime.test_entry import call

    root = project(tmp_path, "proj")
    target = as_plugin / "hooks/run"
    payload = {"session_id": "s1", "tool_name": "Write", "tool_input": {"file_path": str(target)}}
    answer = json.loads(call(root, [kit_files], payload))["hookSpecificOutput"]
    assert answer["permissionDecision"] == "deny"
    assert f"hooks/run is a file of the {PLUGIN_NAME} plugin" in answer["permissionDecisionReason"]
    # A project file is not the plugin's.
    payload["tool_input"] = {"file_path": str(root / "main.go")}
    assert call(root, [kit_files], payload) == ""
