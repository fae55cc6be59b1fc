"""Locating the repository and validating the files the kit merges into: clear, path-qualified errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from claude_kit import repo
from claude_kit.errors import KitError
from tests.conftest import build_file_tree


def test_find_root_from_a_subfolder(tmp_repo: Path) -> None:
    sub = tmp_repo / "a" / "b"
    sub.mkdir(parents=True)
    assert repo.find_root(sub) == tmp_repo.resolve()


def test_find_root_errors(tmp_path: Path) -> None:
    with pytest.raises(KitError, match="no such directory"):
        repo.find_root(tmp_path / "missing")
    plain = tmp_path / "plain"
    plain.mkdir()
    with pytest.raises(KitError) as info:
        repo.find_root(plain)
    assert info.value.message.startswith(f"{plain.resolve()}: not a git repository")
    assert f"git init {plain.resolve()}" in info.value.message


def test_check_settings_accepts_missing_empty_and_valid(tmp_repo: Path) -> None:
    assert repo.check_settings(tmp_repo) is None
    build_file_tree(tmp_repo, {".claude/settings.json": "  \n"})
    assert repo.check_settings(tmp_repo) == {}
    good = '{"hooks": {"Stop": [{"hooks": [{"type": "command", "command": "x"}]}, {"matcher": "B"}]}}'
    build_file_tree(tmp_repo, {".claude/settings.json": good})
    assert repo.check_settings(tmp_repo) is not None


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('{"a": 1,\n "b": }', ".claude/settings.json:2:7: not valid JSON"),
        ("[1, 2]", ".claude/settings.json: must hold a JSON object, found list"),
        ('{"hooks": null}', ".claude/settings.json: $.hooks must be an object"),
        ('{"hooks": []}', ".claude/settings.json: $.hooks must be an object"),
        ('{"hooks": {"Stop": {"hooks": []}}}', ".claude/settings.json: $.hooks.Stop must be a list"),
        ('{"hooks": {"Stop": ["x"]}}', ".claude/settings.json: $.hooks.Stop[0] must be an object"),
        ('{"hooks": {"Stop": [{"hooks": "x"}]}}', ".claude/settings.json: $.hooks.Stop[0] must be an object"),
    ],
)
def test_check_settings_rejects_bad_shapes_with_the_path(tmp_repo: Path, text: str, message: str) -> None:
    build_file_tree(tmp_repo, {".claude/settings.json": text})
    with pytest.raises(KitError) as info:
        repo.check_settings(tmp_repo)
    assert f"{tmp_repo}/{message}" in info.value.message
    assert "nothing was changed" in info.value.message


def test_undecodable_files_are_clear_errors(tmp_repo: Path) -> None:
    build_file_tree(tmp_repo, {".claude/settings.json": b"\xff{}", "CLAUDE.md": b"# \xfe\n"})
    with pytest.raises(KitError, match=r"settings\.json: not UTF-8"):
        repo.check_settings(tmp_repo)
    with pytest.raises(KitError, match=r"CLAUDE\.md: not UTF-8"):
        repo.check_claude_md(tmp_repo)
