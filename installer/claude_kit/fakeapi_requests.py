"""Which conversation a request to the fake Messages API belongs to, and the log of requests.

Every conversation the runtime holds (the main thread, each subagent, side requests such as title
generation, compaction) is told apart from the request body alone, and each scripted conversation
replays its own list of turns.
"""

from __future__ import annotations

import itertools
import json
import threading
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any, Literal

from claude_kit.fakeapi_script import Script, Turn, fill_from_context

SUBAGENT_MARK = "cc_is_subagent=true"
# Real main-thread requests carry a dozen tools (subagents: as many as their definition allows);
# title generation and other side requests carry none or one or two, and get a canned answer.
SIDE_REQUEST_MAX_TOOLS = 2
# Compaction runs as a fork of the conversation (same system prompt and tools), so only the
# summarisation instruction in its last user message tells it apart from a scripted turn.
COMPACT_MARK = "create a detailed summary of the conversation so far"

Kind = Literal["main", "subagent", "side", "compact", "count_tokens", "other"]


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


class Conversations:
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
            if turn is not None and "{{ctx:" in repr(turn):
                turn = fill_from_context(turn, request.text())
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

    def requests(self) -> list[Request]:
        """Every request so far, in arrival order (a copy)."""
        with self._lock:
            return sorted(self.log, key=lambda r: r.seq)

    def record(self, request: Request) -> None:
        with self._lock:
            self.log.append(request)

    def other(self, path: str, kind: Kind, body: dict[str, Any], response: dict[str, Any]) -> None:
        with self._lock:
            self.log.append(Request(next(self._ids), path, kind, kind, body, response, None))
