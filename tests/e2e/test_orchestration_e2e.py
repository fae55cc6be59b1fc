"""MANIFEST.yaml end to end: the model drives `claude-kit feature` through Bash, the hooks enforce it.

While a feature is in progress the main thread is a coordinator (it delegates the domains' code; docs
and files outside every domain stay editable), and a new session is told where the work stands.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
import yaml

from claude_kit.fakeapi import Script, call, say
from tests.e2e.kitrepo import decisions, install_kit, run_ok

pytestmark = pytest.mark.e2e

KIT = f'"{sys.executable}" -m claude_kit'


def test_feature_state_drives_the_coordinator_gate_and_survives_sessions(
    tmp_repo: Path, isolated_home: Path, claude_bin: Path
) -> None:
    install_kit(tmp_repo, files={"cmd/api/main.go": "package main\n"})
    makefile = tmp_repo / "Makefile"
    test_file = tmp_repo / "cmd/api/main_test.go"
    script = Script(
        main=[
            call("Bash", {"command": f'{KIT} feature start "health check" --type small'}),
            call("Write", {"file_path": str(makefile), "content": "all:\n\tgo build ./...\n"}),
            call("Write", {"file_path": str(test_file), "content": "package main\n"}),
            call("Bash", {"command": f"{KIT} feature phase active setup --status complete"}),
            call("Bash", {"command": f"{KIT} feature phase active implementation --status in_progress "
                                     "--agent backend-developer"}),
            say("Planned; the developer takes it from here."),
        ]
    )  # fmt: skip

    first = run_ok(tmp_repo, isolated_home, claude_bin, script, prompt="add a health check")

    # The CLI wrote a schema-valid MANIFEST.yaml with the SMALL work type's skipped phases.
    [manifest_path] = (tmp_repo / ".git/claude-kit/features").glob("*-health-check/MANIFEST.yaml")
    manifest = yaml.safe_load(manifest_path.read_text())
    assert manifest["work_type"] == "small" and manifest["status"] == "in_progress"
    assert manifest["phases"]["brainstorming"]["status"] == "skipped"
    assert manifest["phases"]["implementation"]["status"] == "in_progress"
    assert manifest["phases"]["implementation"]["agent"] == "backend-developer"
    active = json.loads((tmp_repo / ".git/claude-kit/features/active.json").read_text())
    assert active["name"] == "health check" and active["current_phase"] == "implementation"

    # With the feature in progress the main thread delegates the domain's code, tests included; a
    # file outside every domain (and documentation) stays its own to edit.
    assert makefile.is_file() and not test_file.exists()
    [error] = [e for e in first.tool_errors() if e.tool == "Write"]
    assert "health check" in error.text and "cmd/api/main_test.go" in error.text
    [denied] = decisions(tmp_repo, hook="coordinator_no_edit", decision="deny")
    assert denied["session_id"] == first.session_id and denied["file"] == "cmd/api/main_test.go"

    # A new session starts knowing the feature and its phase.
    second = run_ok(
        tmp_repo, isolated_home, claude_bin, Script(main=[say("resuming")]), prompt="add a health check"
    )
    brief = second.main_requests()[0].text()
    assert "health check" in brief and "implementation" in brief
    assert "claude-kit feature resume" in brief
