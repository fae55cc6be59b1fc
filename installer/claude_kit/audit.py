"""`claude-kit audit`: find the defects that break the knowledge layer or the hook wiring silently.

Deterministic (sorted findings, no timings) and fast (one read per file, frontmatter parsed with
the C YAML loader). Two layouts:

- installed: `<repo>/.claude/{skills,skill-library,agents}` plus settings.json, the team config and
  the routing index;
- source (`--source`): the kit's own tree `<root>/{skills,skill-library,agents}`; paths written as
  `.claude/...` in the content resolve into it.

Every finding has a severity, a code (see CODES and docs/knowledge.md), the file, the line where it
is known, what is wrong and how to fix it.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

import click

from claude_kit.errors import KitError

ERROR, WARNING = "error", "warning"
TIER1_BUDGET = 4000  # half of the runtime's 8,000-character listing budget at 200K context
CORE_DESCRIPTION_MAX = 170
DESCRIPTION_MAX = 1024
SKILL_MAX_LINES = 500
AGENT_MAX_LINES, LEAD_MAX_LINES = 150, 250
NAME_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
SCAFFOLD_MARK = "claude-kit:scaffold"
COORDINATOR_FORBIDDEN = ("Edit", "Write", "NotebookEdit", "MultiEdit")
WORKER_FORBIDDEN = ("Agent", "Task")
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
GENERATED = {".claude/skill-library/index.json"}

# code -> (severity, what it means, how to fix it). docs/knowledge.md lists the same table.
CODES: dict[str, tuple[str, str, str]] = {
    "AGENT_FRONTMATTER": (
        ERROR,
        "agent file has no parseable YAML frontmatter",
        "start with `---`, name, description, tools, model, skills, `---`",
    ),
    "AGENT_NAME": (
        ERROR,
        "agent name missing, malformed, or not equal to the file name",
        "set `name:` to the file name without .md (kebab-case)",
    ),
    "AGENT_DESCRIPTION": (
        ERROR,
        "agent description missing or not a one-line 'Use when ...'",
        "write `description: Use when <situation> - <what the agent returns>` on one line",
    ),
    "AGENT_BLOCK_SCALAR": (
        ERROR,
        "agent description written as a YAML block scalar (> or |)",
        "write the description on the same line as `description:`",
    ),
    "AGENT_TOO_LONG": (
        ERROR,
        "agent file over 150 lines (leads 250)",
        "move knowledge into library skills and name them; keep method and output contract",
    ),
    "AGENT_TOOLS": (ERROR, "agent `tools` is not a comma list", "write `tools: Read, Grep, Glob, Bash`"),
    "AGENT_COORDINATOR_EDITS": (
        ERROR,
        "a lead/test-lead can edit files (Edit/Write/NotebookEdit)",
        "list its tools without Edit/Write/NotebookEdit: `tools: Read, Grep, Glob, Bash, Skill`",
    ),
    "AGENT_WORKER_SPAWNS": (
        ERROR,
        "a developer/reviewer/tester can spawn agents (Agent/Task)",
        "list its tools without Agent/Task; only the main thread spawns agents",
    ),
    "AGENT_SKILL_MISSING": (
        ERROR,
        "agent preloads a skill that does not exist",
        "use a core skill name (e.g. gateway-backend) or create that core skill",
    ),
    "AGENT_MODEL": (
        ERROR,
        "agent model is not sonnet/opus/haiku/fable/inherit or a claude-* id",
        "use sonnet for workers, opus for leads, or inherit",
    ),
    "AGENT_COLOR": (
        WARNING,
        "agent color is not one the runtime knows",
        "use red, blue, green, yellow, purple, orange, pink or cyan",
    ),
    "AGENT_UNKNOWN_KEY": (
        WARNING,
        "agent frontmatter key the runtime ignores",
        "remove it or fix its spelling",
    ),
    "SKILL_MISSING_FILE": (
        ERROR,
        "skill directory without SKILL.md",
        "add SKILL.md with name/description frontmatter, or delete the directory",
    ),
    "SKILL_FRONTMATTER": (
        ERROR,
        "SKILL.md has no parseable YAML frontmatter",
        "start the file with `---`, `name: ...`, `description: Use when ...`, `---`",
    ),
    "SKILL_BLOCK_SCALAR": (
        ERROR,
        "description written as a YAML block scalar (> or |)",
        "write the description on the same line as `description:` (quote it if it has `: `)",
    ),
    "SKILL_NAME_FORMAT": (
        ERROR,
        "name missing, not [a-z0-9-], or longer than 64",
        "use 1-64 lowercase letters, digits and single hyphens, equal to the directory",
    ),
    "SKILL_NAME_MISMATCH": (
        ERROR,
        "name differs from the directory name",
        "rename the directory or the `name:` so they are equal",
    ),
    "SKILL_DESCRIPTION_MISSING": (
        ERROR,
        "description missing or empty",
        "add `description: Use when <situation> - <what it covers>` on one line",
    ),
    "SKILL_DESCRIPTION_MULTILINE": (
        ERROR,
        "description spans several lines",
        "put the whole description on one line",
    ),
    "SKILL_DESCRIPTION_TOO_LONG": (
        ERROR,
        "description longer than 1024 characters",
        "keep the situation and the key nouns; move detail into the body",
    ),
    "SKILL_DESCRIPTION_CORE_LONG": (
        WARNING,
        "core skill description longer than 170 characters",
        "shorten it; move detail into the body or a library skill",
    ),
    "SKILL_DESCRIPTION_USE_WHEN": (
        WARNING,
        "description does not start with 'Use when'",
        "rewrite as `Use when <situation> - <what it covers>`",
    ),
    "SKILL_TRIGGERS": (
        WARNING,
        "library skill without a list of triggers",
        "add `triggers: [4-10 short phrases a developer would type]`",
    ),
    "SKILL_TOO_LONG": (
        ERROR,
        "SKILL.md has 500 lines or more",
        "move depth into references/<topic>.md and link it",
    ),
    "SKILL_DUPLICATE_NAME": (ERROR, "two skills share a name", "rename one of them (name and directory)"),
    "SKILL_UNREACHABLE": (
        ERROR,
        "library skill not routed from any gateway",
        "move it under a category that has a gateway-<category> core skill, or add `gateways: [<domain>]`",
    ),
    "LINK_BROKEN": (
        ERROR,
        "a references/ link or relative link does not resolve",
        "create the file or fix the link (relative to the skill's directory)",
    ),
    "PATH_BROKEN": (
        ERROR,
        "a .claude/... path (or Read(...)) does not resolve",
        "fix the path (library skills: .claude/skill-library/<category>/<name>/SKILL.md) or create the file",
    ),
    "LIBRARY_ORPHAN": (
        WARNING,
        "file under skill-library that belongs to no skill",
        "move it into a skill's references/ folder and link it, or delete it",
    ),
    "REFERENCE_UNLINKED": (
        WARNING,
        "references/ file that nothing links to",
        "link it from SKILL.md as `references/<file>` (say when to read it), or delete it",
    ),
    "GATEWAY_NO_ROUTING": (
        ERROR,
        "gateway without the generated routing-table markers",
        "add `<!-- claude-kit:routing:start -->` and `<!-- claude-kit:routing:end -->` on their own lines",
    ),
    "INDEX_MISSING": (ERROR, "routing index missing or unreadable", "run `claude-kit sync`"),
    "INDEX_STALE": (
        ERROR,
        "routing index differs from the library frontmatter",
        "run `claude-kit sync` (it regenerates index.json and the gateways' tables)",
    ),
    "ROUTING_TABLE_STALE": (
        ERROR,
        "a gateway's routing table differs from the library",
        "run `claude-kit sync`; never edit between the routing markers by hand",
    ),
    "TIER1_BUDGET": (
        ERROR,
        "core skill listing over 4,000 characters",
        "shorten core descriptions, or move core skills into the library behind a gateway",
    ),
    "SCAFFOLD_UNEDITED": (
        WARNING,
        "a scaffold's author instructions are still in the file",
        "write the real content, then delete every `claude-kit:scaffold` comment",
    ),
    "SETTINGS_INVALID": (
        ERROR,
        ".claude/settings.json is not valid JSON",
        "fix the syntax: the runtime ignores every hook of an unparseable settings file",
    ),
    "HOOK_FILE_MISSING": (
        ERROR,
        "a kit hook entry points at a missing file",
        "run `claude-kit update` to restore it (or `claude-kit uninstall`)",
    ),
    "HOOK_MATCHER_TASK": (
        ERROR,
        "a tool matcher names Task but not Agent",
        "write `Agent|Task`: the spawn tool is `Agent` since Claude Code 2.1.63",
    ),
    "HOOK_TIMEOUT": (
        ERROR,
        "a hook timeout is not whole seconds in 1..600",
        "use seconds, e.g. 10 for a tool gate, 600 at most",
    ),
    "CONFIG_INVALID": (
        ERROR,
        ".claude/claude-kit.yaml is missing or fails its schema",
        "fix the config (docs/configuration.md), then run `claude-kit sync`",
    ),
}


class Finding(NamedTuple):
    severity: str
    code: str
    file: str
    line: int | None
    message: str
    fix: str


@dataclass
class Layout:
    root: Path
    source: bool

    @property
    def base(self) -> Path:
        return self.root if self.source else self.root / ".claude"

    @property
    def skills(self) -> Path:
        return self.base / "skills"

    @property
    def library(self) -> Path:
        return self.base / "skill-library"

    @property
    def agents(self) -> Path:
        return self.base / "agents"

    def rel(self, path: Path) -> str:
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            return str(path)

    def kit_path(self, written: str) -> Path:
        """Where a path written as `.claude/...` in the content lives in this layout."""
        inner = written[len(".claude/") :]
        return self.base / inner


@dataclass
class Doc:
    """One markdown file with YAML frontmatter, read once."""

    path: Path
    text: str
    lines: list[str]
    meta: dict[str, Any] | None = None
    error: str | None = None
    error_line: int | None = None
    key_lines: dict[str, int] = field(default_factory=dict)
    fm_lines: list[str] = field(default_factory=list)  # frontmatter lines (1-based line = index + 2)

    @classmethod
    def read(cls, path: Path) -> Doc:
        text = path.read_text(encoding="utf-8", errors="replace")
        doc = cls(path, text, text.splitlines())
        if not doc.lines or doc.lines[0].strip() != "---":
            doc.error, doc.error_line = "no frontmatter: the file must start with a `---` line", 1
            return doc
        try:
            end = next(i for i in range(1, len(doc.lines)) if doc.lines[i].strip() == "---")
        except StopIteration:
            doc.error, doc.error_line = "frontmatter is not closed by a `---` line", 1
            return doc
        doc.fm_lines = doc.lines[1:end]
        for i, line in enumerate(doc.fm_lines):
            m = re.match(r"([A-Za-z_][\w-]*)\s*:", line)
            if m and m.group(1) not in doc.key_lines:
                doc.key_lines[m.group(1)] = i + 2
        import yaml

        from claude_kit.knowledge import yaml_load

        try:
            data = yaml_load("\n".join(doc.fm_lines))
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
            doc.error, doc.error_line = f"invalid YAML: {problem}", (mark.line + 2 if mark else 1)
            return doc
        if not isinstance(data, dict):
            doc.error, doc.error_line = "frontmatter is not a mapping of keys", 2
            return doc
        doc.meta = data
        return doc

    def line_of(self, key: str) -> int | None:
        return self.key_lines.get(key)

    def block_scalar(self, key: str) -> bool:
        line = self.key_lines.get(key)
        if line is None:
            return False
        value = self.lines[line - 1].split(":", 1)[1]
        return bool(re.match(r"\s*[>|][-+0-9]*\s*(#.*)?$", value))

    def spans_lines(self, key: str) -> bool:
        """The key's value continues on the next frontmatter line (a wrapped plain or quoted scalar)."""
        line = self.key_lines.get(key)
        if line is None or line - 1 >= len(self.fm_lines):
            return False
        nxt = self.fm_lines[line - 1]  # the frontmatter line after `line`
        return bool(nxt.strip()) and nxt[:1] in (" ", "\t")


class Audit:
    def __init__(self, layout: Layout) -> None:
        self.layout = layout
        self.findings: list[Finding] = []
        self.files_checked = 0
        self.tier1_chars = 0
        self.core: dict[str, Doc] = {}  # dir name -> doc
        self.library: dict[str, Doc] = {}  # "<category>/<name>" -> doc
        self.agent_docs: list[Doc] = []

    def add(
        self, code: str, path: Path | str, line: int | None, message: str, fix: str | None = None
    ) -> None:
        where = path if isinstance(path, str) else self.layout.rel(path)
        self.findings.append(Finding(CODES[code][0], code, where, line, message, fix or CODES[code][2]))

    # -- skills ---------------------------------------------------------------------------------------
    def load_skills(self) -> None:
        lay = self.layout
        if lay.skills.is_dir():
            for d in sorted(p for p in lay.skills.iterdir() if p.is_dir()):
                if (d / "SKILL.md").is_file():
                    self.core[d.name] = Doc.read(d / "SKILL.md")
                else:
                    self.add("SKILL_MISSING_FILE", d, None, f"{lay.rel(d)}/ has no SKILL.md")
        if lay.library.is_dir():
            for cat in sorted(p for p in lay.library.iterdir() if p.is_dir()):
                for d in sorted(p for p in cat.iterdir() if p.is_dir()):
                    if (d / "SKILL.md").is_file():
                        self.library[f"{cat.name}/{d.name}"] = Doc.read(d / "SKILL.md")
        self.files_checked += len(self.core) + len(self.library)

    def check_skill(self, doc: Doc, dir_name: str, *, core: bool) -> None:
        if doc.meta is None:
            self.add("SKILL_FRONTMATTER", doc.path, doc.error_line, doc.error or "no frontmatter")
            return
        meta = doc.meta
        name = meta.get("name")
        if not isinstance(name, str) or not NAME_RE.match(name) or len(name) > 64:
            self.add(
                "SKILL_NAME_FORMAT",
                doc.path,
                doc.line_of("name") or 2,
                f"name {name!r} must be 1-64 characters of [a-z0-9-] (no leading, trailing or double hyphen)",
                f"set `name: {dir_name}`",
            )
        elif name != dir_name:
            self.add(
                "SKILL_NAME_MISMATCH",
                doc.path,
                doc.line_of("name"),
                f"name {name!r} differs from its directory {dir_name!r} (the runtime lists it by directory)",
                f"rename the directory to {name!r} or set `name: {dir_name}`",
            )
        self.check_description(doc, core=core)
        if not core:
            triggers = meta.get("triggers")
            if (
                not isinstance(triggers, list)
                or not triggers
                or not all(isinstance(t, str) for t in triggers)
            ):
                self.add(
                    "SKILL_TRIGGERS",
                    doc.path,
                    doc.line_of("triggers") or 2,
                    "no `triggers` list: routing falls back to the name and description only",
                )
        if len(doc.lines) >= SKILL_MAX_LINES:
            self.add(
                "SKILL_TOO_LONG",
                doc.path,
                SKILL_MAX_LINES,
                f"SKILL.md has {len(doc.lines)} lines (must stay under {SKILL_MAX_LINES})",
            )
        self.check_scaffold(doc)

    def check_description(self, doc: Doc, *, core: bool) -> None:
        desc = (doc.meta or {}).get("description")
        line = doc.line_of("description") or 2
        if doc.block_scalar("description"):
            self.add(
                "SKILL_BLOCK_SCALAR",
                doc.path,
                line,
                "description is a YAML block scalar (`>` or `|`): some tools read it as the literal `>`",
            )
            return
        if not isinstance(desc, str) or not desc.strip():
            self.add("SKILL_DESCRIPTION_MISSING", doc.path, line, "description is missing or empty")
            return
        if "\n" in desc.strip() or doc.spans_lines("description"):
            self.add("SKILL_DESCRIPTION_MULTILINE", doc.path, line, "description spans several lines")
        if len(desc) > DESCRIPTION_MAX:
            self.add(
                "SKILL_DESCRIPTION_TOO_LONG",
                doc.path,
                line,
                f"description has {len(desc)} characters (max {DESCRIPTION_MAX})",
            )
        elif core and len(desc) > CORE_DESCRIPTION_MAX:
            self.add(
                "SKILL_DESCRIPTION_CORE_LONG",
                doc.path,
                line,
                f"core skill description has {len(desc)} characters (max {CORE_DESCRIPTION_MAX}): "
                "every core description is in every session's system prompt",
            )
        if not desc.lstrip().startswith("Use when"):
            self.add(
                "SKILL_DESCRIPTION_USE_WHEN",
                doc.path,
                line,
                "description does not start with 'Use when': the model picks skills by situation",
            )

    def check_scaffold(self, doc: Doc) -> None:
        for i, line in enumerate(doc.lines, start=1):
            if SCAFFOLD_MARK in line:
                self.add(
                    "SCAFFOLD_UNEDITED",
                    doc.path,
                    i,
                    "scaffold instructions are still in the file: it was generated and not finished",
                )
                return

    def check_skills(self) -> None:
        seen: dict[str, str] = {}
        gateways = {gw.removeprefix("gateway-") for gw in self.core if gw.startswith("gateway-")}
        listing = 0
        for dir_name, doc in self.core.items():
            self.check_skill(doc, dir_name, core=True)
            meta = doc.meta or {}
            name = str(meta.get("name") or dir_name)
            listing += len(name) + len(str(meta.get("description") or "")) + 4
            self._dup(seen, name, doc)
            if dir_name.startswith("gateway-") and routing_markers_missing(doc.text):
                self.add(
                    "GATEWAY_NO_ROUTING",
                    doc.path,
                    None,
                    "gateway has no routing-table markers, so `claude-kit sync` cannot write its table",
                )
        self.tier1_chars = listing
        if listing > TIER1_BUDGET:
            self.add(
                "TIER1_BUDGET",
                self.layout.rel(self.layout.skills),
                None,
                f"the core skills' listing takes {listing} characters (budget {TIER1_BUDGET}: half of "
                "the runtime's 8,000 at 200K context; the rest is the team's)",
            )
        for key, doc in self.library.items():
            category, dir_name = key.split("/", 1)
            self.check_skill(doc, dir_name, core=False)
            meta = doc.meta or {}
            self._dup(seen, str(meta.get("name") or dir_name), doc)
            extra = meta.get("gateways") or []
            routed = {category, *(str(g) for g in (extra if isinstance(extra, list) else [extra]))}
            if doc.meta is not None and not routed & gateways:
                self.add(
                    "SKILL_UNREACHABLE",
                    doc.path,
                    doc.line_of("gateways") or doc.line_of("name"),
                    f"no gateway routes to it: none of {sorted(routed)} has a gateway-<name> core skill "
                    f"(gateways: {', '.join(sorted(gateways)) or 'none'})",
                )

    def _dup(self, seen: dict[str, str], name: str, doc: Doc) -> None:
        if name in seen:
            self.add(
                "SKILL_DUPLICATE_NAME",
                doc.path,
                doc.line_of("name"),
                f"skill name {name!r} is also used by {seen[name]}",
            )
        else:
            seen[name] = self.layout.rel(doc.path)

    # -- links and paths ---------------------------------------------------------------------------
    def check_links(self) -> None:
        docs: list[tuple[Doc, Path | None]] = [(d, d.path.parent) for d in self.core.values()]
        docs += [(d, d.path.parent) for d in self.library.values()]
        docs += [(d, None) for d in self.agent_docs]
        by_dir: dict[Path, list[Doc]] = {}
        for d, base in docs:
            if base is not None:
                by_dir.setdefault(base, []).append(d)
        for skill_dir in [d.path.parent for d in (*self.core.values(), *self.library.values())]:
            refs = skill_dir / "references"
            if not refs.is_dir():
                continue
            ref_docs = []
            for p in sorted(refs.rglob("*.md")):
                text = p.read_text(encoding="utf-8", errors="replace")
                ref_docs.append(Doc(p, text, text.splitlines()))
            self.files_checked += len(ref_docs)
            texts = [d.text for d in by_dir.get(skill_dir, [])] + [rd.text for rd in ref_docs]
            for p in sorted(refs.rglob("*")):
                inner = p.relative_to(skill_dir).as_posix()
                if p.is_file() and not any(
                    inner in t or f"({p.relative_to(refs).as_posix()})" in t for t in texts
                ):
                    self.add(
                        "REFERENCE_UNLINKED",
                        p,
                        None,
                        f"nothing in {self.layout.rel(skill_dir)}/ links to {inner}: it is never read",
                    )
            docs += [(rd, skill_dir) for rd in ref_docs]
        for doc, base in docs:
            self.check_doc_paths(doc, base)

    _REF_RE = re.compile(r"(?<![\w/.-])references/[A-Za-z0-9_./-]*[A-Za-z0-9_/-]")
    _KIT_RE = re.compile(r"\.claude/(?:skill-library|skills|agents)(?:/[A-Za-z0-9_./<>{}*-]*)?")
    _MDLINK_RE = re.compile(r"\]\(([^)\s]+)\)")
    _READ_RE = re.compile(r"\bRead\(\s*[\"'`]?([^)\"'`\s]+)")
    _NEW_RE = re.compile(r"claude-kit new (skill|agent) ([a-z0-9-]+)(?: --category ([a-z0-9-]+)| ([a-z]+))?")

    def check_doc_paths(self, doc: Doc, base: Path | None) -> None:
        created = set()  # paths the file itself tells the reader to create with `claude-kit new`
        for kind, name, category, role in self._NEW_RE.findall(doc.text):
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
                for m in self._REF_RE.finditer(line):
                    written = m.group(0).rstrip("./")
                    if not (base / written).exists() and (lineno, written) not in reported:
                        reported.add((lineno, written))
                        self.add(
                            "LINK_BROKEN",
                            doc.path,
                            lineno,
                            f"`{written}` does not exist in {self.layout.rel(base)}/",
                        )
            if ".claude/" in line:
                for m in self._KIT_RE.finditer(line):
                    self._check_kit_path(doc, lineno, m.group(0), created, reported)
            if "](" in line and not fenced:  # markdown links; code (fences, `spans`) is not a link
                for target in self._MDLINK_RE.findall(re.sub(r"`[^`]*`", "", line)):
                    self._check_md_link(doc, lineno, target, reported)
            if "Read(" in line:
                for target in self._READ_RE.findall(line):
                    if target.startswith(".claude/"):
                        self._check_kit_path(doc, lineno, target, created, reported)

    def _check_kit_path(
        self, doc: Doc, lineno: int, written: str, created: set[str], reported: set[Any]
    ) -> None:
        written = written.rstrip(".,:;")
        if any(c in written for c in "<>{}*") or written.endswith("-"):
            return  # a placeholder such as .claude/skill-library/<category>/<name>/SKILL.md
        if written.rstrip("/") in GENERATED or any(written.startswith(c) for c in created):
            return
        if self.layout.kit_path(written.rstrip("/")).exists() or (lineno, written) in reported:
            return
        reported.add((lineno, written))
        self.add("PATH_BROKEN", doc.path, lineno, f"`{written}` does not exist")

    def _check_md_link(self, doc: Doc, lineno: int, target: str, reported: set[Any]) -> None:
        if re.match(r"[a-z][a-z0-9+.-]*:", target) or target.startswith(("#", "/", ".claude/")):
            return
        path = target.split("#", 1)[0]
        if not path or any(c in path for c in "<>{}*"):
            return
        if not (doc.path.parent / path).exists() and (lineno, path) not in reported:
            reported.add((lineno, path))
            self.add(
                "LINK_BROKEN",
                doc.path,
                lineno,
                f"link target `{path}` does not exist",
                f"fix the link relative to {self.layout.rel(doc.path.parent)}/",
            )

    # -- library layout, index and gateway tables --------------------------------------------------
    def check_orphans(self) -> None:
        lib = self.layout.library
        if not lib.is_dir():
            return
        skill_dirs = {doc.path.parent for doc in self.library.values()}
        for p in sorted(lib.rglob("*")):
            rel = p.relative_to(lib)
            if not p.is_file() or p.name == ".DS_Store" or rel.as_posix() == "index.json":
                continue
            if len(rel.parts) < 3 or lib / rel.parts[0] / rel.parts[1] not in skill_dirs:
                self.add(
                    "LIBRARY_ORPHAN",
                    p,
                    None,
                    f"{self.layout.rel(p)} is not inside a skill (<category>/<name>/ with a SKILL.md)",
                )

    def check_index(self, managed_gateways: set[str]) -> None:
        from claude_kit import knowledge

        index = self.layout.library / "index.json"
        entries = knowledge.library_entries(self.layout.library) if self.layout.library.is_dir() else []
        if not index.is_file():
            if entries:
                self.add(
                    "INDEX_MISSING",
                    index,
                    None,
                    "the routing index is missing: `claude-kit route` and "
                    "the gateways' tables cannot find the library",
                )
        else:
            self.files_checked += 1
            try:
                skills = json.loads(index.read_text(encoding="utf-8"))["skills"]
            except (ValueError, KeyError, TypeError) as exc:
                self.add("INDEX_MISSING", index, None, f"the routing index is unreadable ({exc})")
            else:
                if skills != entries:
                    have = {str(s.get("path")): s for s in skills if isinstance(s, dict)}
                    want = {str(e["path"]): e for e in entries}
                    diff = sorted(p for p in set(have) | set(want) if have.get(p) != want.get(p))
                    names = ", ".join(Path(p).parent.name for p in diff[:5]) + (
                        " ..." if len(diff) > 5 else ""
                    )
                    self.add(
                        "INDEX_STALE",
                        index,
                        None,
                        f"the routing index differs from the library frontmatter for {len(diff)} "
                        f"skill(s): {names}",
                    )
        for dir_name in sorted(managed_gateways):
            doc = self.core.get(dir_name)
            block = knowledge.routing_block(doc.text) if doc is not None else None
            if doc is None or block is None:
                continue
            want_table = knowledge.routing_table(knowledge.gateway_domain(dir_name), entries)
            if block.strip() != want_table.strip():
                line = next((i for i, t in enumerate(doc.lines, 1) if knowledge.ROUTING_START in t), None)
                self.add(
                    "ROUTING_TABLE_STALE",
                    doc.path,
                    line,
                    "the generated routing table does not match the library",
                )

    # -- agents -------------------------------------------------------------------------------------
    def check_agents(self) -> None:
        if not self.layout.agents.is_dir():
            return
        core_names = {str((d.meta or {}).get("name") or n) for n, d in self.core.items()} | set(self.core)
        for path in sorted(self.layout.agents.glob("*.md")):
            doc = Doc.read(path)
            self.agent_docs.append(doc)
            self.files_checked += 1
            self.check_agent(doc, core_names)

    def check_agent(self, doc: Doc, core_names: set[str]) -> None:
        stem = doc.path.stem
        coordinator = stem.endswith(("-lead", "-architect"))
        worker = stem.endswith(("-developer", "-reviewer", "-tester"))
        limit = LEAD_MAX_LINES if coordinator else AGENT_MAX_LINES
        if len(doc.lines) > limit:
            self.add(
                "AGENT_TOO_LONG",
                doc.path,
                limit + 1,
                f"{len(doc.lines)} lines (limit {limit}): an agent loads all of it on every spawn",
            )
        self.check_scaffold(doc)
        if doc.meta is None:
            self.add("AGENT_FRONTMATTER", doc.path, doc.error_line, doc.error or "no frontmatter")
            return
        meta = doc.meta
        name = meta.get("name")
        if not isinstance(name, str) or not NAME_RE.match(name) or name != stem:
            self.add(
                "AGENT_NAME",
                doc.path,
                doc.line_of("name") or 2,
                f"name {name!r} must be kebab-case and equal the file name {stem!r}",
                f"set `name: {stem}` (or rename the file)",
            )
        desc = meta.get("description")
        dline = doc.line_of("description") or 2
        if doc.block_scalar("description"):
            self.add("AGENT_BLOCK_SCALAR", doc.path, dline, "description is a YAML block scalar (`>` or `|`)")
        elif (
            not isinstance(desc, str)
            or not desc.strip().startswith("Use when")
            or "\n" in desc.strip()
            or doc.spans_lines("description")
        ):
            self.add(
                "AGENT_DESCRIPTION",
                doc.path,
                dline,
                "description must be one line starting with 'Use when': the main thread picks agents by it",
            )
        for key in sorted(k for k in meta if k not in AGENT_KEYS):
            self.add(
                "AGENT_UNKNOWN_KEY", doc.path, doc.line_of(key), f"key {key!r} is not one Claude Code reads"
            )
        model = meta.get("model")
        if model is not None and not (
            isinstance(model, str) and (model in MODELS or model.startswith("claude-"))
        ):
            self.add(
                "AGENT_MODEL",
                doc.path,
                doc.line_of("model"),
                f"model {model!r} is not one of {', '.join(MODELS)} or a claude-* model id",
            )
        color = meta.get("color")
        if color is not None and color not in COLORS:
            self.add(
                "AGENT_COLOR",
                doc.path,
                doc.line_of("color"),
                f"color {color!r} is not one of {', '.join(COLORS)}",
            )
        self.check_agent_tools(doc, stem, coordinator=coordinator, worker=worker)
        for skill in _tool_list(meta.get("skills")) or []:
            if skill not in core_names:
                self.add(
                    "AGENT_SKILL_MISSING",
                    doc.path,
                    doc.line_of("skills"),
                    f"preloads skill {skill!r}, not a core skill in {self.layout.rel(self.layout.skills)}/",
                )

    def check_agent_tools(self, doc: Doc, stem: str, *, coordinator: bool, worker: bool) -> None:
        meta = doc.meta or {}
        tools = _tool_list(meta.get("tools"))
        line = doc.line_of("tools") or 2
        if tools is None:
            self.add("AGENT_TOOLS", doc.path, line, "tools must be a comma-separated string or a list")
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
            bad = (
                sorted(set(forbidden) - disallowed)
                if effective is None
                else sorted(set(forbidden) & effective)
            )
            if applies and bad:
                why = (
                    "no `tools:` line, so it inherits every tool"
                    if effective is None
                    else "tools: " + ", ".join(bad)
                )
                self.add(code, doc.path, line, f"{stem} is {role} ({why})")

    # -- hooks and config (installed layout) ---------------------------------------------------------
    def check_settings(self) -> None:
        path = self.layout.root / ".claude" / "settings.json"
        if not path.is_file():
            return
        self.files_checked += 1
        text = path.read_text(encoding="utf-8", errors="replace")
        try:
            data = json.loads(text) if text.strip() else {}
        except json.JSONDecodeError as exc:
            self.add("SETTINGS_INVALID", path, exc.lineno, f"not valid JSON: {exc.msg}")
            return
        hooks = data.get("hooks") if isinstance(data, dict) else None
        for event, groups in hooks.items() if isinstance(hooks, dict) else []:
            for group in groups if isinstance(groups, list) else []:
                if isinstance(group, dict):
                    self.check_hook_group(path, text, str(event), group)

    def check_hook_group(self, path: Path, text: str, event: str, group: dict[str, Any]) -> None:
        from claude_kit import settings_merge

        matcher = group.get("matcher")
        if (
            isinstance(matcher, str)
            and re.search(r"\bTask\b", matcher)
            and not re.search(r"\bAgent\b", matcher)
        ):
            self.add(
                "HOOK_MATCHER_TASK",
                path,
                _line_in(text, json.dumps(matcher)),
                f"{event} matcher {matcher!r} names Task but not Agent: the spawn tool is `Agent`",
                f"use {matcher.replace('Task', 'Agent|Task')!r}",
            )
        hooks_dir = self.layout.root / ".claude" / "hooks"
        for handler in group.get("hooks") or []:
            if not isinstance(handler, dict):
                continue
            timeout = handler.get("timeout")
            if timeout is not None and (
                isinstance(timeout, bool) or not isinstance(timeout, int) or not 1 <= timeout <= 600
            ):
                self.add(
                    "HOOK_TIMEOUT",
                    path,
                    _line_in(text, f'"timeout": {json.dumps(timeout)}'),
                    f"{event} hook timeout {timeout!r} is not whole seconds in 1..600 (the runtime reads "
                    "seconds: 5000 would be 83 minutes)",
                )
            if settings_merge.is_kit_handler(handler):
                command = str(handler.get("command", ""))
                for needed in (hooks_dir / "run", hooks_dir / f"{settings_merge.module_of(command)}.py"):
                    if not needed.is_file():
                        self.add(
                            "HOOK_FILE_MISSING",
                            path,
                            _line_in(text, json.dumps(command)[1:-1]),
                            f"{event} runs {self.layout.rel(needed)}, which does not exist: the hook fails "
                            "on every call and enforces nothing",
                        )

    def check_config(self) -> None:
        from claude_kit import config

        self.files_checked += 1
        try:
            config.load(self.layout.root)
        except KitError as exc:
            m = re.search(r"claude-kit\.yaml:(\d+)", exc.message)
            message = exc.message.split("\n  hint:")[0].replace("\n", " ")
            self.add(
                "CONFIG_INVALID",
                self.layout.root / config.CONFIG_REL,
                int(m.group(1)) if m else None,
                message,
            )

    # -- run --------------------------------------------------------------------------------------------
    def run(self) -> list[Finding]:
        lay = self.layout
        self.load_skills()
        self.check_agents()
        self.check_skills()
        self.check_links()
        self.check_orphans()
        if not lay.source:
            from claude_kit import manifest

            files = (manifest.load(lay.root) or {}).get("files", {})
            managed = {
                rel.split("/")[2]
                for rel in files
                if re.match(r"\.claude/skills/gateway-[^/]+/SKILL\.md$", rel)
            }
            self.check_index(managed)
            self.check_settings()
            if files or (lay.root / ".claude/claude-kit.yaml").exists():
                self.check_config()
        self.findings.sort(key=lambda f: (f.file, f.line or 0, f.code, f.message))
        return self.findings


def routing_markers_missing(text: str) -> bool:
    return "<!-- claude-kit:routing:start -->" not in text or "<!-- claude-kit:routing:end -->" not in text


def _tool_list(value: Any) -> list[str] | None:
    """Comma/space list or YAML list of names; [] when absent; None when malformed."""
    if value is None:
        return []
    if isinstance(value, str):
        return [t.strip() for t in re.split(r",(?![^(]*\))", value) if t.strip()]
    if isinstance(value, list) and all(isinstance(t, str) for t in value):
        return [t.strip() for t in value]
    return None


def _line_in(text: str, needle: str) -> int | None:
    pos = text.find(needle)
    return text.count("\n", 0, pos) + 1 if pos != -1 else None


def resolve_layout(target: Path, *, source: bool) -> Layout:
    target = target.resolve()
    if not target.is_dir():
        raise KitError(f"{target}: no such directory")
    if source:
        if not any((target / d).is_dir() for d in ("skills", "skill-library", "agents")):
            raise KitError(
                f"{target}: no skills/, skill-library/ or agents/ here",
                hint="--source takes the root of the kit's source tree",
            )
        return Layout(target, source=True)
    if (target / ".claude").is_dir():
        return Layout(target, source=False)
    from claude_kit import repo

    root = repo.find_root(target)
    if not (root / ".claude").is_dir():
        raise KitError(
            f"{root}: no .claude/ folder to audit",
            hint="run `claude-kit install`, or pass `--source` to audit a kit source tree",
        )
    return Layout(root, source=False)


def run_audit(target: Path, *, source: bool = False) -> Audit:
    a = Audit(resolve_layout(target, source=source))
    a.run()
    return a


def audit(target: Path, *, source: bool = False, fmt: str = "text", strict: bool = False) -> int:
    a = run_audit(target, source=source)
    errors = sum(f.severity == ERROR for f in a.findings)
    warnings = len(a.findings) - errors
    if fmt == "json":
        click.echo(
            json.dumps(
                {
                    "root": str(a.layout.root),
                    "mode": "source" if a.layout.source else "installed",
                    "errors": errors,
                    "warnings": warnings,
                    "files_checked": a.files_checked,
                    "tier1_chars": a.tier1_chars,
                    "tier1_budget": TIER1_BUDGET,
                    "findings": [f._asdict() for f in a.findings],
                },
                indent=1,
            )
        )
    else:
        for f in a.findings:
            where = f"{f.file}:{f.line}" if f.line else f.file
            color = "red" if f.severity == ERROR else "yellow"
            click.echo(f"{where}: {click.style(f.severity, fg=color)} {f.code} {f.message}")
            click.echo(f"    fix: {f.fix}")
        click.echo(f"Tier-1 listing: {a.tier1_chars}/{TIER1_BUDGET} characters ({len(a.core)} core skills)")
        summary = f"audit: {errors} error(s), {warnings} warning(s) in {a.files_checked} files"
        click.echo(click.style(summary, fg="red" if errors else ("yellow" if warnings else "green")))
    return 1 if errors or (strict and warnings) else 0
