"""Extra write tools in real Claude Code sessions (issue 14): under container-use every edit and
command is an MCP tool call, which no Edit/Write/Bash matcher sees. With the team config's
`extra_tools` mapping (the container-use example of docs/configuration.md), the runtime calls the
kit's hooks for those tools and they get the Edit and Bash checks: the main thread's write to a domain
file is denied, its developer's is allowed and tracked, the Stop asks for review, and a command that
writes the kit's own files is denied.

The MCP server is tests/e2e/mcp_files_server.py (container-use's tool names and fields), started by
the runtime from `--mcp-config`.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from claude_kit.fakeapi import Script, call, say
from claude_kit.session_runner import SessionResult
from tests.e2e.kitrepo import BACKEND_CONFIG, decisions, install_kit, run_ok, spawn
from tests.e2e.kitrepo import main_texts as texts
from tests.e2e.kitrepo import verdict as kit_verdict
from tests.e2e.mcp_files_server import RUN_TOOL, WRITE_TOOL, mcp_config

pytestmark = pytest.mark.e2e

MAIN_GO = "package main\n\nfunc main() {}\n"
NEW_GO = "package main\n\nfunc main() { run() }\n"
DEV = "backend-cu-developer"
# The documented container-use mapping, as a team would paste it, and a developer agent that may use
# its tools (the kit's own agents list only the built-in ones).
EXAMPLE = """\
extra_tools:
  mcp__container-use__environment_file_write:
    {kind: edit, path_field: target_file, root_field: environment_source, workdir: /workdir}
  mcp__container-use__environment_file_edit:
    {kind: edit, path_field: target_file, root_field: environment_source, workdir: /workdir}
  mcp__container-use__environment_file_delete:
    {kind: edit, path_field: target_file, root_field: environment_source, workdir: /workdir}
  mcp__container-use__environment_run_cmd:
    {kind: shell, command_field: command, root_field: environment_source}
"""
CONFIG = BACKEND_CONFIG + f"    agents: {{developer: {DEV}}}\n" + EXAMPLE
# The command tool named by a glob: the settings matcher becomes an anchored regex.
GLOB_CONFIG = CONFIG.replace("mcp__container-use__environment_run_cmd:", '"mcp__container-use__*_run_cmd":')
AGENT = f"""\
---
name: {DEV}
description: Makes backend changes inside a container-use environment.
tools: Read, {WRITE_TOOL}, {RUN_TOOL}
---
Make the backend change you are given with the container-use tools.
"""
FILES = {"cmd/api/main.go": MAIN_GO, f".claude/agents/{DEV}.md": AGENT}


def verdict(role: str) -> str:
    return kit_verdict(role, "PASS", f"{role} passed")


def run(repo: Path, home: Path, claude_bin: Path, script: Script) -> SessionResult:
    servers = mcp_config(home.parent / "mcp.json")
    return run_ok(
        repo, home, claude_bin, script, prompt="change the api", timeout=180,
        extra_args=["--mcp-config", str(servers), "--strict-mcp-config"],
    )  # fmt: skip


def test_main_thread_mcp_write_is_denied_and_the_developers_is_tracked_and_reviewed(
    tmp_repo: Path, isolated_home: Path, claude_bin: Path
) -> None:
    install_kit(tmp_repo, config=CONFIG, files=FILES)
    target = tmp_repo / "cmd/api/main.go"
    write = {"environment_source": str(tmp_repo), "target_file": "cmd/api/main.go", "contents": NEW_GO}
    # The container's own name for the repository: still the project's file.
    in_container = {**write, "target_file": "/workdir/cmd/api/main.go"}
    script = Script(
        main=[
            call(WRITE_TOOL, write),
            call(WRITE_TOOL, in_container),
            spawn("DEV", DEV, "make main call run()"),
            say("Implemented."),
            spawn("REVIEW", "backend-reviewer", "review cmd/api/main.go"),
            spawn("TEST", "backend-tester", "test cmd/api/main.go"),
            say("Reviewed and tested."),
        ],
        agents={
            "DEV": [call(WRITE_TOOL, write), say("main now calls run().")],
            "REVIEW": [say(verdict("review"))],
            "TEST": [say(verdict("testing"))],
        },
    )

    result = run(tmp_repo, isolated_home, claude_bin, script)

    sid = result.session_id
    denied = texts(result)[1]
    assert "claude-kit: cmd/api/main.go is a backend file. The main thread coordinates" in denied
    assert f'Spawn it: Agent(subagent_type="{DEV}"' in denied
    assert "cmd/api/main.go is a backend file" in texts(result)[2]
    assert [e.tool for e in result.tool_errors()][:2] == [WRITE_TOOL, WRITE_TOOL]
    denies = decisions(tmp_repo, session_id=sid, hook="agent_first", decision="deny")
    assert [(d["tool"], d["file"]) for d in denies] == [(WRITE_TOOL, "cmd/api/main.go")] * 2
    # The developer's write went through and was recorded by PostToolUse, as an Edit is: the Stop
    # asks for its review without calling it a change made outside Edit/Write.
    assert target.read_text() == NEW_GO
    [allowed] = decisions(tmp_repo, session_id=sid, hook="agent_first", decision="allow", agent_type=DEV)
    assert allowed["tool"] == WRITE_TOOL and allowed["file"] == "cmd/api/main.go"
    blocked = texts(result)[4]
    assert "claude-kit feedback loop" in blocked and "cmd/api/main.go" in blocked
    assert 'call the Agent tool with subagent_type "backend-reviewer"' in blocked
    assert "Changed outside Edit/Write" not in blocked
    assert decisions(tmp_repo, session_id=sid, hook="track_modifications", decision="warn") == []
    blocks = decisions(tmp_repo, session_id=sid, event="Stop", decision="block")
    assert [b["hook"] for b in blocks] == ["feedback_loop"]
    assert decisions(tmp_repo, session_id=sid, hook="stop_gate", decision="allow")


def test_mcp_commands_that_write_kit_or_domain_files_are_denied(
    tmp_repo: Path, isolated_home: Path, claude_bin: Path
) -> None:
    install_kit(tmp_repo, config=GLOB_CONFIG, files=FILES)
    matchers = [
        g["matcher"]
        for g in json.loads((tmp_repo / ".claude/settings.json").read_text())["hooks"]["PreToolUse"]
    ]
    assert any(m.startswith("^(?:") and m.endswith("|mcp__container-use__.*_run_cmd)$") for m in matchers)
    config = (tmp_repo / ".claude/claude-kit.yaml").read_text()
    source = {"environment_source": str(tmp_repo)}
    script = Script(
        main=[
            call(RUN_TOOL, {**source, "command": "echo 'hooks: {}' >> .claude/claude-kit.yaml"}),
            call(RUN_TOOL, {**source, "command": "sed -i 's/main() {}/main() { run() }/' cmd/api/main.go"}),
            call(RUN_TOOL, {**source, "command": "ls cmd/api"}),
            say("I will delegate the change."),
        ]
    )

    result = run(tmp_repo, isolated_home, claude_bin, script)

    assert (tmp_repo / ".claude/claude-kit.yaml").read_text() == config
    assert (tmp_repo / "cmd/api/main.go").read_text() == MAIN_GO
    after = texts(result)
    assert "this command writes .claude/claude-kit.yaml (>>), which is" in after[1]
    assert "claude-kit: this command writes backend files: cmd/api/main.go (sed -i)." in after[2]
    assert "main.go" in after[3]  # the harmless command ran
    assert [e.tool for e in result.tool_errors()] == [RUN_TOOL, RUN_TOOL]
    sid = result.session_id
    [kit] = decisions(tmp_repo, session_id=sid, hook="kit_files", decision="deny")
    assert kit["tool"] == RUN_TOOL
    [shell] = decisions(tmp_repo, session_id=sid, hook="shell_write_warning", decision="deny")
    assert shell["tool"] == RUN_TOOL and shell["file"] == "cmd/api/main.go"


def test_the_scenarios_use_the_documented_container_use_mapping() -> None:
    docs = (Path(__file__).resolve().parents[2] / "docs" / "configuration.md").read_text()
    assert "```yaml\n" + EXAMPLE + "```" in docs
