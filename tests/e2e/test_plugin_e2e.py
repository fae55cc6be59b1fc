"""The plugin edition in real Claude Code sessions: `claude-kit export plugin` loaded with `--plugin-dir`
in a repository that has the team config (`claude-kit sync --plugin`) but none of the repository
install's files (no .claude/hooks/run, no settings.json entries, no .claude/agents)."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from claude_kit import plugin_export, plugin_project
from claude_kit.fakeapi import Script, Turn, agent_call, call, say
from claude_kit.payload import payload_root
from claude_kit_hooks.contract.layout import CONFIG_YAML
from claude_kit_hooks.contract.naming import PLUGIN_NAME
from claude_kit_hooks.runtime.plugin import SETUP_NOTICE
from tests.e2e.kitrepo import BACKEND_CONFIG, LOOP_OFF, decisions, run_ok

pytestmark = pytest.mark.e2e

MAIN_GO = "package main\n\nfunc main() {}\n"
EDITED_GO = "package main\n\nfunc main() { run() }\n"
DEVELOPER = f"{PLUGIN_NAME}:backend-developer"


@pytest.fixture(scope="module")
def plugin_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    target = tmp_path_factory.mktemp("plugin") / "governance-kit"
    assert plugin_export.export_plugin(target) == 0
    return target


def _project(repo: Path) -> Path:
    """A repository set up for the plugin: the team config compiled, nothing of the repository install."""
    (repo / "cmd/api").mkdir(parents=True)
    (repo / "cmd/api/main.go").write_text(MAIN_GO)
    (repo / CONFIG_YAML).parent.mkdir(parents=True)
    (repo / CONFIG_YAML).write_text(BACKEND_CONFIG + LOOP_OFF)
    assert plugin_project.sync_plugin(repo) == 0
    assert sorted(p.name for p in (repo / ".claude").iterdir()) == [
        ".claude-kit",
        ".output",
        "claude-kit.yaml",
        "hooks",
    ]
    assert [p.name for p in (repo / ".claude/hooks").iterdir()] == ["claude-kit.json"]
    return repo / "cmd/api/main.go"


def test_agent_first_through_the_plugin(
    tmp_repo: Path, isolated_home: Path, claude_bin: Path, plugin_dir: Path
) -> None:
    target = _project(tmp_repo)
    edit = {"file_path": str(target), "old_string": "main() {}", "new_string": "main() { run() }"}
    script = Script(
        main=[
            call("Edit", edit),
            # The plugin's own folder is the kit too: the model may not switch its hooks off there.
            call("Write", {"file_path": str(plugin_dir / "hooks/run"), "content": "exit 0\n"}),
            Turn([agent_call("DEVTASK", "add run() to main", subagent_type=DEVELOPER, background=False)]),
            say("the developer changed it"),
        ],
        agents={"DEVTASK": [call("Read", {"file_path": str(target)}), call("Edit", edit), say("edited")]},
    )

    result = run_ok(
        tmp_repo, isolated_home, claude_bin, script, prompt="change the api", timeout=120,
        extra_args=("--plugin-dir", str(plugin_dir)),
    )  # fmt: skip

    after_edit = result.main_requests()[1].text()
    assert "PreToolUse:Edit hook error" in after_edit, result.describe()
    # The spawn the deny hands the model names the plugin's agent as the runtime knows it.
    assert f'Spawn it: Agent(subagent_type="{DEVELOPER}", description="Edit cmd/api/main.go"' in after_edit
    assert "is a file of the governance-kit plugin" in result.main_requests()[2].text()
    assert (plugin_dir / "hooks/run").read_bytes() == (payload_root() / "hooks/run").read_bytes()
    # The developer's Edit found `main() {}`: the main thread's denied Edit left the file untouched.
    assert target.read_text() == EDITED_GO, result.describe()
    assert result.tool_errors()[2:] == []  # the developer's Read and Edit went through
    records = decisions(tmp_repo, hook="agent_first", tool="Edit")
    assert [(r["decision"], r.get("agent_type")) for r in records] == [
        ("deny", None),
        ("allow", "backend-developer"),
    ]


def test_a_project_without_the_team_config_is_left_alone_and_told_how_to_set_up(
    tmp_repo: Path, isolated_home: Path, claude_bin: Path, plugin_dir: Path
) -> None:
    (tmp_repo / "main.go").write_text(MAIN_GO)
    edit = {
        "file_path": str(tmp_repo / "main.go"),
        "old_string": "main() {}",
        "new_string": "main() { run() }",
    }
    script = Script(main=[call("Edit", edit), say("done")])

    result = run_ok(tmp_repo, isolated_home, claude_bin, script, extra_args=("--plugin-dir", str(plugin_dir)))

    assert (tmp_repo / "main.go").read_text() == EDITED_GO
    assert result.tool_errors() == []
    # A SessionStart systemMessage reaches the user in the transcript (stream-json does not carry it).
    notes = [
        line["attachment"].get("content")
        for line in result.transcript()
        if isinstance(line.get("attachment"), dict)
        and line["attachment"].get("type") == "hook_system_message"
    ]
    assert notes == [SETUP_NOTICE], result.describe()
    assert SETUP_NOTICE not in result.request_texts()  # the user's to act on, not the model's
    assert not (tmp_repo / ".claude").exists()  # nothing written in a project the kit does not govern


def test_the_exported_plugin_passes_claude_plugin_validate(
    tmp_path: Path, claude_bin: Path, plugin_dir: Path
) -> None:
    home = tmp_path / "home"  # validate writes ~/.claude.json
    home.mkdir()

    def validate(*args: str) -> str:
        proc = subprocess.run(
            [str(claude_bin), "plugin", "validate", *args, str(plugin_dir)],
            capture_output=True, text=True, timeout=120, check=False,
            env={**os.environ, "HOME": str(home)},
        )  # fmt: skip
        assert proc.returncode == 0, proc.stdout + proc.stderr
        return proc.stdout

    provides = validate()
    assert f"❯ agents: {DEVELOPER}" in provides
    assert f"❯ skills: {PLUGIN_NAME}:using-the-kit" in provides
    assert 'command "sh \\"${CLAUDE_PLUGIN_ROOT}/hooks/run\\" pre_tool_use || exit 1"' in provides
    report = json.loads(validate("--json"))
    assert report["success"] is True
    assert report["manifest"]["errors"] == [] and report["manifest"]["warnings"] == []
    assert [item["errors"] for item in report["contents"] if item["errors"]] == []
