"""A scripted fake of the Anthropic Messages API, for driving the real Claude Code offline.

The real CLI is pointed at it with ANTHROPIC_BASE_URL; it serves a Script (fakeapi_script) on
127.0.0.1, tells the runtime's conversations apart (fakeapi_requests) and answers in the API's wire
format (fakeapi_wire). Stdlib only: the `claude-kit demo` command runs this inside the user's
environment. This module is the fake's public face: tests and the demo import everything from here.
"""

from __future__ import annotations

import dataclasses
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any

from claude_kit.fakeapi_requests import COMPACT_MARK, SUBAGENT_MARK, Conversations, Kind, Request
from claude_kit.fakeapi_script import (
    Block,
    Script,
    Text,
    ToolUse,
    Turn,
    Usage,
    agent_call,
    call,
    from_context,
    say,
    text,
    tool_use,
)
from claude_kit.fakeapi_wire import build_message, count_tokens, new_id, sse_events

__all__ = [
    "COMPACT_MARK", "COMPACT_TEXT", "DONE_TEXT", "SIDE_TEXT", "SUBAGENT_MARK", "Block", "FakeAnthropicAPI",
    "Kind", "Request", "Script", "Text", "ToolUse", "Turn", "Usage", "agent_call", "build_message", "call",
    "from_context", "say", "sse_events", "text", "tool_use",
]  # fmt: skip

# What an unscripted request gets: the end of a conversation, a side request, a compaction.
DONE_TEXT = "done"
SIDE_TEXT = "Scripted session"
COMPACT_TEXT = "<analysis>Scripted compaction.</analysis>\n<summary>Scripted compaction summary.</summary>"


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
        self.send_header("request-id", new_id("req_"))
        self.end_headers()
        self.wfile.write(payload)

    def do_POST(self) -> None:
        path = self.path.split("?", 1)[0]
        body = self._body()
        router = self.server.router
        if path == "/v1/messages/count_tokens":
            response = {"input_tokens": count_tokens(body)}
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

    def __init__(self, router: Conversations) -> None:
        self.router = router
        super().__init__(("127.0.0.1", 0), _Handler)


class FakeAnthropicAPI:
    """Serves `script` on 127.0.0.1 (random free port) while used as a context manager."""

    def __init__(self, script: Script) -> None:
        self._router = Conversations(script)
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
        return self._router.requests()

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
