# claude-kit: managed, id=hooks/ck_spawn
"""Spawn checks (PreToolUse on Agent/Task), subagent registration and usage accounting.

- spawn_depth: workers don't delegate; a spawn from inside a subagent is denied when it would run
  deeper than `spawn.max_depth` (default 1: only the main thread spawns agents).
- compaction_gate: reads the main transcript from its end (bounded) and warns at 75% / 80% of the
  context window, denies new spawns at 85% with "run /compact, then spawn <agent>".
- budget / account_usage: per-session token and USD budgets over every model response of the
  session (main thread and subagents), counted incrementally from the transcripts.

Standard library only; `re` is never needed. Behaviour and limits: docs/enforcement-spawn.md.
"""

from __future__ import annotations

import json
import os
import time

import ckrt

DEFAULT_WINDOW = 200_000
LONG_WINDOW = 1_000_000
# Families whose models default to a 1M window from this version on (Claude Code 2.1.329's own model
# table: opus 4.7+, sonnet 5+, haiku 5.5+, every fable and mythos model). Older ones: 200K.
LONG_WINDOW_FROM = {"opus": (4, 7), "sonnet": (5, 0), "haiku": (5, 5), "fable": (5, 0), "mythos": (5, 0)}
# The runtime auto-compacts at window - min(max output, 20000) - 13000 (both constants from the
# 2.1.329 binary); only used to explain decisions in the log.
AUTOCOMPACT_OUTPUT_RESERVE = 20_000
AUTOCOMPACT_BUFFER = 13_000
TAIL_MAX_BYTES = 8 * 1024 * 1024  # how far back the gate looks for the last usage line
SCAN_MAX_BYTES = 16 * 1024 * 1024  # how much new transcript the budget reads per check (catch-up)
FLUSH_WAIT = 3.0  # seconds the gate waits for the transcript line of the current tool call (lags under load)
FLUSH_POLL = 0.025
PENDING_TTL = 1800  # seconds a recorded spawn waits for its SubagentStart
MAX_AGENTS = 500
SYNTHETIC_MODEL = "<synthetic>"


# -- helpers ---------------------------------------------------------------------------------------
def _int(value, default: int) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) else default


def _num(value) -> float:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else 0.0


def _target(h: ckrt.Hook) -> str:
    return str(h.tool_input.get("subagent_type") or "general-purpose")


def _fmt(n) -> str:
    return f"{int(n):,}"


def _list(value) -> list:
    return [x for x in value if isinstance(x, dict)] if isinstance(value, list) else []


def _session_dir(transcript_path: str) -> str:
    """`<project>/<session_id>.jsonl` -> `<project>/<session_id>` (subagents/ lives below it)."""
    return os.path.splitext(transcript_path)[0]


# -- spawn depth -----------------------------------------------------------------------------------
def spawn_depth(h: ckrt.Hook) -> None:
    if not h.enabled("spawn_depth"):
        return
    max_depth = _int((h.config.get("spawn") or {}).get("max_depth"), 1)
    target = _target(h)
    if not h.is_subagent:
        if max_depth > 1:
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


def _deny_depth(h: ckrt.Hook, target: str, depth: int, max_depth: int) -> None:
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


def caller_depth(h: ckrt.Hook):
    """(depth, source) of the subagent making this call.

    Order: the runtime's own `agent-<id>.meta.json` (spawnDepth, written once the agent runs; not a
    documented API), then the kit's registry filled at SubagentStart, then 1 (the shallowest a
    subagent can be, so an unknown depth never denies more than the default would).
    """
    tp = h.payload.get("transcript_path")
    if tp and h.agent_id:
        meta = ckrt.read_json(
            os.path.join(
                _session_dir(str(tp)), "subagents", f"agent-{ckrt.safe_name(str(h.agent_id))}.meta.json"
            )
        )
        if isinstance(meta, dict) and _int(meta.get("spawnDepth"), 0) > 0:
            return meta["spawnDepth"], "runtime meta"
    reg = ckrt.read_json(ckrt.state_path(h.session_id, "spawn"), {})
    agent = (reg.get("agents") or {}).get(str(h.agent_id)) if isinstance(reg, dict) else None
    if isinstance(agent, dict) and _int(agent.get("depth"), 0) > 0:
        return agent["depth"], "registry"
    return 1, "default"


def _add_pending(h: ckrt.Hook, parent_depth: int, target: str) -> None:
    now = time.time()
    rec = {"tool_use_id": h.tool_use_id, "parent_depth": parent_depth, "subagent_type": target, "ts": now}

    def add(data):
        data = data if isinstance(data, dict) else {}
        pending = [p for p in _list(data.get("pending")) if now - _num(p.get("ts")) < PENDING_TTL]
        data["pending"] = (pending + [rec])[-100:]
        return data

    ckrt.update_json(ckrt.state_path(h.session_id, "spawn"), add)


def _drop_pending(h: ckrt.Hook) -> None:
    """A later check denied this spawn (or it completed): it will never start a subagent."""
    if not h.tool_use_id or _int((h.config.get("spawn") or {}).get("max_depth"), 1) <= 1:
        return
    path = ckrt.state_path(h.session_id, "spawn")
    if not os.path.exists(path):
        return

    def drop(data):
        data = data if isinstance(data, dict) else {}
        data["pending"] = [p for p in _list(data.get("pending")) if p.get("tool_use_id") != h.tool_use_id]
        return data

    ckrt.update_json(path, drop)


def register_subagent(h: ckrt.Hook) -> None:
    """SubagentStart: give the new agent its depth (oldest pending spawn of the same agent_type + 1).

    Needed only when spawn.max_depth > 1. SubagentStart carries no link to the spawning call, so two
    parents at different depths spawning the same agent type at the same moment may swap depths;
    the runtime's meta file, read first at the next spawn, corrects that (see caller_depth).
    """
    if not h.enabled("spawn_depth") or _int((h.config.get("spawn") or {}).get("max_depth"), 1) <= 1:
        return
    if not h.agent_id:
        return
    agent_type = str(h.agent_type or "")
    now = time.time()
    found = {}

    def register(data):
        data = data if isinstance(data, dict) else {}
        pending = [p for p in _list(data.get("pending")) if now - _num(p.get("ts")) < PENDING_TTL]
        match = next((p for p in pending if p.get("subagent_type") == agent_type), None)
        if match is not None:
            pending.remove(match)
        depth = _int(match.get("parent_depth"), 0) + 1 if match else 1
        agents = data.get("agents") if isinstance(data.get("agents"), dict) else {}
        agents[str(h.agent_id)] = {"depth": depth, "type": agent_type, "ts": now}
        if len(agents) > MAX_AGENTS:
            by_age = sorted(
                agents, key=lambda k: _num((agents[k] or {}).get("ts")) if isinstance(agents[k], dict) else 0
            )
            for key in by_age[: len(agents) - MAX_AGENTS]:
                del agents[key]
        data["pending"], data["agents"] = pending, agents
        found.update(depth=depth, matched=match is not None)
        return data

    ckrt.update_json(ckrt.state_path(h.session_id, "spawn"), register)
    h.spawn_depth = found.get("depth", 1)
    h.allow(
        "spawn_depth",
        f"registered {agent_type or 'agent'} at depth {found.get('depth')}"
        + ("" if found.get("matched") else " (no pending spawn matched its type: assumed 1)"),
    )


# -- context window --------------------------------------------------------------------------------
def _model_core(model: str) -> str:
    m = (model or "").strip().lower()
    i = m.find("claude-")
    return m[i:] if i >= 0 else m  # "us.anthropic.claude-opus-4-7-v1:0" -> "claude-opus-4-7-v1:0"


def model_window(model: str) -> int:
    """The model's default context window: 1M for `[1m]`/`-1m` variants and 1M-native families."""
    m = (model or "").strip().lower()
    if m.endswith("[1m]") or m.endswith("-1m"):
        return LONG_WINDOW
    parts = _model_core(m).split("-")
    if len(parts) >= 3 and parts[0] == "claude" and parts[1] in LONG_WINDOW_FROM and parts[2].isdigit():
        minor = parts[3] if len(parts) > 3 and parts[3].isdigit() and len(parts[3]) <= 2 else "0"
        if (int(parts[2]), int(minor)) >= LONG_WINDOW_FROM[parts[1]]:
            return LONG_WINDOW
    return DEFAULT_WINDOW


def _env_tokens(name: str, env) -> int | None:
    raw = (env.get(name) or "").strip().lower().replace(",", "").replace("_", "")
    if not raw:
        return None
    scale = 1
    if raw[-1:] in ("k", "m"):
        scale = 1000 if raw[-1] == "k" else 1_000_000
        raw = raw[:-1]
    try:
        value = int(float(raw) * scale)
    except ValueError:
        return None
    return value if value > 0 else None


def context_window(setting, model: str, env=None):
    """(window, how it was chosen). `setting` is compaction.context_window ("auto" or an int)."""
    env = os.environ if env is None else env
    if isinstance(setting, int) and not isinstance(setting, bool) and setting > 0:
        return setting, "compaction.context_window"
    window, how = model_window(model), f"model {model or 'unknown'}"
    if window > DEFAULT_WINDOW and env.get("CLAUDE_CODE_DISABLE_1M_CONTEXT", "") not in ("", "0", "false"):
        window, how = DEFAULT_WINDOW, "CLAUDE_CODE_DISABLE_1M_CONTEXT"
    max_ctx = _env_tokens("CLAUDE_CODE_MAX_CONTEXT_TOKENS", env)
    if max_ctx:
        window, how = max_ctx, "CLAUDE_CODE_MAX_CONTEXT_TOKENS"
    auto = _env_tokens("CLAUDE_CODE_AUTO_COMPACT_WINDOW", env)
    if auto and auto < window:
        window, how = auto, "CLAUDE_CODE_AUTO_COMPACT_WINDOW"
    return window, how


def autocompact_percent(window: int, env=None) -> float | None:
    """Where the runtime's own auto-compact fires, in % of `window` (None when it is off)."""
    env = os.environ if env is None else env
    if any(env.get(k, "") not in ("", "0", "false") for k in ("DISABLE_AUTO_COMPACT", "DISABLE_COMPACT")):
        return None
    effective = window - AUTOCOMPACT_OUTPUT_RESERVE
    threshold = effective - AUTOCOMPACT_BUFFER
    try:
        pct = float(env.get("CLAUDE_AUTOCOMPACT_PCT_OVERRIDE") or 0)
    except ValueError:
        pct = 0
    if 0 < pct <= 100:
        threshold = min(int(effective * pct / 100), threshold)
    return round(threshold * 100 / window, 1)


# -- transcript reading ----------------------------------------------------------------------------
def _usage_of(obj) -> dict | None:
    """message.usage of a metered, non-synthetic assistant line, else None."""
    if not isinstance(obj, dict) or obj.get("type") != "assistant" or obj.get("isUnmetered") is True:
        return None
    msg = obj.get("message")
    if not isinstance(msg, dict) or msg.get("model") == SYNTHETIC_MODEL:
        return None
    usage = msg.get("usage")
    return usage if isinstance(usage, dict) else None


def _n(usage: dict, key: str) -> int:
    value = usage.get(key)
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else 0


def last_context(path: str, max_bytes: int = TAIL_MAX_BYTES, tool_use_id: str = "") -> dict:
    """The context in use at the end of a transcript, read from its tail only.

    Returns {"tokens", "model", "message_id"} or {"tokens": None, "why": ...}; "compacted" is set
    when a compact_boundary line comes after the usage figure (which then predates the compaction).
    With `tool_use_id`, "current" tells whether the response holding that tool call was among the
    lines read (the runtime writes the transcript asynchronously: it may not be there yet).
    """
    if not os.path.isfile(path):
        # The runtime creates the file asynchronously: on a session's first turn it may not exist yet.
        return {"tokens": None, "why": f"transcript not found ({path})", "current": not tool_use_id}
    boundary = None
    seen_any = False
    needle = tool_use_id.encode() if tool_use_id else b""
    current = not needle
    for raw in ckrt.tail_lines(path, max_bytes):
        seen_any = True
        if not current and needle in raw:
            current = True
        maybe_boundary = boundary is None and b"compact_boundary" in raw
        if not maybe_boundary and (b'"assistant"' not in raw or b'"usage"' not in raw):
            continue  # cheap byte test first: most lines are never parsed
        try:
            obj = json.loads(raw)
        except ValueError:
            continue  # a line still being written, or not JSON
        if not isinstance(obj, dict):
            continue
        if maybe_boundary and obj.get("type") == "system" and obj.get("subtype") == "compact_boundary":
            meta = obj.get("compactMetadata")
            boundary = meta if isinstance(meta, dict) else {}
            continue
        if obj.get("isSidechain") is True:
            continue
        usage = _usage_of(obj)
        if usage is None:
            continue
        tokens = (
            _n(usage, "input_tokens")
            + _n(usage, "cache_creation_input_tokens")
            + _n(usage, "cache_read_input_tokens")
        )
        msg = obj["message"]
        found = {"tokens": tokens, "model": str(msg.get("model") or ""), "message_id": msg.get("id"),
                 "current": current}  # fmt: skip
        if boundary is not None:
            found["compacted"] = True
            post = boundary.get("postTokens")
            found["tokens"] = post if isinstance(post, int) and post >= 0 else None
            found["why"] = (
                f"context was compacted after the last usage figure ({_fmt(tokens)} tokens before it)"
            )
        return found
    if not seen_any:
        return {"tokens": None, "why": "transcript is empty or unreadable", "current": current}
    if boundary is not None:
        return {
            "tokens": None,
            "why": "context was just compacted; no usage figure since",
            "current": current,
        }
    return {
        "tokens": None,
        "why": f"no model usage in the last {max_bytes:,} bytes of the transcript yet",
        "current": current,
    }


def read_context(path: str, tool_use_id: str = "", wait: float = FLUSH_WAIT) -> dict:
    """last_context, waiting up to `wait` seconds for the line of the current tool call to land.

    Observed on 2.1.329: the assistant line whose tool call fires this hook is sometimes written a
    few dozen milliseconds after PreToolUse starts. Without it the figure is one response old.
    """
    reading = last_context(path, tool_use_id=tool_use_id)
    deadline = time.monotonic() + wait
    while "current" in reading and not reading["current"] and time.monotonic() < deadline:
        time.sleep(FLUSH_POLL)
        reading = last_context(path, tool_use_id=tool_use_id)
    if "current" in reading and not reading["current"] and reading.get("tokens") is not None:
        reading["why"] = "the current response was not in the transcript yet: figure of the one before"
    return reading


# -- compaction gate -------------------------------------------------------------------------------
def compaction_gate(h: ckrt.Hook) -> None:
    if not h.enabled("compaction_gate"):
        return
    if h.is_subagent:
        h.allow("compaction_gate", "spawn from a subagent: the main-thread context gate does not apply")
        return
    path = str(h.payload.get("transcript_path") or "")
    if not path:
        h.allow("compaction_gate", "no transcript_path in the payload (session persistence off): not checked")
        return
    try:
        reading = read_context(path, str(h.tool_use_id or ""))
    except Exception as exc:  # fail open: an odd transcript must not stop all spawns
        h.log("compaction_gate", "error", f"transcript unreadable, allowed: {type(exc).__name__}: {exc}")
        return
    tokens = reading.get("tokens")
    if tokens is None or reading.get("compacted"):
        h.allow("compaction_gate", f"context unknown, allowed: {reading.get('why')}")
        return
    cfg = h.config.get("compaction") or {}
    window, how = context_window(cfg.get("context_window", "auto"), reading.get("model", ""))
    pct = tokens * 100.0 / window
    warn, must, deny = (
        _int(cfg.get(k), d) for k, d in (("warn_percent", 75), ("must_percent", 80), ("deny_percent", 85))
    )
    target = _target(h)
    # Rounded down, so a figure shown as 85% is never below the 85% limit.
    figure = f"{int(pct)}% of the {_fmt(window)}-token window ({_fmt(tokens)} tokens in use)"
    extra = {
        "context_tokens": tokens,
        "context_window": window,
        "window_from": how,
        "context_percent": round(pct, 1),
        "autocompact_percent": autocompact_percent(window),
    }
    if pct >= deny:
        h.deny(
            "compaction_gate",
            f"claude-kit compaction gate: context is at {figure}, at or above the {deny}% limit, so "
            f"spawning `{target}` is denied: run /compact, then spawn {target}. /compact is typed by the "
            f"user: stop now and ask the user to type /compact; after it, spawn `{target}` again with the "
            "same prompt (run `claude-kit feature resume` first if a feature is active). Kill switch for the "
            "user: compaction.deny_percent or hooks: {compaction_gate: {enabled: false}} in "
            ".claude/claude-kit.yaml.",
            **extra,
        )
        _drop_pending(h)
    elif pct >= must:
        h.context(
            "compaction_gate",
            f"claude-kit: context is at {figure}. You must compact before spawning more agents: once "
            f"`{target}` returns, ask the user to type /compact (only the user can), then continue. At "
            f"{deny}% new spawns are denied.",
            **extra,
        )
    elif pct >= warn:
        h.context(
            "compaction_gate",
            f"claude-kit: context is at {figure}. You should compact soon: at a natural break, ask the user "
            f"to type /compact. At {must}% this becomes a must, at {deny}% spawns are denied.",
            **extra,
        )
    else:
        h.allow("compaction_gate", f"context at {figure}", **extra)


# -- budgets ---------------------------------------------------------------------------------------
def price_for(prices: dict, model: str):
    """The price entry whose key is the longest prefix of the model id (None when none matches)."""
    core = _model_core(model)
    best = None
    for key, entry in (prices or {}).items():
        if (
            isinstance(entry, dict)
            and core.startswith(str(key).lower())
            and (best is None or len(key) > len(best[0]))
        ):
            best = (key, entry)
    return best[1] if best else None


def usage_cost(usage4, price) -> float:
    """USD for [input, cache_creation, cache_read, output] tokens at per-million `price`."""
    inp = float(price.get("input", 0))
    rates = (
        inp,
        float(price.get("cache_write", inp * 1.25)),
        float(price.get("cache_read", inp * 0.1)),
        float(price.get("output", 0)),
    )
    return sum(usage4[i] * rates[i] for i in range(4)) / 1_000_000


def scan_usage(path: str, entry: dict, prices: dict, max_bytes: int = SCAN_MAX_BYTES) -> dict:
    """Add the usage of the lines appended to `path` since `entry["offset"]` to `entry` (in place).

    Each model response counts once: lines sharing a message.id add only what grew (the runtime
    may write one line per content block of a response).
    """
    try:
        size = os.path.getsize(path)
    except OSError:
        return entry
    offset = _int(entry.get("offset"), 0)
    if size < offset:  # replaced or truncated: count it again from the start
        entry.clear()
        offset = 0
    if size == offset:
        return entry
    with open(path, "rb") as f:
        f.seek(offset)
        data = f.read(min(size - offset, max_bytes))
    end = data.rfind(b"\n")
    if end < 0:
        if len(data) >= max_bytes:  # one line longer than a whole read: skip it, it holds no usage
            entry["offset"] = offset + len(data)
        return entry  # otherwise: no complete line yet
    last = entry.get("last") if isinstance(entry.get("last"), dict) else {}
    tokens, usd, unpriced = (
        _int(entry.get("tokens"), 0),
        float(entry.get("usd", 0.0)),
        _int(entry.get("unpriced"), 0),
    )
    for raw in data[:end].split(b"\n"):
        if b'"usage"' not in raw or b'"assistant"' not in raw:
            continue
        try:
            obj = json.loads(raw)
        except ValueError:
            continue
        usage = _usage_of(obj)
        if usage is None:
            continue
        msg = obj["message"]
        now = [
            _n(usage, "input_tokens"),
            _n(usage, "cache_creation_input_tokens"),
            _n(usage, "cache_read_input_tokens"),
            _n(usage, "output_tokens"),
        ]
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


def _transcripts(main_path: str) -> list:
    """The main transcript and every subagent transcript of the session (incl. compaction forks)."""
    found = [main_path] if main_path else []
    sub = os.path.join(_session_dir(main_path), "subagents") if main_path else ""
    try:
        with os.scandir(sub) as it:
            found += sorted(e.path for e in it if e.name.startswith("agent-") and e.name.endswith(".jsonl"))
    except OSError:
        pass
    return found


def session_usage(h: ckrt.Hook, extra_files=()) -> dict:
    """Totals for the session, counting only what was appended since the last check."""
    prices = (h.config.get("budget") or {}).get("prices") or {}
    main_path = str(h.payload.get("transcript_path") or "")
    files = _transcripts(main_path) + [p for p in extra_files if p]

    def count(data):
        data = data if isinstance(data, dict) else {}
        known = data.get("files") if isinstance(data.get("files"), dict) else {}
        room = SCAN_MAX_BYTES  # shared by all files: a check never reads more than this
        for path in dict.fromkeys(files):
            entry = known.get(path) if isinstance(known.get(path), dict) else {}
            before = _int(entry.get("offset"), 0)
            if room > 0:
                entry = scan_usage(path, entry, prices, room)
                room -= max(0, _int(entry.get("offset"), 0) - before)
            known[path] = entry
        data["files"] = known
        return data

    data = ckrt.update_json(ckrt.state_path(h.session_id, "budget"), count)
    seen_agents = {os.path.basename(p)[len("agent-") : -len(".jsonl")] for p in data["files"]}
    totals = {"tokens": 0, "usd": 0.0, "unpriced": 0, "fallback_agents": 0}
    for entry in data["files"].values():
        totals["tokens"] += _int(entry.get("tokens"), 0)
        totals["usd"] += float(entry.get("usd", 0.0))
        totals["unpriced"] += _int(entry.get("unpriced"), 0)
    for agent_id, rec in (data.get("agents") or {}).items():
        if agent_id not in seen_agents and isinstance(
            rec, dict
        ):  # no transcript found: use what PostToolUse said
            totals["tokens"] += _int(rec.get("tokens"), 0)
            totals["usd"] += float(rec.get("usd", 0.0))
            totals["unpriced"] += _int(rec.get("unpriced"), 0)
            totals["fallback_agents"] += 1
    return totals


def _limits(h: ckrt.Hook):
    cfg = h.config.get("budget") or {}
    tokens = cfg.get("session_tokens")
    usd = cfg.get("session_usd")
    tokens = tokens if isinstance(tokens, int) and not isinstance(tokens, bool) and tokens > 0 else None
    usd = float(usd) if isinstance(usd, (int, float)) and not isinstance(usd, bool) and usd > 0 else None
    return tokens, usd, _int(cfg.get("warn_percent"), 80)


def budget(h: ckrt.Hook) -> None:
    if not h.enabled("budget"):
        return
    limit_tokens, limit_usd, warn = _limits(h)
    if limit_tokens is None and limit_usd is None:
        return  # no budget configured: nothing to count
    try:
        used = session_usage(h)
    except Exception as exc:  # fail open: budgets limit cost, they must not break the session
        h.log("budget", "error", f"usage unreadable, allowed: {type(exc).__name__}: {exc}")
        return
    checks = []
    if limit_tokens is not None:
        checks.append(
            (
                used["tokens"] * 100.0 / limit_tokens,
                f"{_fmt(used['tokens'])} tokens",
                f"{_fmt(limit_tokens)} tokens",
                "budget.session_tokens",
            )
        )
    if limit_usd is not None:
        checks.append(
            (
                used["usd"] * 100.0 / limit_usd,
                f"${used['usd']:.2f}",
                f"${limit_usd:.2f}",
                "budget.session_usd",
            )
        )
    pct, spent, limit, key = max(checks)
    target = _target(h)
    counted = (
        "every model response of this session, main thread and subagents (input, cache and output tokens)"
    )
    if used["unpriced"] and limit_usd is not None:
        counted += (
            f"; {_fmt(used['unpriced'])} tokens of models without a price in budget.prices are not in the "
            "USD figure"
        )
    extra = {
        "used_tokens": used["tokens"],
        "used_usd": round(used["usd"], 4),
        "budget_percent": round(pct, 1),
    }
    if pct >= 100:
        h.deny(
            "budget",
            f"claude-kit budget: this session has used {spent}, {int(pct)}% of its {limit} budget ({key}), "
            f"so spawning `{target}` is denied. Finish without new agents: report to the user what is done "
            f"and what is left. To spawn more, the user raises {key} in .claude/claude-kit.yaml and runs "
            f"`claude-kit sync` (or sets hooks: {{budget: {{enabled: false}}}}). Counted: {counted}.",
            **extra,
        )
        _drop_pending(h)
    elif pct >= warn:
        h.context(
            "budget",
            f"claude-kit budget: this session has used {spent}, {int(pct)}% of its {limit} budget ({key}). "
            "New agent spawns are denied at 100%: prefer finishing with the agents already at work.",
            **extra,
        )
    else:
        h.allow("budget", f"used {spent} of {limit} ({int(pct)}%)", **extra)


def account_usage(h: ckrt.Hook) -> None:
    """PostToolUse(Agent/Task): note the agent and fold its usage in while it is fresh.

    A foreground agent has finished here, so its transcript is complete; a background one has only
    launched and is counted from its transcript at later checks. When no transcript can be found,
    the figure PostToolUse reports (the agent's last response only) stands in for it.
    """
    resp = h.payload.get("tool_response")
    resp = resp if isinstance(resp, dict) else {}
    if resp.get("status") == "completed":
        _drop_pending(h)  # a foreground agent has run, so its SubagentStart has long consumed it
    if not h.enabled("budget"):
        return
    limit_tokens, limit_usd, _warn = _limits(h)
    if limit_tokens is None and limit_usd is None:
        return
    agent_id = str(resp.get("agentId") or "")
    if not agent_id:
        return
    usage = resp.get("usage") if isinstance(resp.get("usage"), dict) else {}
    now = [
        _n(usage, "input_tokens"),
        _n(usage, "cache_creation_input_tokens"),
        _n(usage, "cache_read_input_tokens"),
        _n(usage, "output_tokens"),
    ]
    total = sum(now) or _int(resp.get("totalTokens"), 0)
    price = price_for(
        (h.config.get("budget") or {}).get("prices") or {}, str(resp.get("resolvedModel") or "")
    )
    rec = {
        "status": str(resp.get("status") or ""),
        "tokens": total,
        "usd": round(usage_cost(now, price), 6) if price else 0.0,
        "unpriced": 0 if price else total,
        "ts": time.time(),
    }

    def note(data):
        data = data if isinstance(data, dict) else {}
        agents = data.get("agents") if isinstance(data.get("agents"), dict) else {}
        agents[agent_id] = rec
        data["agents"] = agents
        return data

    ckrt.update_json(ckrt.state_path(h.session_id, "budget"), note)
    used = session_usage(h)
    h.allow(
        "budget",
        f"agent {agent_id} ({rec['status']}) accounted; session total {_fmt(used['tokens'])} tokens",
        used_tokens=used["tokens"],
        used_usd=round(used["usd"], 4),
    )
