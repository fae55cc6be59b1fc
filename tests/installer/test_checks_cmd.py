"""`claude-kit checks` lists each domain's checks with their folder and why; `claude-kit checks run` runs
them as the Stop gate would; install prints what it detected."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from tests.conftest import build_file_tree, git

CK = Callable[..., Result]
REPO = {
    "backend/go.mod": "module x\n",
    "backend/main.go": "package main\n",
    "backend/tools/go.mod": "module y\n",
    "backend/tools/gen.go": "package main\n",
    "web/package.json": '{"scripts": {"lint": "eslint .", "test": "vitest run"}}',
    "web/package-lock.json": "{}",
    "web/src/app.tsx": "export {}\n",
}


def _repo(tmp_repo: Path, ck: CK) -> Path:
    build_file_tree(tmp_repo, REPO)
    git(tmp_repo, "add", "-A")
    git(tmp_repo, "commit", "-qm", "init")
    res = ck("install", str(tmp_repo))
    assert res.exit_code == 0, res.output
    git(tmp_repo, "add", "-A")
    git(tmp_repo, "commit", "-qm", "kit")
    return tmp_repo


def _stub(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, tool: str, script: str) -> None:
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir(exist_ok=True)
    (bin_dir / tool).write_text("#!/bin/sh\n" + script)
    (bin_dir / tool).chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}:/usr/bin:/bin")


def test_install_prints_domains_checks_agents_and_what_it_left_out(tmp_repo: Path, ck: CK) -> None:
    build_file_tree(tmp_repo, {**REPO, "vendor/x/y.go": "package y\n", "docs/extra.js": ""})
    res = ck("install", str(tmp_repo), "--dry-run")
    assert res.exit_code == 0, res.output
    out = res.output
    assert "domain backend: backend/**/*.go" in out
    assert "check go vet: `go vet ./...` in backend (backend/go.mod)" in out
    assert "check go test: `go test ./...` in backend/tools (backend/tools/go.mod)" in out
    assert "check lint: `npm run lint` in web" in out and "npm from web/package-lock.json" in out
    assert "agents: backend-developer" in out and "python-developer" in out.split("agents not installed:")[1]
    assert "vendor/: vendored or tool folder" in out
    assert "JS/TS files outside any package.json (1 .js)" in out
    assert "dry run: nothing was written" in out and not (tmp_repo / ".claude").exists()


def test_no_agents_for_a_language_the_repository_does_not_have(tmp_repo: Path, ck: CK) -> None:
    # issue 10: python-* agents were installed in a repository without Python.
    repo = _repo(tmp_repo, ck)
    agents = {p.stem for p in (repo / ".claude" / "agents").glob("*.md")}
    assert "backend-developer" in agents and "frontend-reviewer" in agents
    assert not {a for a in agents if a.startswith("python-")}
    assert "python-developer" not in (repo / "CLAUDE.md").read_text()
    assert "test-lead" in agents  # it serves every domain
    # The user adds the domain later: update installs its agents.
    cfg = repo / ".claude" / "claude-kit.yaml"
    cfg.write_text(
        cfg.read_text().replace("domains:\n", 'domains:\n  python:\n    paths: ["tools/**/*.py"]\n', 1)
    )
    res = ck("update", str(repo))
    assert res.exit_code == 0, res.output
    assert (repo / ".claude" / "agents" / "python-developer.md").is_file()


def test_checks_lists_each_check_with_its_folder_and_why(tmp_repo: Path, ck: CK) -> None:
    repo = _repo(tmp_repo, ck)
    res = ck("checks", "--target", str(repo))
    assert res.exit_code == 0, res.output
    assert "  go vet: `go vet ./...` in backend (300 s)\n      why: backend/go.mod" in res.output
    assert "frontend:\n  lint: `npm run lint` in web" in res.output
    rows = json.loads(ck("checks", "--target", str(repo), "--format", "json").output)
    assert {(r["domain"], r["name"], r["cwd"]) for r in rows} >= {("backend", "go test", "backend/tools")}


def test_checks_run_runs_only_the_checks_of_what_changed_and_fails_on_a_failure(
    tmp_repo: Path, tmp_path: Path, ck: CK, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = _repo(tmp_repo, ck)
    log = tmp_path / "go.log"
    _stub(
        tmp_path,
        monkeypatch,
        "go",
        f'pwd >> {log}\n[ "$1" = test ] && echo "FAIL: TestX" && exit 1\nexit 0\n',
    )
    assert "no checks to run" in ck("checks", "--target", str(repo), "run").output
    (repo / "backend/tools/gen.go").write_text("package main // changed\n")

    res = ck("checks", "--target", str(repo), "run")

    assert res.exit_code == 1, res.output
    assert "pass     backend: go vet (`go vet ./...` in backend/tools)" in res.output
    assert "FAIL     backend: go test (`go test ./...` in backend/tools)" in res.output
    assert "FAIL: TestX" in res.output and "2 check(s): 1 failed" in res.output
    assert log.read_text().splitlines() == [str(repo / "backend/tools")] * 2  # not backend/, not web/


def test_checks_run_reports_missing_dependencies_as_setup_not_failure(tmp_repo: Path, ck: CK) -> None:
    repo = _repo(tmp_repo, ck)  # web/ has no node_modules
    res = ck("checks", "--target", str(repo), "run", "--all", "--domain", "frontend")
    assert res.exit_code == 0, res.output
    assert "setup    frontend: lint (`npm run lint` in web)" in res.output
    assert "setup problem, not a code failure: run `npm install` in web" in res.output
    assert ck("checks", "--target", str(repo), "run", "--domain", "nope").exit_code != 0
