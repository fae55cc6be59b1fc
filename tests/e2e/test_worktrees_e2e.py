"""Two real sessions in two git worktrees of one repository, at once (issue 14): the kit's locks and
decision log are the repository's, in the git common dir, so a lock taken in one checkout is honoured
in the other and `claude-kit log` shows both sessions' decisions."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from claude_kit.fakeapi import Script, Turn, agent_call, call, from_context, say
from claude_kit.session_runner import SessionResult
from tests.conftest import git
from tests.e2e.kitrepo import BACKEND_CONFIG, LOOP_OFF, decisions, install_kit, run_ok

pytestmark = pytest.mark.e2e

FILES = {"cmd/api/main.go": "package main\n\nfunc main() {}\n"}
TARGET = "cmd/api/main.go"


def kit_cli(args: str) -> str:
    return f'"{sys.executable}" -m claude_kit {args}'


def kit(cwd: Path, *args: str) -> str:
    """The CLI as the user runs it in a checkout; PATH without a `claude` (the runtime is not asked)."""
    path = os.pathsep.join(
        d
        for d in os.environ.get("PATH", "").split(os.pathsep)
        if not os.path.exists(os.path.join(d, "claude"))
    )
    run = subprocess.run(
        [sys.executable, "-m", "claude_kit", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env={**os.environ, "PATH": path},
        check=False,
    )
    assert run.returncode == 0, run.stderr
    return run.stdout


def wait_for(test: str) -> str:
    """A bounded shell wait (60 s) until `test` holds: the two sessions meet on files, never on time."""
    return f"for i in $(seq 1 240); do {test} && break; sleep 0.25; done"


def developer(marker: str, task: str) -> Turn:
    return Turn([agent_call(marker, task, subagent_type="backend-developer", background=False)])


def write_go(checkout: Path, body: str) -> Turn:
    return call("Write", {"file_path": str(checkout / TARGET), "content": f"package main\n\n{body}\n"})


def test_a_lock_taken_in_one_worktree_is_honoured_in_another_and_one_log_holds_both(
    tmp_repo: Path, tmp_path: Path, isolated_home: Path, claude_bin: Path
) -> None:
    install_kit(tmp_repo, config=BACKEND_CONFIG + LOOP_OFF, files=FILES)
    git(tmp_repo, "add", "-A")
    git(tmp_repo, "commit", "-q", "-m", "kit")
    other = tmp_path / "other"
    git(tmp_repo, "worktree", "add", "-q", "-b", "other", str(other))
    locks = tmp_repo / ".git/claude-kit/locks/locks.json"  # where both checkouts' hooks look
    b_saw_it = tmp_path / "b-saw-the-lock"

    own_id = from_context(r"Your agent id is `([0-9a-z]+)`")
    first = Script(
        main=[developer("FIRST", f"change {TARGET}"), say("First change done.")],
        agents={
            "FIRST": [
                call("Bash", {"command": kit_cli(f"lock acquire {TARGET} --agent {own_id}")}),
                call("Bash", {"command": wait_for(f"[ -e '{b_saw_it}' ]")}),
                write_go(tmp_repo, "func main() {}\n\nfunc First() {}"),
                say("First change done."),
            ]
        },
    )
    second = Script(
        main=[developer("SECOND", f"also change {TARGET}"), say("The second developer reported back.")],
        agents={
            "SECOND": [
                call("Bash", {"command": wait_for(f"grep -q '{TARGET}' '{locks}'")}),
                write_go(other, "func main() {}\n\nfunc Second() {}"),
                call("Bash", {"command": f"touch '{b_saw_it}'"}),
                say(f"{TARGET} is locked by another agent; I need it."),
            ]
        },
    )

    def session(checkout: Path, script: Script, home: Path) -> SessionResult:
        return run_ok(checkout, home, claude_bin, script, timeout=180)

    with ThreadPoolExecutor(max_workers=2) as pool:  # both claude processes run at the same time
        a = pool.submit(session, tmp_repo, first, isolated_home)
        b = pool.submit(session, other, second, tmp_path / "home-b")
        result_a, result_b = a.result(), b.result()

    second_saw = "\n".join(r.text() for r in result_b.subagent_requests("SECOND"))
    found = re.search(rf"{re.escape(TARGET)} is locked by ([0-9a-z]+) until", second_saw)
    assert found, result_b.describe()
    assert "First()" in (tmp_repo / TARGET).read_text(), result_a.describe()
    assert "Second()" not in (other / TARGET).read_text(), result_b.describe()  # the deny held
    [denied] = decisions(tmp_repo, hook="file_locks", decision="deny")
    assert denied["holder"] == found.group(1) and denied["session_id"] == result_b.session_id
    [released] = [d for d in decisions(tmp_repo, hook="file_locks") if "finished: released" in d["reason"]]
    assert released["session_id"] == result_a.session_id
    assert json.loads(locks.read_text()) == {}

    # One log for the repository, whichever checkout asks.
    sessions = {r["session_id"] for r in json.loads(kit(other, "log", "--limit", "0", "--format", "json"))}
    assert {result_a.session_id, result_b.session_id} <= sessions
    assert not (other / ".claude/.claude-kit/local/log").exists()

    # `claude-kit status --sessions` from either checkout lists both sessions, each in its checkout.
    listed = json.loads(kit(tmp_repo, "status", "--sessions", "--format", "json"))
    assert listed == json.loads(kit(other, "status", "--sessions", "--format", "json"))
    by_id = {s["session_id"]: s for s in listed["sessions"]}
    assert Path(by_id[result_a.session_id]["checkout"]).resolve() == tmp_repo.resolve()
    assert Path(by_id[result_b.session_id]["checkout"]).resolve() == other.resolve()
    for result in (result_a, result_b):
        [agent] = by_id[result.session_id]["agents"]
        assert agent["agent_type"] == "backend-developer" and agent["stopped"], listed
        assert by_id[result.session_id]["active"]
