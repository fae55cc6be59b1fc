"""Edit enforcement in real Claude Code sessions: agent-first and coordinator mode (shell writes:
test_shell_writes_e2e.py).

Each scenario installs the kit, scripts the model through the fake Messages API and checks what the
runtime did with the hooks' answers: the file on disk, and what the model was shown next.
"""

from __future__ import annotations

from functools import partial
from pathlib import Path

import pytest

from claude_kit.fakeapi import Script, call, say
from tests.e2e.kitrepo import BACKEND_CONFIG, LOOP_OFF, decisions, delegated_edit, install_kit, run_ok

pytestmark = pytest.mark.e2e

MAIN_GO = "package main\n\nfunc main() {}\n"
# The Stop-time loop (review/test before ending) is another feature with its own scenarios; it is
# switched off here so that a changed backend file does not keep these sessions running.
CONFIG = BACKEND_CONFIG + LOOP_OFF
SPAWN = 'Agent(subagent_type="backend-developer", description="Edit cmd/api/main.go"'


def _setup(repo: Path, config: str = CONFIG) -> Path:
    install_kit(repo, config=config, files={"cmd/api/main.go": MAIN_GO})
    return repo / "cmd/api/main.go"


_run = partial(run_ok, prompt="change the api", timeout=90)


def test_main_thread_edit_and_write_of_backend_files_are_denied(
    tmp_repo: Path, isolated_home: Path, claude_bin: Path
) -> None:
    target = _setup(tmp_repo)
    new_file = tmp_repo / "internal/store/store.go"
    script = Script(
        main=[
            call("Read", {"file_path": str(target)}),
            call(
                "Edit",
                {"file_path": str(target), "old_string": "main() {}", "new_string": "main() { run() }"},
            ),
            call("Write", {"file_path": str(new_file), "content": "package store\n"}),
            say("I will delegate"),
        ]
    )

    result = _run(tmp_repo, isolated_home, claude_bin, script)

    assert target.read_text() == MAIN_GO
    assert not new_file.exists()
    after_edit = result.main_requests()[2].text()
    assert "PreToolUse:Edit hook error" in after_edit
    assert f'Spawn it: {SPAWN}, prompt="In cmd/api/main.go: <the change you intended' in after_edit
    after_write = result.main_requests()[3].text()
    assert (
        'Agent(subagent_type="backend-developer", description="Edit internal/store/store.go"' in after_write
    )
    denies = decisions(tmp_repo, hook="agent_first", decision="deny")
    assert [(d["tool"], d["file"]) for d in denies] == [
        ("Edit", "cmd/api/main.go"),
        ("Write", "internal/store/store.go"),
    ]
    assert {d["session_id"] for d in denies} == {result.session_id}


def test_the_same_edit_by_the_backend_developer_subagent_is_allowed(
    tmp_repo: Path, isolated_home: Path, claude_bin: Path
) -> None:
    target = _setup(tmp_repo)
    script = delegated_edit(target)

    result = _run(tmp_repo, isolated_home, claude_bin, script)

    assert target.read_text() == "package main\n\nfunc main() { run() }\n"
    assert result.tool_errors() == []
    [allowed] = decisions(tmp_repo, hook="agent_first", tool="Edit")
    assert allowed["decision"] == "allow" and allowed["agent_type"] == "backend-developer"
    assert allowed["agent_id"] and allowed["session_id"] == result.session_id


def test_without_a_developer_agent_the_main_thread_may_edit(
    tmp_repo: Path, isolated_home: Path, claude_bin: Path
) -> None:
    _setup(tmp_repo)
    (tmp_repo / ".claude/agents/backend-developer.md").unlink()
    new_file = tmp_repo / "cmd/api/routes.go"
    script = Script(
        main=[call("Write", {"file_path": str(new_file), "content": "package main\n"}), say("ok")]
    )

    result = _run(tmp_repo, isolated_home, claude_bin, script)

    assert new_file.read_text() == "package main\n"
    assert result.tool_errors() == []
    [rec] = decisions(tmp_repo, hook="agent_first", tool="Write")
    assert rec["reason"] == "no developer agent backend-developer for domain backend"


def test_the_main_thread_may_write_an_exempt_test_file(
    tmp_repo: Path, isolated_home: Path, claude_bin: Path
) -> None:
    _setup(tmp_repo)
    test_file = tmp_repo / "cmd/api/main_test.go"
    script = Script(
        main=[call("Write", {"file_path": str(test_file), "content": "package main\n"}), say("ok")]
    )

    result = _run(tmp_repo, isolated_home, claude_bin, script)

    assert test_file.read_text() == "package main\n"
    assert result.tool_errors() == []
    [rec] = decisions(tmp_repo, hook="agent_first", tool="Write")
    assert rec["reason"] == "exempt (tests)"


def test_coordinator_mode_denies_a_non_domain_file(
    tmp_repo: Path, isolated_home: Path, claude_bin: Path
) -> None:
    _setup(tmp_repo, CONFIG + "orchestration:\n  coordinator_mode: true\n")
    makefile = tmp_repo / "Makefile"
    plan = tmp_repo / ".claude/.output/plan.md"
    script = Script(
        main=[
            call("Write", {"file_path": str(makefile), "content": "all:\n"}),
            call("Write", {"file_path": str(plan), "content": "# plan\n"}),
            say("delegating"),
        ]
    )

    result = _run(tmp_repo, isolated_home, claude_bin, script)

    assert not makefile.exists()
    assert plan.read_text() == "# plan\n"
    after = result.main_requests()[1].text()
    assert "Coordinator mode is on" in after
    assert "it may write only under .claude/.output/, not Makefile" in after
    assert 'Agent(subagent_type="backend-developer", description="Edit Makefile"' in after
    [denied] = result.tool_errors()
    assert denied.tool == "Write"
