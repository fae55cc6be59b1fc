"""install / uninstall edge cases found in review: the team's own config, undecodable files, hook shapes."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from claude_kit import lifecycle, manifest, status
from claude_kit.errors import KitError
from claude_kit_hooks.contract.records import Manifest
from tests.conftest import build_file_tree, git, tree_hashes, unchanged

CONFIG = "version: 1\ndomains:\n  api:\n    paths: ['api/**/*.go']\n"


def test_config_written_before_install_survives_uninstall(tmp_repo: Path) -> None:
    build_file_tree(tmp_repo, {".claude/claude-kit.yaml": CONFIG, "api/x.go": "package api\n"})
    before = tree_hashes(tmp_repo)
    assert lifecycle.install(tmp_repo) == 0
    assert "api/**/*.go" in (tmp_repo / ".claude/hooks/claude-kit.json").read_text()
    assert lifecycle.install(tmp_repo) == 0
    assert lifecycle.uninstall(tmp_repo) == 0
    assert tree_hashes(tmp_repo) == before


def test_config_that_is_not_utf8_is_a_clear_error(tmp_repo: Path) -> None:
    build_file_tree(tmp_repo, {".claude/claude-kit.yaml": b"version: 1\n# \xff\n"})
    not_utf8 = r"claude-kit\.yaml: not UTF-8 text .*nothing was changed"
    with unchanged(tmp_repo), pytest.raises(KitError, match=not_utf8):
        lifecycle.install(tmp_repo)


def test_uninstall_with_undecodable_claude_md_changes_nothing(tmp_repo: Path) -> None:
    assert lifecycle.install(tmp_repo) == 0
    (tmp_repo / "CLAUDE.md").write_bytes(b"\xfe\xff broken\n")
    with unchanged(tmp_repo), pytest.raises(KitError, match=r"CLAUDE\.md: not UTF-8"):
        lifecycle.uninstall(tmp_repo)


def test_settings_with_a_malformed_hooks_section_changes_nothing(tmp_repo: Path) -> None:
    build_file_tree(tmp_repo, {".claude/settings.json": '{"hooks": {"PreToolUse": {"matcher": "Bash"}}}'})
    with unchanged(tmp_repo), pytest.raises(KitError, match=r"\$\.hooks\.PreToolUse must be a list"):
        lifecycle.install(tmp_repo)


def test_deleted_claude_md_is_not_recreated_by_update(tmp_repo: Path) -> None:
    assert lifecycle.install(tmp_repo) == 0
    (tmp_repo / "CLAUDE.md").unlink()
    assert lifecycle.install(tmp_repo, require_installed=True) == 0
    assert not (tmp_repo / "CLAUDE.md").exists()


def test_teammate_clone_gets_a_clean_tree_and_nothing_missing(tmp_repo: Path, tmp_path: Path) -> None:
    build_file_tree(tmp_repo, {"main.go": "package main\n"})
    assert lifecycle.install(tmp_repo) == 0
    git(tmp_repo, "add", "-A")
    git(tmp_repo, "commit", "-qm", "kit")
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(tmp_repo), str(clone)], check=True)
    st = status.collect_status(clone)
    assert st["missing"] == [] and st["modified"] == []
    before = tree_hashes(clone)
    assert lifecycle.install(clone, require_installed=True) == 0
    after = tree_hashes(clone)
    after.pop(".claude/.claude-kit/local/install.lock", None)  # machine-local, git-ignored
    assert after == before
    # A hook run writes machine-local state (interpreter cache, log): git must not see it.
    hook = subprocess.run(
        ["sh", str(clone / ".claude/hooks/run"), "session_start"],
        input='{"session_id": "s", "hook_event_name": "SessionStart", "source": "startup"}',
        capture_output=True,
        text=True,
        env={**os.environ, "CLAUDE_PROJECT_DIR": str(clone)},
        check=False,
    )
    assert hook.returncode == 0 and hook.stdout, hook.stderr
    assert (clone / ".claude/.claude-kit/local/python").is_file()
    assert git(clone, "status", "--porcelain") == ""


@pytest.mark.parametrize("command", [lifecycle.install, lifecycle.update, lifecycle.sync])
def test_the_manifest_is_read_once_per_command(
    tmp_repo: Path, monkeypatch: pytest.MonkeyPatch, command: Callable[[Path], int]
) -> None:
    build_file_tree(tmp_repo, {".claude/claude-kit.yaml": CONFIG, "api/x.go": "package api\n"})
    assert lifecycle.install(tmp_repo) == 0
    reads: list[Path] = []
    real = manifest.load

    def counting(root: Path) -> Manifest | None:
        reads.append(root)
        return real(root)

    monkeypatch.setattr(manifest, "load", counting)
    assert command(tmp_repo) == 0
    assert len(reads) == 1
