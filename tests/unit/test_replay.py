"""`claude-kit replay` without the runtime: reading a transcript's calls and what the hooks answered.
Replays of transcripts the real runtime wrote: tests/e2e/test_replay_e2e.py."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from claude_kit.cli import cli
from claude_kit.replay import Call, Difference, denial_of, read_calls


def _line(kind: str, blocks: list[dict[str, Any]]) -> str:
    return json.dumps({"type": kind, "cwd": "/r", "message": {"role": kind, "content": blocks}})


def test_calls_carry_the_hook_denial_their_result_shows(tmp_path: Path) -> None:
    transcript = tmp_path / "agent-a1.jsonl"
    (tmp_path / "agent-a1.meta.json").write_text('{"agentType": "backend-tester"}')
    write = {"type": "tool_use", "id": "t1", "name": "Write", "input": {"file_path": "/r/a.go"}}
    bash = {"type": "tool_use", "id": "t2", "name": "Bash", "input": {"command": "false"}}
    transcript.write_text(
        "\n".join([
            _line("user", [{"type": "text", "text": "go"}]),
            "not json",
            _line("assistant", [write]),
            _line("user", [{"type": "tool_result", "tool_use_id": "t1", "is_error": True,
                            "content": "PreToolUse:Write hook error: claude-kit: no.\nSpawn it."}]),
            _line("assistant", [bash]),
            # A failed command is not a hook's deny.
            _line("user", [{"type": "tool_result", "tool_use_id": "t2", "is_error": True,
                            "content": [{"type": "text", "text": "Exit code 1"}]}]),
        ]) + "\n"
    )  # fmt: skip

    first, second = read_calls(transcript, agent=True)

    assert (first.line, first.tool, first.agent_id, first.agent_type) == (3, "Write", "a1", "backend-tester")
    assert first.denied_then == "claude-kit: no.\nSpawn it."
    assert (second.line, second.tool, second.denied_then) == (5, "Bash", None)
    assert Difference(first, None).describe() == (
        "agent-a1.jsonl:3: backend-tester Write /r/a.go\n"
        "    then: denied (claude-kit: no.)\n"
        "    now:  allowed"
    )


DENY = {"permissionDecision": "deny", "permissionDecisionReason": "no"}


@pytest.mark.parametrize(
    ("returncode", "stdout", "stderr", "expected"),
    [
        (0, "", "", None),
        (0, json.dumps({"hookSpecificOutput": DENY}), "", "no"),
        (0, '{"hookSpecificOutput": {"permissionDecision": "allow"}}', "", None),
        (0, '{"systemMessage": "note"}', "", None),
        (2, "", "blocked\n", "blocked"),
        (1, "not json", "crash", None),  # a non-blocking error lets the call through, as in the runtime
    ],
)
def test_what_the_hook_answered(returncode: int, stdout: str, stderr: str, expected: str | None) -> None:
    assert denial_of(subprocess.CompletedProcess([], returncode, stdout, stderr)) == expected


def test_a_missing_transcript_is_a_clear_error(tmp_repo: Path) -> None:
    result = CliRunner().invoke(cli, ["replay", str(tmp_repo / "gone.jsonl"), "--repo", str(tmp_repo)])

    assert result.exit_code == 2
    assert f"{tmp_repo / 'gone.jsonl'}: no such transcript" in result.output


def test_call_names_the_main_thread_when_no_agent_made_it() -> None:
    call = Call(Path("s.jsonl"), 1, None, None, "t", "Edit", {}, None)
    assert call.who == "main thread"
