"""runtime/extra_tools and the tool-call dispatchers: a tool the team config maps (`extra_tools`) is
checked as the Write or Bash call it amounts to, on the real runtime's MCP payloads (fixtures
PreToolUse-mcp / PostToolUse-mcp); an unmapped tool is not checked at all."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from claude_kit.logrecord import kind_of
from claude_kit_hooks.contract.layout import KitPaths
from claude_kit_hooks.runtime import config as runtime_config
from claude_kit_hooks.stoploop import session_state
from tests.hooks.hookrun import BACKEND, fixture, hook_for, kit_repo, log_records, run_hook

MAIN_GO = "package main\n\nfunc main() {}\n"
WRITE = "mcp__container-use__environment_file_write"
RUN = "mcp__container-use__environment_run_cmd"
CONFIG = (
    BACKEND
    + """\
extra_tools:
  mcp__container-use__environment_file_write:
    {kind: edit, path_field: target_file, root_field: environment_source, workdir: /workdir}
  "mcp__other__*_delete": {kind: edit, path_field: path}
  "mcp__container-use__*": {kind: shell, command_field: command, root_field: environment_source}
"""
)


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return kit_repo(tmp_path_factory, "extra_tools", CONFIG, files={"cmd/api/main.go": MAIN_GO})


def mcp(repo: Path, event: str = "PreToolUse", tool: str = WRITE, **tool_input: Any) -> dict[str, Any]:
    payload = fixture(f"{event}-mcp", repo)
    payload["tool_name"] = tool
    payload["tool_input"] = {"environment_source": str(repo), **tool_input}
    return payload


def resolved(repo: Path, payload: dict[str, Any]) -> tuple[str | None, dict[str, Any], str]:
    from claude_kit_hooks.runtime.extra_tools import resolve

    h = hook_for(repo, "PreToolUse", payload)
    return resolve(h), h.tool_input, h.cwd


def test_an_edit_tool_becomes_a_write_of_its_path_under_its_root(repo: Path) -> None:
    tool, tool_input, cwd = resolved(repo, mcp(repo, target_file="cmd/api/main.go", contents="x"))

    assert tool == "Write"
    assert tool_input == {"file_path": str(repo / "cmd/api/main.go")}
    assert cwd == str(repo)


@pytest.mark.parametrize(
    ("target", "source", "expected"),
    [
        ("/workdir/cmd/api/main.go", None, "cmd/api/main.go"),  # the container's name for the root
        ("/workdir", None, "."),
        ("/workdirx/main.go", None, "/workdirx/main.go"),  # not under /workdir: as given
        ("main.go", "cmd/api", "cmd/api/main.go"),  # a relative root is the session folder's
        ("../escape.go", "cmd", "escape.go"),
        ("", None, ""),  # no path: agent_first allows it as "nothing to check"
    ],
)
def test_paths_map_to_the_project(repo: Path, target: str, source: str | None, expected: str) -> None:
    payload = mcp(repo, target_file=target)
    if source is not None:
        payload["tool_input"]["environment_source"] = source
    _tool, tool_input, _cwd = resolved(repo, payload)

    want = expected if expected == "" or expected.startswith("/") else str(repo / expected)
    assert tool_input["file_path"] == want


def test_exact_names_win_over_globs_and_globs_go_in_order(repo: Path) -> None:
    assert resolved(repo, mcp(repo, tool="mcp__other__file_delete", path="a.go"))[0] == "Write"
    # Matches only "mcp__container-use__*": a shell tool, its command as the Bash command.
    tool, tool_input, cwd = resolved(repo, mcp(repo, tool=RUN, command="ls", environment_source="cmd"))
    assert (tool, tool_input, cwd) == ("Bash", {"command": "ls"}, str(repo / "cmd"))
    assert resolved(repo, mcp(repo, tool="mcp__unmapped__write", target_file="cmd/api/main.go"))[0] is None


def test_a_main_thread_mcp_write_to_a_domain_file_is_denied_as_a_write_is(repo: Path) -> None:
    payload = mcp(repo, target_file="/workdir/cmd/api/main.go", contents="x")

    result = run_hook(repo, "pre_tool_use", payload)

    assert result.permission == "deny"
    assert result.reason.startswith("claude-kit: cmd/api/main.go is a backend file.")
    [rec] = log_records(repo, tool_use_id=payload["tool_use_id"])
    assert (rec["hook"], rec["tool"], rec["file"]) == ("agent_first", WRITE, "cmd/api/main.go")
    # `claude-kit log --kind edit` finds it: the record says what it was checked as.
    assert rec["checked_as"] == "Write" and kind_of(rec) == "edit"  # type: ignore[arg-type]


def test_an_mcp_write_to_the_kit_config_is_denied_to_the_developer_too(repo: Path) -> None:
    payload = mcp(repo, target_file=".claude/claude-kit.yaml", contents="version: 1\n")
    payload.update(agent_id="a1", agent_type="backend-developer")

    result = run_hook(repo, "pre_tool_use", payload)

    assert result.permission == "deny"
    assert ".claude/claude-kit.yaml is" in result.reason


def test_an_mcp_command_that_writes_a_domain_file_is_denied_in_its_root(repo: Path) -> None:
    # Relative to environment_source (cmd/api), not to the session's folder.
    payload = mcp(repo, tool=RUN, command="echo x >> main.go", environment_source=str(repo / "cmd/api"))

    result = run_hook(repo, "pre_tool_use", payload)

    assert result.permission == "deny"
    assert "cmd/api/main.go (>>)" in result.reason


def test_the_developers_mcp_write_is_tracked_for_the_stop_loop(repo: Path) -> None:
    payload = mcp(repo, "PostToolUse", target_file="cmd/api/main.go", contents="x")
    payload.update(agent_id="a1", agent_type="backend-developer", session_id="extra-tools-tracking")

    assert run_hook(repo, "post_tool_use", payload).stdout == ""

    feedback = session_state.read(KitPaths(str(repo)), "extra-tools-tracking", "feedback")
    assert feedback["domains"]["backend"]["files"] == ["cmd/api/main.go"]


def test_an_unmapped_tool_is_not_checked(repo: Path) -> None:
    payload = mcp(repo, tool="mcp__elsewhere__write", target_file="cmd/api/main.go")

    assert run_hook(repo, "pre_tool_use", payload).stdout == ""
    assert log_records(repo, tool_use_id=payload["tool_use_id"]) == []


def test_a_mapped_edit_tool_fails_closed(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from claude_kit_hooks.edit import agent_first

    def broken(h: object) -> None:
        raise OSError("disk gone")

    monkeypatch.setattr(agent_first, "agent_first", broken)
    result = run_hook(repo, "pre_tool_use", mcp(repo, target_file="cmd/api/main.go"))

    assert result.permission == "deny" and "Traceback" not in result.stdout


def test_broken_compiled_entries_are_dropped() -> None:
    good = {"tool": WRITE, "regex": None, "kind": "edit", "field": "p", "root_field": None, "workdir": None}
    broken = [{**good, "kind": "network"}, {**good, "field": 3}, "x", {**good, "regex": 1}]
    raw = {"extra_tools": [good, *broken]}

    assert runtime_config.complete(raw)["extra_tools"] == [good]
    assert runtime_config.complete({"extra_tools": {"a": 1}})["extra_tools"] == []
