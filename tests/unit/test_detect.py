"""Domain detection from the files git knows about -> editable path globs."""

from __future__ import annotations

from pathlib import Path

import pytest

from claude_kit import detect, globs
from tests.conftest import build_file_tree, git


@pytest.mark.parametrize(
    ("path", "domain"),
    [
        ("main.go", "backend"),
        ("internal/store/store.go", "backend"),
        ("tools/gen.py", "python"),
        ("ui/src/App.tsx", "frontend"),
        ("lib/Widget.jsx", "frontend"),  # JSX/TSX is frontend wherever it lives
        ("frontend/src/api.ts", "frontend"),
        ("web/styles/site.css", "frontend"),
        ("src/components/Button.ts", "frontend"),
        ("server/index.ts", None),  # TS outside a frontend folder may be a Node backend: not guessed
        ("scripts/build.js", None),
        ("README.md", None),
        ("vendor/github.com/x/y.go", None),
        ("node_modules/react/index.jsx", None),
        (".claude/hooks/claude_kit_hooks/runtime/entry.py", None),
        ("ui/node_modules/x/App.tsx", None),
        ("UI/App.ts", "frontend"),  # folder names compare case-insensitively
    ],
)
def test_classify(path: str, domain: str | None) -> None:
    assert detect.classify(path) == domain


def test_few_top_level_homes_give_one_glob_per_home(tmp_repo: Path) -> None:
    build_file_tree(tmp_repo, {
        "cmd/api/main.go": "package main\n",
        "internal/store/store.go": "package store\n",
        "ui/src/App.tsx": "x\n",
        "ui/src/api.ts": "x\n",
        "tools/gen.py": "print()\n",
        "README.md": "# r\n",
    })  # fmt: skip
    assert detect.detect_domains(tmp_repo) == {
        "backend": ["cmd/**/*.go", "internal/**/*.go"],
        "frontend": ["ui/**/*.ts", "ui/**/*.tsx"],
        "python": ["tools/**/*.py"],
    }


def test_detected_globs_match_the_files_they_came_from(tmp_repo: Path) -> None:
    files = ["cmd/api/main.go", "pkg/a/b/c.go", "app/pages/index.tsx", "scripts/x.py"]
    build_file_tree(tmp_repo, dict.fromkeys(files, "x\n"))
    found = detect.detect_domains(tmp_repo)
    for rel in files:
        domain = detect.classify(rel)
        assert domain is not None
        assert any(globs.matches(g, rel) for g in found[domain]), (rel, found)


def test_file_at_the_root_or_many_homes_give_any_depth_globs(tmp_repo: Path) -> None:
    build_file_tree(tmp_repo, {"main.go": "x\n", "cmd/a.go": "x\n", "setup.py": "x\n"})
    build_file_tree(tmp_repo, {f"pkg{i}/m.py": "x\n" for i in range(detect.MAX_TOP_DIRS + 1)})
    found = detect.detect_domains(tmp_repo)
    assert found["backend"] == ["**/*.go"]
    assert found["python"] == ["**/*.py"]


def test_ignored_and_vendored_files_do_not_count(tmp_repo: Path) -> None:
    build_file_tree(tmp_repo, {
        ".gitignore": "generated/\n",
        "generated/x.go": "x\n",
        "vendor/y.go": "x\n",
        ".venv/lib/site.py": "x\n",
        "api/server.go": "x\n",
    })  # fmt: skip
    assert detect.detect_domains(tmp_repo) == {"backend": ["api/**/*.go"]}


def test_committed_and_untracked_files_both_count(tmp_repo: Path) -> None:
    build_file_tree(tmp_repo, {"svc/a.go": "x\n"})
    git(tmp_repo, "add", "-A")
    git(tmp_repo, "commit", "-qm", "init")
    build_file_tree(tmp_repo, {"svc2/b.go": "x\n"})
    assert detect.detect_domains(tmp_repo) == {"backend": ["svc/**/*.go", "svc2/**/*.go"]}


def test_nothing_detected(tmp_repo: Path, tmp_path: Path) -> None:
    build_file_tree(tmp_repo, {"README.md": "x\n", "Makefile": "x\n"})
    assert detect.detect_domains(tmp_repo) == {}
    outside = tmp_path / "not-a-repo"
    outside.mkdir()
    assert detect.list_files(outside) == []
