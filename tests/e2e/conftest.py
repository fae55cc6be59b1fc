"""Fixtures for scenarios that drive the real Claude Code CLI against the scripted fake API.

Every scenario that takes `claude_bin` runs once per tested Claude Code version (the test id ends in
`[claude-2.1.329]`, ...). `CLAUDE_KIT_E2E_VERSIONS=2.1.332` (comma-separated) narrows a local run; a
scenario marked `claude_min("2.1.332")` needs a runtime feature that older versions lack, one marked
`claude_max("2.1.329")` shows how an older runtime behaves without it.
`tmp_repo` (an empty git repository) comes from tests/conftest.py, as for the unit tests.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from claude_kit.claude_runtime import (
    TESTED_VERSIONS,
    ClaudeRuntimeError,
    cache_root,
    find_claude,
    install_claude,
    parse_version,
)
from claude_kit.fsutil import exclusive_lock

ENV_VERSIONS = "CLAUDE_KIT_E2E_VERSIONS"


def pytest_configure(config: pytest.Config) -> None:
    # Also declared in pyproject.toml; registering here keeps `-m e2e` warning-free when these
    # tests run from a checkout whose pyproject does not (yet) list the marker.
    config.addinivalue_line("markers", "e2e: drives the real Claude Code CLI against the scripted fake API")
    config.addinivalue_line("markers", "claude_min(version): runs only on Claude Code `version` and newer")
    config.addinivalue_line("markers", "claude_max(version): runs only on Claude Code `version` and older")


def selected_versions() -> list[str]:
    """The tested versions this run covers: all of them unless $CLAUDE_KIT_E2E_VERSIONS narrows it."""
    wanted = os.environ.get(ENV_VERSIONS, "").replace(",", " ").split()
    unknown = sorted(set(wanted) - set(TESTED_VERSIONS))
    if unknown:
        raise pytest.UsageError(f"{ENV_VERSIONS}: {unknown} not among the tested {list(TESTED_VERSIONS)}")
    return [v for v in TESTED_VERSIONS if not wanted or v in wanted]


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "claude_version" not in metafunc.fixturenames:
        return
    versions = selected_versions()
    low = metafunc.definition.get_closest_marker("claude_min")
    if low is not None:
        floor = parse_version(str(low.args[0])) or ()
        versions = [v for v in versions if (parse_version(v) or ()) >= floor]
    high = metafunc.definition.get_closest_marker("claude_max")
    if high is not None:
        ceiling = parse_version(str(high.args[0])) or ()
        versions = [v for v in versions if (parse_version(v) or ()) <= ceiling]
    ids = [f"claude-{v}" for v in versions]
    metafunc.parametrize("claude_version", versions, ids=ids, scope="session")


@pytest.fixture(scope="session")
def claude_bin(claude_version: str) -> Path:
    found = find_claude(claude_version)
    if found is not None:
        return found
    # The test workers (pytest-xdist) get here at the same time on a fresh machine: one installs,
    # the others wait and find it, instead of replacing the folder a running session uses.
    try:
        with exclusive_lock(cache_root() / ".install.lock"):
            return find_claude(claude_version) or install_claude(version=claude_version)
    except ClaudeRuntimeError as exc:
        reason = f"Claude Code {claude_version} is not available: {exc.message}"
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
