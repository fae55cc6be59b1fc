"""What every audit check shares: where the kit's files are (Layout), one parsed markdown file
(Doc), and the Audit that collects findings while the checks run.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from claude_kit.audit_codes import CODES, Finding

if TYPE_CHECKING:
    import click

    from claude_kit.audit_context import ContextCost

NAME_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
SCAFFOLD_MARK = "claude-kit:scaffold"


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
    """One audit run: the findings, and what the checks read that later checks use."""

    def __init__(self, layout: Layout, commands: click.Command | None = None) -> None:
        self.layout = layout
        # The CLI's root command, to check `claude-kit` command lines in the texts against (the
        # caller passes it: the CLI imports the audit, so the audit cannot import the CLI).
        self.commands = commands
        self.findings: list[Finding] = []
        self.files_checked = 0
        self.tier1_chars = 0
        self.context: ContextCost | None = None  # the always-on context cost (audit_context)
        self.core: dict[str, Doc] = {}  # dir name -> doc
        self.library: dict[str, Doc] = {}  # "<category>/<name>" -> doc
        self.agent_docs: list[Doc] = []
        self.reference_docs: dict[Path, list[Doc]] = {}  # skill dir -> its references/*.md

    def add(
        self, code: str, path: Path | str, line: int | None, message: str, fix: str | None = None
    ) -> None:
        where = path if isinstance(path, str) else self.layout.rel(path)
        self.findings.append(Finding(CODES[code][0], code, where, line, message, fix or CODES[code][2]))


def check_scaffold(a: Audit, doc: Doc) -> None:
    for i, line in enumerate(doc.lines, start=1):
        if SCAFFOLD_MARK in line:
            a.add(
                "SCAFFOLD_UNEDITED",
                doc.path,
                i,
                "scaffold instructions are still in the file: it was generated and not finished",
            )
            return
