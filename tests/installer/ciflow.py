"""The workflow `claude-kit ci init` writes, read the way GitHub Actions reads it: its steps by name,
the session step's `claude_args`, and a `run:` step executed with bash as a runner would."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any, NamedTuple

import pytest
import yaml

from claude_kit import ci


def steps(repo: Path) -> dict[str, dict[str, Any]]:
    """The session job's steps by name (an unnamed step by the action it uses)."""
    workflow = yaml.safe_load((repo / ci.WORKFLOW).read_text(encoding="utf-8"))
    return {step.get("name") or step["uses"]: step for step in workflow["jobs"]["session"]["steps"]}


def session_args(repo: Path) -> list[str]:
    """The flags the workflow hands the action as `claude_args`, split as the action splits them."""
    return shlex.split(steps(repo)["Governed session"]["with"]["claude_args"])


class StepRun(NamedTuple):
    returncode: int
    outputs: dict[str, str]  # what the step wrote to $GITHUB_OUTPUT
    summary: str  # what it wrote to $GITHUB_STEP_SUMMARY
    stdout: str


def run_step(repo: Path, name: str, env: dict[str, str], tmp: Path) -> StepRun:
    """Run the `run:` script of step `name` with bash in `repo`, with this interpreter's scripts
    (claude-kit) on PATH, as GitHub's runner does (its default shell: bash -eo pipefail)."""
    if shutil.which("jq") is None and not os.environ.get("CI"):
        pytest.skip("jq is not installed (GitHub's runners have it)")
    output, summary = tmp / "github_output", tmp / "step_summary"
    output.write_text(""), summary.write_text("")
    path = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
    done = subprocess.run(
        ["bash", "--noprofile", "--norc", "-eo", "pipefail", "-c", steps(repo)[name]["run"]],
        cwd=repo,
        env={
            **os.environ,
            **env,
            "PATH": path,
            "GITHUB_OUTPUT": str(output),
            "GITHUB_STEP_SUMMARY": str(summary),
        },
        capture_output=True,
        text=True,
        check=False,
    )
    pairs = (line.partition("=") for line in output.read_text().splitlines() if "=" in line)
    return StepRun(done.returncode, {k: v for k, _, v in pairs}, summary.read_text(), done.stdout)
