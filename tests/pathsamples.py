"""Project-relative paths to test path rules (domain globs, exemptions) against: every tracked path of
the shared corpus of real repository layouts, and random paths built from the pieces the rules look
for, odd ones included (a newline, which `$` matches before; a leading slash; non-ASCII).

The corpus (tree.txt per layout, see its README) lives outside this repository: CLAUDE_KIT_CORPUS
names it, /work/shared/corpus by default; tests that need it skip when it is absent.
"""

from __future__ import annotations

import os
import random
from functools import cache
from pathlib import Path

CORPUS = Path(os.environ.get("CLAUDE_KIT_CORPUS", "/work/shared/corpus"))

# What the built-in exemptions and typical domain globs spell, and what sits next to it in real paths.
PIECES = (
    "test", "tests", "__tests__", "__snapshots__", "testdata", "spec", "e2e", "doc", "docs", "conftest",
    "_test", "test_", "testing", "CMakeLists", "requirements", "constraints", ".sh", ".png",
    ".py", ".go", ".md", ".mdx", ".rst", ".adoc", ".txt", ".test", ".spec", ".js", ".jsx", ".ts", ".tsx",
    ".cjs", ".mts", ".ctsx", "c", "m", "j", "t", "s", "x", "a", "b", "ab", "/", "/", "/", "/", ".", "_",
    "-", "src", "cmd", "api", "ui", "internal", "components", ".claude", ".output", "out", "Makefile",
    "README", "\n", " ", "é", "[", "{", "*",
)  # fmt: skip


def corpus_layouts() -> list[str]:
    """The corpus's layout names (owner__repo); [] when the corpus is absent."""
    if not CORPUS.is_dir():
        return []
    return sorted(p.parent.name for p in CORPUS.glob("*/tree.txt"))


@cache
def corpus_paths(layout: str) -> tuple[str, ...]:
    """Every tracked path of one layout, as the hooks see them: relative, with `/`."""
    text = (CORPUS / layout / "tree.txt").read_text(encoding="utf-8")
    return tuple(line for line in text.splitlines() if line)


def all_corpus_paths() -> list[str]:
    return [p for layout in corpus_layouts() for p in corpus_paths(layout)]


def random_paths(rnd: random.Random, count: int, pieces: tuple[str, ...] = PIECES) -> list[str]:
    """`count` paths of 1 to 9 pieces each."""
    return ["".join(rnd.choice(pieces) for _ in range(rnd.randint(1, 9))) for _ in range(count)]
