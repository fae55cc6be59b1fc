"""Transcript lines as Claude Code 2.1.329 writes them, for the spawn checks' tests.

Observed lines: assistant with message.usage, system/compact_boundary with compactMetadata,
metadata lines in between. Shared by the compaction gate, context window, budget and usage tests.
"""

from __future__ import annotations

import json
import uuid
from pathlib import Path
from typing import Any

# The tool_use id of the spawn under test: the gate waits for the response that holds it.
CALL = "toolu_0current0spawn0000000"


def assistant(
    input_tokens: int = 100,
    cache_read: int = 0,
    cache_creation: int = 0,
    output: int = 10,
    *,
    model: str = "claude-opus-5-5",
    msg_id: str | None = None,
    text: str = "ok",
    call: str | None = CALL,
    **extra: Any,
) -> dict[str, Any]:
    """An assistant transcript line; `call` adds the tool_use block whose PreToolUse is being tested."""
    content: list[dict[str, Any]] = [{"type": "text", "text": text}]
    if call:
        content.append({"type": "tool_use", "id": call, "name": "Agent", "input": {"prompt": "x"}})
    line: dict[str, Any] = {
        "parentUuid": str(uuid.uuid4()),
        "isSidechain": False,
        "requestId": "req_" + uuid.uuid4().hex[:24],
        "type": "assistant",
        "uuid": str(uuid.uuid4()),
        "timestamp": "2026-11-21T05:40:32.362Z",
        "userType": "external",
        "sessionId": "s",
        "version": "2.1.329",
        "message": {
            "id": msg_id or "msg_" + uuid.uuid4().hex[:24],
            "type": "message",
            "role": "assistant",
            "model": model,
            "content": content,
            "stop_reason": "tool_use" if call else "end_turn",
            "usage": {
                "input_tokens": input_tokens,
                "cache_creation_input_tokens": cache_creation,
                "cache_read_input_tokens": cache_read,
                "output_tokens": output,
                "service_tier": "standard",
                "cache_creation": {"ephemeral_1h_input_tokens": 0, "ephemeral_5m_input_tokens": 0},
            },
        },
    }
    line.update(extra)
    return line


def user(text: str = "go") -> dict[str, Any]:
    return {"type": "user", "isSidechain": False, "uuid": str(uuid.uuid4()),
            "message": {"role": "user", "content": text}}  # fmt: skip


def meta_lines() -> list[dict[str, Any]]:
    return [
        {"type": "last-prompt", "lastPrompt": "go", "sessionId": "s"},
        {"type": "atis-latch", "atis": "", "sessionId": "s"},
    ]


def compact_boundary(pre: int = 980_208, post: int | None = 2_544) -> dict[str, Any]:
    meta: dict[str, Any] = {"trigger": "auto", "preTokens": pre}
    if post is not None:
        meta["postTokens"] = post
    return {"type": "system", "subtype": "compact_boundary", "isSidechain": False, "compactMetadata": meta}


def write_lines(path: Path, lines: list[dict[str, Any] | str], *, append: bool = False) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = "".join((x if isinstance(x, str) else json.dumps(x)) + "\n" for x in lines)
    with path.open("a" if append else "w", encoding="utf-8") as f:
        f.write(text)
    return path
