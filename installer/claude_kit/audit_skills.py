"""Audit of the skills: frontmatter, names, descriptions, length, duplicates, the core skills'
Tier-1 listing budget and which gateway routes to each library skill.
"""

from __future__ import annotations

from claude_kit.audit_base import NAME_RE, Audit, Doc, check_scaffold
from claude_kit.audit_codes import TIER1_BUDGET

CORE_DESCRIPTION_MAX = 170
DESCRIPTION_MAX = 1024
SKILL_MAX_LINES = 500


def load_skills(a: Audit) -> None:
    lay = a.layout
    if lay.skills.is_dir():
        for d in sorted(p for p in lay.skills.iterdir() if p.is_dir()):
            if (d / "SKILL.md").is_file():
                a.core[d.name] = Doc.read(d / "SKILL.md")
            else:
                a.add("SKILL_MISSING_FILE", d, None, f"{lay.rel(d)}/ has no SKILL.md")
    if lay.library.is_dir():
        for cat in sorted(p for p in lay.library.iterdir() if p.is_dir()):
            for d in sorted(p for p in cat.iterdir() if p.is_dir()):
                if (d / "SKILL.md").is_file():
                    a.library[f"{cat.name}/{d.name}"] = Doc.read(d / "SKILL.md")
    a.files_checked += len(a.core) + len(a.library)


def check_skill(a: Audit, doc: Doc, dir_name: str, *, core: bool) -> None:
    if doc.meta is None:
        a.add("SKILL_FRONTMATTER", doc.path, doc.error_line, doc.error or "no frontmatter")
        return
    meta = doc.meta
    name = meta.get("name")
    if not isinstance(name, str) or not NAME_RE.match(name) or len(name) > 64:
        a.add(
            "SKILL_NAME_FORMAT",
            doc.path,
            doc.line_of("name") or 2,
            f"name {name!r} must be 1-64 characters of [a-z0-9-] (no leading, trailing or double hyphen)",
            f"set `name: {dir_name}`",
        )
    elif name != dir_name:
        a.add(
            "SKILL_NAME_MISMATCH",
            doc.path,
            doc.line_of("name"),
            f"name {name!r} differs from its directory {dir_name!r} (the runtime lists it by directory)",
            f"rename the directory to {name!r} or set `name: {dir_name}`",
        )
    check_description(a, doc, core=core)
    if not core:
        triggers = meta.get("triggers")
        if not isinstance(triggers, list) or not triggers or not all(isinstance(t, str) for t in triggers):
            a.add(
                "SKILL_TRIGGERS",
                doc.path,
                doc.line_of("triggers") or 2,
                "no `triggers` list: routing falls back to the name and description only",
            )
    if len(doc.lines) >= SKILL_MAX_LINES:
        a.add(
            "SKILL_TOO_LONG",
            doc.path,
            SKILL_MAX_LINES,
            f"SKILL.md has {len(doc.lines)} lines (must stay under {SKILL_MAX_LINES})",
        )
    check_scaffold(a, doc)


def check_description(a: Audit, doc: Doc, *, core: bool) -> None:
    desc = (doc.meta or {}).get("description")
    line = doc.line_of("description") or 2
    if doc.block_scalar("description"):
        a.add(
            "SKILL_BLOCK_SCALAR",
            doc.path,
            line,
            "description is a YAML block scalar (`>` or `|`): some tools read it as the literal `>`",
        )
        return
    if not isinstance(desc, str) or not desc.strip():
        a.add("SKILL_DESCRIPTION_MISSING", doc.path, line, "description is missing or empty")
        return
    if "\n" in desc.strip() or doc.spans_lines("description"):
        a.add("SKILL_DESCRIPTION_MULTILINE", doc.path, line, "description spans several lines")
    if len(desc) > DESCRIPTION_MAX:
        a.add(
            "SKILL_DESCRIPTION_TOO_LONG",
            doc.path,
            line,
            f"description has {len(desc)} characters (max {DESCRIPTION_MAX})",
        )
    elif core and len(desc) > CORE_DESCRIPTION_MAX:
        a.add(
            "SKILL_DESCRIPTION_CORE_LONG",
            doc.path,
            line,
            f"core skill description has {len(desc)} characters (max {CORE_DESCRIPTION_MAX}): "
            "every core description is in every session's system prompt",
        )
    if not desc.lstrip().startswith("Use when"):
        a.add(
            "SKILL_DESCRIPTION_USE_WHEN",
            doc.path,
            line,
            "description does not start with 'Use when': the model picks skills by situation",
        )


def check_skills(a: Audit) -> None:
    seen: dict[str, str] = {}
    gateways = {gw.removeprefix("gateway-") for gw in a.core if gw.startswith("gateway-")}
    listing = 0
    for dir_name, doc in a.core.items():
        check_skill(a, doc, dir_name, core=True)
        meta = doc.meta or {}
        name = str(meta.get("name") or dir_name)
        listing += len(name) + len(str(meta.get("description") or "")) + 4
        _dup(a, seen, name, doc)
        if dir_name.startswith("gateway-") and routing_markers_missing(doc.text):
            a.add(
                "GATEWAY_NO_ROUTING",
                doc.path,
                None,
                "gateway has no routing-table markers, so `claude-kit sync` cannot write its table",
            )
    a.tier1_chars = listing
    if listing > TIER1_BUDGET:
        a.add(
            "TIER1_BUDGET",
            a.layout.rel(a.layout.skills),
            None,
            f"the core skills' listing takes {listing} characters (budget {TIER1_BUDGET}: half of "
            "the runtime's 8,000 at 200K context; the rest is the team's)",
        )
    for key, doc in a.library.items():
        category, dir_name = key.split("/", 1)
        check_skill(a, doc, dir_name, core=False)
        meta = doc.meta or {}
        _dup(a, seen, str(meta.get("name") or dir_name), doc)
        extra = meta.get("gateways") or []
        routed = {category, *(str(g) for g in (extra if isinstance(extra, list) else [extra]))}
        if doc.meta is not None and not routed & gateways:
            a.add(
                "SKILL_UNREACHABLE",
                doc.path,
                doc.line_of("gateways") or doc.line_of("name"),
                f"no gateway routes to it: none of {sorted(routed)} has a gateway-<name> core skill "
                f"(gateways: {', '.join(sorted(gateways)) or 'none'})",
            )


def _dup(a: Audit, seen: dict[str, str], name: str, doc: Doc) -> None:
    if name in seen:
        a.add(
            "SKILL_DUPLICATE_NAME",
            doc.path,
            doc.line_of("name"),
            f"skill name {name!r} is also used by {seen[name]}",
        )
    else:
        seen[name] = a.layout.rel(doc.path)


def routing_markers_missing(text: str) -> bool:
    return "<!-- claude-kit:routing:start -->" not in text or "<!-- claude-kit:routing:end -->" not in text
