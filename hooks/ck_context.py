# claude-kit: managed, id=hooks/ck_context
"""Context hooks: what the model is told at session start, on each prompt, before compaction and
when a subagent starts. Every text here is short on purpose: it costs context each time.

Reads (never writes, never deletes) the state other parts of the kit keep:
- `<output_dir>/features/active.json`: the active MANIFEST feature, written by `claude-kit feature`;
- the open loops through `ck_loop.active_summary` (feedback loop and armed completion loop), and
  `.claude/.claude-kit/local/state/<session>/feedback.json` for the changed files per domain.
Shapes are read defensively: a field that is missing or of another type is left out, and a failing
ck_loop falls back to a plain reading of its state files.
Standard library only. Behaviour: docs/enforcement-spawn.md.
"""

from __future__ import annotations

import os

import ckrt

CLOSED = {"done", "complete", "completed", "closed", "cancelled", "canceled", "abandoned", "archived"}
REMINDER_MAX = 300
LINE_MAX = 160


def _clip(text: str, limit: int = LINE_MAX) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _output_dir(cfg: dict) -> str:
    return str(cfg.get("output_dir") or ".claude/.output").rstrip("/")


# -- state readers ---------------------------------------------------------------------------------
def active_feature(cfg: dict) -> dict | None:
    data = ckrt.read_json(os.path.join(ckrt.ROOT, _output_dir(cfg), "features", "active.json"))
    if not isinstance(data, dict) or not (data.get("feature_id") or data.get("name")):
        return None
    if str(data.get("status") or "").lower() in CLOSED:
        return None
    return data


def feature_line(feature: dict, cfg: dict) -> str:
    name = feature.get("name") or feature.get("feature_id")
    bits = [f"Active feature: {name}"]
    if feature.get("work_type"):
        bits[0] += f" ({feature['work_type']})"
    if feature.get("current_phase"):
        bits.append(f"phase {feature['current_phase']}")
    if feature.get("status"):
        bits.append(f"status {feature['status']}")
    where = feature.get("dir") or (
        f"{_output_dir(cfg)}/features/{feature['feature_id']}" if feature.get("feature_id") else ""
    )
    line = ", ".join(bits)
    if where:
        line += f"; MANIFEST: {str(where).rstrip('/')}/MANIFEST.yaml"
    return _clip(line + ".", 240)


def loop_summary(h: ckrt.Hook) -> str:
    """The loop system's own one-line summary (ck_loop.active_summary), '' when nothing is open.

    ck_loop knows which phases each domain requires; if it cannot be imported or fails, a plain
    reading of its state files stands in, so a broken loop module never silences the context.
    """
    try:
        import ck_loop

        return _clip(ck_loop.active_summary(h.session_id, h.config) or "", 240)
    except Exception as exc:  # the loop module is another part of the kit: degrade, never fail
        h.log("session_context", "error", f"ck_loop.active_summary failed ({type(exc).__name__}: {exc})")
        parts = (_fallback_loop(h.session_id), _fallback_feedback(h.session_id))
        return _clip("; ".join(x for x in parts if x), 240)


def _fallback_loop(session_id: str) -> str:
    data = ckrt.read_json(ckrt.state_path(session_id, "loop"))
    if not isinstance(data, dict) or not data.get("active"):
        return ""
    return f"completion loop iteration {data.get('iteration')}/{data.get('max_iterations')}"


def _fallback_feedback(session_id: str) -> str:
    dirty = dirty_domains(session_id)
    return f"feedback loop open for {', '.join(d for d, _f, _v in dirty)}" if dirty else ""


def dirty_domains(session_id: str) -> list:
    """[(domain, changed files, recorded verdicts)] from the feedback-loop state.

    The state's shape is described in ck_state's docstring.
    """
    data = ckrt.read_json(ckrt.state_path(session_id, "feedback"))
    domains = data.get("domains") if isinstance(data, dict) else None
    out = []
    for name, dom in sorted(domains.items()) if isinstance(domains, dict) else ():
        if not isinstance(dom, dict):
            continue
        files = [f for f in dom["files"] if isinstance(f, str)] if isinstance(dom.get("files"), list) else []
        changes = dom.get("changes")
        if not files and not (isinstance(changes, int) and changes > 0):
            continue
        phases = dom.get("phases") if isinstance(dom.get("phases"), dict) else {}
        verdicts = []
        for role, rec in sorted(phases.items()):
            verdict = rec.get("verdict") if isinstance(rec, dict) else rec
            if isinstance(verdict, str):
                verdicts.append(f"{role} {verdict}")
        out.append((str(name), files, verdicts))
    return out


def state_lines(h: ckrt.Hook) -> list:
    """One line for the active feature and one for the open loops (feedback, completion)."""
    lines = []
    feature = active_feature(h.config)
    if feature:
        lines.append(feature_line(feature, h.config))
    loops = loop_summary(h)
    if loops:
        lines.append(f"Open: {loops}.")
    return lines


def _domains(cfg: dict) -> str:
    parts = []
    for name, dom in (cfg.get("domains") or {}).items():
        dev = ((dom or {}).get("agents") or {}).get("developer") or f"{name}-developer"
        parts.append(f"{name} -> {dev}" if ckrt.agent_exists(dev) else name)
    return ", ".join(parts) if parts else "none configured"


def _max_depth(cfg: dict) -> int:
    value = (cfg.get("spawn") or {}).get("max_depth")
    return value if isinstance(value, int) and not isinstance(value, bool) else 1


# -- SessionStart ----------------------------------------------------------------------------------
def session_context(h: ckrt.Hook) -> None:
    if not h.enabled("session_context"):
        return
    cfg = h.config
    source = str(h.payload.get("source") or "")
    text = [
        "claude-kit is active. You coordinate; domain files are edited by domain developer agents "
        f"({_domains(cfg)}). Route knowledge through the gateway-* skills, write reports under "
        f"{_output_dir(cfg)}/, and when a hook blocks, do exactly what its message says."
    ]
    if _max_depth(cfg) <= 1:
        text.append("Only you spawn agents: subagents cannot spawn subagents.")
    lines = state_lines(h)
    text += lines
    if source == "compact" and lines:
        text.append(
            "The context was just compacted: run `claude-kit feature resume` and re-read the state above "
            "before continuing."
        )
    h.context("session_context", "\n".join(text), decision="allow", source=source)


# -- UserPromptSubmit ------------------------------------------------------------------------------
def prompt_reminder(h: ckrt.Hook) -> None:
    if not h.enabled("prompt_reminder"):
        return
    text = (
        "claude-kit: domain knowledge comes from the gateway-* skill (it names the library skills to "
        "Read); domain code is edited by <domain>-developer agents."
    )
    lines = state_lines(h)
    if lines:
        room = REMINDER_MAX - len(text) - 1
        text += "\n" + _clip(" ".join(lines), max(40, room))
    h.context("prompt_reminder", text[:REMINDER_MAX], decision="allow")


# -- PreCompact ------------------------------------------------------------------------------------
def precompact_context(h: ckrt.Hook) -> None:
    """Plain text appended to the compactor's instructions: what the summary must keep."""
    if not h.enabled("precompact_context"):
        return
    cfg = h.config
    out = ["claude-kit: keep these facts verbatim in the summary."]
    feature = active_feature(cfg)
    if feature:
        out.append("- " + feature_line(feature, cfg))
    loops = loop_summary(h)
    if loops:
        out.append(f"- Open: {loops}.")
    for name, files, verdicts in dirty_domains(h.session_id)[:6]:
        shown = ", ".join(files[-5:]) + (f" (+{len(files) - 5} more)" if len(files) > 5 else "")
        done = f"; verdicts so far: {', '.join(verdicts)}" if verdicts else "; no verdict yet"
        out.append(_clip(f"- Changed in {name}: {shown or 'files'}{done}.", 300))
    out.append(
        f"- Rules: the main thread coordinates; domain files are edited by developer agents "
        f"({_domains(cfg)}); reports go under {_output_dir(cfg)}/."
    )
    if feature:
        out.append("- After compaction, run `claude-kit feature resume` before doing anything else.")
    h.context(
        "precompact_context", "\n".join(out), decision="allow", trigger=str(h.payload.get("trigger") or "")
    )


# -- SubagentStart ---------------------------------------------------------------------------------
def role_of(cfg: dict, agent_type: str):
    """(domain, role) of an agent type, from the team config first, then from the kit's naming."""
    if not agent_type:
        return None, None
    if agent_type == cfg.get("test_lead", "test-lead"):
        return None, "test-lead"
    for name, dom in (cfg.get("domains") or {}).items():
        for role, agent in ((dom or {}).get("agents") or {}).items():
            if agent == agent_type:
                return name, role
    for role in ("lead", "developer", "reviewer", "tester"):  # kit naming outside the configured domains
        if agent_type.endswith("-" + role):
            return agent_type[: -len(role) - 1], role
    return None, None


VERDICT_ROLE = {"reviewer": "review", "tester": "testing", "test-lead": "test_planning"}


def subagent_context(h: ckrt.Hook) -> None:
    if not h.enabled("subagent_context") or not h.agent_id:
        return
    cfg = h.config
    agent_type = str(h.agent_type or "")
    if not agent_type:  # a fork without a definition, e.g. the one that writes compaction summaries
        h.allow("subagent_context", "agent without agent_type (a fork): no briefing")
        return
    domain, role = role_of(cfg, agent_type)
    max_depth = _max_depth(cfg)
    parts = [f"claude-kit: you are the subagent `{agent_type}`."]
    if max_depth <= 1:
        parts.append(
            "Do not spawn agents (subagents cannot here): if you need another agent, finish your part and "
            "end with `NEEDS: spawn <agent> for <goal>`; the main thread spawns it."
        )
    else:
        depth = getattr(h, "spawn_depth", None)
        where = f"you run at depth {depth}; " if isinstance(depth, int) else ""
        parts.append(f"Spawning is limited to depth {max_depth} ({where}the main thread is depth 0).")
    parts.append(f"Write reports and notes under {_output_dir(cfg)}/, never in the repository root.")
    if role == "developer":
        parts.append(f"You implement: edit only the {domain} domain's files you were asked to change.")
    if role in VERDICT_ROLE:
        dom = domain or "<domain>"
        parts.append(
            "End your final message with exactly one fenced ```json block: "
            f'{{"claude_kit": "verdict", "role": "{VERDICT_ROLE[role]}", "domain": "{dom}", '
            '"verdict": "PASS" or "FAIL", "issues": [{"file": ..., "line": ..., "problem": ...}], '
            '"summary": "one line"}. A missing or malformed block counts as FAIL.'
        )
    elif role == "lead":
        parts.append(
            "You coordinate and do not edit files. End your final message with exactly one fenced "
            f'```json block: {{"claude_kit": "plan", "domain": "{domain}", '
            '"tasks": [{"agent": ..., "files": [...], "goal": ...}]}.'
        )
    h.context("subagent_context", " ".join(parts), decision="allow", role=role or "")
