"""The built-in exemption regexes' hints (contract/defaults.py): every path a regex matches contains
one of its hints, so a hook that skips the regex for a path without one answers as if it had run it.
Checked on every tracked path of the corpus of real layouts and on random paths made of the pieces the
regexes look for."""

from __future__ import annotations

import random
import re

import pytest

from claude_kit_hooks.contract.defaults import DOC_FILE_RULES, TEST_FILE_RULES
from tests.pathsamples import PIECES, corpus_layouts, corpus_paths, random_paths

RULES = [*TEST_FILE_RULES, *DOC_FILE_RULES]
IDS = [rx for rx, _ in RULES]


def _unhinted_matches(rx: str, hints: tuple[str, ...], paths: list[str]) -> tuple[int, list[str]]:
    """(paths the regex finds, those of them without a hint) as the hooks search: re.search."""
    compiled = re.compile(rx)
    found = [p for p in paths if compiled.search(p)]
    return len(found), [p for p in found if not any(h in p for h in hints)]


@pytest.mark.parametrize(("rx", "hints"), RULES, ids=IDS)
def test_every_rule_has_hints(rx: str, hints: tuple[str, ...]) -> None:
    assert hints and all(hints), rx  # [] or "" would make the hooks run the regex for every path


@pytest.mark.parametrize(
    "layout", corpus_layouts() or [pytest.param("", marks=pytest.mark.skip("no corpus"))]
)
def test_hints_hold_on_every_path_of_a_real_layout(layout: str) -> None:
    paths = list(corpus_paths(layout))
    found = 0
    for rx, hints in RULES:
        n, missing = _unhinted_matches(rx, hints, paths)
        assert missing == [], (rx, hints, missing[:5])
        found += n
    assert found, f"no exemption matches a path of {layout}"


def test_every_rule_matches_in_the_corpus() -> None:
    paths = [p for layout in corpus_layouts() for p in corpus_paths(layout)]
    if not paths:
        pytest.skip("no corpus")
    for rx, _ in RULES:
        assert any(re.search(rx, p) for p in paths), rx


@pytest.mark.parametrize(("rx", "hints"), RULES, ids=IDS)
def test_hints_hold_on_random_paths(rx: str, hints: tuple[str, ...]) -> None:
    # The hints themselves among the pieces, so that paths often spell what the regex looks for.
    paths = random_paths(random.Random(rx), 50_000, PIECES + hints * 6)
    found, missing = _unhinted_matches(rx, hints, paths)
    assert missing == [], (hints, missing[:5])
    assert found >= 50, found  # not vacuous


@pytest.mark.parametrize(
    "path",
    [
        "a/__tests__/x.ts", "test/x", "spec/y", "a/tests/x", "b/__snapshots__/x", "c/testdata/x",
        "e2e/y", "pkg/x_test.go", "x_test.py\n", "test_x.py", "a/conftest.py", "b.test.mjs",
        "b.spec.ctsx", "b.mdx", "README.md\n", "x.adoc", "docs/x", "doc/y.png", "a/b.txt",
    ],
)  # fmt: skip
def test_each_alternative_of_the_regexes_is_hinted(path: str) -> None:
    """One path per alternative the regexes spell, including `$` before a final newline."""
    rules = [(rx, hints) for rx, hints in RULES if re.search(rx, path)]
    assert rules, path
    for rx, hints in rules:
        assert any(h in path for h in hints), (rx, path)
