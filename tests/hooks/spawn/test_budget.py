"""Per-session token and USD budgets (PreToolUse on Agent/Task) and usage accounting (PostToolUse).

What is counted: every model response of the session, main thread and subagents, read from the
transcripts (the main one and `<session>/subagents/agent-*.jsonl`), each response once.
"""

from __future__ import annotations

import json
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from tests.hooks.hookrun import SHORT_WAIT, assert_clean, fixture, install, kit_repo, log_records, run_hook
from tests.hooks.spawn.transcript_lines import CALL, assistant, user, write_lines

TOKENS_10K = "version: 1\nbudget: {session_tokens: 10000}\n"


@pytest.fixture(scope="module")
def kit(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return kit_repo(tmp_path_factory, "budget", TOKENS_10K)


@pytest.fixture
def session(tmp_path: Path) -> tuple[str, Path]:
    sid = str(uuid.uuid4())
    return sid, tmp_path / "projects/-repo" / f"{sid}.jsonl"


def spawn(repo: Path, sid: str, transcript: Path, target: str = "backend-developer") -> dict[str, Any]:
    data = fixture("PreToolUse-agent-foreground", repo, subagent_type=target)
    data.update(session_id=sid, transcript_path=str(transcript), tool_use_id=CALL)
    return data


def subagent_file(transcript: Path, agent_id: str) -> Path:
    return transcript.with_suffix("") / "subagents" / f"agent-{agent_id}.jsonl"


def budget_records(repo: Path, sid: str) -> list[dict[str, Any]]:
    return log_records(repo, session_id=sid, hook="budget")


# -- tokens ----------------------------------------------------------------------------------------
def test_no_budget_configured_means_nothing_is_counted(tmp_repo: Path, tmp_path: Path) -> None:
    install(tmp_repo, "version: 1\nhooks: {compaction_gate: {enabled: false}}\n")
    sid, transcript = str(uuid.uuid4()), tmp_path / "t.jsonl"
    write_lines(transcript, [assistant(900_000)])

    assert run_hook(tmp_repo, "pre_tool_use", spawn(tmp_repo, sid, transcript)).stdout == ""
    assert budget_records(tmp_repo, sid) == []
    assert not (tmp_repo / ".claude/.claude-kit/local/state" / sid / "budget.json").exists()


def test_main_thread_and_subagent_usage_add_up(kit: Path, session: tuple[str, Path]) -> None:
    sid, transcript = session
    write_lines(
        transcript, [user(), assistant(1_000, output=100), assistant(2_000, cache_read=1_000, output=100)]
    )
    write_lines(subagent_file(transcript, "a1"), [assistant(1_500, output=50, isSidechain=True)])
    # Another subagent's synthetic line costs nothing.
    write_lines(subagent_file(transcript, "a2"), [assistant(0, output=0, model="<synthetic>")])

    result = run_hook(kit, "pre_tool_use", spawn(kit, sid, transcript))

    assert_clean(result)
    assert result.stdout == ""  # 5,750 of 10,000: under the 80% warning
    [record] = budget_records(kit, sid)
    assert (record["decision"], record["used_tokens"]) == ("allow", 5_750)


def test_a_warning_at_80_percent(kit: Path, session: tuple[str, Path]) -> None:
    sid, transcript = session
    write_lines(transcript, [assistant(8_000, output=500)])

    result = run_hook(kit, "pre_tool_use", spawn(kit, sid, transcript))

    assert result.permission is None
    assert (
        "claude-kit budget: this session has used 8,500 tokens, 85% of its 10,000 tokens budget"
        in result.context
    )
    assert "denied at 100%" in result.context


def test_spawns_past_the_limit_are_denied_with_what_to_do(kit: Path, session: tuple[str, Path]) -> None:
    sid, transcript = session
    write_lines(transcript, [assistant(3_000, output=100)])
    write_lines(subagent_file(transcript, "big"), [assistant(9_000, output=400)])

    result = run_hook(kit, "pre_tool_use", spawn(kit, sid, transcript, "backend-tester"))

    assert result.permission == "deny"
    reason = result.reason
    assert "used 12,500 tokens, 125% of its 10,000 tokens budget (budget.session_tokens)" in reason
    assert "spawning `backend-tester` is denied" in reason
    assert "Finish without new agents" in reason
    assert "raises budget.session_tokens in .claude/claude-kit.yaml and runs `claude-kit sync`" in reason
    assert "hooks: {budget: {enabled: false}}" in reason
    assert "main thread and subagents" in reason
    assert budget_records(kit, sid)[-1]["decision"] == "deny"


def test_each_response_counts_once_across_lines_sharing_a_message_id(
    kit: Path, session: tuple[str, Path]
) -> None:
    sid, transcript = session
    write_lines(
        transcript,
        [
            assistant(4_000, output=1, msg_id="msg_a"),  # first content block: output still streaming
            assistant(4_000, output=300, msg_id="msg_a"),  # second block of the same response
            assistant(1_000, output=10),
        ],
    )

    run_hook(kit, "pre_tool_use", spawn(kit, sid, transcript))

    assert budget_records(kit, sid)[0]["used_tokens"] == 4_000 + 300 + 1_010


def test_only_new_transcript_lines_are_read_at_each_check(kit: Path, session: tuple[str, Path]) -> None:
    sid, transcript = session
    write_lines(transcript, [assistant(1_000, output=0)])
    run_hook(kit, "pre_tool_use", spawn(kit, sid, transcript))
    state_file = kit / ".claude/.claude-kit/local/state" / sid / "budget.json"
    offset = json.loads(state_file.read_text())["files"][str(transcript)]["offset"]
    assert offset == transcript.stat().st_size

    write_lines(transcript, [assistant(2_000, output=0)], append=True)
    run_hook(kit, "pre_tool_use", spawn(kit, sid, transcript))

    assert [r["used_tokens"] for r in budget_records(kit, sid)] == [1_000, 3_000]
    # A transcript replaced by a shorter one is counted again from its start.
    write_lines(transcript, [assistant(500, output=0)])
    run_hook(kit, "pre_tool_use", spawn(kit, sid, transcript))
    assert budget_records(kit, sid)[-1]["used_tokens"] == 500


def test_concurrent_checks_count_every_line_once(kit: Path, session: tuple[str, Path]) -> None:
    sid, transcript = session
    write_lines(transcript, [assistant(100, output=0) for _ in range(50)])

    with ThreadPoolExecutor(max_workers=6) as pool:
        results = list(
            pool.map(lambda _: run_hook(kit, "pre_tool_use", spawn(kit, sid, transcript)), range(6))
        )

    assert all(r.returncode == 0 for r in results)
    assert {r["used_tokens"] for r in budget_records(kit, sid)} == {5_000}


# -- USD -------------------------------------------------------------------------------------------
def test_usd_budget_uses_the_longest_matching_price(tmp_repo: Path, session: tuple[str, Path]) -> None:
    install(tmp_repo, "version: 1\nbudget: {session_usd: 1.0}\nhooks: {compaction_gate: {enabled: false}}\n")
    sid, transcript = session
    # Opus 5.5: $4 in, $20 out, $0.20 cache read per million (not the generic claude-opus $5/$25).
    write_lines(
        transcript, [assistant(100_000, cache_read=1_000_000, output=20_000, model="claude-opus-5-5")]
    )

    result = run_hook(tmp_repo, "pre_tool_use", spawn(tmp_repo, sid, transcript))

    # 0.4 + 0.2 + 0.4 = $1.00: at the limit.
    assert result.permission == "deny"
    assert "used $1.00, 100% of its $1.00 budget (budget.session_usd)" in result.reason


def test_usd_budget_names_tokens_it_could_not_price(tmp_repo: Path, session: tuple[str, Path]) -> None:
    install(tmp_repo, "version: 1\nbudget: {session_usd: 0.01}\n")
    sid, transcript = session
    write_lines(
        transcript, [assistant(10_000, model="claude-haiku-4-5"), assistant(5_000, model="my-local-model")]
    )

    result = run_hook(tmp_repo, "pre_tool_use", spawn(tmp_repo, sid, transcript))

    assert result.permission == "deny"  # 10,010 haiku tokens = $0.01005
    assert (
        "5,010 tokens of models without a price in budget.prices are not in the USD figure" in result.reason
    )


def test_custom_prices_from_the_config(tmp_repo: Path, session: tuple[str, Path]) -> None:
    install(
        tmp_repo,
        "version: 1\nbudget:\n  session_usd: 10\n  prices:\n    my-local: {input: 1000, output: 0}\n",
    )
    sid, transcript = session
    write_lines(transcript, [assistant(9_000, output=0, model="my-local-model")])

    result = run_hook(tmp_repo, "pre_tool_use", spawn(tmp_repo, sid, transcript))

    assert "used $9.00, 90% of its $10.00 budget" in result.context


# -- PostToolUse accounting ------------------------------------------------------------------------
def posted(
    repo: Path, sid: str, transcript: Path, name: str = "PostToolUse-agent-foreground"
) -> dict[str, Any]:
    data = fixture(name, repo)
    data.update(session_id=sid, transcript_path=str(transcript))
    return data


def test_a_foreground_agent_without_transcript_counts_what_posttooluse_reported(
    kit: Path, session: tuple[str, Path]
) -> None:
    sid, transcript = session
    write_lines(transcript, [assistant(1_000, output=0)])

    result = run_hook(kit, "post_tool_use", posted(kit, sid, transcript))

    assert result.returncode == 0 and "Traceback" not in result.stderr
    [record] = [r for r in budget_records(kit, sid) if r["event"] == "PostToolUse"]
    assert record["used_tokens"] == 1_000 + 110  # the captured payload's usage: 100 in + 10 out
    run_hook(kit, "pre_tool_use", spawn(kit, sid, transcript))
    assert budget_records(kit, sid)[-1]["used_tokens"] == 1_110


def test_an_agent_transcript_replaces_the_posttooluse_figure(kit: Path, session: tuple[str, Path]) -> None:
    sid, transcript = session
    data = posted(kit, sid, transcript)
    agent_id = data["tool_response"]["agentId"]
    write_lines(transcript, [assistant(1_000, output=0)])
    write_lines(subagent_file(transcript, agent_id), [assistant(100, output=10) for _ in range(3)])

    run_hook(kit, "post_tool_use", data)
    run_hook(kit, "pre_tool_use", spawn(kit, sid, transcript))

    assert budget_records(kit, sid)[-1]["used_tokens"] == 1_000 + 330  # three responses, not one


def test_a_background_launch_is_noted_and_counted_later(kit: Path, session: tuple[str, Path]) -> None:
    sid, transcript = session
    data = posted(kit, sid, transcript, "PostToolUse-agent-background")
    agent_id = data["tool_response"]["agentId"]

    run_hook(kit, "post_tool_use", data)
    write_lines(subagent_file(transcript, agent_id), [assistant(7_000, output=0)])
    # No main transcript: the gate's wait cut short.
    run_hook(kit, "pre_tool_use", spawn(kit, sid, transcript), timing=SHORT_WAIT)

    assert budget_records(kit, sid)[-1]["used_tokens"] == 7_000
