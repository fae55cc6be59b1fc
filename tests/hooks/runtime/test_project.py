"""runtime/project: domain_of and exemption_of answer the same with the compiled rules' hints as
without them (a file compiled before hints, or hints a hand edit broke), for every path of every
corpus layout and random paths, under configs a team writes; and an edit no rule's hints admit
imports no `re` at all."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from collections import Counter
from pathlib import Path
from typing import Any

import pytest

import claude_kit_hooks
from claude_kit import config as cli_config
from claude_kit_hooks.contract.layout import CONFIG_YAML
from claude_kit_hooks.runtime.config import complete
from claude_kit_hooks.runtime.project import DOMAIN_HINTS, EXEMPT_HINTS, Project, ruled_out, split_worktree
from tests.pathsamples import corpus_layouts, corpus_paths, random_paths

GO_AND_UI = """version: 1
domains:
  backend:
    paths: ["**/*.go"]
  api:
    paths: ["cmd/api/**/*.go", "api/"]
    exclude: ["cmd/api/gen/**"]
  frontend:
    paths: ["ui/**/*.tsx", "ui/components/**/*.{ts,tsx}", "/web/[a-m]*/**"]
  tooling:
    paths: [Makefile, "{scripts,tools}/**", "*.sh"]
exemptions:
  globs: ["**/*.gen.{go,ts}", "fixtures/", "?", "*"]
"""
NO_BUILT_INS = """version: 1
output_dir: ./notes/out/
exemptions: {tests: false, docs: false, globs: ["scripts/**", "**/testdata/**"]}
domains:
  everything:
    paths: ["**"]
    exclude: ["vendor/**"]
"""
EDGE_PATHS = [
    "cmd/api/main.go", "cmd/api/gen/x.go", "cmd/api/main.rs", "api/x", "ui/components/a.ts", "web/app/x",
    "web/zeta/x", "Makefile", "sub/Makefile", "x.sh", "a/b.gen.ts", "fixtures/a", "a", "ab",
    ".claude/.output/plan.md", "notes/out/x", "vendor/x.go", "x_test.go\n", "docs\n/x", "é/test/x",
]  # fmt: skip


def _compiled(text: str) -> dict[str, Any]:
    cfg = cli_config.parse(text, CONFIG_YAML)
    return dict(cli_config.compile_config(cfg, text.encode()))


def _layout_config(layout: str) -> str:
    """Domains as a team would set them up for a real layout: its biggest top-level folders, its
    commonest file extensions, and a folder narrowed to two extensions."""
    paths = corpus_paths(layout)
    tops = [d for d, _ in Counter(p.split("/")[0] for p in paths if "/" in p).most_common(4)]
    exts = [e for e, _ in Counter(p.rsplit(".", 1)[1] for p in paths if "." in p[1:]).most_common(3)]
    globs = [f"{tops[0]}/**/*.{{{exts[0]},{exts[1]}}}"] + [f"{d}/**" for d in tops[1:]]
    globs += [f"**/*.{e}" for e in exts if e.isalnum()]
    lines = ["version: 1", "exemptions:", f"  globs: [{json.dumps('**/' + tops[-1] + '/*')}]", "domains:"]
    for i, glob in enumerate(globs):
        lines += [f"  d{i}:", f"    paths: [{json.dumps(glob)}]"]
    return "\n".join(lines) + "\n"


def _variants(compiled: dict[str, Any]) -> list[dict[str, Any]]:
    """The compiled rules with hints, without (an older file), and with hints no check may trust."""
    bare = {**compiled}
    bare["domain_rules"] = [r[:DOMAIN_HINTS] for r in compiled["domain_rules"]]
    bare["exempt_rules"] = [r[:EXEMPT_HINTS] for r in compiled["exempt_rules"]]
    junk = {**compiled}
    spoilers = ["x", None, [1], ["", 2], {"a": 1}, []]
    junk["domain_rules"] = [
        [*r[:DOMAIN_HINTS], spoilers[i % 6]] for i, r in enumerate(compiled["domain_rules"])
    ]
    junk["exempt_rules"] = [
        [*r[:EXEMPT_HINTS], spoilers[i % 6]] for i, r in enumerate(compiled["exempt_rules"])
    ]
    return [compiled, bare, junk]


def _assert_same_answers(project: Project, compiled: dict[str, Any], paths: list[str]) -> Counter[str]:
    with_hints, *without = [complete(v) for v in _variants(compiled)]
    answers: Counter[str] = Counter()
    for path in paths:
        domain, exempt = project.domain_of(with_hints, path), project.exemption_of(with_hints, path)
        for cfg in without:
            assert project.domain_of(cfg, path) == domain, path
            assert project.exemption_of(cfg, path) == exempt, path
        answers[f"domain {domain}"] += 1
        answers[f"exempt {exempt}"] += 1
    return answers


@pytest.mark.parametrize(
    "text", [GO_AND_UI, NO_BUILT_INS, "version: 1\n"], ids=["go-ui", "no-built-ins", "bare"]
)
def test_hints_change_no_answer_on_generated_paths(tmp_path: Path, text: str) -> None:
    compiled = _compiled(text)
    pieces = ("cmd/", "api/", "gen/", "ui/", "components/", "web/", "app/", "scripts/", "tools/", "fixtures/")
    rnd = random.Random(text)
    paths = (
        EDGE_PATHS
        + random_paths(rnd, 10_000)
        + random_paths(rnd, 10_000, pieces + ("x", ".go", ".tsx", ".sh"))
    )
    answers = _assert_same_answers(Project(str(tmp_path)), compiled, paths)
    assert len(answers) >= 4, answers  # several domains and exemptions were reached


@pytest.mark.parametrize(
    "layout", corpus_layouts() or [pytest.param("", marks=pytest.mark.skip("no corpus"))]
)
def test_hints_change_no_answer_on_a_real_layout(tmp_path: Path, layout: str) -> None:
    project, paths = Project(str(tmp_path)), list(corpus_paths(layout))
    answers = _assert_same_answers(project, _compiled(_layout_config(layout)), paths)
    assert answers["domain None"] < len(paths) and answers["exempt None"] < len(paths), answers
    for text in (GO_AND_UI, NO_BUILT_INS):
        _assert_same_answers(project, _compiled(text), paths)


def test_a_path_without_a_hint_runs_only_the_rules_without_hints() -> None:
    cfg = complete(_compiled(GO_AND_UI))
    assert all(ruled_out(r, DOMAIN_HINTS, "internal/x.rs") for r in cfg["domain_rules"])
    # `?` and `*` have no literal: only they run, no built-in exemption.
    assert [r[0] for r in cfg["exempt_rules"] if not ruled_out(r, EXEMPT_HINTS, "internal/x.rs")] == [
        "glob ?",
        "glob *",
    ]


@pytest.mark.parametrize(
    ("rule", "at", "path", "out"),
    [
        (["d", "^x", "x/**", ["x/"]], DOMAIN_HINTS, "y/z", True),
        (["d", "^x", "x/**", ["x/"]], DOMAIN_HINTS, "x/z", False),
        (["d", "^x", "x/**", ["q", "x/"]], DOMAIN_HINTS, "x/z", False),  # any one of them
        (["d", "^x", "x/**", []], DOMAIN_HINTS, "y/z", False),  # no hints: always run the regex
        (["d", "^x", "x/**"], DOMAIN_HINTS, "y/z", False),  # compiled before hints
        (["e", "^x", ["x/"]], EXEMPT_HINTS, "y/z", True),
        (["e", "^x"], EXEMPT_HINTS, "y/z", False),
        (["e", "^x", "x/"], EXEMPT_HINTS, "y/z", False),  # not a list: a hand edit, not trusted
        (["e", "^x", ["q", 1]], EXEMPT_HINTS, "y/z", False),
        (["e", "^x", [""]], EXEMPT_HINTS, "y/z", False),
    ],
)
def test_ruled_out(rule: list[Any], at: int, path: str, out: bool) -> None:
    assert ruled_out(rule, at, path) is out


_PROBE = """
import sys
sys.path.insert(0, sys.argv[1])
from claude_kit_hooks.runtime.config import load
from claude_kit_hooks.runtime.project import Project
project = Project(sys.argv[2])
cfg = load(project.paths)
print(project.exemption_of(cfg, sys.argv[3]), project.domain_of(cfg, sys.argv[3]), "re" in sys.modules)
"""


@pytest.mark.parametrize(
    ("path", "answer"),
    [
        ("cmd/api/main.rs", "None None False"),  # no rule's hint: `re` is never imported
        ("internal/store.go", "None backend True"),
        ("pkg/store_test.go", "tests backend True"),
    ],
)
def test_re_is_imported_only_when_a_hint_admits_a_rule(tmp_path: Path, path: str, answer: str) -> None:
    compiled = _compiled('version: 1\ndomains:\n  backend:\n    paths: ["**/*.go"]\n')
    project = Project(str(tmp_path))
    Path(project.paths.config_json).parent.mkdir(parents=True)
    Path(project.paths.config_json).write_text(json.dumps(compiled))
    hooks = str(Path(claude_kit_hooks.__file__).parent.parent)
    proc = subprocess.run(
        [sys.executable, "-E", "-S", "-c", _PROBE, hooks, str(tmp_path), path],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    assert proc.stdout.split() == answer.split()


@pytest.mark.parametrize(
    ("path", "split"),
    [
        (".claude/worktrees/agent-a1/cmd/api/main.go", (".claude/worktrees/agent-a1", "cmd/api/main.go")),
        (".claude/worktrees/wt1/docs/guide.md", (".claude/worktrees/wt1", "docs/guide.md")),
        ("cmd/api/main.go", ("", "cmd/api/main.go")),
        (".claude/worktrees/wt1", ("", ".claude/worktrees/wt1")),
        (".claude/worktrees//x.go", ("", ".claude/worktrees//x.go")),
        ("x/.claude/worktrees/wt1/cmd/a.go", ("", "x/.claude/worktrees/wt1/cmd/a.go")),
    ],
)
def test_split_worktree(path: str, split: tuple[str, str]) -> None:
    assert split_worktree(path) == split


def test_paths_in_a_worktree_match_as_at_the_project_root(tmp_path: Path) -> None:
    text = 'version: 1\ndomains:\n  backend:\n    paths: ["cmd/**"]\n'
    cfg = complete(dict(cli_config.compile_config(cli_config.parse(text, CONFIG_YAML), text.encode())))
    project = Project(str(tmp_path))
    for root in ("", ".claude/worktrees/agent-a1/", ".claude/worktrees/wt1/"):
        assert project.domain_of(cfg, root + "cmd/api/main.go") == "backend", root
        assert project.exemption_of(cfg, root + "cmd/api/main_test.go") == "tests", root
        assert project.exemption_of(cfg, root + "docs/guide.md") == "docs", root
        assert project.exemption_of(cfg, root + ".claude/.output/plan.md") == "output_dir", root
    assert project.domain_of(cfg, ".claude/worktrees/cmd/api/main.go") is None  # worktree `cmd`: api/...
