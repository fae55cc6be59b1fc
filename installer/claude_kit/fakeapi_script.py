"""What the fake Messages API answers: the scripted turns of the main thread and of each subagent.

A Script holds the main thread's turns, and each subagent's turns keyed by a marker word that the
Agent call's prompt carries (`agent_call`). Every response is one Turn: text and tool calls.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any, TypeAlias


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


# `{{ctx:<regex>}}` in a tool call's input: replaced by the regex's first group as found in the text the
# model was shown (what a model reads from its context, such as its agent id from the kit's briefing).
_FROM_CONTEXT = re.compile(r"\{\{ctx:(.+?)\}\}")


def from_context(pattern: str) -> str:
    """A placeholder for a tool input: the first group of `pattern` in the model's context."""
    return "{{ctx:" + pattern + "}}"


def fill_from_context(turn: Turn, context: str) -> Turn:
    """`turn` with every `{{ctx:<regex>}}` placeholder of its tool inputs filled from `context`
    (left as it is when the regex does not match)."""

    def fill(value: Any) -> Any:
        if isinstance(value, str):

            def one(m: re.Match[str]) -> str:
                found = re.search(m.group(1), context)
                return found.group(1) if found else m.group(0)

            return _FROM_CONTEXT.sub(one, value)
        if isinstance(value, Mapping):
            return {k: fill(v) for k, v in value.items()}
        if isinstance(value, list):
            return [fill(v) for v in value]
        return value

    blocks: list[Block] = [
        replace(b, input=fill(b.input)) if isinstance(b, ToolUse) else b for b in turn.blocks
    ]
    return replace(turn, blocks=blocks)
