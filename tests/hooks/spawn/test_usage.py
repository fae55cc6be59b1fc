"""usage: prices, the cost of a response, and counting a transcript incrementally.

The counting through the hooks (the budget check at PreToolUse, account_usage at PostToolUse) is
tested in test_budget.py, where a budget is configured.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from claude_kit_hooks.spawn import usage
from tests.hooks.spawn.transcript_lines import assistant, write_lines


# -- pure functions --------------------------------------------------------------------------------
def test_price_for_picks_the_longest_prefix() -> None:
    prices = {"claude-opus": {"input": 5}, "claude-opus-5-5": {"input": 4}, "claude": {"input": 1}}
    assert usage.price_for(prices, "claude-opus-5-5")["input"] == 4
    assert usage.price_for(prices, "claude-opus-4-7")["input"] == 5
    assert usage.price_for(prices, "us.anthropic.claude-opus-5-5-v1:0")["input"] == 4
    assert usage.price_for(prices, "claude-haiku-4-5")["input"] == 1
    assert usage.price_for(prices, "gpt-x") is None


def test_usage_cost_defaults_cache_prices_from_the_input_price() -> None:
    cost = usage.usage_cost([1_000_000, 1_000_000, 1_000_000, 1_000_000], {"input": 10, "output": 50})
    assert cost == pytest.approx(10 + 12.5 + 1 + 50)


def test_scan_usage_stops_at_a_partial_line(tmp_path: Path) -> None:
    path = tmp_path / "t.jsonl"
    write_lines(path, [assistant(100, output=0)])
    with path.open("a") as f:
        f.write(json.dumps(assistant(999, output=0))[:80])

    entry = usage.scan_usage(str(path), {}, {})

    assert entry["tokens"] == 100 and entry["unpriced"] == 100
    assert entry["offset"] < path.stat().st_size


def test_scan_usage_gets_past_a_line_longer_than_one_read(tmp_path: Path) -> None:
    path = tmp_path / "t.jsonl"
    write_lines(path, [{"type": "user", "message": {"content": "x" * 5_000}}, assistant(100, output=0)])

    entry: dict[str, Any] = {}
    for _ in range(10):
        entry = usage.scan_usage(str(path), entry, {}, max_bytes=1_000)

    assert entry["tokens"] == 100 and entry["offset"] == path.stat().st_size
