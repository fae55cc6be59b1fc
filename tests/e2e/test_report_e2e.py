"""`claude-kit report` on a real session: the main thread's edit is denied, it spawns the developer,
which makes the change; the report shows the spawn, the block and the tokens the transcripts record."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from claude_kit.fakeapi import call
from tests.e2e.kitrepo import BACKEND_CONFIG, LOOP_OFF, delegated_edit, install_kit, main_edit, run_ok

pytestmark = pytest.mark.e2e

MAIN_GO = "package main\n\nfunc main() {}\n"


def test_report_of_a_real_session_shows_its_spawn_and_its_block(
    tmp_repo: Path, isolated_home: Path, claude_bin: Path
) -> None:
    install_kit(tmp_repo, config=BACKEND_CONFIG + LOOP_OFF, files={"cmd/api/main.go": MAIN_GO})
    target = tmp_repo / "cmd/api/main.go"
    script = delegated_edit(target, call("Edit", main_edit(target)))
    result = run_ok(tmp_repo, isolated_home, claude_bin, script, prompt="change the api", timeout=90)
    assert target.read_text() == "package main\n\nfunc main() { run() }\n"
    out = tmp_repo / "out/report.html"

    # The user runs the report from their terminal: their HOME holds the session's transcripts.
    env = {**os.environ, "HOME": str(isolated_home)}
    run = subprocess.run(
        [sys.executable, "-m", "claude_kit", "report", str(tmp_repo), "--session", str(result.session_id)[:8],
         "-o", str(out)],
        capture_output=True, text=True, env=env, timeout=60, check=False,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr

    page = out.read_text()
    assert f"Session {result.session_id}" in page
    assert "backend-developer:" in page  # the spawned agent's row, by type and id
    assert "agent_first" in page and "cmd/api/main.go" in page  # the main thread's denied edit
    assert "Spawn it: Agent(subagent_type=&#34;backend-developer&#34;" in page  # its reason, escaped
    assert "no transcript" not in page and "session total" in page  # tokens from the transcripts
