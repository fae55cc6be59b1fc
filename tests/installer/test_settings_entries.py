"""The kit's hook entries in settings.json: after any command, none runs a kit file that is not there.

A kit entry the user edited is theirs while the kit is installed (kept, and no copy of the kit's added
beside it); uninstall removes it with the rest of the kit and says so; an entry for a dispatcher that
is gone (the user deleted it, or the new kit version has none) is removed and named.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result

from claude_kit.settings_merge import module_of
from tests.conftest import build_file_tree, tree_hashes

CK = Callable[..., Result]
SETTINGS = ".claude/settings.json"
USER_SETTINGS = '{\n  "model": "opus",\n  "env": {"FOO": "1"}\n}\n'


def _settings(repo: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((repo / SETTINGS).read_text())
    return data


def _kit_handlers(repo: Path) -> list[tuple[str, dict[str, Any]]]:
    if not (repo / SETTINGS).exists():
        return []
    return [
        (event, h)
        for event, groups in _settings(repo).get("hooks", {}).items()
        for g in groups
        for h in g["hooks"]
        if module_of(str(h.get("command"))) is not None
    ]


def dangling(repo: Path) -> list[str]:
    """Kit entries that run a file that is not there (the launcher or the event's dispatcher)."""
    out = []
    for event, h in _kit_handlers(repo):
        for rel in (".claude/hooks/run", f".claude/hooks/{module_of(h['command'])}.py"):
            if not (repo / rel).is_file():
                out.append(f"{event}: {rel}")
    return out


def _edit(repo: Path, event: str, **changes: Any) -> None:
    """Edit the kit's handler of `event` by hand (matcher: edits its group's matcher)."""
    data = _settings(repo)
    group = next(g for g in data["hooks"][event] if module_of(str(g["hooks"][0]["command"])))
    if "matcher" in changes:
        group["matcher"] = changes.pop("matcher")
    group["hooks"][0].update(changes)
    (repo / SETTINGS).write_text(json.dumps(data, indent=2) + "\n")


def _ok(ck: CK, *args: str) -> str:
    res = ck(*args)
    assert res.exit_code == 0, res.output
    return res.output


EDITS = {
    "timeout": ("Stop", {"timeout": 500}),
    "matcher": ("PreToolUse", {"matcher": "Edit|Write"}),
    "command": ("SessionStart", {"command": 'sh "${CLAUDE_PROJECT_DIR}/.claude/hooks/run" session_start'}),
}


@pytest.mark.parametrize("with_settings", [False, True], ids=["no settings before", "user settings"])
@pytest.mark.parametrize("edit", EDITS.values(), ids=EDITS.keys())
def test_an_edited_kit_entry_is_removed_by_uninstall_and_named(
    ck: CK, sample_repo: Path, edit: tuple[str, dict[str, Any]], with_settings: bool
) -> None:
    if with_settings:
        build_file_tree(sample_repo, {SETTINGS: USER_SETTINGS})
    before = tree_hashes(sample_repo)
    _ok(ck, "install", str(sample_repo))
    event, changes = edit
    _edit(sample_repo, event, **changes)
    out = _ok(ck, "uninstall", str(sample_repo))
    assert (
        f"removed a kit hook entry not as the kit wrote it (it would run removed kit files): hooks.{event}:"
        in out
    )
    assert dangling(sample_repo) == [] and _kit_handlers(sample_repo) == []
    assert tree_hashes(sample_repo) == before  # settings.json given back byte for byte (or removed)


@pytest.mark.parametrize("edit", EDITS.values(), ids=EDITS.keys())
@pytest.mark.parametrize("command", ["sync", "update", "install"])
def test_an_edited_kit_entry_is_kept_once_while_installed(
    ck: CK, sample_repo: Path, edit: tuple[str, dict[str, Any]], command: str
) -> None:
    _ok(ck, "install", str(sample_repo))
    event, changes = edit
    _edit(sample_repo, event, **changes)
    edited = _settings(sample_repo)
    out = _ok(ck, command, str(sample_repo))
    assert f"hooks.{event}: you edited the kit's entry; yours is kept" in out
    assert _settings(sample_repo) == edited  # no copy of the kit's entry beside the user's
    assert "ok   no kit hook registered twice" in ck("doctor", str(sample_repo)).output
    before = tree_hashes(sample_repo)
    assert "you edited the kit's entry" in _ok(ck, command, str(sample_repo))
    assert tree_hashes(sample_repo) == before


def test_the_next_version_without_a_dispatcher_takes_its_edited_entry_out(
    ck: CK, sample_repo: Path, new_kit: Path
) -> None:
    build_file_tree(sample_repo, {SETTINGS: USER_SETTINGS})
    before = tree_hashes(sample_repo)
    _ok(ck, "install", str(sample_repo))
    _edit(sample_repo, "SubagentStart", timeout=30)
    (new_kit / "hooks/subagent_start.py").unlink()
    out = _ok(ck, "update", str(sample_repo))
    assert not (sample_repo / ".claude/hooks/subagent_start.py").exists()
    assert "removed a kit hook entry whose file is not there: hooks.SubagentStart:" in out
    assert dangling(sample_repo) == []
    assert "SubagentStart" not in _settings(sample_repo)["hooks"]
    _ok(ck, "uninstall", str(sample_repo))
    assert tree_hashes(sample_repo) == before


@pytest.mark.parametrize("deleted", [".claude/hooks/stop.py", ".claude/hooks/run"])
@pytest.mark.parametrize("command", ["sync", "update", "install"])
def test_a_dispatcher_the_user_deleted_is_not_wired(
    ck: CK, sample_repo: Path, deleted: str, command: str
) -> None:
    _ok(ck, "install", str(sample_repo))
    _edit(sample_repo, "Stop", timeout=700)  # edited or not, an entry for a missing file goes
    (sample_repo / deleted).unlink()
    out = _ok(ck, command, str(sample_repo))
    assert "removed a kit hook entry whose file is not there: hooks.Stop:" in out
    assert dangling(sample_repo) == []
    wired = {module_of(h["command"]) for _, h in _kit_handlers(sample_repo)}
    assert "stop" not in wired and (deleted.endswith("stop.py") or wired == set())
    assert not (sample_repo / deleted).exists()  # the user's deletion stands
    _ok(ck, "uninstall", str(sample_repo))
    assert dangling(sample_repo) == []
