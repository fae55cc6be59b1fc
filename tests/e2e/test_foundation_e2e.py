"""The installed kit in a real Claude Code session: its hook fires, and the user's own hooks keep firing."""

from __future__ import annotations

from pathlib import Path

import pytest

from claude_kit import lifecycle
from claude_kit.fakeapi import Script, call, say
from claude_kit.session_runner import SessionResult, run_session
from tests.e2e.hookkit import HookLog, configure_hooks, write_hook
from tests.e2e.kitrepo import decisions, install_kit, run_ok

pytestmark = pytest.mark.e2e


def test_installed_kit_hook_fires_in_a_real_session(
    tmp_repo: Path, isolated_home: Path, claude_bin: Path
) -> None:
    install_kit(tmp_repo, files={"cmd/api/main.go": "package main\n"})

    result = run_ok(tmp_repo, isolated_home, claude_bin, Script(main=[say("hello")]))

    # The SessionStart hook's context reaches the model in its first request.
    first = result.main_requests()[0].text()
    assert "claude-kit is active" in first
    assert "backend -> backend-developer" in first
    [record] = decisions(tmp_repo, event="SessionStart")
    assert record["hook"] == "session_context" and record["session_id"] == result.session_id
    assert record["duration_ms"] >= 0


def test_user_hook_keeps_firing_after_install_and_after_uninstall(
    tmp_repo: Path, isolated_home: Path, claude_bin: Path, hook_dir: Path
) -> None:
    log = HookLog(hook_dir / "payloads.jsonl")
    mine = write_hook(hook_dir, "mine", log)
    settings = configure_hooks(tmp_repo, {"PreToolUse": [("Write", mine)]})
    original = settings.read_bytes()
    target = tmp_repo / "notes.txt"

    def write_session(content: str) -> SessionResult:
        script = Script(main=[call("Write", {"file_path": str(target), "content": content}), say("ok")])
        return run_ok(tmp_repo, isolated_home, claude_bin, script)

    install_kit(tmp_repo, config=None)
    result = write_session("with kit\n")
    assert target.read_text() == "with kit\n"
    assert len(log.payloads("PreToolUse", tool="Write")) == 1
    assert "claude-kit is active" in result.main_requests()[0].text()

    assert lifecycle.uninstall(tmp_repo) == 0
    assert settings.read_bytes() == original
    result = write_session("after uninstall\n")
    assert target.read_text() == "after uninstall\n"
    assert len(log.payloads("PreToolUse", tool="Write")) == 2
    assert "claude-kit is active" not in result.main_requests()[0].text()


def test_stale_config_is_reported_not_silently_used(
    tmp_repo: Path, isolated_home: Path, claude_bin: Path
) -> None:
    install_kit(tmp_repo, files={"cmd/api/main.go": "package main\n"})
    cfg = tmp_repo / ".claude/claude-kit.yaml"
    cfg.write_text(cfg.read_text().replace('"**/*.go"', '"cmd/**/*.go"'))  # edited, `claude-kit sync` not run
    target = tmp_repo / "cmd/api/main.go"

    script = Script(main=[call("Write", {"file_path": str(target), "content": "package api\n"}), say("ok")])
    result = run_ok(tmp_repo, isolated_home, claude_bin, script)

    assert "changed after it was compiled" in result.main_requests()[0].text()
    [error] = result.tool_errors()
    assert "run `claude-kit sync`" in error.text  # the deny names the stale rules it applied
    assert target.read_text() == "package main\n"


def test_kill_switch_turns_every_kit_hook_off(tmp_repo: Path, isolated_home: Path, claude_bin: Path) -> None:
    install_kit(tmp_repo, files={"cmd/api/main.go": "package main\n"})
    target = tmp_repo / "cmd/api/main.go"
    script = Script(main=[call("Write", {"file_path": str(target), "content": "package api\n"}), say("ok")])

    result = run_session(tmp_repo, "go", script, home=isolated_home, claude_bin=claude_bin, timeout=90,
                         extra_env={"CLAUDE_KIT_DISABLE": "1"})  # fmt: skip

    assert result.returncode == 0, result.describe()
    assert target.read_text() == "package api\n"
    assert result.tool_errors() == []
    assert "claude-kit is active" not in result.main_requests()[0].text()
    assert decisions(tmp_repo) == []
