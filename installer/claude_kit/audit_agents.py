"""Audit of the agents: frontmatter, name, description, length, model, colour, the tools a
coordinator or a worker may hold, and the core skills they preload.
"""

from __future__ import annotations

import re
from typing import Any

from claude_kit.audit_base import NAME_RE, Audit, Doc, check_scaffold
from claude_kit_hooks.contract.defaults import SPAWN_TOOLS
from claude_kit_hooks.contract.layout import AGENTS_DIR

AGENT_MAX_LINES, LEAD_MAX_LINES = 150, 250
COORDINATOR_FORBIDDEN = ("Edit", "Write", "NotebookEdit", "MultiEdit")
WORKER_FORBIDDEN = SPAWN_TOOLS  # every tool that starts agents, Workflow included
AGENT_KEYS = frozenset(
    (
        "name",
        "description",
        "tools",
        "disallowedTools",
        "model",
        "permissionMode",
        "maxTurns",
        "skills",
        "mcpServers",
        "hooks",
        "memory",
        "background",
        "effort",
        "isolation",
        "color",
        "initialPrompt",
    )
)
MODELS = ("sonnet", "opus", "haiku", "fable", "inherit")
COLORS = ("red", "blue", "green", "yellow", "purple", "orange", "pink", "cyan")


def check_agents(a: Audit) -> None:
    if not a.layout.agents.is_dir():
        return
    core_names = {str((d.meta or {}).get("name") or n) for n, d in a.core.items()} | set(a.core)
    for path in sorted(a.layout.agents.glob("*.md")):
        doc = Doc.read(path)
        a.agent_docs.append(doc)
        a.files_checked += 1
        check_agent(a, doc, core_names)
    if not a.layout.source:
        check_agents_as_installed(a)


def check_agents_as_installed(a: Audit) -> None:
    """A kit agent whose file differs from what the kit installed (the manifest's hash): a reviewer
    told to "answer PASS" reaches every later session, so the change is the user's to accept."""
    from claude_kit import manifest

    rec = manifest.load(a.layout.root)
    if rec is None:
        return
    for rel, info in sorted(rec["files"].items()):
        if not rel.startswith(f"{AGENTS_DIR}/"):
            continue
        path = a.layout.root / rel
        if not path.is_file():
            continue
        if manifest.sha256(path.read_bytes()) not in (info.get("sha256"), info.get("base_sha256")):
            a.add("AGENT_EDITED", path, None, f"{rel} differs from the version the kit installed")


def check_agent(a: Audit, doc: Doc, core_names: set[str]) -> None:
    stem = doc.path.stem
    coordinator = stem.endswith(("-lead", "-architect"))
    worker = stem.endswith(("-developer", "-reviewer", "-tester"))
    limit = LEAD_MAX_LINES if coordinator else AGENT_MAX_LINES
    if len(doc.lines) > limit:
        a.add(
            "AGENT_TOO_LONG",
            doc.path,
            limit + 1,
            f"{len(doc.lines)} lines (limit {limit}): an agent loads all of it on every spawn",
        )
    check_scaffold(a, doc)
    if doc.meta is None:
        a.add("AGENT_FRONTMATTER", doc.path, doc.error_line, doc.error or "no frontmatter")
        return
    meta = doc.meta
    name = meta.get("name")
    if not isinstance(name, str) or not NAME_RE.match(name) or name != stem:
        a.add(
            "AGENT_NAME",
            doc.path,
            doc.line_of("name") or 2,
            f"name {name!r} must be kebab-case and equal the file name {stem!r}",
            f"set `name: {stem}` (or rename the file)",
        )
    desc = meta.get("description")
    dline = doc.line_of("description") or 2
    if doc.block_scalar("description"):
        a.add("AGENT_BLOCK_SCALAR", doc.path, dline, "description is a YAML block scalar (`>` or `|`)")
    elif (
        not isinstance(desc, str)
        or not desc.strip().startswith("Use when")
        or "\n" in desc.strip()
        or doc.spans_lines("description")
    ):
        a.add(
            "AGENT_DESCRIPTION",
            doc.path,
            dline,
            "description must be one line starting with 'Use when': the main thread picks agents by it",
        )
    for key in sorted(k for k in meta if k not in AGENT_KEYS):
        a.add("AGENT_UNKNOWN_KEY", doc.path, doc.line_of(key), f"key {key!r} is not one Claude Code reads")
    model = meta.get("model")
    if model is not None and not (
        isinstance(model, str) and (model in MODELS or model.startswith("claude-"))
    ):
        a.add(
            "AGENT_MODEL",
            doc.path,
            doc.line_of("model"),
            f"model {model!r} is not one of {', '.join(MODELS)} or a claude-* model id",
        )
    color = meta.get("color")
    if color is not None and color not in COLORS:
        a.add(
            "AGENT_COLOR",
            doc.path,
            doc.line_of("color"),
            f"color {color!r} is not one of {', '.join(COLORS)}",
        )
    check_agent_tools(a, doc, stem, coordinator=coordinator, worker=worker)
    for skill in _tool_list(meta.get("skills")) or []:
        if skill not in core_names:
            a.add(
                "AGENT_SKILL_MISSING",
                doc.path,
                doc.line_of("skills"),
                f"preloads skill {skill!r}, not a core skill in {a.layout.rel(a.layout.skills)}/",
            )


def check_agent_tools(a: Audit, doc: Doc, stem: str, *, coordinator: bool, worker: bool) -> None:
    meta = doc.meta or {}
    tools = _tool_list(meta.get("tools"))
    line = doc.line_of("tools") or 2
    if tools is None:
        a.add("AGENT_TOOLS", doc.path, line, "tools must be a comma-separated string or a list")
        return
    disallowed = set(_tool_list(meta.get("disallowedTools")) or [])
    effective = {t.split("(", 1)[0] for t in tools} - disallowed if tools else None
    for applies, forbidden, code, role in (
        (
            coordinator,
            COORDINATOR_FORBIDDEN,
            "AGENT_COORDINATOR_EDITS",
            "a coordinator but can edit files",
        ),
        (worker, WORKER_FORBIDDEN, "AGENT_WORKER_SPAWNS", "a worker but can spawn agents"),
    ):
        bad = sorted(set(forbidden) - disallowed) if effective is None else sorted(set(forbidden) & effective)
        if applies and bad:
            why = (
                "no `tools:` line, so it inherits every tool"
                if effective is None
                else "tools: " + ", ".join(bad)
            )
            a.add(code, doc.path, line, f"{stem} is {role} ({why})")


def _tool_list(value: Any) -> list[str] | None:
    """Comma/space list or YAML list of names; [] when absent; None when malformed."""
    if value is None:
        return []
    if isinstance(value, str):
        return [t.strip() for t in re.split(r",(?![^(]*\))", value) if t.strip()]
    if isinstance(value, list) and all(isinstance(t, str) for t in value):
        return [t.strip() for t in value]
    return None
