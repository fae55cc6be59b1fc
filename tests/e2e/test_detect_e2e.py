"""Checks detected from the repository's own manifests, in real Claude Code sessions (issue 10): a Go
module below the root is checked from its own folder, so a correct change there ends without a block,
and a missing tool is one setup note for the user, never a block."""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path

import pytest

from claude_kit.fakeapi import Script, Turn, agent_call, call, say
from claude_kit.session_runner import SessionResult, run_session
from tests.e2e.kitrepo import decisions, install_kit, verdict

pytestmark = pytest.mark.e2e

MONOREPO = {
    "backend/go.mod": "module example.com/backend\n\ngo 1.22\n",
    "backend/cmd/api/main.go": "package main\n\nfunc main() {}\n",
    "web/package.json": '{"name": "web", "scripts": {"test": "vitest run"}}',
    "web/src/app.tsx": "export {}\n",
    "README.md": "# monorepo\n",
}
# `go` as a stub: it records where it started and fails unless that folder is a Go module.
GO_STUB = """#!{python}
import os, sys
with open({log!r}, "a") as f:
    f.write(os.getcwd() + " " + " ".join(sys.argv[1:]) + "\\n")
if not os.path.isfile("go.mod"):
    print("go: go.mod file not found in current directory or any parent directory", file=sys.stderr)
    sys.exit(1)
"""


def spawn(marker: str, agent: str, task: str) -> Turn:
    return Turn([agent_call(marker, task, subagent_type=agent, background=False)])


def _session(repo: Path, home: Path, claude_bin: Path, env: dict[str, str]) -> SessionResult:
    hello = {
        "file_path": str(repo / "backend/cmd/api/hello.go"),
        "content": "package main\n\nfunc Hello() {}\n",
    }
    script = Script(
        main=[
            spawn("DEV", "backend-developer", "add Hello to backend/cmd/api"),
            spawn("REVIEW", "backend-reviewer", "review backend/cmd/api/hello.go"),
            spawn("TEST", "backend-tester", "test backend/cmd/api/hello.go"),
            say("Implemented, reviewed and tested."),
        ],
        agents={
            "DEV": [call("Write", hello), say("Added Hello.")],
            "REVIEW": [say(verdict("review", "PASS", "Hello is correct"))],
            "TEST": [say(verdict("testing", "PASS", "Hello covered"))],
        },
    )
    result = run_session(repo, "go", script, home=home, claude_bin=claude_bin, extra_env=env, timeout=180)
    assert result.returncode == 0, result.describe()
    assert result.last_result()["subtype"] == "success", result.describe()
    return result


def _user_notes(result: SessionResult) -> list[str]:
    return [
        str(e.get("content"))
        for e in result.events
        if e.get("type") == "system" and e.get("subtype") == "informational"
    ]


def _detected(repo: Path) -> list[dict[str, object]]:
    compiled = json.loads((repo / ".claude/hooks/claude-kit.json").read_text())
    checks: list[dict[str, object]] = compiled["domains"]["backend"]["checks"]
    return checks


def test_a_correct_change_in_a_go_module_below_the_root_ends_without_a_block(
    tmp_repo: Path, tmp_path: Path, isolated_home: Path, claude_bin: Path
) -> None:
    install_kit(tmp_repo, config=None, files=MONOREPO)  # domains and checks detected
    assert [(c["run"], c["cwd"]) for c in _detected(tmp_repo)] == [
        ("go vet ./...", "backend"),
        ("go test ./...", "backend"),
    ]
    log = tmp_path / "go.log"
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "go").write_text(GO_STUB.format(python=sys.executable, log=str(log)))
    (bin_dir / "go").chmod(0o755)

    result = _session(
        tmp_repo, isolated_home, claude_bin, {"PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}"}
    )

    backend = str((tmp_repo / "backend").resolve())
    assert log.read_text().splitlines() == [f"{backend} vet ./...", f"{backend} test ./..."]
    sid = result.session_id
    assert decisions(tmp_repo, session_id=sid, event="Stop", decision="block") == []
    passed = [d["reason"] for d in decisions(tmp_repo, session_id=sid, hook="quality_gate", decision="allow")]
    assert passed == ['check "go vet" for backend passed', 'check "go test" for backend passed']
    assert not any("quality gate" in note for note in _user_notes(result))


def test_a_missing_tool_is_one_setup_note_and_no_block(
    tmp_repo: Path, isolated_home: Path, claude_bin: Path
) -> None:
    if shutil.which("go"):
        pytest.skip("Go is installed here: this scenario needs it missing")
    install_kit(tmp_repo, config=None, files=MONOREPO)

    result = _session(tmp_repo, isolated_home, claude_bin, {})

    sid = result.session_id
    assert decisions(tmp_repo, session_id=sid, event="Stop", decision="block") == []
    notes = [n for n in _user_notes(result) if "could not run" in n]
    assert len(notes) == 1, notes  # go vet and go test miss the same tool: one note
    assert 'check "go vet" for backend could not run in backend/' in notes[0]
    assert (
        "a setup problem, not a code failure" in notes[0] and "install Go from https://go.dev/dl/" in notes[0]
    )
    warned = decisions(tmp_repo, session_id=sid, hook="quality_gate", decision="warn")
    assert len(warned) == 2  # both checks are in the decision log
