"""Audit of links and paths in skills, their references/ and agents: references/ links, relative
markdown links, `.claude/...` paths and Read(...) targets must resolve; every references/ file
must be linked.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from claude_kit.audit_base import Audit, Doc
from claude_kit_hooks.contract.layout import SKILL_INDEX

GENERATED = {SKILL_INDEX}
_REF_RE = re.compile(r"(?<![\w/.-])references/[A-Za-z0-9_./-]*[A-Za-z0-9_/-]")
_KIT_RE = re.compile(r"\.claude/(?:skill-library|skills|agents)(?:/[A-Za-z0-9_./<>{}*-]*)?")
_MDLINK_RE = re.compile(r"\]\(([^)\s]+)\)")
_READ_RE = re.compile(r"\bRead\(\s*[\"'`]?([^)\"'`\s]+)")
_NEW_RE = re.compile(r"claude-kit new (skill|agent) ([a-z0-9-]+)(?: --category ([a-z0-9-]+)| ([a-z]+))?")


def check_links(a: Audit) -> None:
    docs: list[tuple[Doc, Path | None]] = [(d, d.path.parent) for d in a.core.values()]
    docs += [(d, d.path.parent) for d in a.library.values()]
    docs += [(d, None) for d in a.agent_docs]
    by_dir: dict[Path, list[Doc]] = {}
    for d, base in docs:
        if base is not None:
            by_dir.setdefault(base, []).append(d)
    for skill_dir in [d.path.parent for d in (*a.core.values(), *a.library.values())]:
        refs = skill_dir / "references"
        if not refs.is_dir():
            continue
        ref_docs = []
        for p in sorted(refs.rglob("*.md")):
            text = p.read_text(encoding="utf-8", errors="replace")
            ref_docs.append(Doc(p, text, text.splitlines()))
        a.files_checked += len(ref_docs)
        a.reference_docs[skill_dir] = ref_docs
        texts = [d.text for d in by_dir.get(skill_dir, [])] + [rd.text for rd in ref_docs]
        for p in sorted(refs.rglob("*")):
            inner = p.relative_to(skill_dir).as_posix()
            if p.is_file() and not any(
                inner in t or f"({p.relative_to(refs).as_posix()})" in t for t in texts
            ):
                a.add(
                    "REFERENCE_UNLINKED",
                    p,
                    None,
                    f"nothing in {a.layout.rel(skill_dir)}/ links to {inner}: it is never read",
                )
        docs += [(rd, skill_dir) for rd in ref_docs]
    for doc, base in docs:
        check_doc_paths(a, doc, base)


def check_doc_paths(a: Audit, doc: Doc, base: Path | None) -> None:
    created = set()  # paths the file itself tells the reader to create with `claude-kit new`
    for kind, name, category, role in _NEW_RE.findall(doc.text):
        if kind == "skill" and category:
            created.add(f".claude/skill-library/{category}/{name}")
        elif kind == "agent" and role:
            created.add(f".claude/agents/{name}-{role}.md")
    reported: set[tuple[int, str]] = set()
    fenced = False
    for lineno, line in enumerate(doc.lines, start=1):
        if line.lstrip().startswith(("```", "~~~")):
            fenced = not fenced
        if "references/" in line and base is not None:
            for m in _REF_RE.finditer(line):
                written = m.group(0).rstrip("./")
                if not (base / written).exists() and (lineno, written) not in reported:
                    reported.add((lineno, written))
                    a.add(
                        "LINK_BROKEN",
                        doc.path,
                        lineno,
                        f"`{written}` does not exist in {a.layout.rel(base)}/",
                    )
        if ".claude/" in line:
            for m in _KIT_RE.finditer(line):
                _check_kit_path(a, doc, lineno, m.group(0), created, reported)
        if "](" in line and not fenced:  # markdown links; code (fences, `spans`) is not a link
            for target in _MDLINK_RE.findall(re.sub(r"`[^`]*`", "", line)):
                _check_md_link(a, doc, lineno, target, reported)
        if "Read(" in line:
            for target in _READ_RE.findall(line):
                if target.startswith(".claude/"):
                    _check_kit_path(a, doc, lineno, target, created, reported)


def _check_kit_path(
    a: Audit, doc: Doc, lineno: int, written: str, created: set[str], reported: set[Any]
) -> None:
    written = written.rstrip(".,:;")
    if any(c in written for c in "<>{}*") or written.endswith("-"):
        return  # a placeholder such as .claude/skill-library/<category>/<name>/SKILL.md
    if written.rstrip("/") in GENERATED or any(written.startswith(c) for c in created):
        return
    if a.layout.kit_path(written.rstrip("/")).exists() or (lineno, written) in reported:
        return
    reported.add((lineno, written))
    a.add("PATH_BROKEN", doc.path, lineno, f"`{written}` does not exist")


def _check_md_link(a: Audit, doc: Doc, lineno: int, target: str, reported: set[Any]) -> None:
    if re.match(r"[a-z][a-z0-9+.-]*:", target) or target.startswith(("#", "/", ".claude/")):
        return
    path = target.split("#", 1)[0]
    if not path or any(c in path for c in "<>{}*"):
        return
    if not (doc.path.parent / path).exists() and (lineno, path) not in reported:
        reported.add((lineno, path))
        a.add(
            "LINK_BROKEN",
            doc.path,
            lineno,
            f"link target `{path}` does not exist",
            f"fix the link relative to {a.layout.rel(doc.path.parent)}/",
        )
