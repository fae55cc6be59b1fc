"""Spawn depth, compaction gate, budget and context hooks in real Claude Code sessions.

The model is scripted through the fake Messages API; what the kit's hooks answered is read back
from the requests the runtime made next (what the model was shown) and from the decision log.
The default model of the pinned runtime (claude-opus-5-5) has a 1M-token window.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from claude_kit.fakeapi import Script, Turn, Usage, agent_call, say, tool_use
from claude_kit.session_runner import SessionResult
from tests.conftest import build_file_tree
from tests.e2e.kitrepo import BACKEND_CONFIG, decisions, install_kit, run_ok
from tests.hooks.hookrun import FEATURE

pytestmark = pytest.mark.e2e


def _conversation_steps(result: SessionResult, marker: str) -> list[int | None]:
    return [r.step for r in result.subagent_requests(marker)]


def test_a_subagent_cannot_spawn_and_is_told_why(
    tmp_repo: Path, isolated_home: Path, claude_bin: Path
) -> None:
    install_kit(tmp_repo)
    script = Script(
        main=[Turn([agent_call("OUTER", background=False)]), say("main done")],
        agents={
            "OUTER": [
                Turn([agent_call("INNER", "nested work", background=False)]),
                say("outer reports back"),
            ],
            "INNER": [say("inner ran")],
        },
    )

    result = run_ok(tmp_repo, isolated_home, claude_bin, script)

    assert _conversation_steps(result, "INNER") == []  # the nested agent never started
    outer = result.subagent_requests("OUTER")
    assert [r.step for r in outer] == [0, 1]
    # SubagentStart's context reached the subagent's first request ...
    assert "claude-kit: you are the subagent `general-purpose`. Do not spawn agents" in outer[0].text()
    # ... and the denial reached its next one, as the error of its own Agent call.
    assert "claude-kit: workers don't delegate." in outer[1].text()
    [error] = [e for e in result.tool_errors() if e.conversation.startswith("agent:OUTER")]
    assert error.tool == "Agent"
    assert "NEEDS: spawn general-purpose" in error.text
    [denied] = decisions(tmp_repo, hook="spawn_depth", decision="deny")
    assert denied["agent_type"] == "general-purpose" and denied["agent_id"]
    assert denied["session_id"] == result.session_id
    # The main thread's own spawn was allowed.
    assert decisions(tmp_repo, hook="spawn_depth", decision="allow", agent_id=None)


def test_compaction_gate_denies_at_90_percent_and_warns_at_77(
    tmp_repo: Path, isolated_home: Path, claude_bin: Path
) -> None:
    install_kit(tmp_repo)
    script = Script(
        main=[
            # 900,000 of the 1M window: 90% (the runtime's own auto-compact waits until ~96.7%).
            Turn(
                [agent_call("FULL", background=False, subagent_type="general-purpose")],
                Usage(input_tokens=5_000, cache_read_input_tokens=895_000),
            ),
            Turn(
                [agent_call("WARM", background=False)],
                Usage(input_tokens=5_000, cache_read_input_tokens=765_000),
            ),
            say("done"),
        ],  # fmt: skip
        agents={"FULL": [say("should never run")], "WARM": [say("warm report")]},
    )

    result = run_ok(tmp_repo, isolated_home, claude_bin, script)

    main = result.main_requests()
    assert [r.step for r in main] == [0, 1, 2]
    denial = main[1].text()
    assert "context is at 90% of the 1,000,000-token window" in denial
    assert "run /compact, then spawn general-purpose" in denial
    assert _conversation_steps(result, "FULL") == []
    [error] = [e for e in result.tool_errors() if e.conversation == "main"]
    assert error.tool == "Agent" and "/compact" in error.text
    # At 77% the spawn proceeds and the warning travels with its result.
    assert _conversation_steps(result, "WARM") == [0]
    assert "context is at 77% of the 1,000,000-token window" in main[2].text()
    assert "You should compact soon" in main[2].text()
    gate = decisions(tmp_repo, hook="compaction_gate", session_id=result.session_id)
    assert [(r["decision"], r["context_tokens"], r["context_window"]) for r in gate] == [
        ("deny", 900_000, 1_000_000),
        ("warn", 770_000, 1_000_000),
    ]
    assert gate[0]["autocompact_percent"] == 96.7


def test_budget_denies_the_next_spawn_once_a_subagent_spent_it(
    tmp_repo: Path, isolated_home: Path, claude_bin: Path
) -> None:
    install_kit(tmp_repo, config=BACKEND_CONFIG + "budget:\n  session_tokens: 5000\n")
    script = Script(
        main=[
            Turn([agent_call("SPENDER", background=False)]),
            Turn([agent_call("SECOND", background=False, subagent_type="general-purpose")]),
            say("finished without new agents"),
        ],
        agents={
            "SPENDER": [say("spent a lot", Usage(input_tokens=6_000, output_tokens=100))],
            "SECOND": [say("should never run")],
        },
    )

    result = run_ok(tmp_repo, isolated_home, claude_bin, script)

    assert _conversation_steps(result, "SPENDER") == [0]
    assert _conversation_steps(result, "SECOND") == []
    after = result.main_requests()[2].text()
    assert "claude-kit budget: this session has used" in after
    assert "budget (budget.session_tokens), so spawning `general-purpose` is denied" in after
    records = decisions(tmp_repo, hook="budget", session_id=result.session_id, event="PreToolUse")
    assert [r["decision"] for r in records] == ["allow", "deny"]
    # Main-thread responses (110 tokens each) plus the subagent's 6,100, read from the transcripts.
    assert records[1]["used_tokens"] >= 6_100 + 2 * 110


def test_context_hooks_reach_the_model_and_survive_compaction(
    tmp_repo: Path, isolated_home: Path, claude_bin: Path
) -> None:
    install_kit(tmp_repo)
    build_file_tree(tmp_repo, {".git/claude-kit/features/active.json": json.dumps(FEATURE)})
    script = Script(
        main=[
            # 980,000 tokens: above the runtime's auto-compact threshold for the 1M window, so it
            # compacts (PreCompact, then SessionStart with source "compact") before the next call.
            Turn(
                [tool_use("Bash", {"command": "true"})],
                Usage(input_tokens=20_000, cache_read_input_tokens=960_000, output_tokens=200),
            ),
            say("after compaction"),
        ],  # fmt: skip
    )

    result = run_ok(tmp_repo, isolated_home, claude_bin, script)

    sid = result.session_id
    first = result.main_requests()[0].text()
    [start] = decisions(tmp_repo, event="SessionStart", session_id=sid, source="startup")
    [reminder] = decisions(tmp_repo, hook="prompt_reminder", session_id=sid)
    assert start["reason"] in first and reminder["reason"] in first
    assert "Active feature: Login rate limit (feature), phase implementation" in start["reason"]
    assert "Active feature: Login rate limit" in reminder["reason"]
    assert len(reminder["reason"]) <= 300
    assert len(start["reason"]) < 1000
    # PreCompact: the essentials are part of what the compactor is asked to keep.
    [compact] = [r for r in result.requests if r.kind == "compact"]
    assert "claude-kit: keep these facts verbatim in the summary." in compact.text()
    assert "run `claude-kit feature resume` before doing anything else" in compact.text()
    # SessionStart(compact): the resumed conversation is told to reload the feature.
    after = result.main_requests()[-1].text()
    assert "just compacted: run `claude-kit feature resume`" in after
    assert decisions(tmp_repo, event="SessionStart", session_id=sid, source="compact")
