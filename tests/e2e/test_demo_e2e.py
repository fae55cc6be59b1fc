"""`claude-kit demo`, the README's main job: live against the real runtime, and the replay fallback."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from claude_kit import demo
from claude_kit.cli import cli


@pytest.mark.e2e
def test_live_demo_runs_the_whole_story(
    tmp_path: Path, claude_bin: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    made: list[str] = []
    mkdtemp = tempfile.mkdtemp

    def recording_mkdtemp(*args: Any, **kwargs: Any) -> str:
        made.append(mkdtemp(*args, **kwargs))
        return made[-1]

    monkeypatch.setattr(tempfile, "mkdtemp", recording_mkdtemp)
    res = CliRunner().invoke(cli, ["demo", "--dir", str(tmp_path)], catch_exceptions=False)

    assert res.exit_code == 0, res.output
    repo = tmp_path / "sample-service"
    assert (repo / "cmd/api/main.go").read_text() == demo.FIXED_GO
    out = res.output
    assert f"The task given to the session: {demo.TASK}" in out
    # The deny in the demo's own words, then what the model read, without the runtime's "hook error".
    assert "The kit refused the main thread's Edit before it ran (nothing was changed)" in out
    assert "\n  claude-kit: cmd/api/main.go is a backend file" in out
    assert "hook error" not in out
    # The session's temporary HOME (and TMPDIR) are gone with it.
    assert made and not [d for d in made if Path(d).exists()], made
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
    assert f"The task given to the session: {demo.TASK}" in res.output


def test_a_second_demo_in_the_same_folder_gets_a_fresh_repository(tmp_path: Path) -> None:
    first = CliRunner().invoke(cli, ["demo", "--dir", str(tmp_path), "--replay"], catch_exceptions=False)
    assert first.exit_code == 0, first.output
    (tmp_path / "sample-service/notes.txt").write_text("mine\n")
    again = CliRunner().invoke(cli, ["demo", "--dir", str(tmp_path), "--replay"], catch_exceptions=False)
    assert again.exit_code == 0, again.output
    assert f"Sample repository: {tmp_path / 'sample-service-2'}" in again.output
    assert (tmp_path / "sample-service/notes.txt").read_text() == "mine\n"  # the first one untouched


def test_a_runtime_deny_reads_as_the_kits_decision() -> None:
    said = "claude-kit: cmd/api/main.go is a backend file. Delegate it."
    sentence, shown = demo.explain_tool_error("main", "Edit", f"PreToolUse:Edit hook error: {said}")
    assert sentence.startswith("The kit refused the main thread's Edit before it ran") and shown == said
    sentence, shown = demo.explain_tool_error("agent:DEV#1", "Bash", "exit 1")
    assert (
        sentence == "A Bash call of a subagent (agent:DEV#1) failed; the model was told:"
        and shown == "exit 1"
    )
