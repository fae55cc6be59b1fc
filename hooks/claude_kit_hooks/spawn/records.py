# claude-kit: managed, id=hooks/claude_kit_hooks/spawn/records
"""Typed records of the spawn checks' own state files (spawn.json, budget.json) and of the figures
they pass around. Only the spawn checks read these files, so the records live here.

Imported only under TYPE_CHECKING (importing `typing` costs ~14 ms at a hook's start-up); the data
stays the plain JSON that is on disk.
"""

from __future__ import annotations

from typing import TypedDict

# -- state/<session>/spawn.json: who spawned what at which depth (only with spawn.max_depth > 1) --


class PendingSpawn(TypedDict):
    """A spawn allowed at PreToolUse whose SubagentStart has not been seen yet."""

    tool_use_id: str | None
    parent_depth: int  # 0: the main thread
    subagent_type: str
    ts: float


class RegisteredAgent(TypedDict):
    depth: int
    type: str
    ts: float


class SpawnState(TypedDict, total=False):
    pending: list[PendingSpawn]
    agents: dict[str, RegisteredAgent]  # agent_id -> its depth


# -- state/<session>/budget.json: usage counted so far, per transcript and per agent ---------------


class LastResponse(TypedDict, total=False):
    """The response counted last in a transcript: a later line of the same response adds only what grew."""

    id: str | None
    u: list[int]  # [input, cache_creation, cache_read, output]


class ScannedFile(TypedDict, total=False):
    offset: int  # bytes of the transcript already counted
    tokens: int
    usd: float
    unpriced: int  # tokens of models without a price in budget.prices
    last: LastResponse


class AgentUsage(TypedDict):
    """What PostToolUse reported for an agent: stands in when its transcript cannot be found."""

    status: str
    tokens: int
    usd: float
    unpriced: int
    ts: float


class BudgetState(TypedDict, total=False):
    files: dict[str, ScannedFile]  # transcript path -> what was counted in it
    agents: dict[str, AgentUsage]


class SessionUsage(TypedDict):
    tokens: int
    usd: float
    unpriced: int
    fallback_agents: int  # agents counted from PostToolUse's figure, not from their transcript


# -- what the compaction gate reads from the end of the main transcript --------------------------------


class ContextReading(TypedDict, total=False):
    tokens: int | None  # None: unknown (see why)
    model: str
    message_id: object
    current: bool  # the response holding the current tool call was among the lines read
    compacted: bool  # a compact_boundary line comes after the usage figure
    why: str
