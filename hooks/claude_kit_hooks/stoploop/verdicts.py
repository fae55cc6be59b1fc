# claude-kit: managed, id=hooks/claude_kit_hooks/stoploop/verdicts
"""Verdicts (docs/loop.md, "Verdicts"): find the claude_kit verdict block at the end of a verifier's
final message, check it against the schema, and record what it does to the feedback state.

Missing or invalid counts as FAIL, with the reason kept for the next Stop message. The role and domain
implied by the agent's configured name win over the block's. Every verifier's final message reaches
SubagentStop; a foreground agent's also reaches PostToolUse(Agent): the same agentId counts once.
"""

from __future__ import annotations

import json
import time

from claude_kit_hooks.contract.defaults import VERIFY_ROLES
from claude_kit_hooks.contract.naming import kit_agent_name
from claude_kit_hooks.stoploop import session_state
from claude_kit_hooks.stoploop.roles import agent_roles

TYPE_CHECKING = False  # typing costs ~14 ms at a hook's start-up; mypy still reads the branch
if TYPE_CHECKING:
    import re
    from typing import Any

    from claude_kit_hooks.contract.records import CompiledConfig
    from claude_kit_hooks.runtime.hook import Hook
    from claude_kit_hooks.runtime.project import Project
    from claude_kit_hooks.stoploop.records import DomainVerdict, FeedbackState, SpawnRecord, VerdictRecord

# installer/claude_kit/schemas/verdict.schema.json, embedded (hooks cannot read the package);
# tests/hooks/stoploop/test_verdict_schema.py asserts both are identical.
VERDICT_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "https://claude-kit.dev/schemas/verdict.schema.json",
    "title": "claude-kit verdict block (reviewers, testers, test-lead)",
    "type": "object",
    "required": ["claude_kit", "role", "domain", "verdict", "issues", "summary"],
    "properties": {
        "claude_kit": {"const": "verdict"},
        "role": {"enum": ["review", "testing", "test_planning"]},
        "domain": {"type": "string", "pattern": "^[a-z][a-z0-9-]{0,40}$"},
        "verdict": {"enum": ["PASS", "FAIL"]},
        "issues": {
            "type": "array",
            "maxItems": 200,
            "items": {
                "type": "object",
                "required": ["file", "problem"],
                "properties": {
                    "file": {"type": "string"},
                    "line": {"type": ["integer", "null"], "minimum": 0},
                    "problem": {"type": "string", "minLength": 1},
                },
            },
        },
        "summary": {"type": "string", "minLength": 1, "maxLength": 2000},
    },
    "if": {"required": ["verdict"], "properties": {"verdict": {"const": "PASS"}}},
    "then": {"properties": {"issues": {"maxItems": 0}}},
    "else": {"properties": {"issues": {"minItems": 1}}},
}
_FENCE_RX: re.Pattern[str] | None = None


# -- the block ---------------------------------------------------------------------------------------
def parse_verdict(text: object) -> tuple[dict[str, Any] | None, str | None]:
    """(verdict object or None, problem or None). A problem means the verdict counts as FAIL."""
    global _FENCE_RX
    import re

    if not isinstance(text, str) or not text.strip():
        return None, "the agent's final message is empty"
    if _FENCE_RX is None:
        _FENCE_RX = re.compile(r"```[ \t]*([A-Za-z0-9_-]*)[ \t]*\r?\n(.*?)```", re.S)
    body: str | None = None
    for _lang, inner in reversed(_FENCE_RX.findall(text)):
        if "claude_kit" in inner:
            body = inner
            break
    if body is None:
        starts = [m.start() for m in re.finditer(r'\{\s*"claude_kit"', text)]
        if not starts:
            return None, (
                'no fenced ```json block with "claude_kit": "verdict" at the end of its final message'
            )
        try:
            obj, _end = json.JSONDecoder().raw_decode(text[starts[-1] :])
        except ValueError as exc:
            return None, f"its verdict JSON does not parse ({_json_error(exc)})"
    else:
        try:
            obj = json.loads(body)
        except ValueError as exc:
            return None, f"its ```json verdict block does not parse ({_json_error(exc)})"
    from claude_kit_hooks.stoploop.verdict_schema import validate

    errors = validate(VERDICT_SCHEMA, obj)
    if errors:
        more = f" (+{len(errors) - 3} more)" if len(errors) > 3 else ""
        return (obj if isinstance(obj, dict) else None), "its verdict block breaks the schema: " + "; ".join(
            errors[:3]
        ) + more
    return obj, None


def _json_error(exc: ValueError) -> str:
    if isinstance(exc, json.JSONDecodeError) and exc.msg:
        return f"{exc.msg} at line {exc.lineno} column {exc.colno}"
    return str(exc)[:120]


# -- capture -----------------------------------------------------------------------------------------
def capture_agent_result(h: Hook) -> None:
    """PostToolUse(Agent): note the spawn; a foreground result also carries the agent's verdict."""
    resp = h.payload.get("tool_response")
    if not isinstance(resp, dict):
        return
    agent_type = kit_agent_name(
        str(resp.get("agentType") or h.tool_input.get("subagent_type") or "general-purpose")
    )
    agent_id = str(resp.get("agentId") or "")
    background = resp.get("status") == "async_launched" or bool(resp.get("isAsync"))
    spawn: SpawnRecord = {"type": agent_type, "id": agent_id, "background": background, "ts": time.time()}
    if background or resp.get("status") != "completed" or not h.enabled("verdicts"):
        # The verdict of a background agent arrives with its SubagentStop.
        session_state.update_feedback(h.paths, h.session_id, lambda d: _note_spawn(d, spawn))
        return
    _record_verdict(h, agent_type, agent_id, _response_text(resp), "PostToolUse", spawn)


def subagent_verdict(h: Hook) -> None:
    """SubagentStop: where every verifier's verdict arrives (background agents only here)."""
    if not h.enabled("verdicts") or not h.is_subagent:
        return
    agent_type = h.agent_type or ""
    if agent_type not in agent_roles(h.config):
        return
    from claude_kit_hooks.stoploop import output_location

    _offenders, will_block = output_location.check(h)
    if will_block:
        # output_location blocks this agent next; its verdict counts when it finishes again.
        h.log("verdicts", "allow", f"{agent_type} verdict deferred until its reports are moved")
        return
    text = h.payload.get("last_assistant_message") or ""
    _record_verdict(h, agent_type, str(h.agent_id or ""), text, "SubagentStop", None)


def _response_text(resp: dict[str, Any]) -> str:
    parts = []
    for block in resp.get("content") or []:
        if isinstance(block, dict) and isinstance(block.get("text"), str):
            parts.append(block["text"])
    return "\n".join(parts)


def _note_spawn(d: FeedbackState, spawn: SpawnRecord) -> None:
    d["seq"] += 1
    spawn["seq"] = d["seq"]
    d["spawns"].append(spawn)
    del d["spawns"][: -session_state.SPAWN_CAP]


# -- recording ---------------------------------------------------------------------------------------
def _record_verdict(
    h: Hook, agent_type: str, agent_id: str, text: str, source: str, spawn: SpawnRecord | None
) -> None:
    cfg = h.config
    roles = agent_roles(cfg)
    if agent_type not in roles:
        if spawn:
            session_state.update_feedback(h.paths, h.session_id, lambda d: _note_spawn(d, spawn))
        return
    domain, role = roles[agent_type]
    obj, problem = parse_verdict(text)
    notes: list[str] = []
    if isinstance(obj, dict):
        if obj.get("role") in VERIFY_ROLES and obj.get("role") != role:
            notes.append(f"role {obj.get('role')!r} in the block ignored: {agent_type} reports {role}")
        if domain is not None and obj.get("domain") and obj.get("domain") != domain:
            notes.append(
                f"domain {obj.get('domain')!r} in the block ignored: {agent_type} belongs to {domain}"
            )
    valid = obj if problem is None else None  # parse_verdict returns a schema-valid object or a problem
    verdict = str(valid["verdict"]) if valid is not None else "FAIL"
    issues = [i for i in valid.get("issues", []) if isinstance(i, dict)][:10] if valid is not None else []
    summary = str(valid.get("summary", ""))[:300] if valid is not None else ""
    json_domain = obj.get("domain") if isinstance(obj, dict) else None
    result: dict[str, Any] = {}

    def apply(d: FeedbackState) -> None:
        if spawn:
            _note_spawn(d, spawn)
        seen = d["agents"].get(agent_id) if agent_id else None
        if seen and seen.get("verdict"):
            result["duplicate"] = True  # SubagentStop and PostToolUse both carry a foreground verdict
            return
        target = domain
        if target is None:  # test-lead: the block's domain if configured, else the first one still open
            target = json_domain if json_domain in cfg["domains"] else _first_open_domain(h.project, cfg, d)
        target = target or (json_domain if isinstance(json_domain, str) and json_domain else "unknown")
        standing = _standing_fail(d, target, role) if verdict == "PASS" else None
        d["seq"] += 1
        if standing is not None:  # verdict shopping: a PASS with no code change since the FAIL
            e = session_state.domain_entry(d, target)
            e["ignored_pass"] = {"agent": agent_type, "seq": d["seq"], "fail_seq": standing["seq"]}
            d["consecutive"][role] += 1  # the FAIL stands: one more attempt that did not clear it
            if agent_id:
                d["agents"][agent_id] = {"type": agent_type, "verdict": verdict, "seq": d["seq"]}
                session_state.bounded(d["agents"], session_state.AGENT_CAP)
            result.update(domain=target, standing=standing)
            return
        rec: VerdictRecord = {
            "role": role,
            "agent": agent_type,
            "agent_id": agent_id,
            "verdict": verdict,
            "seq": d["seq"],
            "ts": time.time(),
            "invalid": problem,
            "summary": summary,
            "issues": issues,
            "source": source,
        }
        e = session_state.domain_entry(d, target)
        e["phases"][role] = rec
        e["last_verdict"] = {**rec, "domain": target}
        if verdict == "PASS":
            d["consecutive"][role] = 0
        else:
            d["consecutive"][role] += 1
            d["failures"].append({**rec, "domain": target})
            del d["failures"][: -session_state.FAILURE_CAP]
            if role == "testing":
                d["iteration"] += 1
                for other in d["domains"].values():
                    other["phases"] = {}  # the fix may affect everything already reviewed
        if agent_id:
            d["agents"][agent_id] = {"type": agent_type, "verdict": verdict, "seq": d["seq"]}
            session_state.bounded(d["agents"], session_state.AGENT_CAP)
        result["domain"] = target

    session_state.update_feedback(h.paths, h.session_id, apply)
    if result.get("duplicate"):
        return
    standing = result.get("standing")
    if standing is not None:
        h.log(
            "verdicts",
            "warn",
            f"{agent_type} -> {result.get('domain')} {role} PASS via {source} ignored: the FAIL by "
            f"{standing.get('agent')} stands until the {result.get('domain')} code changes after it",
        )
        return
    what = problem or summary or "(no summary)"
    note = ("; " + "; ".join(notes)) if notes else ""
    h.log(
        "verdicts",
        "allow" if verdict == "PASS" else "warn",
        f"{agent_type} -> {result.get('domain')} {role} {verdict} via {source}: {what}{note}",
    )


def _standing_fail(d: FeedbackState, domain: str, role: str) -> DomainVerdict | None:
    """The valid FAIL of `role` in `domain` that no code change has answered yet: a later PASS does not
    clear it (a tracked change after it does, and an invalid FAIL is only a missing block)."""
    changed = int(session_state.domain_entry(d, domain).get("changed_seq", 0))
    failures: list[DomainVerdict] = d["failures"]
    for rec in failures[::-1]:
        if rec.get("domain") == domain and rec.get("role") == role:
            if rec.get("invalid") or int(rec.get("seq", 0)) <= changed:
                return None
            return rec
    return None


def _first_open_domain(project: Project, cfg: CompiledConfig, d: FeedbackState) -> str | None:
    from claude_kit_hooks.stoploop import feedback

    todo = feedback.open_steps(project, cfg, d)
    if todo:
        return todo[0][0]
    changed = session_state.changed_domains(cfg, d)
    return changed[0][0] if changed else None
