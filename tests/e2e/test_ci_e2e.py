"""The session `claude-kit ci init`'s workflow runs, with the real runtime: the same flags (from the
workflow file), the kit's hooks active, and the structured result the workflow turns into the job's
verdict; the workflow's own steps (doctor, the log export, the report, the verdict) run as a runner
runs them."""

from __future__ import annotations

import json
import os
from pathlib import Path

import jsonschema
import pytest

from claude_kit import ci, ci_session, lifecycle
from claude_kit.fakeapi import Script, call
from claude_kit.session_runner import run_session
from tests.conftest import git
from tests.e2e.kitrepo import decisions, install_kit
from tests.installer.ciflow import run_step, session_args, steps

pytestmark = pytest.mark.e2e

MAIN = "cmd/api/main.go"


def test_the_workflows_headless_session_is_governed_and_yields_the_job_verdict(
    tmp_repo: Path, isolated_home: Path, claude_bin: Path, tmp_path: Path
) -> None:
    install_kit(tmp_repo, files={MAIN: "package main\n"})
    assert lifecycle.ci_init(tmp_repo) == 0
    git(tmp_repo, "add", "-A")
    git(tmp_repo, "commit", "-qm", "kit and workflow")  # the job checks out what is committed
    on_path = {"PATH": os.pathsep.join([str(claude_bin.parent), os.environ.get("PATH", "")])}
    doctor = run_step(tmp_repo, "Check the kit's wiring", on_path, tmp_path)
    assert doctor.returncode == 0, doctor.stdout

    result = {"verdict": "PASS", "summary": "Documented the API.", "files": ["README.md"]}
    script = Script(
        main=[
            call("Write", {"file_path": str(tmp_repo / MAIN), "content": "package api\n"}),
            call("Write", {"file_path": str(tmp_repo / "README.md"), "content": "# API\n"}),
            call("StructuredOutput", result),
        ]
    )
    args = session_args(tmp_repo)
    # No --dangerously-skip-permissions: the workflow's own permission mode lets the edit through.
    session = run_session(
        tmp_repo, "document the API", script, home=isolated_home, claude_bin=claude_bin,
        extra_args=args, skip_permissions=False,
    )  # fmt: skip
    assert session.returncode == 0, session.describe()
    final = session.last_result()
    assert final["subtype"] == "success", session.describe()
    # What the action reads into its `structured_output` output: the schema's shape, as scripted.
    assert final["structured_output"] == result
    jsonschema.validate(final["structured_output"], ci_session.result_schema())

    # The kit governed the session: the main thread's edit of a domain file was denied.
    assert (tmp_repo / MAIN).read_text() == "package main\n"
    assert (tmp_repo / "README.md").read_text() == "# API\n"
    [deny] = [r for r in decisions(tmp_repo, event="PreToolUse") if r["decision"] == "deny"]
    assert deny["hook"] == "agent_first" and deny["session_id"] == session.session_id

    exported = run_step(tmp_repo, "Export the decision log", {}, tmp_path)
    assert exported.returncode == 0, exported.stdout
    records = json.loads((tmp_repo / ci.LOG_EXPORT).read_text())
    assert any(r.get("hook") == "agent_first" and r.get("decision") == "deny" for r in records)
    reported = run_step(tmp_repo, "Write the session report", {}, tmp_path)
    assert reported.returncode == 0, reported.stdout
    page = (tmp_repo / ci.REPORT).read_text()
    assert session.session_id[:8] in page and "agent_first" in page
    # The artefact: the files the upload step lists are there (hidden ones too: the log is in .git/).
    upload = steps(tmp_repo)["Upload the decision log and report"]["with"]
    listed = [line for line in upload["path"].splitlines() if line and "${{" not in line]
    assert listed == [ci.LOG_FILE, ci.LOG_EXPORT, ci.REPORT] and upload["include-hidden-files"] is True
    assert all((tmp_repo / rel).is_file() for rel in listed)

    verdict = run_step(tmp_repo, "Verdict", {"RESULT": json.dumps(final["structured_output"])}, tmp_path)
    assert (verdict.returncode, verdict.outputs) == (0, {"verdict": "PASS"})
