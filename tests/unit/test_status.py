"""`status` (installed / modified / missing) and `doctor` (the wiring) on a real installed repo."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from claude_kit import journal, lifecycle, status, user_hooks
from tests.unit.test_claude_runtime import fake_claude

AGENT = ".claude/agents/backend-developer.md"


@pytest.fixture
def installed(tmp_repo: Path) -> Path:
    (tmp_repo / "main.go").write_text("package main\n")  # Go code: the backend agents are installed
    assert lifecycle.install(tmp_repo) == 0
    return tmp_repo


def test_status_not_installed(tmp_repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert status.status(tmp_repo, fmt="json") == 0
    assert json.loads(capsys.readouterr().out)["installed"] is False


def test_status_counts_modified_and_missing(installed: Path, capsys: pytest.CaptureFixture[str]) -> None:
    st = status.collect_status(installed)
    assert st["installed"] and st["modified"] == [] and st["missing"] == [] and st["config_stale"] is None
    (installed / AGENT).write_text("edited\n")
    (installed / ".claude/agents/test-lead.md").unlink()
    (installed / ".claude/claude-kit.yaml").write_text("version: 1\n")
    st = status.collect_status(installed)
    assert AGENT in st["modified"] and ".claude/claude-kit.yaml" in st["modified"]
    assert st["missing"] == [".claude/agents/test-lead.md"]
    assert st["config_stale"] == ".claude/claude-kit.yaml changed after it was compiled"
    capsys.readouterr()
    assert status.status(installed) == 0
    out = capsys.readouterr().out
    assert f"  modified  {AGENT}" in out and "  missing   .claude/agents/test-lead.md" in out
    assert "run `claude-kit sync`" in out


def test_status_shows_the_open_feature_and_how_the_user_closes_it(
    installed: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from claude_kit import feature

    assert feature.start(installed, "order cancellation", "small") == 0
    fid = status.collect_status(installed)["feature"]["feature_id"]
    capsys.readouterr()
    assert status.status(installed) == 0
    out = capsys.readouterr().out
    assert f"feature in progress: order cancellation ({fid}), phase setup, last change " in out
    assert f"close it: claude-kit feature mark {fid} --status complete|abandoned" in out
    assert feature.mark(installed, fid, "abandoned") == 0
    assert status.collect_status(installed)["feature"] is None


def test_doctor_passes_on_a_fresh_install(installed: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert status.doctor(installed) == 0, capsys.readouterr().out
    out = capsys.readouterr().out
    assert out.rstrip().endswith("all checks passed")
    assert "ok   hook interpreter works: /" in out


def test_doctor_runs_the_cached_interpreter_even_with_the_kill_switch(
    installed: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CLAUDE_KIT_DISABLE", "1")
    cache = installed / ".claude/.claude-kit/local/python"
    cache.parent.mkdir(parents=True, exist_ok=True)
    fake = installed.parent / "bin" / "python3"  # named and executable, so the launcher trusts it
    fake.parent.mkdir(exist_ok=True)
    fake.write_text("#!/bin/sh\nexit 1\n")
    fake.chmod(0o755)
    cache.write_text(f"{fake}\n")
    assert status.doctor(installed) == 1
    out = capsys.readouterr().out
    assert f"FAIL hook interpreter works: {fake} does not run as Python 3.9+ (exit 1)" in out
    assert "delete .claude/.claude-kit/local/python" in out


def test_doctor_reports_broken_wiring(installed: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (installed / ".claude/hooks/stop.py").unlink()
    (installed / ".claude/claude-kit.yaml").write_text("version: 1\nspawn: {max_depth: 2}\n")
    settings = installed / ".claude/settings.json"
    data = json.loads(settings.read_text())
    del data["hooks"]["PreToolUse"]
    settings.write_text(json.dumps(data))
    (installed / ".claude/settings.local.json").write_text(
        json.dumps({"hooks": {"Stop": [{"hooks": [data["hooks"]["Stop"][0]["hooks"][0]]}]}})
    )
    assert status.doctor(installed) == 1
    out = capsys.readouterr().out
    assert "FAIL settings.json wires PreToolUse" in out
    assert "FAIL hook file exists: .claude/hooks/stop.py" in out
    assert "FAIL .claude/hooks/claude-kit.json is current" in out and "claude-kit sync" in out
    assert "FAIL kit hooks not also registered in .claude/settings.local.json" in out
    assert (
        "FAIL the kit's files under .claude/hooks/ are as installed (changed: .claude/hooks/stop.py)" in out
    )
    assert out.rstrip().endswith("5 problem(s)")


def test_doctor_without_the_kit(tmp_repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert status.doctor(tmp_repo) == 1
    assert "FAIL kit installed (manifest present)" in capsys.readouterr().out


def test_doctor_and_status_report_an_interrupted_command_and_what_comes_next(
    installed: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    journal.begin(installed, journal.new_record("update"))  # as a kill leaves it before the commit
    capsys.readouterr()
    assert status.doctor(installed) == 1
    out = capsys.readouterr().out
    assert "FAIL `claude-kit update` (pid " in out
    assert (
        "was interrupted; hooks are paused, and the next install, update, sync or uninstall rolls it back"
        in out
    )
    assert "fix: run `claude-kit update`" in out
    assert status.status(installed) == 0
    assert capsys.readouterr().out.startswith("unfinished: `claude-kit update` (pid ")
    assert lifecycle.update(installed) == 0
    assert "rolled back the interrupted `claude-kit update`" in capsys.readouterr().out
    assert status.collect_status(installed)["unfinished"] is None


def test_doctor_warns_when_the_claude_on_path_is_outside_the_tested_range(
    installed: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    fake = fake_claude(tmp_path / "bin", "2.1.400 (Claude Code)")
    monkeypatch.setenv("PATH", f"{fake.parent}{os.pathsep}{os.environ['PATH']}")
    assert status.doctor(installed) == 0  # a warning, not a problem
    out = capsys.readouterr().out
    assert f"warn claude on PATH ({fake}) is 2.1.400, outside the tested range 2.1.329 to 2.1.332" in out
    assert "fix: install a tested version: npm install -g @anthropic-ai/claude-code@2.1.332" in out
    assert out.rstrip().endswith("all checks passed")
    inside = fake_claude(tmp_path / "bin2", "2.1.329 (Claude Code)")
    monkeypatch.setenv("PATH", f"{inside.parent}{os.pathsep}{os.environ['PATH']}")
    assert status.doctor(installed) == 0
    assert f"ok   claude on PATH ({inside}) is 2.1.329, within the tested range" in capsys.readouterr().out


def test_doctor_says_plainly_that_a_subdirectory_session_is_not_governed(
    installed: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert status.doctor(installed) == 0
    out = capsys.readouterr().out
    assert f"ok   sessions started at {installed} are governed; one started in a subdirectory is not" in out
    sub = installed / "backend"
    sub.mkdir()
    assert status.doctor(sub) == 0  # a warning: the install itself is sound
    out = capsys.readouterr().out
    assert (
        f"warn a Claude Code session started in {sub.resolve()} is NOT governed: Claude Code loads no "
        "project hooks in a subdirectory, so no kit hook runs and nothing is enforced"
    ) in out
    assert f"fix: start `claude` from {installed}, or run `claude-kit user-hooks install`" in out

    user_hooks.install(tmp_path / "home")
    assert status.doctor(sub) == 0
    assert (
        "ok   claude-kit's user-level hooks are installed (`claude-kit user-hooks install`): sessions "
        f"started in a subdirectory of {installed} are governed too"
    ) in capsys.readouterr().out
