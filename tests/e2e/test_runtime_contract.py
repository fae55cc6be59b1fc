"""The runtime facts the kit relies on, checked against the real Claude Code without the kit.

Each scenario scripts the model through the fake Messages API and registers tiny project hooks,
so a failure here means the runtime changed (or the harness broke), not the kit.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path

import pytest

from claude_kit.fakeapi import Script, Turn, agent_call, call, say
from tests.e2e.hookkit import HookLog, block_once_body, configure_hooks, deny_body, write_hook
from tests.e2e.kitrepo import run_ok

pytestmark = pytest.mark.e2e


_run = partial(run_ok, timeout=60)


def test_scripted_write_creates_the_file(tmp_repo: Path, isolated_home: Path, claude_bin: Path) -> None:
    target = tmp_repo / "hello.txt"
    script = Script(main=[call("Write", {"file_path": str(target), "content": "hello\n"}), say("wrote it")])

    result = _run(tmp_repo, isolated_home, claude_bin, script, prompt="write hello.txt")

    assert target.read_text() == "hello\n"
    assert result.tool_errors() == []
    assert [r.step for r in result.main_requests()] == [0, 1]
    assert "write hello.txt" in result.request_texts(result.main_requests()[:1])
    assert "File created successfully" in result.main_requests()[1].text()
    assert result.transcript_path is not None
    assert any(line.get("type") == "assistant" for line in result.transcript())


def test_pretooluse_deny_blocks_write_and_reaches_the_model(
    tmp_repo: Path, isolated_home: Path, claude_bin: Path, hook_dir: Path
) -> None:
    reason = "claude-kit test: Write is not allowed here"
    log = HookLog(hook_dir / "payloads.jsonl")
    deny = write_hook(hook_dir, "deny", log, deny_body("Write", reason))
    configure_hooks(tmp_repo, {"PreToolUse": [("Write", deny)]})
    target = tmp_repo / "blocked.txt"
    script = Script(main=[call("Write", {"file_path": str(target), "content": "no\n"}), say("understood")])

    result = _run(tmp_repo, isolated_home, claude_bin, script)

    assert not target.exists()
    assert len(log.payloads("PreToolUse", tool="Write")) == 1
    after_denial = result.main_requests()[1].text()
    assert "PreToolUse:Write hook error" in after_denial
    assert reason in after_denial
    [error] = result.tool_errors()
    assert (error.conversation, error.tool) == ("main", "Write")
    assert reason in error.text


def test_subagent_payloads_carry_agent_identity_and_main_thread_ones_do_not(
    tmp_repo: Path, isolated_home: Path, claude_bin: Path, hook_dir: Path
) -> None:
    log = HookLog(hook_dir / "payloads.jsonl")
    recorder = write_hook(hook_dir, "record", log)
    configure_hooks(tmp_repo, {"PreToolUse": [("", recorder)], "PostToolUse": [("", recorder)]})
    target = tmp_repo / "from_subagent.txt"
    script = Script(
        main=[Turn([agent_call("WORKER", background=False)]), say("the worker is done")],
        agents={
            "WORKER": [call("Write", {"file_path": str(target), "content": "x\n"}), say("worker report")]
        },
    )

    result = _run(tmp_repo, isolated_home, claude_bin, script)

    assert target.read_text() == "x\n"
    assert [r.step for r in result.subagent_requests("WORKER")] == [0, 1]
    [main_spawn] = log.payloads("PreToolUse", tool="Agent")
    [sub_write] = log.payloads("PreToolUse", tool="Write")
    assert "agent_id" not in main_spawn
    assert "agent_type" not in main_spawn
    assert main_spawn["tool_input"]["run_in_background"] is False
    assert sub_write["agent_id"]
    assert sub_write["agent_type"] == "general-purpose"
    assert sub_write["session_id"] == main_spawn["session_id"]
    # Foreground: PostToolUse(Agent) fires after the subagent finished and carries its report.
    [spawned] = log.payloads("PostToolUse", tool="Agent")
    assert spawned["tool_response"]["status"] == "completed"
    assert spawned["tool_response"]["agentId"] == sub_write["agent_id"]
    # The report is the last text block; the runtime may put a `<tools-used-before-summary>` first.
    assert spawned["tool_response"]["content"][-1]["text"] == "worker report"


def test_stop_block_feeds_the_reason_back_and_sets_stop_hook_active(
    tmp_repo: Path, isolated_home: Path, claude_bin: Path, hook_dir: Path
) -> None:
    reason = "claude-kit test: run the tests before stopping"
    log = HookLog(hook_dir / "payloads.jsonl")
    configure_hooks(tmp_repo, {"Stop": [("", write_hook(hook_dir, "stop", log, block_once_body(reason)))]})
    script = Script(main=[say("first attempt to stop"), say("second attempt to stop")])

    result = _run(tmp_repo, isolated_home, claude_bin, script)

    first, second = result.main_requests()
    assert reason not in first.text()
    assert reason in second.text()
    assert [p["stop_hook_active"] for p in log.payloads("Stop")] == [False, True]
    assert [p["last_assistant_message"] for p in log.payloads("Stop")] == [
        "first attempt to stop",
        "second attempt to stop",
    ]
