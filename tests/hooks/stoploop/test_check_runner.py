"""One check run in its folder, and a setup problem told apart from a failure of the code."""

from __future__ import annotations

from pathlib import Path

import pytest

from claude_kit_hooks.contract.records import Check
from claude_kit_hooks.stoploop import check_runner


def check(run: str, cwd: str = ".") -> Check:
    return {"name": "c", "run": run, "timeout": 60, "cwd": cwd}


def test_a_check_runs_in_its_folder(tmp_path: Path) -> None:
    (tmp_path / "backend").mkdir()
    res = check_runner.run_check(str(tmp_path), check("pwd", "backend"))
    assert res["status"] == "ok" and res["tail"] == str((tmp_path / "backend").resolve())


@pytest.mark.parametrize("cwd", ["nope", "../outside"])
def test_a_folder_that_is_missing_or_outside_the_project_is_a_setup_problem(tmp_path: Path, cwd: str) -> None:
    (tmp_path / "repo").mkdir()
    res = check_runner.run_check(str(tmp_path / "repo"), check("true", cwd))
    assert res["status"] == "missing" and "fix the check's cwd" in res["fix"]


@pytest.mark.parametrize(
    ("run", "fix"),
    [
        ("exit 127", "install `exit` (it is not on PATH)"),
        ("go-missing-zz vet ./...", "install `go-missing-zz` (it is not on PATH)"),
        ("echo 'bash: go: command not found'; exit 1", "install Go from https://go.dev/dl/"),
        ("echo 'sh: 1: pnpm: not found' >&2; exit 1", "`corepack enable pnpm` (or `npm install -g pnpm`)"),
        ("echo '/usr/bin/python3: No module named pytest'; exit 1", "run `python3 -m pip install pytest`"),
        (
            "echo \"ModuleNotFoundError: No module named 'httpx'\"; exit 2",
            "run `python3 -m pip install httpx`",
        ),
    ],
)
def test_a_missing_tool_or_module_is_a_setup_problem_with_its_fix(tmp_path: Path, run: str, fix: str) -> None:
    res = check_runner.run_check(str(tmp_path), check(run))
    assert res["status"] == "missing", res
    assert res["fix"].startswith(fix), res["fix"]


def test_uv_projects_are_told_to_sync(tmp_path: Path) -> None:
    fix = check_runner.setup_fix(
        str(tmp_path), str(tmp_path), "uv run pytest -q", 1, "No module named pytest"
    )
    assert fix is not None and fix.startswith("run `uv sync` in .")


def test_the_projects_own_module_missing_is_a_code_failure(tmp_path: Path) -> None:
    (tmp_path / "app").mkdir()
    res = check_runner.run_check(
        str(tmp_path), check("echo \"ModuleNotFoundError: No module named 'app.nope'\"; exit 2")
    )
    assert res["status"] == "fail"


def test_a_node_script_without_node_modules_is_a_setup_problem_and_does_not_run(tmp_path: Path) -> None:
    (tmp_path / "web").mkdir()
    res = check_runner.run_check(str(tmp_path), check("pnpm run lint", "web"))
    assert res["status"] == "missing" and res["fix"] == "run `pnpm install` in web"
    (tmp_path / "node_modules").mkdir()  # hoisted to the workspace root: installed
    res = check_runner.run_check(str(tmp_path), check("pnpm run lint", "web"))
    assert res["fix"] != "run `pnpm install` in web"  # it ran (pnpm itself may be missing here)


def test_an_ordinary_failure_is_a_failure(tmp_path: Path) -> None:
    res = check_runner.run_check(str(tmp_path), check("echo 'FAIL: TestX (0.00s)'; exit 1"))
    assert res == {"status": "fail", "code": 1, "tail": "FAIL: TestX (0.00s)", "fix": ""}
