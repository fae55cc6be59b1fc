"""Who may change which files, in real Claude Code sessions: exemptions anchored so that code stays
code, edits by agents other than the domain's developer, every way to start an agent, worktrees.

Each scenario installs the kit, scripts the model through the fake Messages API and checks what the
runtime did with the hooks' answers: the files on disk, what the model was shown next, and what the
hooks recorded.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path

import pytest

from claude_kit.fakeapi import Script, call, say
from tests.e2e.kitrepo import BACKEND_CONFIG, LOOP_OFF, decisions, install_kit, run_ok

pytestmark = pytest.mark.e2e

MAIN_GO = "package main\n\nfunc main() {}\n"
CONFIG = BACKEND_CONFIG + LOOP_OFF
_run = partial(run_ok, prompt="change the api", timeout=90)


def test_code_in_folders_named_docs_or_spec_is_a_domain_file(
    tmp_repo: Path, isolated_home: Path, claude_bin: Path
) -> None:
    install_kit(tmp_repo, config=CONFIG, files={"cmd/api/main.go": MAIN_GO})
    swag = tmp_repo / "backend/docs/docs.go"  # what `swag init` generates: compiled into the server
    spec = tmp_repo / "internal/spec/spec.go"
    guide = tmp_repo / "backend/docs/guide.md"
    script = Script(
        main=[
            call("Write", {"file_path": str(swag), "content": "package docs\n"}),
            call("Write", {"file_path": str(spec), "content": "package spec\n"}),
            call("Write", {"file_path": str(guide), "content": "# guide\n"}),
            say("I will delegate the code"),
        ]
    )

    result = _run(tmp_repo, isolated_home, claude_bin, script)

    assert not swag.exists() and not spec.exists()
    assert guide.read_text() == "# guide\n"
    assert "backend/docs/docs.go is a backend file" in result.main_requests()[1].text()
    assert "internal/spec/spec.go is a backend file" in result.main_requests()[2].text()
    records = decisions(tmp_repo, hook="agent_first", tool="Write")
    assert [(r["file"], r["decision"]) for r in records] == [
        ("backend/docs/docs.go", "deny"),
        ("internal/spec/spec.go", "deny"),
        ("backend/docs/guide.md", "allow"),
    ]
    assert records[2]["reason"] == "exempt (docs)"
