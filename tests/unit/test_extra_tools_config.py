"""Team config `extra_tools`: validation with path-qualified errors, the compiled entries the hooks
read, and the settings matchers that make the runtime call the hooks for those tools; a sync after
the team adds or drops a tool rewires the entry, keeping the user's own hooks."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from claude_kit import config, render
from claude_kit.errors import KitError
from tests.conftest import build_file_tree

SRC = ".claude/claude-kit.yaml"
WRITE = "mcp__container-use__environment_file_write"
EXAMPLE = f"""\
version: 1
extra_tools:
  {WRITE}: {{kind: edit, path_field: target_file, root_field: environment_source, workdir: /workdir/}}
  "mcp__cu__*_run_cmd": {{kind: shell, command_field: command}}
  mcp__fs__write.v2: {{kind: edit, path_field: path}}
"""


def _errors(text: str) -> str:
    with pytest.raises(KitError) as info:
        config.parse(text, SRC)
    return info.value.message


def test_the_compiled_entries_list_exact_names_before_globs() -> None:
    compiled = config.compile_config(config.parse(EXAMPLE, SRC), EXAMPLE.encode())

    assert compiled["extra_tools"] == [
        {"tool": WRITE, "regex": None, "kind": "edit", "field": "target_file",
         "root_field": "environment_source", "workdir": "/workdir"},
        {"tool": "mcp__fs__write.v2", "regex": None, "kind": "edit", "field": "path", "root_field": None,
         "workdir": None},
        {"tool": "mcp__cu__*_run_cmd", "regex": "^mcp__cu__.*_run_cmd$", "kind": "shell", "field": "command",
         "root_field": None, "workdir": None},
    ]  # fmt: skip
    assert config.compile_config(config.parse("version: 1\n", SRC), b"")["extra_tools"] == []


@pytest.mark.parametrize(
    ("entry", "expected"),
    [
        ("  mcp__a__w: {kind: edit}\n", f"{SRC}:3: $.extra_tools.mcp__a__w -> 'path_field' is a required"),
        (
            "  mcp__a__r: {kind: shell, path_field: p}\n",
            f"{SRC}:3: $.extra_tools.mcp__a__r -> 'command_field' is",
        ),
        (
            "  mcp__a__w: {kind: edit, path_field: p, command_field: c}\n",
            f"{SRC}:3: $.extra_tools.mcp__a__w.command_field -> kind edit takes path_field, not command",
        ),
        ("  mcp__a__w: {kind: network, path_field: p}\n", "'network' is not one of ['edit', 'shell']"),
        ("  mcp__a__w: {kind: edit, path_field: p, workdir: work}\n", "'work' does not match '^/'"),
        ("  'mcp a w': {kind: edit, path_field: p}\n", f"{SRC}:3: $.extra_tools -> 'mcp a w' does not match"),
        ("  '*': {kind: edit, path_field: p}\n", f"{SRC}:3: $.extra_tools -> '*' matches Edit, Write"),
        (
            "  Bash: {kind: shell, command_field: command}\n",
            "'Bash' matches Bash, which the kit already checks",
        ),
    ],
)
def test_bad_entries_are_refused_with_their_line(entry: str, expected: str) -> None:
    message = _errors("version: 1\nextra_tools:\n" + entry)

    assert message.startswith("invalid config:")
    assert expected in message


def test_the_matchers_name_the_extra_tools() -> None:
    exact = (
        "version: 1\nextra_tools:\n"
        "  mcp__a-b__w: {kind: edit, path_field: p}\n  mcp__a-b__run: {kind: shell, command_field: c}\n"
    )
    entries = {e["event"]: e["matcher"] for e in render.settings_entries(config.parse(exact, SRC))}
    plain = {e["event"]: e["matcher"] for e in render.settings_entries(config.parse("version: 1\n", SRC))}

    # Exact names keep the runtime's exact-name list; PostToolUse only records edits.
    assert entries["PreToolUse"] == plain["PreToolUse"] + "|mcp__a-b__w|mcp__a-b__run"
    assert entries["PostToolUse"] == plain["PostToolUse"] + "|mcp__a-b__w"
    assert entries["PreSkillShellCommand"] == plain["PreSkillShellCommand"]

    globbed = {e["event"]: e["matcher"] for e in render.settings_entries(config.parse(EXAMPLE, SRC))}
    pre = globbed["PreToolUse"]
    assert pre == f"^(?:{plain['PreToolUse']}|{WRITE}|mcp__fs__write\\.v2|mcp__cu__.*_run_cmd)$"
    # As the runtime reads it (a RegExp, the same syntax here): anchored, so Read stays unmatched.
    for tool in ("Edit", "Bash", "Agent", WRITE, "mcp__fs__write.v2", "mcp__cu__env_run_cmd"):
        assert re.search(pre, tool), tool
    for tool in ("Read", "NotebookRead", "mcp__fs__writeXv2", f"{WRITE}_2", "mcp__cu__run_cmd_x"):
        assert not re.search(pre, tool), tool
    assert globbed["PostToolUse"] == f"^(?:{plain['PostToolUse']}|{WRITE}|mcp__fs__write\\.v2)$"


def test_sync_rewires_the_entries_and_keeps_the_users_hooks(
    tmp_repo: Path, ck: Callable[..., Result]
) -> None:
    user_group = {"matcher": "Read", "hooks": [{"type": "command", "command": "echo read"}]}
    build_file_tree(tmp_repo, {".claude/settings.json": json.dumps({"hooks": {"PreToolUse": [user_group]}})})
    assert ck("install", str(tmp_repo)).exit_code == 0
    config_file = tmp_repo / SRC
    config_file.write_text(config_file.read_text() + EXAMPLE.removeprefix("version: 1\n"))

    assert ck("sync", str(tmp_repo)).exit_code == 0
    groups = json.loads((tmp_repo / ".claude/settings.json").read_text())["hooks"]["PreToolUse"]
    assert groups[0] == user_group
    [kit] = [g for g in groups if "pre_tool_use" in g["hooks"][0]["command"]]
    assert WRITE in kit["matcher"]

    config_file.write_text(config_file.read_text().split("extra_tools:")[0])
    assert ck("sync", str(tmp_repo)).exit_code == 0
    groups = json.loads((tmp_repo / ".claude/settings.json").read_text())["hooks"]["PreToolUse"]
    assert groups[0] == user_group
    [kit] = [g for g in groups if "pre_tool_use" in g["hooks"][0]["command"]]
    assert "mcp__" not in kit["matcher"]
