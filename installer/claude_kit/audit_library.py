"""Audit of the skill library's layout and generated files: orphan files, the routing index and
the gateways' routing tables.
"""

from __future__ import annotations

import json
from pathlib import Path

from claude_kit.audit_base import Audit


def check_orphans(a: Audit) -> None:
    lib = a.layout.library
    if not lib.is_dir():
        return
    skill_dirs = {doc.path.parent for doc in a.library.values()}
    for p in sorted(lib.rglob("*")):
        rel = p.relative_to(lib)
        if not p.is_file() or p.name == ".DS_Store" or rel.as_posix() == "index.json":
            continue
        if len(rel.parts) < 3 or lib / rel.parts[0] / rel.parts[1] not in skill_dirs:
            a.add(
                "LIBRARY_ORPHAN",
                p,
                None,
                f"{a.layout.rel(p)} is not inside a skill (<category>/<name>/ with a SKILL.md)",
            )


def check_index(a: Audit, managed_gateways: set[str]) -> None:
    from claude_kit import knowledge

    index = a.layout.library / "index.json"
    entries = knowledge.library_entries(a.layout.library) if a.layout.library.is_dir() else []
    if not index.is_file():
        if entries:
            a.add(
                "INDEX_MISSING",
                index,
                None,
                "the routing index is missing: `claude-kit route` and "
                "the gateways' tables cannot find the library",
            )
    else:
        a.files_checked += 1
        try:
            skills = json.loads(index.read_text(encoding="utf-8"))["skills"]
        except (ValueError, KeyError, TypeError) as exc:
            a.add("INDEX_MISSING", index, None, f"the routing index is unreadable ({exc})")
        else:
            if skills != entries:
                have = {str(s.get("path")): s for s in skills if isinstance(s, dict)}
                want = {str(e["path"]): e for e in entries}
                diff = sorted(p for p in set(have) | set(want) if have.get(p) != want.get(p))
                names = ", ".join(Path(p).parent.name for p in diff[:5]) + (" ..." if len(diff) > 5 else "")
                a.add(
                    "INDEX_STALE",
                    index,
                    None,
                    f"the routing index differs from the library frontmatter for {len(diff)} "
                    f"skill(s): {names}",
                )
    for dir_name in sorted(managed_gateways):
        doc = a.core.get(dir_name)
        block = knowledge.routing_block(doc.text) if doc is not None else None
        if doc is None or block is None:
            continue
        want_table = knowledge.routing_table(knowledge.gateway_domain(dir_name), entries)
        if block.strip() != want_table.strip():
            line = next((i for i, t in enumerate(doc.lines, 1) if knowledge.ROUTING_START in t), None)
            a.add(
                "ROUTING_TABLE_STALE",
                doc.path,
                line,
                "the generated routing table does not match the library",
            )
