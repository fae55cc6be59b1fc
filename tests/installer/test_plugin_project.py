"""`claude-kit sync --plugin`: a repository the plugin edition serves gets its team config and the
compiled form the plugin's hooks read, and nothing of the repository install."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from claude_kit.cli import cli
from claude_kit_hooks.contract.layout import COMPILED_CONFIG, CONFIG_YAML, LOCAL_DIR
from tests.hooks.hookrun import BACKEND, install


def sync(repo: Path, *args: str) -> tuple[int, str]:
    res = CliRunner().invoke(cli, ["sync", *args, str(repo)])
    return res.exit_code, res.output


def test_sync_plugin_writes_the_config_and_compiles_it(tmp_repo: Path) -> None:
    (tmp_repo / "main.go").write_text("package main\n")
    code, out = sync(tmp_repo, "--plugin")
    assert code == 0, out
    assert f"create    {COMPILED_CONFIG}" in out and f"create    {CONFIG_YAML}" in out
    compiled = json.loads((tmp_repo / COMPILED_CONFIG).read_text())
    assert "backend" in compiled["domains"]  # detected from main.go
    assert (tmp_repo / LOCAL_DIR / ".gitignore").is_file()
    assert sorted(p.name for p in (tmp_repo / ".claude/hooks").iterdir()) == ["claude-kit.json"]
    assert not (tmp_repo / ".claude/settings.json").exists() and not (tmp_repo / ".claude/agents").exists()

    assert sync(tmp_repo, "--plugin") == (0, "nothing to do\n")
    # The team edits the config: the compiled file follows, the config stays theirs.
    (tmp_repo / CONFIG_YAML).write_text(BACKEND + '  frontend:\n    paths: ["ui/**"]\n')
    code, out = sync(tmp_repo, "--plugin")
    assert code == 0 and out == f"update    {COMPILED_CONFIG}\n", out
    assert set(json.loads((tmp_repo / COMPILED_CONFIG).read_text())["domains"]) == {"backend", "frontend"}


def test_plain_sync_in_a_plugin_project_names_sync_plugin(tmp_repo: Path) -> None:
    (tmp_repo / ".claude").mkdir()
    (tmp_repo / CONFIG_YAML).write_text(BACKEND)
    assert sync(tmp_repo, "--plugin")[0] == 0
    code, out = sync(tmp_repo)
    assert code == 2
    assert "its compiled config is the plugin edition's" in out and "claude-kit sync --plugin" in out


def test_sync_plugin_refuses_a_repository_install(tmp_repo: Path) -> None:
    install(tmp_repo)
    before = (tmp_repo / COMPILED_CONFIG).read_bytes()
    code, out = sync(tmp_repo, "--plugin")
    assert code == 2
    assert f"{tmp_repo}: claude-kit is installed in this repository; nothing was changed" in out
    assert (tmp_repo / COMPILED_CONFIG).read_bytes() == before


def test_a_bad_config_is_reported_with_its_path_and_nothing_is_written(tmp_repo: Path) -> None:
    (tmp_repo / ".claude").mkdir()
    (tmp_repo / CONFIG_YAML).write_text("version: 1\ndomains: [oops\n")
    code, out = sync(tmp_repo, "--plugin")
    assert code == 2 and CONFIG_YAML in out
    assert not (tmp_repo / COMPILED_CONFIG).exists()
