"""The Messages API's wire format as the fake serves it: a full message, or its streaming events."""

from __future__ import annotations

import json
import secrets
from collections.abc import Mapping
from typing import Any

from claude_kit.fakeapi_script import Text, Turn, Usage


def new_id(prefix: str) -> str:
    return prefix + secrets.token_hex(12)


def build_message(turn: Turn | None, model: str, fallback: str) -> dict[str, Any]:
    """The full assistant message for a turn (a plain `end_turn` text when unscripted)."""
    turn = turn or Turn([Text(fallback)])
    content: list[dict[str, Any]] = []
    for block in turn.blocks:
        if isinstance(block, Text):
            content.append({"type": "text", "text": block.text})
        else:
            content.append(
                {
                    "type": "tool_use",
                    "id": block.id or new_id("toolu_"),
                    "name": block.name,
                    "input": dict(block.input),
                }
            )
    return {
        "id": new_id("msg_"),
        "type": "message",
        "role": "assistant",
        "model": model,
        "content": content,
        "stop_reason": turn.stop_reason,
        "stop_sequence": None,
        "usage": (turn.usage or Usage()).as_dict(),
    }


def sse_events(message: Mapping[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """The streaming event sequence that reassembles into `message`."""
    usage = dict(message["usage"])
    start = {**message, "content": [], "stop_reason": None, "usage": {**usage, "output_tokens": 1}}
    events: list[tuple[str, dict[str, Any]]] = [
        ("message_start", {"type": "message_start", "message": start})
    ]
    for index, block in enumerate(message["content"]):
        if block["type"] == "text":
            head: dict[str, Any] = {"type": "text", "text": ""}
            delta: dict[str, Any] = {"type": "text_delta", "text": block["text"]}
        else:
            head = {"type": "tool_use", "id": block["id"], "name": block["name"], "input": {}}
            delta = {"type": "input_json_delta", "partial_json": json.dumps(block["input"])}
        events += [
            ("content_block_start", {"type": "content_block_start", "index": index, "content_block": head}),
            ("content_block_delta", {"type": "content_block_delta", "index": index, "delta": delta}),
            ("content_block_stop", {"type": "content_block_stop", "index": index}),
        ]
    events += [
        (
            "message_delta",
            {
                "type": "message_delta",
                "delta": {"stop_reason": message["stop_reason"], "stop_sequence": None},
                "usage": {"output_tokens": usage["output_tokens"]},
            },
        ),
        ("message_stop", {"type": "message_stop"}),
    ]
    return events


def count_tokens(body: Mapping[str, Any]) -> int:
    # Roughly 4 characters per token, like the runtime's own estimate; callers only need a number.
    return max(1, len(json.dumps(body)) // 4)
