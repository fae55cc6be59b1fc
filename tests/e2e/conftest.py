"""Fixtures for scenarios that drive the real Claude Code CLI against the scripted fake API.

`tmp_repo` (an empty git repository) comes from tests/conftest.py, as for the unit tests.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from claude_kit.claude_runtime import (
    PINNED_VERSION,
    ClaudeRuntimeError,
    cache_root,
    find_claude,
    install_claude,
)
from claude_kit.fsutil import exclusive_lock


def pytest_configure(config: pytest.Config) -> None:
    # Also declared in pyproject.toml; registering here keeps `-m e2e` warning-free when these
    # tests run from a checkout whose pyproject does not (yet) list the marker.
    config.addinivalue_line("markers", "e2e: drives the real Claude Code CLI against the scripted fake API")


@pytest.fixture(scope="session")
def claude_bin() -> Path:
    found = find_claude()
    if found is not None:
        return found
    # The test workers (pytest-xdist) get here at the same time on a fresh machine: one installs,
    # the others wait and find it, instead of replacing the folder a running session uses.
    try:
        with exclusive_lock(cache_root() / ".install.lock"):
            return find_claude() or install_claude()
    except ClaudeRuntimeError as exc:
        reason = f"Claude Code {PINNED_VERSION} is not available: {exc.message}"
    # In CI a missing runtime must fail loudly: a skipped e2e suite proves nothing.
    if os.environ.get("CI"):
        pytest.fail(reason)
    pytest.skip(reason)


@pytest.fixture
def isolated_home(tmp_path: Path) -> Path:
    """A fresh HOME for the claude process, so nothing reads or writes the real ~/.claude.

    Only the session gets it (run_session sets HOME): patching this process's HOME would move
    the runtime cache that `claude_bin` looks in.
    """
    home = tmp_path / "home"
    home.mkdir()
    return home


@pytest.fixture
def hook_dir(tmp_path: Path) -> Path:
    """Where a scenario's hook scripts and their payload log live (outside the repo)."""
    directory = tmp_path / "hooks"
    directory.mkdir()
    return directory
