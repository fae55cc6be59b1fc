"""`claude-kit demo`, the README's main job: live against the real runtime, and the replay fallback."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from claude_kit import demo
from claude_kit.cli import cli


@pytest.mark.e2e
def test_live_demo_runs_the_whole_story(tmp_path: Path, claude_bin: Path) -> None:
    res = CliRunner().invoke(cli, ["demo", "--dir", str(tmp_path)], catch_exceptions=False)

    assert res.exit_code == 0, res.output
    repo = tmp_path / "sample-service"
    assert (repo / "cmd/api/main.go").read_text() == demo.FIXED_GO
    out = res.output
    assert "PreToolUse:Edit hook error: claude-kit: cmd/api/main.go is a backend file" in out
    for line in (
        "DENY",
        "agent_first",
        "BLOCK",
        "feedback_loop",
        "review PASS",
        "testing PASS",
        "all gates pass",
    ):
        assert line in out, line
    assert "reviewed and tested before the session could end" in out


def test_replay_demo_needs_no_runtime(tmp_path: Path) -> None:
    res = CliRunner().invoke(cli, ["demo", "--dir", str(tmp_path), "--replay"], catch_exceptions=False)

    assert res.exit_code == 0, res.output
    assert '"permissionDecision": "deny"' in res.output
    assert "(allowed: no output)" in res.output  # the developer subagent's edit
    assert '"decision": "block"' in res.output and "backend-reviewer" in res.output
    assert "a replay edits no file" in res.output
    assert (tmp_path / "sample-service/cmd/api/main.go").read_text() == demo.MAIN_GO
