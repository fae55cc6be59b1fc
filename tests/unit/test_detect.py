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


def _checks(root: Path) -> list[tuple[str, str, str]]:
    return [(c.domain, c.cwd, c.run) for c in detect.detect(root).checks]


def test_a_go_module_below_the_root_is_checked_from_its_own_folder(tmp_repo: Path) -> None:
    # issue 10: with backend/go.mod, `go vet ./...` ran from the root, failed, and blocked correct code.
    build_file_tree(tmp_repo, {"backend/go.mod": "module x\n", "backend/cmd/main.go": "package main\n"})
    assert _checks(tmp_repo) == [
        ("backend", "backend", "go vet ./..."),
        ("backend", "backend", "go test ./..."),
    ]


def test_a_package_in_a_folder_gets_its_own_scripts_with_its_package_manager(tmp_repo: Path) -> None:
    # issue 10: web/package.json with lint and test got no check (only a root tsconfig.json made one), and
    # `.ts` outside a few folder names was no domain.
    scripts = (
        '{"scripts": {"lint": "eslint src", "test": "vitest run", "build": "vite build", "dev": "vite"}}'
    )
    build_file_tree(tmp_repo, {
        "site/package.json": scripts,
        "site/pnpm-lock.yaml": "",
        "site/src/api.ts": "export {}\n",
        "site/src/view.tsx": "export {}\n",
    })  # fmt: skip
    found = detect.detect(tmp_repo)
    assert found.domains == {"frontend": ["site/**/*.ts", "site/**/*.tsx"]}
    assert _checks(tmp_repo) == [
        ("frontend", "site", "pnpm run lint"),
        ("frontend", "site", "pnpm run test"),
    ]
    assert "pnpm from site/pnpm-lock.yaml" in found.checks[0].why


def test_the_package_manager_field_names_the_manager_without_a_lockfile(tmp_repo: Path) -> None:
    build_file_tree(tmp_repo, {
        "package.json": '{"packageManager": "yarn@4.1.0", "workspaces": ["pkgs/*"],'
        ' "scripts": {"test": "turbo run test"}}',
        "pkgs/a/package.json": '{"scripts": {"test": "vitest run", "test:e2e": "playwright test"}}',
        "pkgs/a/index.ts": "export {}\n",
    })  # fmt: skip
    found = detect.detect(tmp_repo)
    assert _checks(tmp_repo) == [("frontend", "pkgs/a", "yarn run test")]
    left = {i.what: i.why for i in found.left_out}
    assert "members' own scripts" in left['package.json script "test"']  # turbo runs the members' tests
    assert "end-to-end" in left['pkgs/a/package.json script "test:e2e"']


@pytest.mark.parametrize(
    ("files", "run"),
    [
        (
            {"pyproject.toml": "[project]\nname='a'\n[tool.pytest.ini_options]\n", "uv.lock": ""},
            "uv run pytest -q -x",
        ),
        ({"pyproject.toml": "[tool.poetry]\nname='a'\n", "poetry.lock": ""}, "poetry run pytest -q -x"),
        ({"pyproject.toml": "[project]\nname='a'\n[tool.pdm]\n"}, "pdm run pytest -q -x"),
        ({"setup.py": "", "tox.ini": "[tox]\n"}, "tox"),
        ({"setup.cfg": "[metadata]\nname = a\n[tool:pytest]\n"}, "python3 -m pytest -q -x"),
    ],
)
def test_python_tests_run_through_the_projects_tool(tmp_repo: Path, files: dict[str, str], run: str) -> None:
    build_file_tree(
        tmp_repo, {**{f"svc/{k}": v for k, v in files.items()}, "svc/tests/test_a.py": "", "svc/a.py": ""}
    )
    assert _checks(tmp_repo) == [("python", "svc", run)]


def test_only_languages_present_and_no_checks_without_tests(tmp_repo: Path) -> None:
    build_file_tree(
        tmp_repo, {"pyproject.toml": "[project]\nname='a'\n", "a/core.py": "", "docs/site.js": ""}
    )
    found = detect.detect(tmp_repo)
    assert set(found.domains) == {"python"} and found.checks == []
    left = {i.what: i.why for i in found.left_out}
    assert left["Python project pyproject.toml"].startswith("no tests found")
    assert "domain backend" in left and "domain frontend" in left


def test_vendored_and_generated_code_is_left_out_of_the_domain(tmp_repo: Path) -> None:
    build_file_tree(tmp_repo, {
        "go.mod": "module x\n",
        "api/v1/a.pb.go": "", "api/v1/b.pb.go": "", "api/v1/c_grpc.pb.go": "", "api/v1/d.pb.gw.go": "",
        "server/main.go": "", "server/x.pb.go": "",
        "web/package.json": "{}", "web/dist/app.js": "", "web/src/app.ts": "",
        ".gitattributes": "third/** linguist-vendored\n", "third/lib.go": "",
    })  # fmt: skip
    found = detect.detect(tmp_repo)
    assert found.excludes["backend"] == ["**/*.pb.go", "api/**", "third/**"]
    assert found.excludes["frontend"] == ["web/dist/**"]
    assert found.domains["backend"] == ["server/**/*.go"]
