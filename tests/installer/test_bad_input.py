"""Bad input: one clear, path-qualified error, a non-zero exit, and nothing changed."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from tests.conftest import build_file_tree, unchanged

CK = Callable[..., Result]


def refused_install(ck: CK, repo: Path) -> str:
    """`claude-kit install` exits 2 and leaves every file as it was; returns what it said."""
    with unchanged(repo):
        res = ck("install", str(repo))
        assert res.exit_code == 2, res.output
    return res.output


def test_not_a_git_repo(ck: CK, tmp_path: Path) -> None:
    res = ck("install", str(tmp_path))
    assert res.exit_code == 2
    assert f"{tmp_path.resolve()}: not a git repository" in res.output
    assert "git init" in res.output
    assert list(tmp_path.iterdir()) == []


def test_settings_json_not_json(ck: CK, sample_repo: Path) -> None:
    build_file_tree(sample_repo, {".claude/settings.json": '{"model": "opus",\n  "hooks": [}\n'})
    output = refused_install(ck, sample_repo)
    assert ".claude/settings.json:2:" in output and "not valid JSON" in output
    assert "nothing was changed" in output


def test_invalid_yaml_names_the_line(ck: CK, sample_repo: Path) -> None:
    build_file_tree(sample_repo, {".claude/claude-kit.yaml": "version: 1\ndomains:\n  backend: [\n"})
    output = refused_install(ck, sample_repo)
    assert ".claude/claude-kit.yaml:4" in output and "invalid YAML" in output


def test_schema_errors_are_path_qualified(ck: CK, sample_repo: Path) -> None:
    build_file_tree(sample_repo, {".claude/claude-kit.yaml": (
        "version: 1\ndomains:\n  backend:\n    paths: []\ncompaction:\n  deny_percent: 'high'\nlimtis: {}\n"
    )})  # fmt: skip
    output = refused_install(ck, sample_repo)
    assert ".claude/claude-kit.yaml:4: $.domains.backend.paths -> [] should be non-empty" in output
    assert "$.compaction.deny_percent -> 'high' is not of type 'integer'" in output
    assert "'limtis' was unexpected" in output


def _deny_writes_to(monkeypatch: pytest.MonkeyPatch, target: Path) -> None:
    """Root ignores permission bits, so make os.access report `target` as read-only."""
    real_access = os.access
    blocked = target.resolve()

    def access(path: object, mode: int, **kw: object) -> bool:
        if Path(str(path)).resolve() == blocked and mode & os.W_OK:
            return False
        return real_access(path, mode)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "access", access)


def test_read_only_file_changes_nothing(ck: CK, sample_repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    build_file_tree(sample_repo, {"CLAUDE.md": "# Rules\n"})
    _deny_writes_to(monkeypatch, sample_repo / "CLAUDE.md")
    assert "CLAUDE.md: file is read-only; nothing was changed" in refused_install(ck, sample_repo)


def test_read_only_folder_changes_nothing(ck: CK, sample_repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _deny_writes_to(monkeypatch, sample_repo)
    assert "folder is not writable; nothing was changed" in refused_install(ck, sample_repo)


def test_update_without_install(ck: CK, sample_repo: Path) -> None:
    res = ck("update", str(sample_repo))
    assert res.exit_code == 2 and "not installed here" in res.output and "claude-kit install" in res.output
