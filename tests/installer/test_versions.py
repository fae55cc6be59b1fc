"""Versions move with the code: one source, recorded in the manifest, and an older package never
touches a newer install unless told to (`--allow-downgrade`), naming both versions."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from claude_kit import manifest, versions
from claude_kit._version import __version__
from tests.conftest import REPO_ROOT, tree_hashes, unchanged

CK = Callable[..., Result]
NEWER = "9.1.0"
MANIFEST = ".claude/.claude-kit/manifest.json"


def _record_version(repo: Path, version: str) -> None:
    """Make the install look like one a `version` package made."""
    path = repo / MANIFEST
    data = json.loads(path.read_text())
    data["kit_version"] = version
    path.write_text(json.dumps(data, indent=1, sort_keys=True) + "\n")


def test_the_version_has_one_source_and_is_recorded(ck: CK, sample_repo: Path) -> None:
    assert __version__ == "0.2.0"  # this release changes the hook layout
    pyproject = (REPO_ROOT / "pyproject.toml").read_text()
    assert 'dynamic = ["version"]' in pyproject and 'path = "installer/claude_kit/_version.py"' in pyproject
    literal = re.compile(rf"""["']{re.escape(__version__)}["']""")
    holders = [
        p.relative_to(REPO_ROOT).as_posix()
        for base in ("installer", "hooks")
        for p in (REPO_ROOT / base).rglob("*.py")
        if literal.search(p.read_text(encoding="utf-8"))
    ]
    assert holders == ["installer/claude_kit/_version.py"]
    assert f"## {__version__}" in (REPO_ROOT / "CHANGELOG.md").read_text()
    version = subprocess.run(
        [sys.executable, "-m", "claude_kit", "--version"], capture_output=True, text=True, check=True
    )
    assert version.stdout == f"claude-kit, version {__version__}\n"
    assert ck("install", str(sample_repo)).exit_code == 0
    installed = manifest.load(sample_repo)
    assert installed is not None and installed["kit_version"] == __version__


@pytest.mark.parametrize(
    ("older", "newer"),
    [
        ("0.1.0", "0.2.0"),
        ("0.9.0", "0.10.0"),
        ("0.2.0rc1", "0.2.0"),
        ("0.2.0.dev3", "0.2.0"),
        ("1.9", "1.10.0"),
    ],
)
def test_versions_compare_by_number_and_a_pre_release_comes_first(older: str, newer: str) -> None:
    assert versions.is_newer(newer, older) and not versions.is_newer(older, newer)


def test_an_equal_or_unparsable_version_is_not_newer() -> None:
    assert not versions.is_newer("0.2", "0.2.0") and not versions.is_newer("0.2.0", "0.2")
    assert versions.key("banana") is None and not versions.is_newer("banana")


@pytest.mark.parametrize("command", ["install", "update", "uninstall"])
def test_an_older_package_refuses_a_newer_install(ck: CK, sample_repo: Path, command: str) -> None:
    assert ck("install", str(sample_repo)).exit_code == 0
    _record_version(sample_repo, NEWER)
    with unchanged(sample_repo):
        res = ck(command, str(sample_repo))
    assert res.exit_code == 2, res.output
    assert (
        f"claude-kit {NEWER} is installed, but this is claude-kit {__version__}, which is older" in res.output
    )
    assert "nothing was changed" in res.output
    assert "pipx install --force" in res.output and f"claude-kit {command} --allow-downgrade" in res.output


@pytest.mark.parametrize("command", ["install", "update"])
def test_allow_downgrade_moves_the_install_back(ck: CK, sample_repo: Path, command: str) -> None:
    assert ck("install", str(sample_repo)).exit_code == 0
    _record_version(sample_repo, NEWER)
    res = ck(command, str(sample_repo), "--allow-downgrade")
    assert res.exit_code == 0, res.output
    installed = manifest.load(sample_repo)
    assert installed is not None and installed["kit_version"] == __version__
    assert ck("sync", str(sample_repo)).exit_code == 0


def test_allow_downgrade_lets_an_older_package_uninstall(ck: CK, sample_repo: Path) -> None:
    before = tree_hashes(sample_repo)
    assert ck("install", str(sample_repo)).exit_code == 0
    _record_version(sample_repo, NEWER)
    res = ck("uninstall", str(sample_repo), "--allow-downgrade")
    assert res.exit_code == 0, res.output
    assert tree_hashes(sample_repo) == before


def test_sync_refuses_a_newer_install_and_says_how_on(ck: CK, sample_repo: Path) -> None:
    assert ck("install", str(sample_repo)).exit_code == 0
    _record_version(sample_repo, NEWER)
    with unchanged(sample_repo):
        res = ck("sync", str(sample_repo))
    assert res.exit_code == 2, res.output
    assert f"claude-kit {NEWER} is installed, but this is claude-kit {__version__}; nothing was changed" in (
        res.output
    )
    assert "pipx install --force" in res.output and "claude-kit update --allow-downgrade" in res.output
    assert ck("sync", str(sample_repo), "--allow-downgrade").exit_code == 2  # no such option for sync


def test_sync_of_an_older_install_names_update(ck: CK, sample_repo: Path) -> None:
    assert ck("install", str(sample_repo)).exit_code == 0
    _record_version(sample_repo, "0.1.0")
    with unchanged(sample_repo):
        res = ck("sync", str(sample_repo))
    assert res.exit_code == 2 and "claude-kit 0.1.0 is installed" in res.output
    assert "run `claude-kit update`" in res.output
    res = ck("update", str(sample_repo))  # an older install moves forward without any flag
    assert res.exit_code == 0, res.output
    assert ck("sync", str(sample_repo)).exit_code == 0


def test_status_says_which_side_is_older(ck: CK, sample_repo: Path) -> None:
    assert ck("install", str(sample_repo)).exit_code == 0
    _record_version(sample_repo, NEWER)
    res = ck("status", str(sample_repo))
    assert f"this package is older than the installed kit ({__version__} < {NEWER})" in res.output
    assert "update available" not in res.output
    _record_version(sample_repo, "0.1.0")
    assert (
        f"update available: run `claude-kit update` (0.1.0 -> {__version__})"
        in ck("status", str(sample_repo)).output
    )


def test_doctor_fails_across_versions_and_names_the_way_on(ck: CK, sample_repo: Path) -> None:
    assert ck("install", str(sample_repo)).exit_code == 0
    ok = f"ok   installed kit version {__version__} matches this package ({__version__})"
    assert ok in ck("doctor", str(sample_repo)).output
    _record_version(sample_repo, NEWER)
    res = ck("doctor", str(sample_repo))
    assert res.exit_code == 1
    assert f"FAIL installed kit version {NEWER} matches this package ({__version__})" in res.output
    assert "fix: install the newer claude-kit over this one (`pipx install --force" in res.output
    _record_version(sample_repo, "0.1.0")
    assert "fix: run `claude-kit update`" in ck("doctor", str(sample_repo)).output


def test_a_newer_manifest_format_names_both_versions(ck: CK, sample_repo: Path) -> None:
    assert ck("install", str(sample_repo)).exit_code == 0
    path = sample_repo / MANIFEST
    data = json.loads(path.read_text())
    path.write_text(json.dumps({**data, "format": 2, "kit_version": NEWER}))
    for command in ("install", "update", "sync", "uninstall", "status", "doctor"):
        with unchanged(sample_repo):
            res = ck(command, str(sample_repo))
        assert res.exit_code == 2, (command, res.output)
        assert f"manifest format 2, written by claude-kit {NEWER}; this is claude-kit {__version__}" in (
            res.output
        )
