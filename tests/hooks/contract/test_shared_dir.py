"""The repository's shared state folder: one for every checkout (git worktree) of a repository, found
by reading `.git` and `commondir` by hand, never by running git."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from claude_kit_hooks.contract.layout import KitPaths, git_common_dir, shared_dir
from tests.conftest import git, git_repo


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    repo = git_repo(tmp_path / "main")
    (repo / "a.txt").write_text("a\n")
    git(repo, "add", "a.txt")
    git(repo, "commit", "-q", "-m", "one")
    return repo


def test_the_main_checkout_and_a_linked_worktree_share_one_folder(repo: Path, tmp_path: Path) -> None:
    git(repo, "worktree", "add", "-q", "-b", "other", str(tmp_path / "wt"))
    assert shared_dir(str(repo)) == str(repo / ".git" / "claude-kit")
    assert shared_dir(str(tmp_path / "wt")) == str(repo / ".git" / "claude-kit")
    # A worktree of the kind Claude Code makes, inside the project.
    git(repo, "worktree", "add", "-q", "-b", "agent", str(repo / ".claude/worktrees/agent-1"))
    assert shared_dir(str(repo / ".claude/worktrees/agent-1")) == str(repo / ".git" / "claude-kit")


def test_it_agrees_with_git(repo: Path, tmp_path: Path) -> None:
    git(repo, "worktree", "add", "-q", "-b", "other", str(tmp_path / "wt"))
    for where in (repo, tmp_path / "wt"):
        said = git(where, "rev-parse", "--path-format=absolute", "--git-common-dir").strip()
        found = git_common_dir(str(where))
        assert found is not None and os.path.realpath(found[0]) == os.path.realpath(said)


def test_a_project_in_a_subfolder_gets_its_own_place_in_the_repositorys_folder(repo: Path) -> None:
    (repo / "services/api").mkdir(parents=True)
    assert git_common_dir(str(repo / "services/api")) == (str(repo / ".git"), "services/api")
    assert shared_dir(str(repo / "services/api")) == str(repo / ".git/claude-kit/projects/services/api")


def test_outside_git_it_is_the_machine_local_folder(tmp_path: Path) -> None:
    plain = tmp_path / "plain"
    plain.mkdir()
    assert git_common_dir(str(plain)) is None  # pytest's temp folders are outside any repository
    assert shared_dir(str(plain)) == str(plain / ".claude/.claude-kit/local")


def test_a_gitdir_file_without_commondir_is_its_own_repository(tmp_path: Path) -> None:
    # A submodule's checkout: `.git` names its git dir under the superproject, which has no commondir.
    sub = tmp_path / "sub"
    sub.mkdir()
    gitdir = tmp_path / "super/.git/modules/sub"
    gitdir.mkdir(parents=True)
    (sub / ".git").write_text(f"gitdir: {gitdir}\n")
    assert shared_dir(str(sub)) == str(gitdir / "claude-kit")


def test_the_hook_runs_no_git_to_find_it(repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_git(*args: object, **kwargs: object) -> None:
        raise AssertionError("ran a process")

    monkeypatch.setattr(subprocess, "Popen", no_git)
    assert KitPaths(str(repo)).decision_log == str(repo / ".git/claude-kit/log/decisions.jsonl")
