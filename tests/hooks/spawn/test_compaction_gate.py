"""Compaction gate (PreToolUse on Agent/Task): reads the main transcript's tail, model-aware window.

Transcripts are generated in the shape Claude Code 2.1.329 writes them (transcript_lines.py). The
window rules and the transcript reading alone are tested in test_context_window.py.
"""

from __future__ import annotations

import json
import threading
import uuid
from pathlib import Path
from typing import Any

import pytest

from tests.hooks.hookrun import SHORT_WAIT, assert_clean, fixture, install, kit_repo, log_records, run_hook
from tests.hooks.spawn.transcript_lines import (
    CALL,
    assistant,
    compact_boundary,
    meta_lines,
    user,
    write_lines,
)

RUNTIME_ENV = (
    "CLAUDE_CODE_DISABLE_1M_CONTEXT",
    "CLAUDE_CODE_MAX_CONTEXT_TOKENS",
    "CLAUDE_CODE_AUTO_COMPACT_WINDOW",
    "CLAUDE_AUTOCOMPACT_PCT_OVERRIDE",
    "DISABLE_AUTO_COMPACT",
    "DISABLE_COMPACT",
)


def spawn_payload(repo: Path, transcript: Path | str, session: str | None = None, **tool_input: Any) -> dict:
    payload = fixture(
        "PreToolUse-agent-foreground", repo, **{"subagent_type": "backend-developer", **tool_input}
    )
    payload["session_id"] = session or str(uuid.uuid4())
    payload["transcript_path"] = str(transcript)
    payload["tool_use_id"] = CALL
    return payload


# -- fixtures --------------------------------------------------------------------------------------
@pytest.fixture(autouse=True)
def _no_runtime_env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in RUNTIME_ENV:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="module")
def kit(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return kit_repo(tmp_path_factory, "gate")


@pytest.fixture
def session_file(tmp_path: Path) -> Path:
    return tmp_path / "home/.claude/projects/-repo" / f"{uuid.uuid4()}.jsonl"


def gate_records(repo: Path, payload: dict) -> list[dict]:
    return log_records(repo, session_id=payload["session_id"], hook="compaction_gate")


# -- thresholds on a 200K model --------------------------------------------------------------------
@pytest.mark.parametrize(
    ("tokens", "decision"),
    [(100_000, "allow"), (150_000, "warn"), (161_000, "must"), (170_000, "deny"), (199_000, "deny")],
)
def test_thresholds_on_a_200k_model(kit: Path, session_file: Path, tokens: int, decision: str) -> None:
    write_lines(
        session_file, [user(), assistant(1_000, cache_read=tokens - 1_000, model="claude-sonnet-4-6")]
    )
    payload = spawn_payload(kit, session_file)

    result = run_hook(kit, "pre_tool_use", payload)

    assert_clean(result)
    pct = f"{tokens * 100 // 200_000}%"
    [record] = gate_records(kit, payload)
    assert record["context_tokens"] == tokens
    assert record["context_window"] == 200_000
    if decision == "allow":
        assert result.stdout == ""
        assert record["decision"] == "allow"
    elif decision == "deny":
        assert result.permission == "deny"
        assert "run /compact, then spawn backend-developer" in result.reason
        assert pct in result.reason and "200,000-token window" in result.reason
        assert "typed by the user" in result.reason
        assert "hooks: {compaction_gate: {enabled: false}}" in result.reason
        assert record["decision"] == "deny"
    else:
        assert result.permission is None
        assert pct in result.context
        assert ("You must compact" if decision == "must" else "You should compact soon") in result.context
        assert "/compact" in result.context
        assert record["decision"] == "warn"


def test_a_1m_model_gets_a_1m_window(kit: Path, session_file: Path) -> None:
    # 180K tokens would be 90% of a 200K window; on Opus 5.5 (1M by default) it is 18%.
    write_lines(session_file, [user(), assistant(2_000, cache_read=178_000, model="claude-opus-5-5")])
    payload = spawn_payload(kit, session_file)

    result = run_hook(kit, "pre_tool_use", payload)

    assert result.stdout == ""
    [record] = gate_records(kit, payload)
    assert (record["decision"], record["context_window"], record["context_percent"]) == (
        "allow",
        1_000_000,
        18.0,
    )


def test_900k_on_a_1m_model_is_denied_with_the_percentage(kit: Path, session_file: Path) -> None:
    write_lines(session_file, [user(), assistant(5_000, cache_read=880_000, cache_creation=15_000)])
    payload = spawn_payload(kit, session_file)

    result = run_hook(kit, "pre_tool_use", payload)

    assert result.permission == "deny"
    assert "90% of the 1,000,000-token window (900,000 tokens in use)" in result.reason


# -- which line is read ----------------------------------------------------------------------------
def test_synthetic_sidechain_and_unmetered_lines_are_skipped(kit: Path, session_file: Path) -> None:
    write_lines(
        session_file,
        [
            user(),
            assistant(1_000, cache_read=59_000, model="claude-sonnet-4-6"),  # the real figure: 30%
            assistant(0, output=0, model="<synthetic>", text="No response requested."),
            assistant(1_000, cache_read=195_000, model="claude-sonnet-4-6", isSidechain=True),
            assistant(1_000, cache_read=195_000, model="claude-sonnet-4-6", isUnmetered=True),
            *meta_lines(),
        ],
    )
    payload = spawn_payload(kit, session_file)

    result = run_hook(kit, "pre_tool_use", payload)

    assert result.stdout == ""
    assert gate_records(kit, payload)[0]["context_tokens"] == 60_000


def test_duplicate_message_ids_count_once_and_the_newest_figure_wins(kit: Path, session_file: Path) -> None:
    write_lines(
        session_file,
        [
            assistant(1_000, cache_read=99_000, model="claude-sonnet-4-6"),
            # One response written as two lines (one per content block) sharing message.id.
            assistant(1_000, cache_read=169_000, model="claude-sonnet-4-6", msg_id="msg_same", output=1),
            assistant(1_000, cache_read=169_000, model="claude-sonnet-4-6", msg_id="msg_same", output=40),
        ],
    )
    payload = spawn_payload(kit, session_file)

    result = run_hook(kit, "pre_tool_use", payload)

    assert result.permission == "deny"
    [record] = gate_records(kit, payload)
    assert record["context_tokens"] == 170_000  # input + cache reads + cache writes; output is not context


def test_compact_boundary_after_the_last_usage_means_the_figure_is_stale(
    kit: Path, session_file: Path
) -> None:
    write_lines(
        session_file,
        [user(), assistant(20_000, cache_read=960_000), *meta_lines(), user("summary"), compact_boundary()],
    )
    payload = spawn_payload(kit, session_file)

    result = run_hook(kit, "pre_tool_use", payload)

    assert result.stdout == ""
    [record] = gate_records(kit, payload)
    assert record["decision"] == "allow"
    assert "compacted after the last usage figure (980,000 tokens before it)" in record["reason"]


def test_usage_after_a_compact_boundary_is_read_normally(kit: Path, session_file: Path) -> None:
    lines = [assistant(20_000, cache_read=960_000), compact_boundary(), user("summary")]
    write_lines(session_file, [*lines, assistant(1_000, cache_read=899_000)])
    payload = spawn_payload(kit, session_file)

    result = run_hook(kit, "pre_tool_use", payload)

    assert result.permission == "deny"
    assert gate_records(kit, payload)[0]["context_tokens"] == 900_000


def test_text_mentioning_compact_boundary_is_not_a_boundary(kit: Path, session_file: Path) -> None:
    write_lines(
        session_file,
        [assistant(1_000, cache_read=169_000, model="claude-sonnet-4-6", text='the "compact_boundary" line')],
    )
    payload = spawn_payload(kit, session_file)

    assert run_hook(kit, "pre_tool_use", payload).permission == "deny"


def test_a_half_written_last_line_is_ignored(kit: Path, session_file: Path) -> None:
    write_lines(session_file, [assistant(1_000, cache_read=59_000, model="claude-sonnet-4-6")])
    with session_file.open("a", encoding="utf-8") as f:
        f.write(json.dumps(assistant(1_000, cache_read=195_000, model="claude-sonnet-4-6"))[:150])
    payload = spawn_payload(kit, session_file)

    result = run_hook(kit, "pre_tool_use", payload)

    assert_clean(result)
    assert result.stdout == ""
    assert gate_records(kit, payload)[0]["context_tokens"] == 60_000


def test_a_response_written_after_the_hook_started_is_waited_for(kit: Path, session_file: Path) -> None:
    # Observed on 2.1.329: the line of the response that holds the Agent call can land a few dozen
    # milliseconds after PreToolUse fires. The gate waits for it (up to 3 s) instead of reading the
    # figure of the response before.
    write_lines(session_file, [assistant(1_000, cache_read=59_000, model="claude-sonnet-4-6", call=None)])
    payload = spawn_payload(kit, session_file)
    late = assistant(1_000, cache_read=189_000, model="claude-sonnet-4-6")
    writer = threading.Timer(0.2, lambda: write_lines(session_file, [late], append=True))

    writer.start()
    try:
        result = run_hook(kit, "pre_tool_use", payload)
    finally:
        writer.join()

    assert result.permission == "deny"
    assert gate_records(kit, payload)[0]["context_tokens"] == 190_000


def test_a_transcript_created_after_the_hook_started_is_waited_for(kit: Path, session_file: Path) -> None:
    # On a session's first turn the runtime may create the transcript file only after PreToolUse fired.
    session_file.unlink(missing_ok=True)
    payload = spawn_payload(kit, session_file)
    first = assistant(1_000, cache_read=189_000, model="claude-sonnet-4-6")
    writer = threading.Timer(0.2, lambda: write_lines(session_file, [first]))

    writer.start()
    try:
        result = run_hook(kit, "pre_tool_use", payload)
    finally:
        writer.join()

    assert result.permission == "deny"
    assert gate_records(kit, payload)[0]["context_tokens"] == 190_000


def test_if_the_current_response_never_lands_the_previous_figure_is_used(
    kit: Path, session_file: Path
) -> None:
    write_lines(session_file, [assistant(1_000, cache_read=59_000, model="claude-sonnet-4-6", call=None)])
    payload = spawn_payload(kit, session_file)

    result = run_hook(kit, "pre_tool_use", payload, timing=SHORT_WAIT)  # the wait cut short: nothing lands

    assert result.stdout == ""
    [record] = gate_records(kit, payload)
    assert record["context_tokens"] == 60_000


# -- unknown context: allow and say why ------------------------------------------------------------
@pytest.mark.parametrize(
    ("content", "why"),
    [
        (None, "transcript not found"),
        (b"", "transcript is empty"),
        (b'{"type": "user", "message": {"role": "user", "content": "hi"}}\n', "no model usage"),
        (b"\xff\xfe not json at all\n\x00\x01", "no model usage"),
    ],
    ids=["missing", "empty", "no-usage-yet", "garbage"],
)
def test_unknown_context_is_allowed_and_logged(
    kit: Path, session_file: Path, content: bytes | None, why: str
) -> None:
    if content is not None:
        session_file.parent.mkdir(parents=True, exist_ok=True)
        session_file.write_bytes(content)
    payload = spawn_payload(kit, session_file)

    result = run_hook(kit, "pre_tool_use", payload, timing=SHORT_WAIT)  # the wait cut short: nothing lands

    assert_clean(result)
    assert result.stdout == ""
    [record] = gate_records(kit, payload)
    assert record["decision"] == "allow"
    assert why in record["reason"]


def test_no_transcript_path_is_allowed_and_logged(kit: Path) -> None:
    payload = spawn_payload(kit, "")

    result = run_hook(kit, "pre_tool_use", payload)

    assert result.stdout == ""
    assert "session persistence off" in gate_records(kit, payload)[0]["reason"]


# -- window overrides ------------------------------------------------------------------------------
def test_config_context_window_overrides_the_model(tmp_repo: Path, session_file: Path) -> None:
    limits = "context_window: 100000, warn_percent: 50, must_percent: 60, deny_percent: 70"
    config = f"version: 1\ncompaction: {{{limits}}}\n"
    repo = install(tmp_repo, config)
    write_lines(session_file, [assistant(1_000, cache_read=64_000)])  # 65% of 100K; 6.5% of Opus 5.5's 1M
    payload = spawn_payload(repo, session_file)

    result = run_hook(repo, "pre_tool_use", payload)

    assert result.permission is None
    assert "65% of the 100,000-token window" in result.context and "You must compact" in result.context
    assert "At 70% new spawns are denied" in result.context


@pytest.mark.parametrize(
    ("env", "tokens", "window"),
    [
        ({"CLAUDE_CODE_DISABLE_1M_CONTEXT": "1"}, 180_000, 200_000),
        ({"CLAUDE_CODE_AUTO_COMPACT_WINDOW": "400k"}, 360_000, 400_000),
        ({"CLAUDE_CODE_AUTO_COMPACT_WINDOW": "400000"}, 360_000, 400_000),
        ({"CLAUDE_CODE_MAX_CONTEXT_TOKENS": "300000"}, 270_000, 300_000),
    ],
)
def test_runtime_environment_overrides_are_honoured(
    kit: Path, session_file: Path, env: dict[str, str], tokens: int, window: int
) -> None:
    write_lines(session_file, [assistant(1_000, cache_read=tokens - 1_000, model="claude-opus-5-5")])
    payload = spawn_payload(kit, session_file)

    result = run_hook(kit, "pre_tool_use", payload, env=env)

    assert result.permission == "deny"
    assert f"90% of the {window:,}-token window" in result.reason


def test_spawns_from_subagents_are_not_gated_on_the_main_context(tmp_repo: Path, session_file: Path) -> None:
    repo = install(tmp_repo, "version: 1\nspawn: {max_depth: 3}\n")
    write_lines(session_file, [assistant(1_000, cache_read=195_000, model="claude-sonnet-4-6")])
    payload = spawn_payload(repo, session_file)
    payload.update(agent_id="a1b2c3", agent_type="backend-lead")

    result = run_hook(repo, "pre_tool_use", payload)

    assert result.stdout == ""
    assert "does not apply" in gate_records(repo, payload)[0]["reason"]


def test_kill_switch_in_config(tmp_repo: Path, session_file: Path) -> None:
    repo = install(tmp_repo, "version: 1\nhooks: {compaction_gate: {enabled: false}}\n")
    write_lines(session_file, [assistant(1_000, cache_read=990_000)])
    payload = spawn_payload(repo, session_file)

    assert run_hook(repo, "pre_tool_use", payload).stdout == ""
    assert gate_records(repo, payload) == []


def test_the_legacy_task_tool_is_gated_too(kit: Path, session_file: Path) -> None:
    write_lines(session_file, [assistant(1_000, cache_read=949_000)])
    payload = spawn_payload(kit, session_file)
    payload["tool_name"] = "Task"

    assert run_hook(kit, "pre_tool_use", payload).permission == "deny"
