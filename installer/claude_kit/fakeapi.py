"""A scripted fake of the Anthropic Messages API, for driving the real Claude Code offline.

The real CLI is pointed at it with ANTHROPIC_BASE_URL. Every conversation the runtime holds (the
main thread, each subagent, side requests such as title generation) is told apart from the request
body alone, and each scripted conversation replays its own list of turns. Stdlib only: the
`claude-kit demo` command runs this inside the user's environment.
"""

from __future__ import annotations

import dataclasses
import itertools
import json
import secrets
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Literal, TypeAlias

SUBAGENT_MARK = "cc_is_subagent=true"
# Real main-thread requests carry a dozen tools (subagents: as many as their definition allows);
# title generation and other side requests carry none or one or two, and get a canned answer.
SIDE_REQUEST_MAX_TOOLS = 2
# Compaction runs as a fork of the conversation (same system prompt and tools), so only the
# summarisation instruction in its last user message tells it apart from a scripted turn.
COMPACT_MARK = "create a detailed summary of the conversation so far"
DONE_TEXT = "done"
SIDE_TEXT = "Scripted session"
COMPACT_TEXT = "<analysis>Scripted compaction.</analysis>\n<summary>Scripted compaction summary.</summary>"

Kind = Literal["main", "subagent", "side", "compact", "count_tokens", "other"]


@dataclass(frozen=True)
class Usage:
    """Token counts the runtime copies into the transcript as `message.usage`."""

    input_tokens: int = 100
    cache_creation_input_tokens: int = 0
    cache_read_input_tokens: int = 0
    output_tokens: int = 10

    def as_dict(self) -> dict[str, int]:
        return {
            "input_tokens": self.input_tokens,
            "cache_creation_input_tokens": self.cache_creation_input_tokens,
            "cache_read_input_tokens": self.cache_read_input_tokens,
            "output_tokens": self.output_tokens,
        }


@dataclass(frozen=True)
class Text:
    text: str


@dataclass(frozen=True)
class ToolUse:
    name: str
    input: Mapping[str, Any]
    # None = a fresh `toolu_...` id per response, so a Turn object can be reused safely.
    id: str | None = None


Block: TypeAlias = Text | ToolUse


def text(value: str) -> Text:
    return Text(value)


def tool_use(name: str, input: Mapping[str, Any], *, id: str | None = None) -> ToolUse:
    return ToolUse(name, dict(input), id)


def agent_call(
    marker: str,
    task: str = "do the scripted task",
    *,
    background: bool = False,
    subagent_type: str = "general-purpose",
    description: str = "Scripted subagent",
) -> ToolUse:
    """An `Agent` tool call whose prompt carries `marker`, which selects the subagent's script.

    `run_in_background` is always sent explicitly: agents launch in the background by default,
    and a foreground spawn is what makes PostToolUse(Agent) carry the subagent's final result.
    """
    return tool_use(
        "Agent",
        {
            "description": description,
            "prompt": f"{marker}: {task}",
            "subagent_type": subagent_type,
            "run_in_background": background,
        },
    )


@dataclass(frozen=True)
class Turn:
    """One assistant response. It stops with `tool_use` when it holds a tool call."""

    blocks: list[Block]
    usage: Usage | None = None

    @property
    def stop_reason(self) -> str:
        return "tool_use" if any(isinstance(b, ToolUse) for b in self.blocks) else "end_turn"


def say(value: str, usage: Usage | None = None) -> Turn:
    return Turn([Text(value)], usage)


def call(name: str, input: Mapping[str, Any], usage: Usage | None = None) -> Turn:
    return Turn([tool_use(name, input)], usage)


@dataclass(frozen=True)
class Script:
    """The main thread's turns, and each subagent's turns keyed by a marker word in its prompt."""

    main: list[Turn] = field(default_factory=list)
    agents: dict[str, list[Turn]] = field(default_factory=dict)


@dataclass(frozen=True)
class Request:
    """One request the runtime made, and what the fake answered."""

    seq: int
    path: str
    kind: Kind
    conversation: str  # "main", "agent:<marker>#<n>" (n-th spawn with that marker), or the kind
    body: dict[str, Any]
    response: dict[str, Any]
    step: int | None  # index into the conversation's script; None when unscripted

    @property
    def marker(self) -> str | None:
        if not self.conversation.startswith("agent:"):
            return None
        return self.conversation[len("agent:") :].rsplit("#", 1)[0]

    def texts(self) -> list[str]:
        """Every piece of text the model was shown in this request: system, then messages."""
        return list(_iter_texts(self.body.get("system"))) + list(_iter_texts(self.body.get("messages")))

    def text(self) -> str:
        return "\n".join(self.texts())

    def tool_names(self) -> list[str]:
        return [str(t.get("name")) for t in self.body.get("tools") or [] if isinstance(t, dict)]


def _iter_texts(node: Any) -> Iterator[str]:
    # Walks content of any shape (str, block list, tool_result with nested content) so that
    # assertions don't care how the runtime packed a hook message or a system reminder.
    if isinstance(node, str):
        yield node
    elif isinstance(node, list):
        for item in node:
            yield from _iter_texts(item)
    elif isinstance(node, dict):
        if isinstance(node.get("text"), str):
            yield node["text"]
        if "content" in node:
            yield from _iter_texts(node["content"])
        if node.get("type") == "tool_use":
            yield json.dumps(node.get("input"), sort_keys=True)


def _system_head(body: Mapping[str, Any]) -> str:
    system = body.get("system")
    if isinstance(system, str):
        return system
    if isinstance(system, list):
        for block in system:
            if isinstance(block, dict) and isinstance(block.get("text"), str):
                return str(block["text"])
    return ""


def _user_texts(body: Mapping[str, Any]) -> list[str]:
    return [
        "\n".join(_iter_texts(message.get("content")))
        for message in body.get("messages") or []
        if isinstance(message, dict) and message.get("role") == "user"
    ]


class _Router:
    """Routes request bodies to conversations and holds one step pointer per conversation."""

    def __init__(self, script: Script) -> None:
        self.script = script
        self._lock = threading.Lock()
        self._steps: dict[str, int] = {}
        # A subagent conversation is identified by its first user message (the Agent prompt),
        # so two spawns with the same marker get separate pointers and replay the same script.
        self._agent_keys: dict[str, str] = {}
        self._marker_counts: dict[str, int] = {}
        self._ids = itertools.count(1)
        self.log: list[Request] = []

    def messages(self, path: str, body: dict[str, Any]) -> tuple[Request, Turn | None]:
        with self._lock:
            kind, conversation, turns = self._classify(body)
            step: int | None = None
            turn: Turn | None = None
            if kind in ("main", "subagent"):
                step = self._steps.get(conversation, 0)
                self._steps[conversation] = step + 1
                turn = turns[step] if step < len(turns) else None
            request = Request(next(self._ids), path, kind, conversation, body, {}, step)
            return request, turn

    def _classify(self, body: dict[str, Any]) -> tuple[Kind, str, list[Turn]]:
        tools = body.get("tools") or []
        users = _user_texts(body) or [""]
        if COMPACT_MARK in users[-1]:
            return "compact", "compact", []
        if SUBAGENT_MARK in _system_head(body) and tools:
            # Checked before the tool count: an agent limited to one or two tools is still a
            # scripted subagent.
            return ("subagent", *self._subagent(users[0]))
        if len(tools) <= SIDE_REQUEST_MAX_TOOLS:
            return "side", "side", []
        return "main", "main", self.script.main

    def _subagent(self, first_user: str) -> tuple[str, list[Turn]]:
        conversation = self._agent_keys.get(first_user)
        if conversation is None:
            marker = next((m for m in self.script.agents if m in first_user), "?")
            n = self._marker_counts.get(marker, 0) + 1
            self._marker_counts[marker] = n
            conversation = f"agent:{marker}#{n}"
            self._agent_keys[first_user] = conversation
        marker = conversation[len("agent:") :].rsplit("#", 1)[0]
        return conversation, self.script.agents.get(marker, [])

    def record(self, request: Request) -> None:
        with self._lock:
            self.log.append(request)

    def other(self, path: str, kind: Kind, body: dict[str, Any], response: dict[str, Any]) -> None:
        with self._lock:
            self.log.append(Request(next(self._ids), path, kind, kind, body, response, None))


def _new_id(prefix: str) -> str:
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
                    "id": block.id or _new_id("toolu_"),
                    "name": block.name,
                    "input": dict(block.input),
                }
            )
    return {
        "id": _new_id("msg_"),
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


def _count_tokens(body: Mapping[str, Any]) -> int:
    # Roughly 4 characters per token, like the runtime's own estimate; callers only need a number.
    return max(1, len(json.dumps(body)) // 4)


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        pass  # the request log is the record; stderr noise would only hide test output

    def _body(self) -> dict[str, Any]:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        try:
            parsed = json.loads(raw or b"{}")
        except ValueError:
            return {"_raw": raw.decode("utf-8", "replace")}
        return parsed if isinstance(parsed, dict) else {"_json": parsed}

    def _send(self, status: int, payload: bytes, content_type: str) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(payload)))
        self.send_header("request-id", _new_id("req_"))
        self.end_headers()
        self.wfile.write(payload)

    def do_POST(self) -> None:
        path = self.path.split("?", 1)[0]
        body = self._body()
        router = self.server.router
        if path == "/v1/messages/count_tokens":
            response = {"input_tokens": _count_tokens(body)}
            router.other(self.path, "count_tokens", body, response)
            self._send(200, json.dumps(response).encode(), "application/json")
            return
        if path != "/v1/messages":
            self._not_found(body)
            return
        request, turn = router.messages(self.path, body)
        fallback = {"side": SIDE_TEXT, "compact": COMPACT_TEXT}.get(request.kind, DONE_TEXT)
        message = build_message(turn, str(body.get("model") or "claude-fake"), fallback)
        router.record(dataclasses.replace(request, response=message))
        if body.get("stream"):
            stream = "".join(
                f"event: {name}\ndata: {json.dumps(data)}\n\n" for name, data in sse_events(message)
            )
            self._send(200, stream.encode(), "text/event-stream")
        else:
            self._send(200, json.dumps(message).encode(), "application/json")

    def do_GET(self) -> None:
        self._not_found({})

    def do_HEAD(self) -> None:
        # Connectivity probes only need a status line.
        self.server.router.other(self.path, "other", {}, {})
        self._send(200, b"", "text/plain")

    def _not_found(self, body: dict[str, Any]) -> None:
        error = {"type": "error", "error": {"type": "not_found_error", "message": f"fake: no {self.path}"}}
        self.server.router.other(self.path, "other", body, error)
        self._send(404, json.dumps(error).encode(), "application/json")


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, router: _Router) -> None:
        self.router = router
        super().__init__(("127.0.0.1", 0), _Handler)


class FakeAnthropicAPI:
    """Serves `script` on 127.0.0.1 (random free port) while used as a context manager."""

    def __init__(self, script: Script) -> None:
        self._router = _Router(script)
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    @property
    def base_url(self) -> str:
        if self._server is None:
            raise RuntimeError("FakeAnthropicAPI is not running")
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    @property
    def requests(self) -> list[Request]:
        """Every request so far, in arrival order (a copy, safe to read while serving)."""
        with self._router._lock:
            return sorted(self._router.log, key=lambda r: r.seq)

    def start(self) -> str:
        self._server = _Server(self._router)
        self._thread = threading.Thread(target=self._server.serve_forever, name="fakeapi", daemon=True)
        self._thread.start()
        return self.base_url

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join()
        self._server = self._thread = None

    def __enter__(self) -> str:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
