"""Generated knowledge files: the routing index of the skill library and the gateways' tables."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml

LIBRARY_REL = ".claude/skill-library"
INDEX_REL = f"{LIBRARY_REL}/index.json"
ROUTING_START = "<!-- claude-kit:routing:start -->"
ROUTING_END = "<!-- claude-kit:routing:end -->"


def split_frontmatter(text: str) -> tuple[dict[str, Any] | None, int]:
    """(frontmatter mapping or None, line number where the body starts)."""
    if not text.startswith("---"):
        return None, 1
    end = text.find("\n---", 3)
    if end == -1:
        return None, 1
    data = yaml.safe_load(text[3:end])
    return (data if isinstance(data, dict) else None), text[: end + 4].count("\n") + 2


def library_entries(library: Path) -> list[dict[str, Any]]:
    entries = []
    for skill in sorted(library.glob("*/*/SKILL.md")):
        meta, _ = split_frontmatter(skill.read_text(encoding="utf-8"))
        if meta is None:
            continue
        category = skill.parent.parent.name
        triggers = meta.get("triggers") or []
        gateways = [category, *[g for g in (meta.get("gateways") or []) if g != category]]
        entries.append({
            "name": str(meta.get("name", skill.parent.name)),
            "category": category,
            "gateways": gateways,
            "description": str(meta.get("description", "")),
            "triggers": [str(t) for t in triggers] if isinstance(triggers, list) else [],
            "path": f"{LIBRARY_REL}/{skill.parent.relative_to(library).as_posix()}/SKILL.md",
        })  # fmt: skip
    return entries


def index_bytes(entries: list[dict[str, Any]]) -> bytes:
    return (json.dumps({"format": 1, "skills": entries}, indent=1) + "\n").encode()


def routing_table(gateway: str, entries: list[dict[str, Any]]) -> str:
    rows = ["| When the task involves | Read |", "|---|---|"]
    for e in sorted((e for e in entries if gateway in e["gateways"]), key=lambda e: e["name"]):
        intents = ", ".join(e["triggers"][:4]) or e["name"]
        rows.append(f"| {intents} | `{e['path']}` |")
    if len(rows) == 2:
        rows.append("| (no library skills for this gateway yet) | run `claude-kit route \"<intent>\"` |")
    return "\n".join(rows)


def fill_gateway(text: str, gateway: str, entries: list[dict[str, Any]]) -> str:
    start, end = text.find(ROUTING_START), text.find(ROUTING_END)
    if start == -1 or end == -1 or end < start:
        return text
    return text[: start + len(ROUTING_START)] + "\n" + routing_table(gateway, entries) + "\n" + text[end:]


def generated(payload: Path) -> dict[str, bytes]:
    """Installed rel path -> bytes for every file the kit generates from the payload."""
    entries = library_entries(payload / "skill-library")
    out = {INDEX_REL: index_bytes(entries)}
    for gw in sorted((payload / "skills").glob("gateway-*/SKILL.md")):
        domain = gw.parent.name.removeprefix("gateway-")
        text = gw.read_text(encoding="utf-8")
        out[f".claude/skills/{gw.parent.name}/SKILL.md"] = fill_gateway(text, domain, entries).encode("utf-8")
    return out
