"""settings.json merge as pure data: idempotent, exactly reversible, the user's keys and hooks untouched."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from claude_kit import render, settings_merge
from claude_kit.settings_merge import (
    command_for,
    drop_kit_handlers,
    edited_entries,
    is_kit_handler,
    merge_hooks,
    module_of,
    unmerge_hooks,
)

ENTRIES = render.settings_entries()
USER_BASH = {"matcher": "Bash", "hooks": [{"type": "command", "command": "python3 my_guard.py"}]}
USER_KIT_MATCHER = {
    "matcher": next(e["matcher"] for e in ENTRIES if e["event"] == "PreToolUse"),  # the kit's own
    "hooks": [{"type": "command", "command": "./lint.sh", "timeout": 5}],
}

SHAPES: dict[str, dict[str, Any]] = {
    "empty": {},
    "other keys only": {"model": "opus", "env": {"FOO": "1"}, "permissions": {"allow": ["Bash(ls)"]}},
    "empty hooks": {"model": "opus", "hooks": {}},
    "empty event lists": {"hooks": {"PreToolUse": [], "Stop": []}, "model": "opus"},
    "user hooks": {"hooks": {"PreToolUse": [USER_BASH]}, "env": {"A": "b"}},
    "user group with the kit's matcher": {"hooks": {"PreToolUse": [USER_KIT_MATCHER]}},
    "user group without matcher": {
        "hooks": {"SessionStart": [{"hooks": [{"type": "command", "command": "echo hi"}]}]}
    },
    "unrelated events": {"hooks": {"Notification": [{"hooks": [{"type": "command", "command": "notify"}]}]}},
    "non-ascii": {"outputStyle": "Erklärung ✓", "hooks": {"Stop": [USER_BASH]}},
    "hooks first": {"hooks": {"PostToolUse": [USER_BASH]}, "model": "sonnet", "z": [1, 2, {"y": None}]},
}


def _kit_handlers(settings: dict[str, Any]) -> list[tuple[str, str]]:
    return [
        (event, h["command"])
        for event, groups in settings.get("hooks", {}).items()
        for g in groups
        for h in g.get("hooks", [])
        if is_kit_handler(h)
    ]


@pytest.mark.parametrize("shape", SHAPES.values(), ids=SHAPES.keys())
def test_unmerge_of_merge_is_identity(shape: dict[str, Any]) -> None:
    original = copy.deepcopy(shape)
    merged, created = merge_hooks(shape, ENTRIES)
    assert shape == original  # inputs are never mutated
    assert len(_kit_handlers(merged)) == len(ENTRIES)
    restored = unmerge_hooks(merged, ENTRIES, created)
    assert restored == original
    # Same bytes after serialising: key order is part of equality here.
    assert json.dumps(restored) == json.dumps(original)


@pytest.mark.parametrize("shape", SHAPES.values(), ids=SHAPES.keys())
def test_merge_is_idempotent(shape: dict[str, Any]) -> None:
    once, created = merge_hooks(shape, ENTRIES)
    twice, created_again = merge_hooks(once, ENTRIES)
    assert json.dumps(twice) == json.dumps(once)
    assert created_again == []
    # Unmerging the twice-merged settings with what the *first* merge created still restores the input.
    assert json.dumps(unmerge_hooks(twice, ENTRIES, created)) == json.dumps(shape)


def test_key_order_and_user_groups_are_kept() -> None:
    shape = {"model": "opus", "hooks": {"Stop": [USER_BASH], "PreToolUse": [USER_KIT_MATCHER]}, "env": {}}
    merged, _ = merge_hooks(shape, ENTRIES)
    assert list(merged) == ["model", "hooks", "env"]
    # Existing events keep their place; new ones are appended after them.
    assert list(merged["hooks"])[:2] == ["Stop", "PreToolUse"]
    # The user's group with the very matcher the kit uses is not edited: the kit adds its own group.
    pre = merged["hooks"]["PreToolUse"]
    assert pre[0] == USER_KIT_MATCHER
    assert pre[1]["matcher"] == USER_KIT_MATCHER["matcher"]
    assert [h["command"] for h in pre[1]["hooks"]] == [command_for("pre_tool_use")]


def test_created_containers_are_removed_only_when_the_kit_created_them() -> None:
    merged, created = merge_hooks({}, ENTRIES)
    assert "hooks" in created and "hooks.PreToolUse" in created
    assert unmerge_hooks(merged, ENTRIES, created) == {}
    # Without the record, empty containers stay: they might be the user's.
    assert unmerge_hooks(merged, ENTRIES, ()) == {"hooks": {e["event"]: [] for e in ENTRIES}}


def test_user_hook_added_after_install_survives_unmerge() -> None:
    merged, created = merge_hooks({}, ENTRIES)
    merged["hooks"]["Stop"].append(USER_BASH)
    assert unmerge_hooks(merged, ENTRIES, created) == {"hooks": {"Stop": [USER_BASH]}}


def _edit_stop(settings: dict[str, Any]) -> dict[str, Any]:
    stop = next(g for g in settings["hooks"]["Stop"] if _kit_handlers({"hooks": {"Stop": [g]}}))
    stop["hooks"][0]["timeout"] = 500  # the user changed the kit's entry by hand
    return stop["hooks"][0]  # type: ignore[no-any-return]


def test_unmerge_leaves_an_edited_kit_entry_and_drop_takes_it_out() -> None:
    merged, created = merge_hooks({"model": "opus"}, ENTRIES)
    edited = _edit_stop(merged)
    restored = unmerge_hooks(merged, ENTRIES, created)
    assert restored == {"model": "opus", "hooks": {"Stop": [{"hooks": [edited]}]}}
    dropped, removed = drop_kit_handlers(restored, lambda module: False, created)
    assert dropped == {"model": "opus"}
    assert removed == [f"hooks.Stop: {json.dumps(edited)}"]


def test_merge_keeps_an_edited_kit_entry_and_adds_no_copy() -> None:
    merged, created = merge_hooks({}, ENTRIES)
    _edit_stop(merged)
    stop = next(e for e in ENTRIES if e["event"] == "Stop")
    assert edited_entries(merged, ENTRIES) == [stop]
    again, created_again = merge_hooks(merged, ENTRIES)
    assert again == merged and created_again == []
    # Entries whose event holds no kit handler for their module are added as usual.
    del merged["hooks"]["PreCompact"]
    assert len(_kit_handlers(merge_hooks(merged, ENTRIES)[0])) == len(ENTRIES)


def test_drop_keeps_the_modules_asked_for_and_every_user_hook() -> None:
    shape = {"hooks": {"Stop": [USER_BASH], "PreToolUse": [USER_KIT_MATCHER]}}
    merged, created = merge_hooks(shape, ENTRIES)
    merged["hooks"]["Stop"][0]["hooks"].append({"type": "command", "command": command_for("stop")})
    dropped, removed = drop_kit_handlers(merged, lambda module: module != "stop", created)
    assert ("Stop", command_for("stop")) not in _kit_handlers(dropped)
    assert len(_kit_handlers(dropped)) == len(ENTRIES) - 1
    assert dropped["hooks"]["Stop"] == [USER_BASH] and dropped["hooks"]["PreToolUse"][0] == USER_KIT_MATCHER
    assert len(removed) == 2 and all(r.startswith("hooks.Stop: ") for r in removed)
    assert drop_kit_handlers({"model": "x"}, lambda module: False) == ({"model": "x"}, [])


def test_entries_removed_by_the_user_are_not_an_error() -> None:
    merged, created = merge_hooks({}, ENTRIES)
    del merged["hooks"]["PreToolUse"]
    assert unmerge_hooks(merged, ENTRIES, created) == {}


def test_unmerge_tolerates_settings_without_hooks() -> None:
    assert unmerge_hooks({"model": "x"}, ENTRIES, ["hooks"]) == {"model": "x"}


def test_kit_commands_hold_no_machine_path_and_are_recognised() -> None:
    for entry in ENTRIES:
        cmd = entry["handler"]["command"]
        assert cmd.startswith('sh "${CLAUDE_PROJECT_DIR}/.claude/hooks/run" ')
        assert is_kit_handler(entry["handler"])
    assert not is_kit_handler({"type": "command", "command": "python3 .claude/hooks/mine.py"})
    assert not is_kit_handler({"type": "command", "command": "sh .claude/hooks/runner x"})
    assert not is_kit_handler("sh .claude/hooks/run x")
    assert is_kit_handler({"type": "command", "command": "sh .claude/hooks/run stop"})
    assert module_of(command_for("subagent_stop")) == "subagent_stop"
    assert module_of("sh .claude/hooks/run stop") == "stop"
    assert module_of("python3 .claude/hooks/mine.py") is None


def test_missing_launcher_is_a_non_blocking_error(tmp_path: Path) -> None:
    """`sh` exits 2 on a missing script, which Claude Code reads as a block; the command turns it into 1."""
    import os
    import subprocess

    env = {**os.environ, "CLAUDE_PROJECT_DIR": str(tmp_path)}
    bare = subprocess.run(
        ["sh", "-c", f'sh "{tmp_path}/.claude/hooks/run" stop'], env=env, capture_output=True
    )
    assert bare.returncode == 2
    proc = subprocess.run(["sh", "-c", command_for("stop")], env=env, capture_output=True)
    assert proc.returncode == 1


@pytest.mark.parametrize(
    ("text", "indent"),
    [
        ('{\n    "a": 1\n}\n', 4),
        ('{\n\t"a": 1\n}\n', "\t"),
        ('{\n  "a": 1\n}\n', 2),
        ('{"a": 1}', 2),
    ],
)
def test_dumps_keeps_the_files_indent(text: str, indent: int | str) -> None:
    assert settings_merge.detect_indent(text) == indent
    data = {"a": {"b": "ü"}}
    out = settings_merge.dumps(data, like=text)
    assert out == json.dumps(data, indent=indent, ensure_ascii=False) + "\n"
    assert "ü" in out
