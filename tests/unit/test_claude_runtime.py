"""The tested Claude Code range: version parsing, and doctor's view of the `claude` on PATH."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from claude_kit import claude_runtime as rt


def fake_claude(folder: Path, printed: str, *, exit_code: int = 0) -> Path:
    """A `claude` script on a PATH of its own that prints `printed` for --version."""
    folder.mkdir(parents=True, exist_ok=True)
    script = folder / "claude"
    script.write_text(f"#!/bin/sh\necho '{printed}'\nexit {exit_code}\n")
    script.chmod(0o755)
    return script


def test_the_pinned_versions_bound_the_tested_range() -> None:
    assert rt.TESTED_VERSIONS == ("2.1.329", "2.1.332")
    assert rt.tested_range() == ("2.1.329", "2.1.332")
    assert rt.install_dir(Path("/c"), "2.1.332") == Path("/c/claude-code-2.1.332")
    assert rt.install_dir(Path("/c")) == Path("/c/claude-code-2.1.329")


@pytest.mark.parametrize(
    ("text", "parsed"),
    [
        ("2.1.329 (Claude Code)", (2, 1, 329)),
        ("  2.1.332\n", (2, 1, 332)),
        ("2.1", None),
        ("v2.1.329", None),
        ("", None),
        ("Claude Code 2.1.329", None),
    ],
)
def test_parse_version(text: str, parsed: tuple[int, ...] | None) -> None:
    assert rt.parse_version(text) == parsed


@pytest.mark.parametrize(
    ("version", "inside"),
    [
        ("2.1.329 (Claude Code)", True),
        ("2.1.330 (Claude Code)", True),
        ("2.1.332 (Claude Code)", True),
        ("2.1.328 (Claude Code)", False),
        ("2.1.333 (Claude Code)", False),
        ("2.2.0 (Claude Code)", False),
        ("2.1.1000 (Claude Code)", False),  # compared as numbers, not as text
        ("garbage", False),
    ],
)
def test_in_tested_range(version: str, inside: bool) -> None:
    assert rt.in_tested_range(version) is inside


def test_path_runtime_check_names_the_version_and_the_range(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    inside = fake_claude(tmp_path / "in", "2.1.330 (Claude Code)")
    monkeypatch.setenv("PATH", f"{inside.parent}{os.pathsep}{os.environ['PATH']}")
    assert rt.path_runtime_check() == (
        True,
        f"claude on PATH ({inside}) is 2.1.330, within the tested range 2.1.329 to 2.1.332",
    )
    outside = fake_claude(tmp_path / "out", "2.1.340 (Claude Code)")
    monkeypatch.setenv("PATH", f"{outside.parent}{os.pathsep}{os.environ['PATH']}")
    ok, what = rt.path_runtime_check()
    assert not ok
    assert what.startswith(
        f"claude on PATH ({outside}) is 2.1.340, outside the tested range 2.1.329 to 2.1.332"
    )


def test_path_runtime_check_without_a_usable_claude(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    assert rt.path_runtime_check() == (
        False,
        "no `claude` on PATH: its version cannot be checked against the tested range 2.1.329 to 2.1.332",
    )
    broken = fake_claude(tmp_path / "broken", "boom", exit_code=3)
    monkeypatch.setenv("PATH", str(broken.parent))
    ok, what = rt.path_runtime_check()
    assert not ok and what.startswith(f"`{broken} --version` did not run")


def test_a_download_shows_progress_while_npm_runs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    npm = tmp_path / "npm"
    npm.write_text(
        "#!/bin/sh\nsleep 0.5\nhead -c 200000 /dev/zero > node_modules.bin\necho added 2 packages\n"
    )
    npm.chmod(0o755)
    folder = tmp_path / "staging"
    folder.mkdir()
    monkeypatch.setattr(rt, "PROGRESS_EVERY", 0.1)
    heard: list[str] = []
    rt._npm_install(str(npm), folder, "2.1.329", heard.append)
    assert heard and all(line.startswith("  still downloading: ") for line in heard), heard
    assert "added 2 packages" in (folder / "install.log").read_text()
