"""context_window: the model's window, the runtime's overrides and auto-compact point, and the
context in use read from the end of a transcript (waiting for the current response as Timing says)."""

from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest

from claude_kit_hooks.runtime.hook import Timing
from claude_kit_hooks.spawn.context_window import (
    autocompact_percent,
    context_window,
    last_context,
    model_window,
    read_context,
)
from tests.hooks.spawn.transcript_lines import CALL, assistant, write_lines


@pytest.fixture
def session_file(tmp_path: Path) -> Path:
    return tmp_path / "home/.claude/projects/-repo/session.jsonl"


def test_the_tail_read_is_bounded(session_file: Path) -> None:
    # A usage line followed by more bytes than the gate reads back: it is not found (by design).
    filler = {"type": "progress", "data": "x" * 60_000}
    write_lines(session_file, [assistant(1_000, cache_read=59_000), *[filler] * 40])

    assert last_context(str(session_file), max_bytes=1_000_000)["tokens"] is None
    assert last_context(str(session_file), max_bytes=4_000_000)["tokens"] == 60_000


# -- pure functions --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("model", "window"),
    [
        ("claude-opus-5-5", 1_000_000),
        ("claude-opus-4-7", 1_000_000),
        ("claude-opus-4-6", 200_000),
        ("claude-opus-4-1", 200_000),
        ("claude-opus-4-20250514", 200_000),
        ("claude-sonnet-5", 1_000_000),
        ("claude-sonnet-4-6", 200_000),
        ("claude-sonnet-4-6[1m]", 1_000_000),
        ("claude-sonnet-4-5-1m", 1_000_000),
        ("claude-haiku-4-5-20251001", 200_000),
        ("claude-haiku-5-5", 1_000_000),
        ("claude-fable-5", 1_000_000),
        ("us.anthropic.claude-opus-4-8-v1:0", 1_000_000),
        ("claude-3-5-sonnet-20241022", 200_000),
        ("", 200_000),
        ("claude-fake", 200_000),
    ],
)
def test_model_window(model: str, window: int) -> None:
    assert model_window(model) == window


def test_autocompact_percent_matches_the_runtime_formula() -> None:
    assert autocompact_percent(200_000, {}) == 83.5  # the ~83.5% peers report
    assert autocompact_percent(1_000_000, {}) == 96.7  # observed between 966K and 968K
    assert autocompact_percent(200_000, {"CLAUDE_AUTOCOMPACT_PCT_OVERRIDE": "50"}) == 45.0
    assert autocompact_percent(200_000, {"DISABLE_AUTO_COMPACT": "1"}) is None


def test_context_window_reports_its_source() -> None:
    assert context_window(150_000, "claude-opus-5-5", {}) == (150_000, "compaction.context_window")
    assert context_window("auto", "claude-opus-5-5", {}) == (1_000_000, "model claude-opus-5-5")
    assert context_window("auto", "claude-opus-5-5", {"CLAUDE_CODE_AUTO_COMPACT_WINDOW": "junk"})[0] == (
        1_000_000
    )


# -- waiting for the current response ---------------------------------------------------------------
def test_read_context_waits_for_the_line_of_the_current_call(session_file: Path) -> None:
    write_lines(session_file, [assistant(1_000, cache_read=59_000, call=None)])
    late = threading.Timer(
        0.05, lambda: write_lines(session_file, [assistant(1_000, cache_read=89_000)], append=True)
    )

    late.start()
    try:
        reading = read_context(str(session_file), CALL, Timing(flush_wait=2.0, flush_poll=0.005))
    finally:
        late.join()

    assert (reading["tokens"], reading["current"]) == (90_000, True)
    assert "why" not in reading


def test_read_context_gives_up_after_the_flush_wait(session_file: Path) -> None:
    write_lines(session_file, [assistant(1_000, cache_read=59_000, call=None)])

    started = time.monotonic()
    reading = read_context(str(session_file), CALL, Timing(flush_wait=0.03, flush_poll=0.005))

    assert time.monotonic() - started < 1.0
    assert (reading["tokens"], reading["current"]) == (60_000, False)
    assert reading["why"] == "the current response was not in the transcript yet: figure of the one before"


def test_read_context_does_not_wait_without_a_tool_use_id(session_file: Path) -> None:
    session_file.parent.mkdir(parents=True, exist_ok=True)

    reading = read_context(str(session_file), "", Timing(flush_wait=60.0, flush_poll=60.0))

    assert reading["tokens"] is None and "transcript not found" in str(reading["why"])
