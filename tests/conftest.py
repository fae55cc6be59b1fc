"""Shared fixtures: real temporary git repos, an isolated HOME, and the CLI runner."""

from __future__ import annotations

import contextlib
import hashlib
import os
import subprocess
import threading
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TypeVar

import pytest
from click.testing import CliRunner, Result

# Resolve the Claude Code cache from the real HOME before any test isolates HOME.
os.environ.setdefault("CLAUDE_KIT_CACHE", str(Path.home() / ".cache" / "claude-kit"))

REPO_ROOT = Path(__file__).resolve().parent.parent
T = TypeVar("T")


@pytest.fixture(autouse=True)
def isolate_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """No test may read or write the developer's real ~/.claude or ~/.cache."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / ".cache"))
    monkeypatch.delenv("CLAUDE_KIT_DISABLE", raising=False)
    monkeypatch.delenv("CLAUDE_KIT_DISABLE_HOOKS", raising=False)
    monkeypatch.delenv("CLAUDECODE", raising=False)  # a test run from a Claude Code session is the user's
    return home


def git(repo: Path, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True, text=True).stdout


def git_repo(path: Path) -> Path:
    """`path` (created if needed) as a git repository with a local identity, so commits work
    without a global git config."""
    path.mkdir(parents=True, exist_ok=True)
    git(path, "init", "-q")
    git(path, "config", "user.email", "test@example.invalid")
    git(path, "config", "user.name", "Test")
    return path


@pytest.fixture
def tmp_repo(tmp_path: Path) -> Path:
    """An empty git repository (unit and e2e tests alike; e2e sessions get their HOME from run_session)."""
    return git_repo(tmp_path / "repo")


def build_file_tree(root: Path, files: dict[str, str | bytes]) -> None:
    for rel, content in files.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            p.write_bytes(content)
        else:
            p.write_text(content)


def tree_hashes(root: Path) -> dict[str, str]:
    """Every file below root (outside .git) -> sha256: compares whole trees byte for byte."""
    out = {}
    for p in sorted(root.rglob("*")):
        if ".git" in p.relative_to(root).parts[:1] or not p.is_file():
            continue
        out[p.relative_to(root).as_posix()] = hashlib.sha256(p.read_bytes()).hexdigest()
    return out


@contextlib.contextmanager
def unchanged(root: Path) -> Iterator[None]:
    """Asserts that the block leaves every file below root (outside .git) byte for byte as it was."""
    before = tree_hashes(root)
    yield
    assert tree_hashes(root) == before


def concurrently(work: Callable[[T], object], items: Iterable[T]) -> list[BaseException]:
    """Runs work(item) for every item in its own thread, all at once; returns what they raised."""
    errors: list[BaseException] = []

    def run(item: T) -> None:
        try:
            work(item)
        except BaseException as exc:  # pragma: no cover - reported by the caller
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(item,)) for item in items]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return errors


@pytest.fixture
def sample_repo(tmp_repo: Path) -> Path:
    build_file_tree(tmp_repo, {
        "cmd/api/main.go": "package main\n\nfunc main() {}\n",
        "internal/store/store.go": "package store\n",
        "ui/src/App.tsx": "export function App() { return null }\n",
        "tools/gen.py": "print('gen')\n",
        "README.md": "# sample\n",
    })  # fmt: skip
    return tmp_repo


@pytest.fixture
def ck() -> Iterator[Callable[..., Result]]:
    from claude_kit.cli import cli

    runner = CliRunner()

    def invoke(*args: str) -> Result:
        return runner.invoke(cli, list(args), catch_exceptions=False)

    yield invoke
