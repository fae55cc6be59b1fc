# claude-kit: managed, id=hooks/claude_kit_hooks/spawn/depth
"""Workers don't delegate: the spawn-depth check (PreToolUse on Agent/Task) and the registration of
each new subagent's depth (SubagentStart).

A spawn from inside a subagent is denied when it would run deeper than `spawn.max_depth` (default 1:
only the main thread spawns agents). With a deeper limit the kit must know each subagent's depth:
an allowed spawn is recorded as pending in state/<session>/spawn.json and SubagentStart turns it
into the new agent's depth. Behaviour and limits: docs/enforcement-spawn.md.
"""

from __future__ import annotations

import os
import time

from claude_kit_hooks.contract.naming import safe_name
from claude_kit_hooks.spawn.transcripts import session_dir
from claude_kit_hooks.spawn.values import as_int, as_number, objects, spawn_target
from claude_kit_hooks.store.jsonfile import read_json, update_json

TYPE_CHECKING = False  # typing costs ~14 ms at a hook's start-up; mypy still reads the branch
if TYPE_CHECKING:
    from typing import Any

    from claude_kit_hooks.runtime.hook import Hook
    from claude_kit_hooks.spawn.records import PendingSpawn, RegisteredAgent, SpawnState

PENDING_TTL = 1800  # seconds a recorded spawn waits for its SubagentStart
MAX_AGENTS = 500


def max_depth_of(h: Hook) -> int:
    return as_int(h.config["spawn"]["max_depth"], 1)


def spawn_depth(h: Hook) -> None:
    if not h.enabled("spawn_depth"):
        return
    max_depth = max_depth_of(h)
    target = spawn_target(h)
    if not h.is_subagent:
        # A Workflow's agents get no pending record: they start at depth 1, which is what
        # SubagentStart assumes for an agent no pending spawn matches.
        if max_depth > 1 and h.tool_name != "Workflow":
            _add_pending(h, 0, target)
        h.allow("spawn_depth", f"main thread spawns {target} (depth 1 of {max_depth})")
        return
    depth, source = (1, "subagent") if max_depth <= 1 else caller_depth(h)
    if depth + 1 > max_depth:
        _deny_depth(h, target, depth, max_depth)
        return
    _add_pending(h, depth, target)
    h.allow(
        "spawn_depth",
        f"{h.agent_type} (depth {depth}, from {source}) spawns {target} at depth {depth + 1} of {max_depth}",
    )


def _deny_depth(h: Hook, target: str, depth: int, max_depth: int) -> None:
    what = str(h.tool_input.get("description") or "").strip()[:80]
    need = f"spawn {target}" + (f' for "{what}"' if what else "")
    if max_depth <= 1:
        rule = "subagents may not spawn agents here (spawn.max_depth: 1)"
        raise_it = "spawn: {max_depth: 2}"
    else:
        rule = (
            f"you run at depth {depth} and a spawn would run at depth {depth + 1}, deeper than "
            f"spawn.max_depth: {max_depth}"
        )
        raise_it = f"spawn: {{max_depth: {max_depth + 1}}}" if max_depth < 3 else ""
    switch = f"{raise_it} or " if raise_it else ""
    h.deny(
        "spawn_depth",
        f"claude-kit: workers don't delegate. You are a subagent ({h.agent_type or 'unknown type'}) and "
        f"{rule}, so `{target}` was not spawned. Do not retry the spawn. Finish your own task, then end "
        f"your final message with a line NEEDS: {need}, and the prompt it should get: the main thread "
        f"will spawn it. (Kill switch for the user: {switch}hooks: {{spawn_depth: {{enabled: "
        "false}} in .claude/claude-kit.yaml.)",
        depth=depth,
        max_depth=max_depth,
        target=target,
    )


def caller_depth(h: Hook) -> tuple[int, str]:
    """(depth, source) of the subagent making this call.

    Order: the runtime's own `agent-<id>.meta.json` (spawnDepth, written once the agent runs; not a
    documented API), then the kit's registry filled at SubagentStart, then 1 (the shallowest a
    subagent can be, so an unknown depth never denies more than the default would).
    """
    tp = h.payload.get("transcript_path")
    if tp and h.agent_id:
        from claude_kit_hooks.transcript.reader import read_small_json  # the runtime's file: untrusted

        meta = read_small_json(
            os.path.join(session_dir(str(tp)), "subagents", f"agent-{safe_name(str(h.agent_id))}.meta.json")
        )
        if isinstance(meta, dict) and as_int(meta.get("spawnDepth"), 0) > 0:
            return as_int(meta["spawnDepth"], 0), "runtime meta"
    reg = read_json(h.paths.state(h.session_id, "spawn"), {})
    agent = (reg.get("agents") or {}).get(str(h.agent_id)) if isinstance(reg, dict) else None
    if isinstance(agent, dict) and as_int(agent.get("depth"), 0) > 0:
        return as_int(agent["depth"], 0), "registry"
    return 1, "default"


def _add_pending(h: Hook, parent_depth: int, target: str) -> None:
    now = time.time()
    rec: PendingSpawn = {
        "tool_use_id": h.tool_use_id,
        "parent_depth": parent_depth,
        "subagent_type": target,
        "ts": now,
    }

    def add(data: Any) -> SpawnState:
        data = data if isinstance(data, dict) else {}
        pending = [p for p in objects(data.get("pending")) if now - as_number(p.get("ts")) < PENDING_TTL]
        data["pending"] = (pending + [rec])[-100:]
        return data  # type: ignore[no-any-return]  # spawn.json as read, pending replaced

    update_json(h.paths.state(h.session_id, "spawn"), add)


def drop_pending(h: Hook) -> None:
    """A later check denied this spawn (or it completed): it will never start a subagent."""
    if not h.tool_use_id or max_depth_of(h) <= 1:
        return
    path = h.paths.state(h.session_id, "spawn")
    if not os.path.exists(path):
        return

    def drop(data: Any) -> SpawnState:
        data = data if isinstance(data, dict) else {}
        data["pending"] = [p for p in objects(data.get("pending")) if p.get("tool_use_id") != h.tool_use_id]
        return data  # type: ignore[no-any-return]  # spawn.json as read, pending replaced

    update_json(path, drop)


def register_subagent(h: Hook) -> None:
    """SubagentStart: give the new agent its depth (oldest pending spawn of the same agent_type + 1).

    Needed only when spawn.max_depth > 1. SubagentStart carries no link to the spawning call, so two
    parents at different depths spawning the same agent type at the same moment may swap depths;
    the runtime's meta file, read first at the next spawn, corrects that (see caller_depth).
    """
    if not h.enabled("spawn_depth") or max_depth_of(h) <= 1:
        return
    if not h.agent_id:
        return
    agent_id = str(h.agent_id)
    agent_type = str(h.agent_type or "")
    now = time.time()
    found: dict[str, Any] = {}

    def register(data: Any) -> SpawnState:
        data = data if isinstance(data, dict) else {}
        pending = [p for p in objects(data.get("pending")) if now - as_number(p.get("ts")) < PENDING_TTL]
        match = next((p for p in pending if p.get("subagent_type") == agent_type), None)
        if match is not None:
            pending.remove(match)
        depth = as_int(match.get("parent_depth"), 0) + 1 if match else 1
        agents = data.get("agents") if isinstance(data.get("agents"), dict) else {}
        entry: RegisteredAgent = {"depth": depth, "type": agent_type, "ts": now}
        agents[agent_id] = entry
        if len(agents) > MAX_AGENTS:
            by_age = sorted(
                agents,
                key=lambda k: as_number((agents[k] or {}).get("ts")) if isinstance(agents[k], dict) else 0,
            )
            for key in by_age[: len(agents) - MAX_AGENTS]:
                del agents[key]
        data["pending"], data["agents"] = pending, agents
        found.update(depth=depth, matched=match is not None)
        return data  # type: ignore[no-any-return]  # spawn.json as read, pending and agents replaced

    update_json(h.paths.state(h.session_id, "spawn"), register)
    h.spawn_depth = found.get("depth", 1)
    h.allow(
        "spawn_depth",
        f"registered {agent_type or 'agent'} at depth {found.get('depth')}"
        + ("" if found.get("matched") else " (no pending spawn matched its type: assumed 1)"),
    )
