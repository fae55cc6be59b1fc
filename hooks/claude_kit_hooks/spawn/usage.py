# claude-kit: managed, id=hooks/claude_kit_hooks/spawn/usage
"""What a session has used: every model response of the main thread and its subagents, read
incrementally from the transcripts and priced with budget.prices, plus the PostToolUse accounting
of each finished or launched agent (account_usage).

Counted only when a budget is configured (budget_limits); the running totals live in
state/<session>/budget.json so that each check reads only what was appended since the last one.
"""

from __future__ import annotations

import json
import os
import time

from claude_kit_hooks.spawn.depth import drop_pending
from claude_kit_hooks.spawn.transcripts import metered_usage, model_core, session_transcripts, usage4
from claude_kit_hooks.spawn.values import as_int, thousands
from claude_kit_hooks.store.jsonfile import update_json

TYPE_CHECKING = False  # typing costs ~14 ms at a hook's start-up; mypy still reads the branch
if TYPE_CHECKING:
    from collections.abc import Mapping, Sequence
    from typing import Any

    from claude_kit_hooks.runtime.hook import Hook
    from claude_kit_hooks.spawn.records import AgentUsage, BudgetState, LastResponse, SessionUsage

SCAN_MAX_BYTES = 16 * 1024 * 1024  # how much new transcript the budget reads per check (catch-up)


# -- prices ----------------------------------------------------------------------------------------
def price_for(prices: Mapping[str, Any] | None, model: str) -> dict[str, Any] | None:
    """The price entry whose key is the longest prefix of the model id (None when none matches)."""
    core = model_core(model)
    best: tuple[str, dict[str, Any]] | None = None
    for key, entry in (prices or {}).items():
        if (
            isinstance(entry, dict)
            and core.startswith(str(key).lower())
            and (best is None or len(key) > len(best[0]))
        ):
            best = (key, entry)
    return best[1] if best else None


def usage_cost(usage4: Sequence[int], price: Mapping[str, Any]) -> float:
    """USD for [input, cache_creation, cache_read, output] tokens at per-million `price`."""
    inp = float(price.get("input", 0))
    rates = (
        inp,
        float(price.get("cache_write", inp * 1.25)),
        float(price.get("cache_read", inp * 0.1)),
        float(price.get("output", 0)),
    )
    return sum(usage4[i] * rates[i] for i in range(4)) / 1_000_000


# -- counting the transcripts ----------------------------------------------------------------------
def scan_usage(
    path: str, entry: dict[str, Any], prices: Mapping[str, Any] | None, max_bytes: int = SCAN_MAX_BYTES
) -> dict[str, Any]:
    """Add the usage of the lines appended to `path` since `entry["offset"]` to `entry` (in place).

    Each model response counts once: lines sharing a message.id add only what grew (the runtime
    may write one line per content block of a response). `entry` is one file of budget.json as read
    from disk (a ScannedFile when intact), so each field is checked before use.
    """
    from claude_kit_hooks.transcript.reader import read_appended  # PostToolUse imports this module too

    offset = as_int(entry.get("offset"), 0)
    read = read_appended(path, offset, max_bytes)
    if read is None:  # gone, unreadable, or not a regular file (a FIFO would hang a plain open)
        return entry
    start, data = read
    if start != offset:  # replaced or truncated: count it again from the start
        entry.clear()
        offset = start
    if not data:
        return entry
    end = data.rfind(b"\n")
    if end < 0:
        if len(data) >= max_bytes:  # one line longer than a whole read: skip it, it holds no usage
            entry["offset"] = offset + len(data)
        return entry  # otherwise: no complete line yet
    last: LastResponse = entry["last"] if isinstance(entry.get("last"), dict) else {}
    tokens, usd, unpriced = (
        as_int(entry.get("tokens"), 0),
        float(entry.get("usd", 0.0)),
        as_int(entry.get("unpriced"), 0),
    )
    for raw in data[:end].split(b"\n"):
        if b'"usage"' not in raw or b'"assistant"' not in raw:
            continue
        try:
            obj = json.loads(raw)
        except ValueError:
            continue
        usage = metered_usage(obj)
        if usage is None:
            continue
        msg = obj["message"]
        now = usage4(usage)
        mid = msg.get("id")
        if mid and mid == last.get("id"):
            prev = last.get("u") or [0, 0, 0, 0]
            add = [max(0, now[i] - prev[i]) for i in range(4)]
            last["u"] = [max(now[i], prev[i]) for i in range(4)]
        else:
            add = now
            last = {"id": mid, "u": now}
        if not any(add):
            continue
        tokens += sum(add)
        price = price_for(prices, str(msg.get("model") or ""))
        if price is None:
            unpriced += sum(add)
        else:
            usd += usage_cost(add, price)
    entry.update(offset=offset + end + 1, tokens=tokens, usd=round(usd, 6), unpriced=unpriced, last=last)
    return entry


def session_usage(h: Hook) -> SessionUsage:
    """Totals for the session, counting only what was appended since the last check."""
    prices = h.config["budget"]["prices"] or {}
    files = session_transcripts(str(h.payload.get("transcript_path") or ""))

    def count(data: Any) -> BudgetState:
        data = data if isinstance(data, dict) else {}
        known = data.get("files") if isinstance(data.get("files"), dict) else {}
        room = SCAN_MAX_BYTES  # shared by all files: a check never reads more than this
        for path in dict.fromkeys(files):
            entry = known.get(path)
            entry = entry if isinstance(entry, dict) else {}
            before = as_int(entry.get("offset"), 0)
            if room > 0:
                entry = scan_usage(path, entry, prices, room)
                room -= max(0, as_int(entry.get("offset"), 0) - before)
            known[path] = entry
        data["files"] = known
        return data  # type: ignore[no-any-return]  # budget.json as read, files replaced

    data = update_json(h.paths.state(h.session_id, "budget"), count)
    seen_agents = {os.path.basename(p)[len("agent-") : -len(".jsonl")] for p in data["files"]}
    totals: SessionUsage = {"tokens": 0, "usd": 0.0, "unpriced": 0, "fallback_agents": 0}
    for entry in data["files"].values():
        totals["tokens"] += as_int(entry.get("tokens"), 0)
        totals["usd"] += float(entry.get("usd", 0.0))
        totals["unpriced"] += as_int(entry.get("unpriced"), 0)
    for agent_id, rec in (data.get("agents") or {}).items():
        # No transcript found for this agent: what PostToolUse said stands in.
        if agent_id not in seen_agents and isinstance(rec, dict):
            totals["tokens"] += as_int(rec.get("tokens"), 0)
            totals["usd"] += float(rec.get("usd", 0.0))
            totals["unpriced"] += as_int(rec.get("unpriced"), 0)
            totals["fallback_agents"] += 1
    return totals


def budget_limits(h: Hook) -> tuple[int | None, float | None, int]:
    """(session tokens, session USD, warn %); a limit that is unset or not positive is None."""
    cfg = h.config["budget"]
    tokens: object = cfg["session_tokens"]
    usd: object = cfg["session_usd"]
    limit_tokens = tokens if isinstance(tokens, int) and not isinstance(tokens, bool) and tokens > 0 else None
    limit_usd = (
        float(usd) if isinstance(usd, (int, float)) and not isinstance(usd, bool) and usd > 0 else None
    )
    return limit_tokens, limit_usd, as_int(cfg["warn_percent"], 80)


# -- PostToolUse -----------------------------------------------------------------------------------
def log_spawn_result(h: Hook) -> None:
    """PostToolUse(Agent/Task): one record joining the call (tool_use_id) to the agent it started
    (its id and type) and how it came back: a foreground agent finished, a background one launched.
    `claude-kit log` and the OTLP spawn spans join the agent's own records to its spawn on it."""
    resp = h.payload.get("tool_response")
    resp = resp if isinstance(resp, dict) else {}
    agent_id = str(resp.get("agentId") or "")
    if not agent_id:
        return
    agent_type = str(resp.get("agentType") or h.tool_input.get("subagent_type") or "")
    status = str(resp.get("status") or "")
    h.allow(
        "spawn_result",
        f"{agent_type or 'agent'} {agent_id} {status or 'returned'}",
        spawned_agent_id=agent_id,
        subagent_type=agent_type,
        status=status,
        agent_duration_ms=as_int(resp.get("totalDurationMs"), 0),
        agent_tokens=as_int(resp.get("totalTokens"), 0),
    )


def account_usage(h: Hook) -> None:
    """PostToolUse(Agent/Task): note the agent and fold its usage in while it is fresh.

    A foreground agent has finished here, so its transcript is complete; a background one has only
    launched and is counted from its transcript at later checks. When no transcript can be found,
    the figure PostToolUse reports (the agent's last response only) stands in for it.
    """
    resp = h.payload.get("tool_response")
    resp = resp if isinstance(resp, dict) else {}
    if resp.get("status") == "completed":
        drop_pending(h)  # a foreground agent has run, so its SubagentStart has long consumed it
    if not h.enabled("budget"):
        return
    limit_tokens, limit_usd, _warn = budget_limits(h)
    if limit_tokens is None and limit_usd is None:
        return
    agent_id = str(resp.get("agentId") or "")
    if not agent_id:
        return
    usage = resp.get("usage")
    usage = usage if isinstance(usage, dict) else {}
    now = usage4(usage)
    total = sum(now) or as_int(resp.get("totalTokens"), 0)
    price = price_for(h.config["budget"]["prices"] or {}, str(resp.get("resolvedModel") or ""))
    rec: AgentUsage = {
        "status": str(resp.get("status") or ""),
        "tokens": total,
        "usd": round(usage_cost(now, price), 6) if price else 0.0,
        "unpriced": 0 if price else total,
        "ts": time.time(),
    }

    def note(data: Any) -> BudgetState:
        data = data if isinstance(data, dict) else {}
        agents = data.get("agents") if isinstance(data.get("agents"), dict) else {}
        agents[agent_id] = rec
        data["agents"] = agents
        return data  # type: ignore[no-any-return]  # budget.json as read, agents replaced

    update_json(h.paths.state(h.session_id, "budget"), note)
    used = session_usage(h)
    h.allow(
        "budget",
        f"agent {agent_id} ({rec['status']}) accounted; session total {thousands(used['tokens'])} tokens",
        used_tokens=used["tokens"],
        used_usd=round(used["usd"], 4),
    )
