"""run_session's own mechanics, with a stand-in for the CLI (no Claude Code needed)."""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import pytest

from claude_kit.fakeapi import Script, call, say
from claude_kit.session_runner import SessionTimeout, run_session

# A stand-in `claude`: asks the fake API for two turns (answering the first tool call with an
# error, as a hook denial would), writes a transcript where the runtime would, prints stream-json.
FAKE_CLI = """\
import json, os, sys, urllib.request
base, home = os.environ["ANTHROPIC_BASE_URL"], os.environ["HOME"]
tools = [{"name": n} for n in ("Bash", "Edit", "Read", "Write")]
def ask(messages):
    body = {"model": "m", "system": [{"type": "text", "text": "sys"}], "messages": messages,
            "tools": tools, "stream": False}
    req = urllib.request.Request(base + "/v1/messages", data=json.dumps(body).encode())
    with urllib.request.urlopen(req) as response:
        return json.load(response)
messages = [{"role": "user", "content": sys.argv[2]}]
first = ask(messages)
use = first["content"][0]
messages += [{"role": "assistant", "content": first["content"]},
             {"role": "user", "content": [{"type": "tool_result", "tool_use_id": use["id"],
              "is_error": True, "content": "PreToolUse:Write hook error: nope"}]}]
second = ask(messages)
project = os.path.join(home, ".claude", "projects", "-repo")
os.makedirs(project)
with open(os.path.join(project, "sid-1.jsonl"), "w") as transcript:
    transcript.write(json.dumps({"type": "assistant", "message": second}) + "\\n")
print(json.dumps({"type": "system", "subtype": "init", "session_id": "sid-1", "cwd": os.getcwd()}))
print("not json")
print(json.dumps({"type": "result", "subtype": "success", "result": second["content"][0]["text"]}))
"""

# A stand-in that hangs, with a child that would outlive it unless the whole group is killed.
HANGING_CLI = """\
import os, subprocess, sys, time
child = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
with open(os.environ["CHILD_PID_FILE"], "w") as f:
    f.write(str(child.pid))
time.sleep(60)
"""


def stand_in(tmp_path: Path, source: str) -> Path:
    script = tmp_path / "claude"
    script.write_text(f"#!{sys.executable}\n{source}", encoding="utf-8")
    script.chmod(0o755)
    return script


def alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # A killed child that its (also killed) parent never reaped is a zombie until init reaps it.
    try:
        with open(f"/proc/{pid}/stat", encoding="utf-8") as stat:
            return stat.read().split(")")[-1].split()[0] != "Z"
    except OSError:
        return True


@pytest.mark.skipif(sys.platform == "win32", reason="stand-in CLI is a shebang script")
def test_run_session_collects_events_requests_errors_and_transcript(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    script = Script(main=[call("Write", {"file_path": "/f", "content": "x"}), say("final words")])

    result = run_session(
        repo, "the prompt", script, home=tmp_path / "home", claude_bin=stand_in(tmp_path, FAKE_CLI)
    )

    assert result.returncode == 0, result.describe()
    assert result.session_id == "sid-1"
    assert result.stdout_noise == ["not json"]
    assert result.last_result()["result"] == "final words"
    assert [r.step for r in result.main_requests()] == [0, 1]
    assert result.subagent_requests() == []
    assert result.side_requests() == []
    assert "the prompt" in result.request_texts()
    [error] = result.tool_errors()
    assert (error.conversation, error.tool, error.text) == (
        "main",
        "Write",
        "PreToolUse:Write hook error: nope",
    )
    assert result.transcript_path == tmp_path / "home" / ".claude" / "projects" / "-repo" / "sid-1.jsonl"
    assert result.transcript()[0]["message"]["content"][0]["text"] == "final words"


@pytest.mark.skipif(sys.platform == "win32", reason="stand-in CLI is a shebang script")
def test_timeout_kills_the_whole_process_tree(tmp_path: Path) -> None:
    pid_file = tmp_path / "child.pid"
    started = time.monotonic()

    with pytest.raises(SessionTimeout) as raised:
        run_session(
            tmp_path,
            "hang",
            Script(),
            home=tmp_path / "home",
            claude_bin=stand_in(tmp_path, HANGING_CLI),
            extra_env={"CHILD_PID_FILE": str(pid_file)},
            timeout=2,
        )

    assert time.monotonic() - started < 20
    assert raised.value.result.returncode != 0
    with pytest.raises(AssertionError, match="no result event"):
        raised.value.result.last_result()
    child = int(pid_file.read_text())
    deadline = time.monotonic() + 5
    while alive(child) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not alive(child)
