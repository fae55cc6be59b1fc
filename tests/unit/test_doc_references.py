"""No dangling references: every path of the kit's source tree that the docs, the README or a
user-facing text of the CLI names exists. (Paths under `.claude/` inside skills and agents are the
audit's job: `claude-kit audit --source .`.)
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
DOCS = sorted([REPO / "README.md", *(REPO / "docs").glob("*.md")])
SOURCE_DIRS = ("docs", "hooks", "installer", "tests", "bench", "scripts", "skills", "skill-library", "agents")
# A source path: a top folder of the tree, then path characters, ending in a name (no placeholder).
SOURCE_PATH = re.compile(
    r"(?<![\w./<>-])((?:"
    + "|".join(map(re.escape, SOURCE_DIRS))
    + r")/[A-Za-z0-9_./-]*[A-Za-z0-9_])(?![\w<>*{])"
)
LINK = re.compile(r"\]\(([^)#\s]+)(?:#[^)]*)?\)")


def _dangling(text: str, base: Path) -> list[str]:
    found = []
    for lineno, line in enumerate(text.splitlines(), 1):
        for m in SOURCE_PATH.finditer(line):
            path = m.group(1).rstrip(".")
            folder = line[m.end() : m.end() + 1] == "/"
            if "." not in path.rsplit("/", 1)[-1] and not folder:
                continue  # prose ("skills/agents") or a user's example ("tests/api"), not a file name
            if not (REPO / path).exists():
                found.append(f"{lineno}: {path}")
        for m in LINK.finditer(line):
            target = m.group(1)
            if re.match(r"[a-z][a-z0-9+.-]*:", target):
                continue
            if not (base / target).exists():
                found.append(f"{lineno}: link {target}")
    return found


@pytest.mark.parametrize("doc", DOCS, ids=lambda p: p.relative_to(REPO).as_posix())
def test_docs_name_only_files_that_exist(doc: Path) -> None:
    assert _dangling(doc.read_text(encoding="utf-8"), doc.parent) == []


def test_cli_texts_name_only_docs_that_exist() -> None:
    found = []
    for module in sorted((REPO / "installer" / "claude_kit").rglob("*.py")):
        for m in re.finditer(r"docs/[A-Za-z0-9_-]+\.md", module.read_text(encoding="utf-8")):
            if not (REPO / m.group(0)).is_file():
                found.append(f"{module.name}: {m.group(0)}")
    assert found == []


def test_the_check_finds_a_dangling_path_and_link() -> None:
    text = "see `docs/nowhere.md`, hooks/gone/ and [x](missing.md), not docs/<name>.md, skills/agents or https://x.invalid/a.md"
    assert _dangling(text, REPO) == ["1: docs/nowhere.md", "1: hooks/gone", "1: link missing.md"]
