# claude-kit: managed, id=hooks/ck_loop
"""The loop system: change tracking, verdicts, and the Stop gates (docs/loop.md).

Entry points (called by the dispatchers):
- track_modification   PostToolUse Edit|Write|NotebookEdit, main thread and subagents
- capture_agent_result PostToolUse Agent|Task (foreground results; background launches are noted only)
- subagent_verdict     SubagentStop: verdicts of reviewers, testers and test-lead (background ones too)
- output_location      SubagentStop: Markdown reports written outside the output folder
- stop_gate            Stop (main thread): completion loop -> feedback loop -> quality gate ->
                       output-location backstop, wrapped by loop detection, the kit's own bound on
                       consecutive blocks, escalation and the advisor.

State: ephemeral per session in .claude/.claude-kit/local/state/<session>/{feedback,stop,loop}.json
(every write through ckrt.update_json: locked + atomic); persistent outputs (escalations, loop
scratchpads) under the configured output_dir. Standard library only; re, subprocess, hashlib are
imported where used. Every Stop gate fails open: ckrt.run turns an internal error into a
systemMessage, never a block.
"""

from __future__ import annotations

import json
import os
import time

import ckrt

ROLES = ("review", "test_planning", "testing")
ROLE_WORD = {"review": "review", "test_planning": "test plan", "testing": "testing"}
FILE_CAP = 200  # files remembered per domain (the most recent)
FAILURE_CAP = 20
AGENT_CAP = 300
SPAWN_CAP = 50
REPORT_CAP = 200
MSG_CAP = 4000  # characters of a stop message kept for loop detection
TAIL_LINES = 40
TAIL_CHARS = 1500
REASON_CAP = 1900  # the runtime may cut hook strings near 2,000 characters
RETENTION_DAYS = 7
CLEANUP_EVERY = 86400
VERIFIER_TAIL = "ends its final message with the claude_kit verdict block"

# installer/claude_kit/schemas/verdict.schema.json, embedded (hooks cannot read the package);
# tests/loop/test_verdicts.py asserts both are identical.
VERDICT_SCHEMA = {
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


# == tiny JSON Schema validator (the subset VERDICT_SCHEMA uses) ===================================
SUPPORTED_KEYWORDS = frozenset(
    {
        "$schema",
        "$id",
        "title",
        "description",
        "type",
        "const",
        "enum",
        "required",
        "properties",
        "additionalProperties",
        "items",
        "minItems",
        "maxItems",
        "minLength",
        "maxLength",
        "pattern",
        "minimum",
        "maximum",
        "if",
        "then",
        "else",
    }
)


def _is_type(value, name: str) -> bool:
    if name == "object":
        return isinstance(value, dict)
    if name == "array":
        return isinstance(value, list)
    if name == "string":
        return isinstance(value, str)
    if name == "boolean":
        return isinstance(value, bool)
    if name == "null":
        return value is None
    if isinstance(value, bool):
        return False
    if name == "number":
        return isinstance(value, (int, float))
    if name == "integer":
        return isinstance(value, int) or (isinstance(value, float) and value.is_integer())
    return False


def _json_equal(a, b) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return a == b
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_json_equal(x, y) for x, y in zip(a, b))  # noqa: B905 (3.9)
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_json_equal(a[k], b[k]) for k in a)
    return type(a) is type(b) and a == b


def validate(schema: dict, value, path: str = "$") -> list:
    """Errors of `value` against `schema` (JSON Schema 2020-12, SUPPORTED_KEYWORDS only)."""
    errors = []
    kind = schema.get("type")
    if kind is not None:
        kinds = kind if isinstance(kind, list) else [kind]
        if not any(_is_type(value, k) for k in kinds):
            return [f"{path}: {_short(value)} is not of type {' or '.join(kinds)}"]
    if "const" in schema and not _json_equal(value, schema["const"]):
        errors.append(f"{path}: {_short(value)} is not {json.dumps(schema['const'])}")
    if "enum" in schema and not any(_json_equal(value, e) for e in schema["enum"]):
        errors.append(f"{path}: {_short(value)} is not one of {json.dumps(schema['enum'])}")
    if isinstance(value, str):
        if len(value) < schema.get("minLength", 0):
            errors.append(f"{path}: is shorter than {schema['minLength']} characters")
        if "maxLength" in schema and len(value) > schema["maxLength"]:
            errors.append(f"{path}: is longer than {schema['maxLength']} characters")
        if "pattern" in schema:
            import re

            if not re.search(schema["pattern"], value):
                errors.append(f"{path}: {_short(value)} does not match {schema['pattern']}")
    if _is_type(value, "number"):
        if "minimum" in schema and value < schema["minimum"]:
            errors.append(f"{path}: {value} is less than {schema['minimum']}")
        if "maximum" in schema and value > schema["maximum"]:
            errors.append(f"{path}: {value} is more than {schema['maximum']}")
    if isinstance(value, list):
        if len(value) < schema.get("minItems", 0):
            errors.append(f"{path}: needs at least {schema['minItems']} item(s)")
        if "maxItems" in schema and len(value) > schema["maxItems"]:
            errors.append(f"{path}: must have at most {schema['maxItems']} item(s), has {len(value)}")
        if isinstance(schema.get("items"), dict):
            for i, item in enumerate(value):
                errors += validate(schema["items"], item, f"{path}[{i}]")
    if isinstance(value, dict):
        for key in schema.get("required", ()):
            if key not in value:
                errors.append(f"{path}: required property {json.dumps(key)} is missing")
        props = schema.get("properties", {})
        for key, sub in props.items():
            if key in value:
                errors += validate(sub, value[key], f"{path}.{key}")
        extra = schema.get("additionalProperties", True)
        for key in value:
            if key in props:
                continue
            if extra is False:
                errors.append(f"{path}: unexpected property {json.dumps(key)}")
            elif isinstance(extra, dict):
                errors += validate(extra, value[key], f"{path}.{key}")
    if "if" in schema:
        branch = schema.get("then") if not validate(schema["if"], value, path) else schema.get("else")
        if branch:
            errors += validate(branch, value, path)
    return errors


def _short(value) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 60 else text[:57] + "..."


# == verdicts ======================================================================================
_FENCE_RX = None


def parse_verdict(text):
    """(verdict object or None, problem or None). A problem means the verdict counts as FAIL."""
    global _FENCE_RX
    import re

    if not isinstance(text, str) or not text.strip():
        return None, "the agent's final message is empty"
    if _FENCE_RX is None:
        _FENCE_RX = re.compile(r"```[ \t]*([A-Za-z0-9_-]*)[ \t]*\r?\n(.*?)```", re.S)
    body = None
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
    errors = validate(VERDICT_SCHEMA, obj)
    if errors:
        more = f" (+{len(errors) - 3} more)" if len(errors) > 3 else ""
        return (obj if isinstance(obj, dict) else None), "its verdict block breaks the schema: " + "; ".join(
            errors[:3]
        ) + more
    return obj, None


def _json_error(exc) -> str:
    msg = getattr(exc, "msg", None)
    if msg:
        return f"{msg} at line {exc.lineno} column {exc.colno}"
    return str(exc)[:120]


def agent_roles(cfg: dict) -> dict:
    """Agent name -> (domain or None for test-lead, role). Uses the config's (customisable) names."""
    out = {}
    for name, dom in (cfg.get("domains") or {}).items():
        agents = dom.get("agents") or {}
        if agents.get("reviewer"):
            out[agents["reviewer"]] = (name, "review")
        if agents.get("tester"):
            out[agents["tester"]] = (name, "testing")
    out[cfg.get("test_lead") or "test-lead"] = (None, "test_planning")
    return out


def required_phases(cfg: dict, domain: str) -> list:
    """[(role, agent)] the feedback loop requires for a domain: only agents installed in .claude/agents."""
    dom = (cfg.get("domains") or {}).get(domain) or {}
    agents = dom.get("agents") or {}
    out = []
    if agents.get("reviewer") and ckrt.agent_exists(agents["reviewer"]):
        out.append(("review", agents["reviewer"]))
    lead = cfg.get("test_lead") or "test-lead"
    if dom.get("test_planning") and ckrt.agent_exists(lead):
        out.append(("test_planning", lead))
    if agents.get("tester") and ckrt.agent_exists(agents["tester"]):
        out.append(("testing", agents["tester"]))
    return out


# == per-session state =============================================================================
def _spath(sid: str, name: str) -> str:
    return ckrt.state_path(sid, name)


def _read(sid: str, name: str):
    data = ckrt.read_json(_spath(sid, name), None)
    return data if isinstance(data, dict) else None


def _norm_fb(d: dict) -> dict:
    """Fill in every key of the feedback state (tolerates older or partial files)."""
    d.setdefault("created", time.time())
    d.setdefault("seq", 0)
    d.setdefault("iteration", 1)
    cons = d.setdefault("consecutive", {})
    for role in ROLES:
        cons.setdefault(role, 0)
    for key in ("domains", "agents", "reports", "outloc"):
        if not isinstance(d.get(key), dict):
            d[key] = {}
    for key in ("failures", "spawns"):
        if not isinstance(d.get(key), list):
            d[key] = []
    return d


def _dom_state(d: dict, domain: str) -> dict:
    e = d["domains"].setdefault(domain, {})
    e.setdefault("files", [])
    e.setdefault("changes", 0)
    e.setdefault("changed_seq", 0)
    e.setdefault("verifier_changes", 0)
    if not isinstance(e.get("phases"), dict):
        e["phases"] = {}
    return e


def _update_fb(sid: str, fn):
    def wrap(data):
        data = _norm_fb(data if isinstance(data, dict) else {})
        fn(data)
        return data

    return ckrt.update_json(_spath(sid, "feedback"), wrap)


def _update(sid: str, name: str, fn):
    def wrap(data):
        data = data if isinstance(data, dict) else {}
        fn(data)
        return data

    return ckrt.update_json(_spath(sid, name), wrap)


def _bounded_dict(d: dict, cap: int) -> None:
    while len(d) > cap:
        d.pop(next(iter(d)))


# == tracking ======================================================================================
_ALLOWED_MD_RX = None


def _is_markdown(rel: str) -> bool:
    return rel.lower().endswith((".md", ".markdown", ".mdx"))


def allowed_markdown(cfg: dict, rel: str) -> bool:
    """Markdown that is not an agent report: output folder, docs, READMEs, knowledge, exemption globs."""
    global _ALLOWED_MD_RX
    import re

    out = (cfg.get("output_dir") or ".claude/.output").rstrip("/") + "/"
    if rel.startswith(out):
        return True
    if _ALLOWED_MD_RX is None:
        _ALLOWED_MD_RX = re.compile(
            r"(^|/)(README|CHANGELOG|CHANGES|HISTORY|CONTRIBUTING|CLAUDE|AGENTS|LICENSE|COPYING|SECURITY"
            r"|CODE_OF_CONDUCT|NOTICE|AUTHORS|SUPPORT)([.-][^/]*)?$"
            r"|(^|/)docs?/|^\.github/|(^|/)\.claude/(skills|skill-library|agents|commands|rules|output-styles)/"
            r"|(^|/)(skills|skill-library|agents)/",
            re.I,
        )
    if _ALLOWED_MD_RX.search(rel):
        return True
    return any(label.startswith("glob ") and re.search(rx, rel) for label, rx in cfg.get("exempt_rules", []))


def _verifier(cfg: dict, agent_type) -> bool:
    return bool(agent_type) and agent_type in agent_roles(cfg)


def track_modification(h) -> None:
    """Record a changed file under its domain; a change after a PASS makes the domain dirty again."""
    if not h.enabled("track_modifications"):
        return
    path = h.tool_input.get("file_path") or h.tool_input.get("notebook_path") or ""
    rel = ckrt.project_relpath(str(path))
    if rel is None:
        return
    cfg = h.config
    exempt = ckrt.exemption_of(cfg, rel)
    if exempt == "output_dir":
        return
    report = _is_markdown(rel) and not allowed_markdown(cfg, rel)
    domain = ckrt.domain_of(cfg, rel) if exempt != "docs" else None
    if domain is not None and domain not in (cfg.get("domains") or {}):
        domain = None
    if not report and domain is None:
        return
    by_verifier = h.is_subagent and _verifier(cfg, h.agent_type)
    reset = []

    def apply(d):
        d["seq"] += 1
        if report:
            d["reports"].pop(rel, None)
            d["reports"][rel] = {
                "agent_id": h.agent_id or "",
                "agent_type": h.agent_type or "",
                "ts": time.time(),
            }
            _bounded_dict(d["reports"], REPORT_CAP)
        if domain is None:
            return
        e = _dom_state(d, domain)
        if rel in e["files"]:
            e["files"].remove(rel)
        e["files"].append(rel)
        del e["files"][:-FILE_CAP]
        e["changes"] += 1
        if by_verifier:
            e["verifier_changes"] += 1  # a tester's tests do not reopen the review they follow
            return
        if any((p or {}).get("verdict") == "PASS" for p in e["phases"].values()):
            reset.append(domain)
        e["phases"] = {}
        e["changed_seq"] = d["seq"]

    _update_fb(h.session_id, apply)
    if reset:
        h.log(
            "track_modifications",
            "allow",
            f"{rel} changed after {domain} passed a phase: its review/testing must run again",
            file=rel,
        )


# == verdict capture ===============================================================================
def _response_text(resp: dict) -> str:
    parts = []
    for block in resp.get("content") or []:
        if isinstance(block, dict) and isinstance(block.get("text"), str):
            parts.append(block["text"])
    return "\n".join(parts)


def capture_agent_result(h) -> None:
    """PostToolUse(Agent): note the spawn; a foreground result also carries the agent's verdict."""
    resp = h.payload.get("tool_response")
    if not isinstance(resp, dict):
        return
    agent_type = str(resp.get("agentType") or h.tool_input.get("subagent_type") or "general-purpose")
    agent_id = str(resp.get("agentId") or "")
    background = resp.get("status") == "async_launched" or bool(resp.get("isAsync"))
    spawn = {"type": agent_type, "id": agent_id, "background": background, "ts": time.time()}
    if background or resp.get("status") != "completed" or not h.enabled("verdicts"):
        # The verdict of a background agent arrives with its SubagentStop.
        _update_fb(h.session_id, lambda d: _note_spawn(d, spawn))
        return
    _record_verdict(h, agent_type, agent_id, _response_text(resp), "PostToolUse", spawn)


def _note_spawn(d: dict, spawn: dict) -> None:
    d["seq"] += 1
    spawn["seq"] = d["seq"]
    d["spawns"].append(spawn)
    del d["spawns"][:-SPAWN_CAP]


def subagent_verdict(h) -> None:
    """SubagentStop: where every verifier's verdict arrives (background agents only here)."""
    if not h.enabled("verdicts") or not h.is_subagent:
        return
    agent_type = h.agent_type or ""
    if agent_type not in agent_roles(h.config):
        return
    offenders, will_block = _outloc_check(h)
    if will_block:
        # output_location blocks this agent next; its verdict counts when it finishes again.
        h.log("verdicts", "allow", f"{agent_type} verdict deferred until its reports are moved")
        return
    text = h.payload.get("last_assistant_message") or ""
    _record_verdict(h, agent_type, str(h.agent_id or ""), text, "SubagentStop", None)


def _first_open_domain(cfg: dict, d: dict):
    changed = [n for n, e in d["domains"].items() if e.get("changes", 0) > 0 and n in cfg.get("domains", {})]
    for name in changed:
        phases = d["domains"][name].get("phases") or {}
        if any((phases.get(r) or {}).get("verdict") != "PASS" for r, _a in required_phases(cfg, name)):
            return name
    return changed[0] if changed else None


def _record_verdict(h, agent_type: str, agent_id: str, text: str, source: str, spawn) -> None:
    cfg = h.config
    roles = agent_roles(cfg)
    if agent_type not in roles:
        if spawn:
            _update_fb(h.session_id, lambda d: _note_spawn(d, spawn))
        return
    domain, role = roles[agent_type]
    obj, problem = parse_verdict(text)
    notes = []
    if isinstance(obj, dict):
        if obj.get("role") in ROLES and obj.get("role") != role:
            notes.append(f"role {obj.get('role')!r} in the block ignored: {agent_type} reports {role}")
        if domain is not None and obj.get("domain") and obj.get("domain") != domain:
            notes.append(
                f"domain {obj.get('domain')!r} in the block ignored: {agent_type} belongs to {domain}"
            )
    verdict = obj["verdict"] if problem is None else "FAIL"
    issues = [] if problem else [i for i in obj.get("issues", []) if isinstance(i, dict)][:10]
    summary = "" if problem else str(obj.get("summary", ""))[:300]
    json_domain = obj.get("domain") if isinstance(obj, dict) else None
    result = {}

    def apply(d):
        if spawn:
            _note_spawn(d, spawn)
        seen = d["agents"].get(agent_id) if agent_id else None
        if seen and seen.get("verdict"):
            result["duplicate"] = True  # SubagentStop and PostToolUse both carry a foreground verdict
            return
        target = domain
        if target is None:
            target = json_domain if json_domain in (cfg.get("domains") or {}) else _first_open_domain(cfg, d)
        target = target or (json_domain if isinstance(json_domain, str) and json_domain else "unknown")
        d["seq"] += 1
        rec = {
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
        e = _dom_state(d, target)
        e["phases"][role] = rec
        e["last_verdict"] = dict(rec, domain=target)
        if verdict == "PASS":
            d["consecutive"][role] = 0
        else:
            d["consecutive"][role] += 1
            d["failures"].append(dict(rec, domain=target))
            del d["failures"][:-FAILURE_CAP]
            if role == "testing":
                d["iteration"] += 1
                for other in d["domains"].values():
                    other["phases"] = {}
        if agent_id:
            d["agents"][agent_id] = {"type": agent_type, "verdict": verdict, "seq": d["seq"]}
            _bounded_dict(d["agents"], AGENT_CAP)
        result["domain"] = target

    _update_fb(h.session_id, apply)
    if result.get("duplicate"):
        return
    what = problem or summary or "(no summary)"
    note = ("; " + "; ".join(notes)) if notes else ""
    h.log(
        "verdicts",
        "allow" if verdict == "PASS" else "warn",
        f"{agent_type} -> {result.get('domain')} {role} {verdict} via {source}: {what}{note}",
    )


# == output location ===============================================================================
def _git(args: list, timeout: float = 15):
    import subprocess

    try:
        proc = subprocess.run(
            ["git", *args], cwd=ckrt.ROOT, stdin=subprocess.DEVNULL, capture_output=True, timeout=timeout
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return proc.stdout if proc.returncode == 0 else None


def _new_in_git(paths: list) -> dict:
    """{path: "??" untracked | "A" staged new} for those of `paths` not committed."""
    if not paths:
        return {}
    out = _git(["status", "--porcelain=v1", "-z", "--untracked-files=all", "--", *paths])
    found = {}
    if not out:
        return found
    for entry in out.decode("utf-8", "replace").split("\0"):
        if len(entry) > 3:
            code, rel = entry[:2], entry[3:]
            if code == "??":
                found[rel] = "??"
            elif code[0] == "A":
                found[rel] = "A"
    return found


def _recent_untracked_markdown(cfg: dict, since) -> list:
    """Untracked (or newly staged) Markdown outside the allowed places, modified at or after `since`."""
    if since is None:
        return []
    names = set()
    for args in (
        ["ls-files", "-z", "-o", "--exclude-standard"],
        ["diff", "--cached", "--name-only", "-z", "--diff-filter=A"],
    ):
        out = _git(args)
        if out:
            names.update(n for n in out.decode("utf-8", "replace").split("\0") if n)
    found = []
    for rel in sorted(names):
        if not _is_markdown(rel) or allowed_markdown(cfg, rel):
            continue
        try:
            if os.stat(os.path.join(ckrt.ROOT, rel)).st_mtime >= since - 1:
                found.append(rel)
        except OSError:
            continue
    return found


def _first_timestamp(path) -> float | None:
    """Start of a session or subagent: the first `timestamp` in its transcript."""
    if not path:
        return None
    try:
        with open(path, "rb") as f:
            for _ in range(30):
                line = f.readline()
                if not line:
                    break
                try:
                    rec = json.loads(line)
                except ValueError:
                    continue
                if isinstance(rec, dict) and isinstance(rec.get("timestamp"), str):
                    return _parse_iso(rec["timestamp"])
    except OSError:
        return None
    return None


def _parse_iso(ts: str) -> float | None:
    import calendar

    try:
        base = calendar.timegm(time.strptime(ts[:19], "%Y-%m-%dT%H:%M:%S"))
    except ValueError:
        return None
    frac = "".join(c for c in ts[19:].lstrip(".") if c.isdigit())
    return base + (float("0." + frac) if frac else 0.0)


def _offending_reports(cfg: dict, candidates) -> list:
    """[(rel, "??"|"A")] of candidates that still exist, are new to git and are not allowed."""
    keep = [
        rel
        for rel in sorted(set(candidates))
        if not allowed_markdown(cfg, rel) and os.path.isfile(os.path.join(ckrt.ROOT, rel))
    ]
    status = _new_in_git(keep)
    return [(rel, status[rel]) for rel in keep if rel in status]


def _outloc_check(h):
    """(offending [(rel, status)], will_block) for the subagent that is stopping; cached per hook run."""
    cached = getattr(h, "_ck_outloc", None)
    if cached is not None:
        return cached
    result = ([], False)
    if h.enabled("output_location") and h.is_subagent and (h.agent_type or ""):
        cfg = h.config
        fb = _norm_fb(_read(h.session_id, "feedback") or {})
        mine = {rel for rel, r in fb["reports"].items() if r.get("agent_id") == h.agent_id}
        others = {rel for rel, r in fb["reports"].items() if r.get("agent_id") != h.agent_id}
        since = _first_timestamp(h.payload.get("agent_transcript_path"))
        scanned = set(_recent_untracked_markdown(cfg, since)) - others
        offenders = _offending_reports(cfg, mine | scanned)
        already = set(fb["outloc"].get(str(h.agent_id), []))
        result = (offenders, bool(offenders) and not {rel for rel, _s in offenders} <= already)
    h._ck_outloc = result
    return result


def _remediation(cfg: dict, offenders: list) -> str:
    import shlex

    out = (cfg.get("output_dir") or ".claude/.output").rstrip("/")
    lines = []
    stamp = time.strftime("%Y%m%d-%H%M%S", time.gmtime())
    for rel, status in offenders[:10]:
        base = os.path.basename(rel)
        dest = f"{out}/adhoc/{base}"
        if os.path.exists(os.path.join(ckrt.ROOT, dest)):
            dest = f"{out}/adhoc/{stamp}-{base}"
        q, qd = shlex.quote(rel), shlex.quote(dest)
        if status == "A":
            lines.append(
                f"  keep it: mkdir -p {shlex.quote(out + '/adhoc')} && git mv {q} {qd}"
                f"   | drop it: git rm -f {q}"
            )
        else:
            lines.append(
                f"  keep it: mkdir -p {shlex.quote(out + '/adhoc')} && mv {q} {qd}   | drop it: rm {q}"
            )
    if len(offenders) > 10:
        lines.append(f"  (+{len(offenders) - 10} more files like these)")
    return "\n".join(lines)


def output_location(h) -> None:
    """SubagentStop: a report written outside the output folder blocks that agent once, with the fix."""
    offenders, will_block = _outloc_check(h)
    if not offenders:
        return
    files = [rel for rel, _s in offenders]
    if not will_block:
        h.log(
            "output_location",
            "warn",
            f"{h.agent_type} left reports outside the output folder "
            f"(asked once already, not blocking again): {', '.join(files[:10])}",
        )
        return
    aid = str(h.agent_id)

    def remember(d):
        d["outloc"][aid] = sorted(set(d["outloc"].get(aid, [])) | set(files))
        _bounded_dict(d["outloc"], AGENT_CAP)

    _update_fb(h.session_id, remember)
    cfg = h.config
    out = (cfg.get("output_dir") or ".claude/.output").rstrip("/")
    reason = (
        f"claude-kit output location: you wrote report file(s) outside {out}/: {', '.join(files[:10])}. "
        f"Reports belong under {out}/. For each file run one of these commands (Bash):\n"
        f"{_remediation(cfg, offenders)}\n"
        "Then finish again with your final report; if your role ends with a claude_kit verdict block, "
        "end with it again. claude-kit asks only once for these files.\n" + _kill("output_location")
    )
    h.block("output_location", _cap(reason), file=files[0])


# == Stop: gates ===================================================================================
class _Decision:
    """What a gate wants at this Stop: block (with a key naming the instruction), escalate or wait."""

    def __init__(self, kind: str, gate: str, key: str = "", reason: str = "", why: str = "", commit=None):
        self.kind = kind  # "block" | "escalate" | "wait"
        self.gate = gate
        self.key = key
        self.reason = reason
        self.why = why
        self.commit = commit
        self.details = {}
        self.hook = gate  # the decision log's `hook`: loop_detection / stop_bound when they take over


def _kill(hook_name: str) -> str:
    return (
        f"Kill switch (user): CLAUDE_KIT_DISABLE=1, or hooks: {{{hook_name}: {{enabled: false}}}} "
        "in .claude/claude-kit.yaml."
    )


def _cap(text: str, limit: int = REASON_CAP) -> str:
    return text if len(text) <= limit else text[: limit - 15] + "\n[... cut ...]"


def _limits(cfg: dict) -> dict:
    lim = {
        "max_feedback_iterations": 5,
        "max_consecutive_failures": 3,
        "max_stop_blocks": 6,
        "loop_similarity_percent": 90,
        "loop_max_iterations": 20,
    }
    lim.update(cfg.get("limits") or {})
    return lim


def _files_text(files: list, n: int = 10) -> str:
    recent = list(reversed(files))[:n]
    more = f" (+{len(files) - n} more)" if len(files) > n else ""
    return ", ".join(recent) + more if recent else "(none recorded)"


def _issues_text(rec: dict, n: int = 5) -> str:
    parts = []
    for issue in (rec.get("issues") or [])[:n]:
        where = str(issue.get("file") or "?")
        if isinstance(issue.get("line"), int):
            where += f":{issue['line']}"
        parts.append(f"{where} {str(issue.get('problem') or '')[:160]}")
    extra = len(rec.get("issues") or []) - n
    return "; ".join(parts) + (f" (+{extra} more)" if extra > 0 else "")


# -- completion loop -------------------------------------------------------------------------------
def has_promise(message: str, promise: str) -> bool:
    """True when `message` holds <promise>TEXT</promise> with exactly TEXT (whitespace-normalised)."""
    import re

    want = " ".join(str(promise).split())
    return any(
        " ".join(m.split()) == want for m in re.findall(r"<promise>(.*?)</promise>", message or "", re.S)
    )


def scratchpad_rel(cfg: dict, sid: str) -> str:
    out = (cfg.get("output_dir") or ".claude/.output").rstrip("/")
    return f"{out}/loops/{ckrt.safe_name(sid)}/scratchpad.md"


def _scratch(cfg: dict, sid: str, iteration, limit, message: str, outcome: str) -> None:
    path = os.path.join(ckrt.ROOT, scratchpad_rel(cfg, sid))
    excerpt = " ".join((message or "").split())
    excerpt = excerpt if len(excerpt) <= 500 else excerpt[:497] + "..."
    stamp = time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime())
    entry = f"\n### iteration {iteration}/{limit} - {stamp}Z - {outcome}\n> {excerpt or '(empty message)'}\n"
    try:
        os.makedirs(os.path.dirname(path), exist_ok=True)
        with open(path, "a", encoding="utf-8") as f:
            f.write(entry)
    except OSError:
        pass


def _end_loop(sid: str, why: str) -> None:
    def apply(d):
        if d.get("active"):
            d["active"] = False
            d["ended"] = why
            d["ended_at"] = time.time()

    _update(sid, "loop", apply)


def _completion_gate(h, cfg, loop, msg):
    if not loop or not loop.get("active") or not h.enabled("completion_loop"):
        return None
    sid = h.session_id
    i, n = int(loop.get("iteration", 1)), int(loop.get("max_iterations", 1))
    promise = str(loop.get("completion_promise", ""))
    if has_promise(msg, promise):
        _end_loop(sid, "promise")
        _scratch(cfg, sid, i, n, msg, "promise found, loop ended")
        h.log(
            "completion_loop", "allow", f"<promise>{promise}</promise> found at iteration {i}/{n}; loop ended"
        )
        return None
    if i >= n:
        _end_loop(sid, "limit")
        _scratch(cfg, sid, i, n, msg, "iteration limit reached, loop ended")
        h.log("completion_loop", "warn", f"loop ended at its limit of {n} iterations without the promise")
        h.tell_user(
            f"claude-kit: the completion loop ended after {n} iterations without "
            f"<promise>{promise}</promise>; see {scratchpad_rel(cfg, sid)}."
        )
        return None

    def commit():
        def apply(d):
            if d.get("active"):
                d["iteration"] = int(d.get("iteration", 1)) + 1

        _update(sid, "loop", apply)
        _scratch(cfg, sid, i, n, msg, "no promise, continuing")

    reason = (
        f"claude-kit completion loop: iteration {i + 1}/{n}. Keep working on the task below. Read and "
        f"update the scratchpad {scratchpad_rel(cfg, sid)} (what is done, what is next). When the task is "
        "completely and verifiably done, and only then, end your message with "
        f"<promise>{promise}</promise>.\n"
        f"Task:\n{str(loop.get('prompt', ''))[:1000]}\n"
        "To end the loop early run `claude-kit loop cancel`. " + _kill("completion_loop")
    )
    return _Decision("block", "completion_loop", "completion_loop", reason, commit=commit)


# -- feedback loop ---------------------------------------------------------------------------------
def _next_step(cfg: dict, name: str, e: dict, req: list):
    phases = e.get("phases") or {}
    pending = [(role, agent) for role, agent in req if (phases.get(role) or {}).get("verdict") != "PASS"]
    if not pending:
        return None
    last = e.get("last_verdict") or {}
    fail = last if last.get("verdict") == "FAIL" and last.get("seq", 0) > e.get("changed_seq", 0) else None
    if fail and not fail.get("invalid"):
        dev = ((cfg["domains"].get(name) or {}).get("agents") or {}).get("developer")
        return {
            "kind": "fix",
            "agent": dev if dev and ckrt.agent_exists(dev) else None,
            "fail": fail,
            "then": pending[0],
            "pending": pending,
        }
    role, agent = pending[0]
    return {"kind": "verify", "agent": agent, "role": role, "fail": fail, "pending": pending}


def _feedback_gate(h, cfg, fb, running: set):
    if not fb or not h.enabled("feedback_loop"):
        return None
    todo = []
    for name, e in fb["domains"].items():
        if e.get("changes", 0) <= 0 or name not in (cfg.get("domains") or {}):
            continue
        req = required_phases(cfg, name)
        step = _next_step(cfg, name, e, req) if req else None
        if step:
            todo.append((name, e, step))
    if not todo:
        return None
    lim = _limits(cfg)
    over = []
    if fb["iteration"] > lim["max_feedback_iterations"]:
        over.append(
            f"testing failed {fb['iteration'] - 1} times (limits.max_feedback_iterations = "
            f"{lim['max_feedback_iterations']})"
        )
    for role in ROLES:
        if fb["consecutive"][role] >= lim["max_consecutive_failures"]:
            over.append(
                f"{ROLE_WORD[role]} failed {fb['consecutive'][role]} times in a row "
                f"(limits.max_consecutive_failures = {lim['max_consecutive_failures']})"
            )
    if over:
        name, e, step = todo[0]
        return _Decision(
            "escalate",
            "feedback_loop",
            f"feedback:{name}:{step['kind']}:{step['agent']}",
            _feedback_reason(cfg, fb, name, e, step, todo, lim),
            why="; ".join(over),
        )
    domain_agents = set()
    for name, _e, _s in todo:
        ag = (cfg["domains"][name].get("agents") or {}).values()
        domain_agents.update(ag)
    domain_agents.add(cfg.get("test_lead") or "test-lead")
    waiting = sorted(running & domain_agents)
    if waiting:
        return _Decision(
            "wait", "feedback_loop", why=f"background agent(s) still running: {', '.join(waiting)}"
        )
    name, e, step = todo[0]
    return _Decision(
        "block",
        "feedback_loop",
        f"feedback:{name}:{step['kind']}:{step['agent']}",
        _feedback_reason(cfg, fb, name, e, step, todo, lim),
    )


def _verdict_shape(role: str, domain: str) -> str:
    return (
        f'{{"claude_kit": "verdict", "role": "{role}", "domain": "{domain}", "verdict": "PASS" or "FAIL", '
        '"issues": [{"file": ..., "line": ..., "problem": ...}], "summary": "..."}'
    )


def _feedback_reason(cfg, fb, name, e, step, todo, lim) -> str:
    files = _files_text(e.get("files", []))
    head = (
        f"claude-kit feedback loop (iteration {fb['iteration']}/{lim['max_feedback_iterations']}): "
        f"{name} code changed in this session and is not yet "
        f"{' + '.join(ROLE_WORD[r] for r, _a in step['pending'])} PASS."
    )
    fail = step.get("fail")
    lines = [head]
    if fail and fail.get("invalid"):
        lines.append(f"The last {fail['agent']} verdict counts as FAIL because {fail['invalid']}.")
    elif fail:
        lines.append(
            f"The last {fail['agent']} verdict is FAIL: "
            f"{_issues_text(fail) or fail.get('summary') or 'no issues listed'}."
        )
    if step["kind"] == "fix":
        then_role, then_agent = step["then"]
        who = (
            f'the Agent tool with subagent_type "{step["agent"]}"'
            if step["agent"]
            else "the domain's developer agent"
        )
        lines.append(
            f'Next: call {who} and run_in_background false, prompt: "Fix these {name} issues found by '
            f'{fail["agent"]}: {_issues_text(fail, 3) or fail.get("summary", "")}. Files: {files}." '
            f'Then call the Agent tool with subagent_type "{then_agent}" again ({ROLE_WORD[then_role]}).'
        )
    else:
        role = step["role"]
        task = {
            "review": "Review",
            "test_planning": "Plan the tests for",
            "testing": "Write and run the tests for",
        }[role]
        lines.append(
            f'Next: call the Agent tool with subagent_type "{step["agent"]}" and run_in_background false, '
            f'prompt: "{task} the {name} changes in this session: {files}." The agent must end its final '
            f"message with one fenced ```json block: {_verdict_shape(role, name)}."
        )
    others = [f"{n}: {s['agent'] or 'developer'}" for n, _e, s in todo[1:4]]
    if others:
        lines.append("Also waiting: " + "; ".join(others) + ".")
    cons = ", ".join(f"{ROLE_WORD[r]} {fb['consecutive'][r]}" for r in ROLES if fb["consecutive"][r])
    lines.append(
        f"Then stop again; claude-kit re-checks. After {lim['max_consecutive_failures']} failures in a row"
        f"{' (now: ' + cons + ')' if cons else ''} or {lim['max_feedback_iterations']} iterations "
        "the user decides. " + _kill("feedback_loop")
    )
    return "\n".join(lines)


# -- quality gate ----------------------------------------------------------------------------------
def domain_content_hash(cfg: dict, name: str):
    """sha256 of the domain's tracked + untracked (not ignored) files and contents; None without git."""
    import hashlib

    out = _git(["ls-files", "-z", "-c", "-o", "--exclude-standard"], timeout=30)
    if out is None:
        return None
    digest = hashlib.sha256()
    for rel in sorted(set(out.decode("utf-8", "replace").split("\0"))):
        if not rel or ckrt.domain_of(cfg, rel) != name:
            continue
        digest.update(rel.encode("utf-8", "replace") + b"\0")
        try:
            with open(os.path.join(ckrt.ROOT, rel), "rb") as f:
                digest.update(hashlib.sha256(f.read()).digest())
        except OSError:
            digest.update(b"<missing>")
    return digest.hexdigest()


def run_check(check: dict) -> dict:
    """Run one check command from the project root: {status: ok|fail|timeout|missing, code, tail}."""
    import subprocess

    timeout = max(1, int(check.get("timeout", 300)))
    posix = os.name != "nt"
    try:
        proc = subprocess.Popen(
            check["run"],
            shell=True,
            cwd=ckrt.ROOT,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            start_new_session=posix,
        )
    except OSError as exc:
        return {"status": "missing", "code": None, "tail": f"{type(exc).__name__}: {exc}"}
    try:
        out, _ = proc.communicate(timeout=timeout)
        status = None
    except subprocess.TimeoutExpired:
        _kill_group(proc)
        try:
            out, _ = proc.communicate(timeout=5)
        except subprocess.TimeoutExpired:
            out = b""
        status = "timeout"
    text = (out or b"").decode("utf-8", "replace")
    code = proc.returncode
    if status is None:
        lowered = text.lower()
        if code == 0:
            status = "ok"
        elif code == 127 or "command not found" in lowered or "is not recognized as an internal" in lowered:
            status = "missing"
        else:
            status = "fail"
    return {"status": status, "code": code, "tail": _tail(text)}


def _kill_group(proc) -> None:
    try:
        if os.name != "nt":
            import signal

            os.killpg(proc.pid, signal.SIGKILL)
        else:  # pragma: no cover
            import subprocess

            subprocess.run(["taskkill", "/F", "/T", "/PID", str(proc.pid)], capture_output=True, check=False)
    except OSError:
        import contextlib

        with contextlib.suppress(OSError):
            proc.kill()


def _tail(text: str) -> str:
    lines = text.rstrip("\n").splitlines()[-TAIL_LINES:]
    out = "\n".join(lines)
    return out if len(out) <= TAIL_CHARS else "..." + out[-(TAIL_CHARS - 3) :]


def _check_cache_path() -> str:
    return os.path.join(ckrt.LOCAL, "cache", "checks.json")


def _quality_gate(h, cfg, fb):
    if not fb or not h.enabled("quality_gate"):
        return None
    cache = None
    for name, e in fb["domains"].items():
        dom = (cfg.get("domains") or {}).get(name) or {}
        checks = dom.get("checks") or []
        if e.get("changes", 0) <= 0 or not checks:
            continue
        content = domain_content_hash(cfg, name)
        for check in checks:
            key = f"{name}\0{check.get('name')}\0{check.get('run')}\0{check.get('timeout')}"
            if content is not None:
                if cache is None:
                    cache = ckrt.read_json(_check_cache_path(), {}) or {}
                if (cache.get(key) or {}).get("content") == content:
                    continue  # passed on exactly these files already
            res = run_check(check)
            label = f'check "{check.get("name")}" for {name}'
            if res["status"] == "ok":
                if content is not None:
                    _remember_pass(key, content)
                h.log("quality_gate", "allow", f"{label} passed")
                continue
            if res["status"] == "missing":
                msg = (
                    f"claude-kit: {label} could not run (a tool is missing: exit {res['code']}): "
                    f"`{check.get('run')}`. That is a configuration problem, not a test failure, so the "
                    "session is not blocked; install the tool or fix domains."
                    f"{name}.checks in .claude/claude-kit.yaml. Output: {res['tail'][-300:]}"
                )
                h.tell_user(msg)
                h.log("quality_gate", "warn", msg)
                continue
            if res["status"] == "timeout":
                what = f"timed out after {check.get('timeout')} s and was killed (with its process group)"
            else:
                what = f"failed (exit {res['code']})"
            dev = (dom.get("agents") or {}).get("developer") or f"{name}-developer"
            reason = (
                f"claude-kit quality gate: {label} {what}. Command (run from the project root): "
                f"`{check.get('run')}`\nLast lines of its output:\n"
                f"```\n{res['tail'] or '(no output)'}\n```\n"
                f"Fix the cause (domain code: delegate to {dev}), then stop again; the check re-runs when "
                f"the {name} files change. " + _kill("quality_gate")
            )
            return _Decision("block", "quality_gate", f"quality:{name}:{check.get('name')}", _cap(reason))
    return None


def _remember_pass(key: str, content: str) -> None:
    def apply(d):
        d = d if isinstance(d, dict) else {}
        d.pop(key, None)
        d[key] = {"content": content, "ts": time.time()}
        _bounded_dict(d, 500)
        return d

    import contextlib

    with contextlib.suppress(OSError):
        ckrt.update_json(_check_cache_path(), apply)


# -- output-location backstop ----------------------------------------------------------------------
def _backstop(h, cfg, fb, st):
    if not fb or not h.enabled("output_location"):
        return None
    since = _first_timestamp(h.payload.get("transcript_path")) or fb.get("created")
    candidates = set(fb["reports"]) | set(_recent_untracked_markdown(cfg, since))
    offenders = _offending_reports(cfg, candidates)
    if not offenders:
        return None
    files = [rel for rel, _s in offenders]
    if set(files) <= set(st.get("backstop", [])):
        h.tell_user(
            "claude-kit: report files remain outside the output folder (asked once already): "
            + ", ".join(files[:10])
        )
        return None
    out = (cfg.get("output_dir") or ".claude/.output").rstrip("/")
    reason = (
        f"claude-kit output location: this session left report file(s) outside {out}/: "
        f"{', '.join(files[:10])}. "
        f"Move or delete each one (Bash):\n{_remediation(cfg, offenders)}\n"
        "Then stop again; claude-kit asks only once for these files. " + _kill("output_location")
    )
    d = _Decision("block", "output_location", "output_location:" + ",".join(files[:10]), _cap(reason))
    d.details = {"backstop": files}
    return d


# == loop detection ================================================================================
def similarity(a: str, b: str) -> float:
    """Indel similarity in percent, 2*LCS/(len a + len b)*100: the same number as rapidfuzz.fuzz.ratio.

    The longest common subsequence is computed bit-parallel (Hyyroe 2004) on Python ints, so two
    4,000-character messages cost a few milliseconds and the hook needs no third-party package.
    """
    if not a and not b:
        return 100.0
    if not a or not b:
        return 0.0
    if len(a) < len(b):
        a, b = b, a
    masks = {}
    for i, ch in enumerate(b):
        masks[ch] = masks.get(ch, 0) | (1 << i)
    full = (1 << len(b)) - 1
    v = full
    for ch in a:
        u = v & masks.get(ch, 0)
        v = ((v + u) | (v - u)) & full
    lcs = len(b) - bin(v).count("1")
    return 200.0 * lcs / (len(a) + len(b))


def stuck(history: list, threshold: float) -> bool:
    """Three stop attempts under the same instruction with messages more than `threshold`% alike."""
    if len(history) < 3:
        return False
    last = history[-3:]
    if len({item.get("key") for item in last}) != 1:
        return False
    msgs = [str(item.get("msg") or "") for item in last]
    return all(similarity(msgs[i], msgs[j]) > threshold for i in range(3) for j in range(i + 1, 3))


# == advisor =======================================================================================
def _log_blocks(sid: str, limit: int = 400) -> dict:
    """Stop blocks per gate for this session, from the decision log's tail."""
    counts = {}
    for n, raw in enumerate(ckrt.tail_lines(ckrt.LOG_PATH, max_bytes=1024 * 1024)):
        if n >= limit:
            break
        try:
            rec = json.loads(raw)
        except ValueError:
            continue
        if rec.get("session_id") == sid and rec.get("event") == "Stop" and rec.get("decision") == "block":
            counts[rec.get("hook")] = counts.get(rec.get("hook"), 0) + 1
    return counts


def deterministic_hint(decision, fb, st, cfg, loop, counts: dict, sid: str = "") -> str:
    """One sentence from the state and the decision log: what keeps failing, what has not been tried."""
    gate = decision.gate
    total = counts.get(gate, 0) + 1
    spawned_since = [s for s in (fb or {}).get("spawns", []) if s.get("seq", 0) > st.get("last_seq", -1)]
    if gate == "feedback_loop":
        _f, name, kind, agent = (decision.key.split(":") + ["", "", "", ""])[:4]
        agent = agent if agent and agent != "None" else f"{name}'s developer agent"
        failures = [f for f in (fb or {}).get("failures", []) if f.get("domain") == name]
        if not spawned_since:
            return (
                f"claude-kit has asked for {agent} {total} times this session and no agent was spawned since "
                f'the last request: call the Agent tool with subagent_type "{agent}" and run_in_background '
                "false now instead of answering in text."
            )
        if failures:
            last = failures[-1]
            same = sum(1 for f in failures if f.get("role") == last.get("role"))
            why = last.get("invalid") or _issues_text(last, 1) or last.get("summary") or "no details"
            tried = {s.get("type") for s in spawned_since}
            dev = ((cfg["domains"].get(name) or {}).get("agents") or {}).get("developer", "")
            untried = (
                f"; {dev} has not been spawned since" if dev and dev not in tried and kind == "fix" else ""
            )
            return (
                f"{name} {ROLE_WORD.get(last.get('role'), last.get('role'))} has failed {same} time(s) "
                f"(last: {why[:160]}){untried}: address that exact point before asking for another verdict."
            )
        return f"{total} feedback blocks this session: spawn exactly the agent named above and let it finish."
    if gate == "quality_gate":
        _q, name, check = (decision.key.split(":", 2) + ["", "", ""])[:3]
        dom = ((fb or {}).get("domains") or {}).get(name) or {}
        if dom.get("changed_seq", 0) <= st.get("last_seq", -1):
            return (
                f'check "{check}" has blocked {total} stops and no {name} file changed since the last one: '
                "change the code rather than retrying, or ask the user whether the check itself is wrong."
            )
        return (
            f'check "{check}" still fails after {total} attempts: read the output tail above line by line '
            "and fix the first error."
        )
    if gate == "completion_loop":
        i = (loop or {}).get("iteration", "?")
        return (
            f"iteration {i} without the promise: re-read {scratchpad_rel(cfg, sid)}, list what remains, "
            "finish the first unfinished item, and try a different approach if the last one did not work."
        )
    return f"{total} blocks by {gate} this session: run the commands in the message above exactly."


def _advice(h, cfg, decision, fb, st, loop) -> str:
    counts = _log_blocks(h.session_id)
    hint = deterministic_hint(decision, fb, st, cfg, loop, counts, h.session_id)
    command = (cfg.get("advisor") or {}).get("command")
    if command:
        context = {
            "session_id": h.session_id,
            "gate": decision.gate,
            "instruction": decision.reason[:1500],
            "consecutive_blocks": st.get("streak", 0) + 1,
            "blocks_by_gate": counts,
            "last_assistant_message": str(h.payload.get("last_assistant_message") or "")[:2000],
            "failures": (fb or {}).get("failures", [])[-5:],
            "iteration": (fb or {}).get("iteration"),
            "default_hint": hint,
        }
        external = run_advisor(str(command), int((cfg.get("advisor") or {}).get("timeout", 20)), context)
        if external.get("hint"):
            h.log("advisor", "allow", external["hint"])
            return "Hint (advisor): " + external["hint"]
        h.log(
            "advisor", "error", f"advisor command gave no hint ({external.get('error')}); default hint used"
        )
    return "Hint: " + hint


def run_advisor(command: str, timeout: int, context: dict) -> dict:
    """Run advisor.command with the context JSON on stdin; {hint} or {error}. Never raises."""
    import subprocess

    try:
        proc = subprocess.Popen(
            command,
            shell=True,
            cwd=ckrt.ROOT,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            start_new_session=os.name != "nt",
        )
    except OSError as exc:
        return {"error": f"{type(exc).__name__}: {exc}"}
    try:
        out, _ = proc.communicate(json.dumps(context).encode(), timeout=max(1, timeout))
    except subprocess.TimeoutExpired:
        _kill_group(proc)
        import contextlib

        with contextlib.suppress(subprocess.TimeoutExpired, OSError, ValueError):
            proc.communicate(timeout=5)
        return {"error": f"timed out after {timeout} s"}
    except OSError as exc:
        return {"error": f"{type(exc).__name__}: {exc}"}
    if proc.returncode != 0:
        return {"error": f"exit {proc.returncode}"}
    for line in (out or b"").decode("utf-8", "replace").splitlines():
        line = " ".join(line.split())
        if line:
            return {"hint": line if len(line) <= 300 else line[:297] + "..."}
    return {"error": "empty output"}


# == escalation ====================================================================================
def _escalate(h, cfg, decision, fb, st, loop, msg: str) -> None:
    sid = h.session_id
    out = (cfg.get("output_dir") or ".claude/.output").rstrip("/")
    stamp = time.strftime("%Y%m%d-%H%M%S", time.gmtime())
    rel = f"{out}/escalations/{ckrt.safe_name(sid)}-{stamp}.md"
    lim = _limits(cfg)
    lines = [
        f"# claude-kit escalation: {decision.hook}",
        "",
        f"- session: {sid}",
        f"- time: {time.strftime('%Y-%m-%d %H:%M:%S', time.gmtime())}Z",
        f"- gate: {decision.gate}",
        f"- why: {decision.why}",
        f"- limits: max_feedback_iterations {lim['max_feedback_iterations']}, max_consecutive_failures "
        f"{lim['max_consecutive_failures']}, max_stop_blocks {lim['max_stop_blocks']}, "
        f"loop_similarity_percent {lim['loop_similarity_percent']}",
    ]
    if fb:
        cons = ", ".join(f"{ROLE_WORD[r]} {fb['consecutive'][r]}" for r in ROLES)
        lines += [
            "",
            "## Feedback loop",
            f"- iteration: {fb['iteration']}",
            f"- consecutive failures: {cons}",
        ]
        for name, e in fb["domains"].items():
            phases = e.get("phases") or {}
            done = (
                ", ".join(f"{ROLE_WORD.get(r, r)} {p.get('verdict')}" for r, p in phases.items())
                or "nothing passed yet"
            )
            lines.append(
                f"- {name}: {e.get('changes', 0)} change(s) ({_files_text(e.get('files', []), 15)}); {done}"
            )
        if fb["failures"]:
            lines += ["", "## Recent failures"]
            for f in fb["failures"][-8:]:
                when = time.strftime("%H:%M:%S", time.gmtime(f.get("ts", 0)))
                what = " - ".join(x for x in (_issues_text(f), f.get("summary")) if x)
                what = f.get("invalid") or what or "no details"
                lines.append(
                    f"- {when}Z {f.get('domain')} {ROLE_WORD.get(f.get('role'), f.get('role'))} "
                    f"by {f.get('agent')}: {what}"
                )
    if loop:
        lines += [
            "",
            "## Completion loop",
            f"- iteration {loop.get('iteration')}/{loop.get('max_iterations')}, "
            f"promise <promise>{loop.get('completion_promise')}</promise>",
            f"- scratchpad: {scratchpad_rel(cfg, sid)}",
        ]
    if decision.reason:
        lines += ["", "## Last instruction claude-kit would have repeated", "", "```", decision.reason, "```"]
    recent = [str(x.get("msg") or "") for x in st.get("history", [])][-2:] + [msg]
    lines += ["", "## Last assistant messages"] + [
        f"- {' '.join(m.split())[:400] or '(empty)'}" for m in recent
    ]
    lines += [
        "",
        "## What you can do",
        "- Fix the cause yourself or tell Claude what to try; claude-kit gates again once code changes.",
        "- Switch a gate off in .claude/claude-kit.yaml (hooks: {<name>: {enabled: false}}), "
        "then `claude-kit sync`.",
        "- Everything off for one run: CLAUDE_KIT_DISABLE=1.",
        "",
    ]
    try:
        path = os.path.join(ckrt.ROOT, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        tmp = f"{path}.{os.getpid()}.tmp"
        with open(tmp, "w", encoding="utf-8") as f:
            f.write("\n".join(lines))
        os.replace(tmp, path)
    except OSError as exc:
        rel = f"(not written: {exc})"
    h.log(decision.hook, "escalate", decision.why, file=rel, gate=decision.gate)
    h.tell_user(
        f"claude-kit escalated to you ({decision.hook}): {decision.why}. Claude may stop now; claude-kit "
        f"does not block again until the code changes. Context: {rel}. Decide: tell Claude what to try "
        "next, fix it yourself, or switch the gate off (CLAUDE_KIT_DISABLE=1 for one run)."
    )
    seq = fb["seq"] if fb else 0

    def apply(d):
        d.update(blocks=0, streak=0, history=[], last_seq=seq)
        d["escalated"] = {
            "seq": seq,
            "gate": decision.gate,
            "hook": decision.hook,
            "why": decision.why,
            "file": rel,
            "ts": time.time(),
        }
        d["escalations"] = int(d.get("escalations", 0)) + 1

    _update(sid, "stop", apply)
    if decision.gate == "completion_loop" and loop and loop.get("active"):
        _end_loop(sid, "escalated")
        _scratch(
            cfg, sid, loop.get("iteration"), loop.get("max_iterations"), msg, f"escalated: {decision.why}"
        )


# == Stop ==========================================================================================
def _running_background(payload: dict) -> set:
    out = set()
    for task in payload.get("background_tasks") or []:
        if isinstance(task, dict) and task.get("status") in ("running", "pending") and task.get("agent_type"):
            out.add(str(task["agent_type"]))
    return out


def stop_gate(h) -> None:
    """Main-thread Stop: run the gates in order and block with the next step, or let the stop through."""
    if h.is_subagent:
        return
    sid = h.session_id
    cfg = h.config
    maybe_cleanup(sid)
    fb = _read(sid, "feedback")
    loop = _read(sid, "loop")
    st = _read(sid, "stop")
    if fb is None and not (loop and loop.get("active")) and not st:
        return  # nothing happened in this session that any gate looks at
    fb = _norm_fb(fb) if fb is not None else None
    st = st or {}
    msg = str(h.payload.get("last_assistant_message") or "")
    fresh = not h.payload.get("stop_hook_active")
    seq = fb["seq"] if fb else 0
    escalated = st.get("escalated")
    if escalated and seq != escalated.get("seq"):
        escalated = None  # code changed after the escalation: the gates engage again with fresh counters
        _reopen_after_escalation(sid)
        fb = _norm_fb(_read(sid, "feedback") or {})
    decision = _completion_gate(h, cfg, loop, msg)
    if decision is None and not escalated:
        decision = (
            _feedback_gate(h, cfg, fb, _running_background(h.payload))
            or _quality_gate(h, cfg, fb)
            or _backstop(h, cfg, fb, st)
        )
    elif decision is None and escalated:
        h.log("stop_gate", "allow", f"escalated earlier ({escalated.get('why')}); no change since")
    if decision is None or decision.kind == "wait":
        if decision is not None:
            h.log(decision.gate, "allow", decision.why)
        _settle(h, fb, st, seq)
        return
    if decision.kind == "escalate":
        _escalate(h, cfg, decision, fb, st, loop, msg)
        return
    lim = _limits(cfg)
    history = ([] if fresh else list(st.get("history", []))) + [{"key": decision.key, "msg": msg[:MSG_CAP]}]
    history = history[-3:]
    if h.enabled("loop_detection") and stuck(history, float(lim["loop_similarity_percent"])):
        decision.why = (
            f"the last 3 stop attempts answered the same {decision.gate} instruction with messages "
            f"more than {lim['loop_similarity_percent']}% alike, so the agent is stuck"
        )
        decision.hook = "loop_detection"
        _escalate(h, cfg, decision, fb, dict(st, history=history[:-1]), loop, msg)
        return
    progress = fresh or seq != st.get("last_seq")
    blocks = 1 if progress else int(st.get("blocks", 0)) + 1
    if blocks > lim["max_stop_blocks"]:
        decision.why = (
            f"{lim['max_stop_blocks']} stop blocks in a row without a recorded change or verdict "
            f"(limits.max_stop_blocks); last gate: {decision.gate}"
        )
        decision.hook = "stop_bound"
        _escalate(h, cfg, decision, fb, st, loop, msg)
        return
    streak = 1 if fresh else int(st.get("streak", 0)) + 1
    reason = decision.reason
    if streak > 3 and h.enabled("advisor"):
        reason = reason + "\n" + _advice(h, cfg, decision, fb, st, loop)
    if decision.commit:
        decision.commit()
    h.block(decision.gate, _cap(reason, REASON_CAP + 300))

    def apply(d):
        d.update(blocks=blocks, streak=streak, last_seq=seq, history=history, last_key=decision.key)
        if decision.details.get("backstop"):
            d["backstop"] = sorted(set(d.get("backstop", [])) | set(decision.details["backstop"]))

    _update(sid, "stop", apply)


def _reopen_after_escalation(sid: str) -> None:
    def fb_apply(d):
        d["iteration"] = 1
        d["consecutive"] = dict.fromkeys(ROLES, 0)

    _update_fb(sid, fb_apply)

    def st_apply(d):
        d["escalated"] = None
        d.update(blocks=0, streak=0, history=[])

    _update(sid, "stop", st_apply)


def _settle(h, fb, st, seq) -> None:
    """The stop goes through: reset the streak; a finished feedback loop restarts at iteration 1."""
    if st.get("streak") or st.get("blocks") or st.get("history"):
        h.log("stop_gate", "allow", f"all gates pass after {st.get('streak', 0)} block(s) in a row")

        def apply(d):
            d.update(blocks=0, streak=0, history=[], last_seq=seq)

        _update(h.session_id, "stop", apply)
    if fb and (fb["iteration"] != 1 or any(fb["consecutive"].values())) and not _feedback_open(h.config, fb):

        def reset(d):
            if not _feedback_open(h.config, d):
                d["iteration"] = 1
                d["consecutive"] = dict.fromkeys(ROLES, 0)

        _update_fb(h.session_id, reset)


def _feedback_open(cfg: dict, fb: dict) -> bool:
    for name, e in fb["domains"].items():
        if e.get("changes", 0) > 0 and name in (cfg.get("domains") or {}):
            req = required_phases(cfg, name)
            if req and _next_step(cfg, name, e, req):
                return True
    return False


# == housekeeping ==================================================================================
def maybe_cleanup(current_sid: str, now: float | None = None) -> list:
    """At most once a day per repo: delete session state untouched for RETENTION_DAYS (not the current)."""
    now = time.time() if now is None else now
    base = os.path.join(ckrt.LOCAL, "state")
    stamp = os.path.join(base, ".cleanup-stamp")
    try:
        if now - os.stat(stamp).st_mtime < CLEANUP_EVERY:
            return []
    except OSError:
        pass
    removed = []
    try:
        os.makedirs(base, exist_ok=True)
        with open(stamp, "w", encoding="utf-8") as f:
            f.write(str(now))
        os.utime(stamp, (now, now))
        entries = os.listdir(base)
    except OSError:
        return removed
    keep = ckrt.safe_name(current_sid)
    limit = RETENTION_DAYS * 86400
    for entry in entries:
        path = os.path.join(base, entry)
        if entry == keep or entry.startswith(".") or not os.path.isdir(path):
            continue
        if now - _newest_mtime(path) > limit:
            import shutil

            shutil.rmtree(path, ignore_errors=True)
            removed.append(entry)
    return removed


def _newest_mtime(path: str) -> float:
    newest = 0.0
    for folder, _dirs, files in os.walk(path):
        for name in [folder] + [os.path.join(folder, f) for f in files]:
            try:
                newest = max(newest, os.stat(name).st_mtime)
            except OSError:
                continue
    return newest


def active_summary(session_id: str, cfg: dict) -> str:
    """One line about the session's loops (for prompt reminders and compaction context); '' when none."""
    parts = []
    loop = _read(session_id, "loop")
    if loop and loop.get("active"):
        parts.append(
            f"completion loop iteration {loop.get('iteration')}/{loop.get('max_iterations')} "
            f"(finish with <promise>{loop.get('completion_promise')}</promise>)"
        )
    fb = _read(session_id, "feedback")
    if fb:
        fb = _norm_fb(fb)
        for name, e in fb["domains"].items():
            req = (
                required_phases(cfg, name)
                if e.get("changes", 0) > 0 and name in (cfg.get("domains") or {})
                else []
            )
            step = _next_step(cfg, name, e, req) if req else None
            if step:
                parts.append(
                    f"feedback loop iteration {fb['iteration']}: {name} needs {step['agent'] or 'a fix'}"
                )
    return "; ".join(parts)
