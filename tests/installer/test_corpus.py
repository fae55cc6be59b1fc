"""Real repositories' layouts (tests/corpus.py): install detects their domains and checks from their
own manifests, and `claude-kit checks run --all` starts every check where it belongs (stub tools that
fail when started in the wrong place)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from claude_kit import checks, config, detect, lifecycle
from claude_kit.detect_checks import script_kind
from claude_kit_hooks.contract.layout import AGENTS_DIR
from tests import corpus

LANGUAGE_OF = {
    "go": "backend",
    "py": "python",
    "ts": "frontend",
    "tsx": "frontend",
    "js": "frontend",
    "jsx": "frontend",
}
KIT_DOMAINS = ("backend", "frontend", "python")


def _installed(name: str, tmp_path: Path) -> Path:
    repo = corpus.materialize(name, tmp_path / "repo")
    assert lifecycle.install(repo, show_next=False) == 0
    return repo


@pytest.mark.parametrize("name", corpus.NAMES)
def test_install_detects_each_module_package_and_project_with_a_check_where_it_lives(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    facts = corpus.facts(name)
    repo = _installed(name, tmp_path)
    printed = capsys.readouterr().out
    cfg = config.load(repo)
    compiled = config.compile_config(cfg, config.load_text(repo).encode())
    domains = set(compiled["domains"])
    present = {LANGUAGE_OF[ext] for ext in facts["languages"] if ext in LANGUAGE_OF}
    kinds = (("backend", "go_modules"), ("frontend", "node_packages"), ("python", "python_projects"))
    with_manifests = {d for d, key in kinds if facts[key]}
    assert with_manifests <= domains <= present, (domains, present)
    # Only the agents of the kinds of code the repository has are installed.
    for d in KIT_DOMAINS:
        assert (repo / AGENTS_DIR / f"{d}-developer.md").is_file() == (d in domains), d
    runs = {(d, c["cwd"], c["run"]) for d, dom in compiled["domains"].items() for c in dom["checks"]}
    found = detect.detect(repo)
    left_out = {item.what: item.why for item in found.left_out}
    for module in facts["go_modules"]:
        if "/fixtures/" in f"/{module}/":
            assert f"{module}/go.mod" in left_out  # test data, not a module to build
            continue
        assert {("backend", module, "go vet ./..."), ("backend", module, "go test ./...")} <= runs, module
    for pkg in facts["node_packages"]:
        kinds = {s for s in pkg["scripts"] if script_kind(s) in ("lint", "test")}
        if not kinds:
            continue
        here = {r for d, cwd, r in runs if d == "frontend" and cwd == pkg["dir"]}
        where = "package.json" if pkg["dir"] == "." else f"{pkg['dir']}/package.json"
        passed_over = [left_out.get(f'{where} script "{s}"', "") for s in kinds]
        assert here or all(("members" in why or "end-to-end" in why) for why in passed_over), (pkg, runs)
    for project in facts["python_projects"]:
        if project["has_tests"]:
            assert any(d == "python" and checks_under(cwd, project["dir"]) for d, cwd, _ in runs), project
    # install said what it found: every domain with its globs, every check's folder.
    for d, dom in compiled["domains"].items():
        assert f"domain {d}: {', '.join(dom['paths'])}" in printed
    assert "Left out:" in printed or not found.left_out


def checks_under(cwd: str, project: str) -> bool:
    return project == "." or cwd == project or cwd.startswith(project + "/")


@pytest.mark.parametrize("name", corpus.NAMES)
def test_checks_run_all_starts_every_check_where_its_manifest_is(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    repo = _installed(name, tmp_path)
    log = tmp_path / "stub.log"
    for key, value in corpus.stub_tools(tmp_path / "bin", repo, log).items():
        monkeypatch.setenv(key, value)
    cfg = config.load(repo)
    compiled = config.compile_config(cfg, config.load_text(repo).encode())
    all_checks = [c for dom in compiled["domains"].values() for c in dom["checks"]]
    for c in all_checks:  # the packages' dependencies are installed
        if c["run"].split()[0] in ("npm", "pnpm", "yarn", "bun"):
            (repo / c["cwd"] / "node_modules").mkdir(exist_ok=True)
    capsys.readouterr()

    code = checks.run_checks(repo, run_all=True)

    out = capsys.readouterr().out
    assert code == 0, out
    assert f"{len(all_checks)} check(s): 0 failed" in out and "setup" not in out, out
    started = {(tool, cwd, " ".join(args)) for tool, cwd, args in corpus.stub_calls(log)}
    for c in all_checks:
        tool, *args = c["run"].split()
        assert (tool, c["cwd"], " ".join(args)) in started, (c, started)
    assert len(corpus.stub_calls(log)) == len(all_checks)
    assert os.environ["STUB_LOG"] == str(log)
