"""`claude-kit replay` on the transcripts the real runtime wrote: the main session's and a subagent's.

general-purpose is an editor of backend here: its write was allowed, the main thread's denied.
Replayed through the hooks that decided them, nothing differs (so the agent's call is replayed as the
agent's); with agent_first switched off, the main thread's write would now be allowed.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from claude_kit import lifecycle
from claude_kit.cli import cli
from claude_kit.fakeapi import Script, Turn, agent_call, call, say
from tests.e2e.kitrepo import BACKEND_CONFIG, LOOP_OFF, decisions, install_kit, run_ok

pytestmark = pytest.mark.e2e

FILES = {"cmd/api/main.go": "package main\n"}
CONFIG = BACKEND_CONFIG + "    editors: [general-purpose]\n" + LOOP_OFF


def test_replay_shows_where_the_current_rules_decide_differently(
    tmp_repo: Path, isolated_home: Path, claude_bin: Path
) -> None:
    install_kit(tmp_repo, CONFIG, files=FILES)
    main_go = str(tmp_repo / "cmd/api/main.go")
    script = Script(
        main=[
            call("Read", {"file_path": main_go}),
            call("Write", {"file_path": main_go, "content": "package api\n"}),
            Turn([agent_call("HELPER", "tidy cmd/api/main.go", background=False)]),
            say("The helper changed it. Done."),
        ],
        agents={"HELPER": [call("Write", {"file_path": main_go, "content": "package api\n"}), say("done")]},
    )
    result = run_ok(tmp_repo, isolated_home, claude_bin, script)
    [denied] = decisions(tmp_repo, hook="agent_first", decision="deny")
    assert denied["tool"] == "Write" and not denied.get("agent_id")
    assert (tmp_repo / "cmd/api/main.go").read_text() == "package api\n"
    transcript = result.transcript_path
    assert transcript is not None
    logged = len(decisions(tmp_repo))

    same = CliRunner().invoke(cli, ["replay", str(transcript), "--repo", str(tmp_repo)])

    assert same.exit_code == 0, same.output
    assert "Replayed 4 tool call(s) (1 subagent transcript(s))" in same.output
    assert "0 decision(s) differ" in same.output
    assert len(decisions(tmp_repo)) == logged  # the hooks ran in a copy: nothing logged here

    (tmp_repo / ".claude/claude-kit.yaml").write_text(
        CONFIG.replace("hooks:\n", "hooks:\n  agent_first: {enabled: false}\n"), encoding="utf-8"
    )
    assert lifecycle.sync(tmp_repo) == 0

    changed = CliRunner().invoke(cli, ["replay", str(transcript), "--repo", str(tmp_repo)])

    assert changed.exit_code == 1, changed.output
    assert "1 decision(s) differ" in changed.output
    _, head, then, now = changed.output.splitlines()
    assert head.startswith(f"{transcript.name}:") and ": main thread Write " in head
    assert then.startswith("    then: denied (claude-kit: cmd/api/main.go is a backend file")
    assert now == "    now:  allowed"
