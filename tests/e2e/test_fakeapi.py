"""The fake Messages API on its own (no Claude Code needed): routing, wire format, logging."""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from typing import Any

import pytest

from claude_kit.fakeapi import (
    COMPACT_MARK,
    DONE_TEXT,
    SUBAGENT_MARK,
    FakeAnthropicAPI,
    Script,
    Turn,
    Usage,
    agent_call,
    call,
    say,
    text,
)

TOOLS: list[dict[str, Any]] = [
    {"name": n, "input_schema": {}} for n in ("Agent", "Bash", "Edit", "Read", "Write")
]


def body(
    user: str, *, subagent: bool = False, tools: list[Any] = TOOLS, stream: bool = True
) -> dict[str, Any]:
    head = "x-anthropic-billing-header: cc_version=2.1.329; cc_entrypoint=sdk-cli;"
    if subagent:
        head += f" {SUBAGENT_MARK};"
    return {
        "model": "claude-test",
        "system": [{"type": "text", "text": head}, {"type": "text", "text": "You are Claude."}],
        "messages": [{"role": "user", "content": [{"type": "text", "text": user}]}],
        "tools": tools,
        "stream": stream,
    }


def post(base_url: str, path: str, payload: dict[str, Any]) -> tuple[str, bytes]:
    request = urllib.request.Request(
        base_url + path, data=json.dumps(payload).encode(), headers={"Content-Type": "application/json"}
    )
    with urllib.request.urlopen(request, timeout=10) as response:
        return str(response.headers["Content-Type"]), response.read()


def sse(raw: bytes) -> list[tuple[str, dict[str, Any]]]:
    events = []
    for chunk in raw.decode().strip().split("\n\n"):
        name_line, data_line = chunk.split("\n")
        events.append((name_line.removeprefix("event: "), json.loads(data_line.removeprefix("data: "))))
    return events


def reassemble(events: list[tuple[str, dict[str, Any]]]) -> dict[str, Any]:
    """What an SDK client rebuilds from the stream."""
    message: dict[str, Any] = {}
    partial: dict[int, str] = {}
    for name, data in events:
        if name == "message_start":
            message = data["message"]
        elif name == "content_block_start":
            message["content"].append(data["content_block"])
        elif name == "content_block_delta":
            delta = data["delta"]
            if delta["type"] == "text_delta":
                message["content"][data["index"]]["text"] += delta["text"]
            else:
                partial[data["index"]] = partial.get(data["index"], "") + delta["partial_json"]
        elif name == "content_block_stop" and data["index"] in partial:
            message["content"][data["index"]]["input"] = json.loads(partial[data["index"]])
        elif name == "message_delta":
            message["stop_reason"] = data["delta"]["stop_reason"]
            message["usage"]["output_tokens"] = data["usage"]["output_tokens"]
    return message


def test_streams_scripted_turns_per_conversation_then_done() -> None:
    usage = Usage(input_tokens=900_000, cache_read_input_tokens=5, output_tokens=7)
    script = Script(
        main=[Turn([text("spawning"), agent_call("ALPHA")], usage), say("main done")],
        agents={"ALPHA": [call("Write", {"file_path": "/x", "content": "y"}), say("alpha done")]},
    )
    api = FakeAnthropicAPI(script)
    with api as base_url:
        content_type, raw = post(base_url, "/v1/messages?beta=true", body("please"))
        first = reassemble(sse(raw))
        sub = reassemble(sse(post(base_url, "/v1/messages", body("ALPHA: go", subagent=True))[1]))
        second = json.loads(post(base_url, "/v1/messages", body("please", stream=False))[1])
        third = json.loads(post(base_url, "/v1/messages", body("please", stream=False))[1])

    assert content_type == "text/event-stream"
    assert first["stop_reason"] == "tool_use"
    assert first["usage"] == usage.as_dict()
    assert first["content"][0] == {"type": "text", "text": "spawning"}
    spawn = first["content"][1]
    assert spawn["id"].startswith("toolu_")
    assert (spawn["name"], spawn["input"]["run_in_background"]) == ("Agent", False)
    assert spawn["input"]["prompt"].startswith("ALPHA")
    assert sub["content"][0]["input"] == {"file_path": "/x", "content": "y"}
    assert (second["stop_reason"], second["content"]) == ("end_turn", [{"type": "text", "text": "main done"}])
    assert third["content"] == [{"type": "text", "text": DONE_TEXT}]
    assert [(r.conversation, r.step, r.marker) for r in api.requests] == [
        ("main", 0, None),
        ("agent:ALPHA#1", 0, "ALPHA"),
        ("main", 1, None),
        ("main", 2, None),
    ]
    assert api.requests[1].response["content"][0]["name"] == "Write"


def test_side_compaction_and_count_tokens_do_not_advance_scripts() -> None:
    api = FakeAnthropicAPI(Script(main=[say("scripted")]))
    with api as base_url:
        title = json.loads(post(base_url, "/v1/messages", body("title?", tools=[], stream=False))[1])
        compact = json.loads(post(base_url, "/v1/messages", body(f"Now {COMPACT_MARK}.", stream=False))[1])
        _, counted = post(base_url, "/v1/messages/count_tokens", body("count me"))
        main = json.loads(post(base_url, "/v1/messages", body("real", stream=False))[1])

    assert title["content"][0]["text"]
    assert "<summary>" in compact["content"][0]["text"]
    assert json.loads(counted)["input_tokens"] > 0
    assert main["content"][0]["text"] == "scripted"
    assert [r.kind for r in api.requests] == ["side", "compact", "count_tokens", "main"]


def test_same_marker_twice_gets_two_conversations_and_unknown_paths_are_logged() -> None:
    api = FakeAnthropicAPI(Script(agents={"W": [say("w1")]}))
    with api as base_url:
        for prompt in ("W: first", "W: second", "W: first"):
            post(base_url, "/v1/messages", body(prompt, subagent=True, stream=False))
        with pytest.raises(urllib.error.HTTPError) as missing:
            post(base_url, "/v1/nope", {})
    missing.value.close()

    assert missing.value.code == 404
    assert [(r.conversation, r.step) for r in api.requests[:3]] == [
        ("agent:W#1", 0),
        ("agent:W#2", 0),
        ("agent:W#1", 1),
    ]
    assert api.requests[2].response["content"][0]["text"] == DONE_TEXT
    assert api.requests[3].kind == "other"


def test_request_text_flattens_system_messages_and_tool_results() -> None:
    api = FakeAnthropicAPI(Script())
    payload = body("hello")
    payload["messages"] += [
        {
            "role": "assistant",
            "content": [{"type": "tool_use", "id": "t", "name": "Write", "input": {"file_path": "/f"}}],
        },
        {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "t", "content": "denied: R"}]},
        {"role": "system", "content": "Stop hook feedback: S"},
    ]
    with api as base_url:
        post(base_url, "/v1/messages", payload)
    text_seen = api.requests[0].text()
    for fragment in ("You are Claude.", "hello", '"file_path": "/f"', "denied: R", "Stop hook feedback: S"):
        assert fragment in text_seen
    assert api.requests[0].tool_names() == ["Agent", "Bash", "Edit", "Read", "Write"]


def test_a_tool_input_can_take_a_value_from_the_models_context() -> None:
    from claude_kit.fakeapi import from_context
    from claude_kit.fakeapi_script import fill_from_context

    turn = call("Bash", {"command": f"lock --agent {from_context(r'agent id is `([a-z0-9]+)`')}", "n": [1]})
    filled = fill_from_context(turn, "claude-kit: Your agent id is `a1b2`: take file locks as yourself")
    assert filled.blocks[0].input == {"command": "lock --agent a1b2", "n": [1]}  # type: ignore[union-attr]
    unmatched = fill_from_context(turn, "no id here")
    assert unmatched.blocks[0].input["command"].endswith("}}")  # type: ignore[union-attr]
