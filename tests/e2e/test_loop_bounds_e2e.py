"""The Stop loop's bounds in real Claude Code sessions (scripted model): issue 9's points 7 to 10.

Locks belong to one agent instance: a second agent of the same type can neither edit a file the first
holds nor release its lock. A check that outlives the Stop hook's own timeout blocks with a message
naming it (the runtime would otherwise kill the gate and let the stop through).
"""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest

from claude_kit.fakeapi import Script, Turn, agent_call, call, from_context, say
from claude_kit.session_runner import SessionResult
from tests.e2e.kitrepo import BACKEND_CONFIG, LOOP_OFF, decisions, install_kit, run_ok, verdict

pytestmark = pytest.mark.e2e

FILES = {"cmd/api/main.go": "package main\n\nfunc main() {}\n"}
FEEDBACK_OFF = "hooks:\n  feedback_loop: {enabled: false}\n"
# A missing service: the check fails the same way whatever the model changes ($$ differs per run).
REFUSED = "sh -c 'echo \"FAIL TestOrders (pid $$): dial tcp 127.0.0.1:5432: connection refused\"; exit 1'"


def write_go(repo: Path, name: str, body: str = "func Hello() {}") -> Turn:
    return call("Write", {"file_path": str(repo / "cmd/api" / name), "content": f"package main\n\n{body}\n"})


def spawn(marker: str, agent: str, task: str) -> Turn:
    return Turn([agent_call(marker, task, subagent_type=agent, background=False)])


def main_texts(result: SessionResult) -> list[str]:
    return [r.text() for r in result.main_requests()]


def user_notes(result: SessionResult) -> str:
    """What the hooks told the USER (systemMessage) during the session."""
    return "\n".join(
        str(e.get("content"))
        for e in result.events
        if e.get("type") == "system" and e.get("subtype") == "informational"
    )


def set_stop_timeout(repo: Path, seconds: int) -> None:
    """What a user may do: give the kit's Stop handler another timeout in .claude/settings.json."""
    path = repo / ".claude/settings.json"
    settings = json.loads(path.read_text())
    [group] = settings["hooks"]["Stop"]
    [handler] = group["hooks"]
    handler["timeout"] = seconds
    path.write_text(json.dumps(settings, indent=2) + "\n")


def test_a_check_longer_than_the_stop_hooks_timeout_blocks_naming_it(
    tmp_repo: Path, isolated_home: Path, claude_bin: Path
) -> None:
    config = BACKEND_CONFIG + (
        "    checks:\n"
        "      - {name: go test, run: \"sh -c 'if [ -f hang.flag ]; then sleep 120; fi'\", timeout: 300}\n"
    )
    install_kit(tmp_repo, config=config + FEEDBACK_OFF, files={**FILES, "hang.flag": ""})
    set_stop_timeout(tmp_repo, 12)
    script = Script(
        main=[
            spawn("DEV", "backend-developer", "add Hello"),
            say("Implemented."),
            call("Bash", {"command": "rm hang.flag"}),
            say("Removed the hang."),
        ],
        agents={"DEV": [write_go(tmp_repo, "hello.go"), say("Added Hello.")]},
    )

    result = run_ok(tmp_repo, isolated_home, claude_bin, script, timeout=180)

    texts = main_texts(result)
    assert len(texts) == 4, result.describe()
    cut = re.search(r'check "go test" for backend timed out after ([0-9]+) s and was killed', texts[2])
    assert cut and 5 <= int(cut.group(1)) <= 9, texts[2][-1500:]
    assert "its own timeout is 300 s, but the Stop hook has 12 s in all (.claude/settings.json)" in texts[2]
    assert (
        "Find what it waits for or loops on and fix it (domain code: delegate to backend-developer)"
        in (texts[2])
    )
    notes = user_notes(result)
    assert "Raise the timeout of the kit's Stop handler in .claude/settings.json" in notes
    [block] = decisions(tmp_repo, event="Stop", decision="block")
    assert block["hook"] == "quality_gate"


def kit_cli(args: str) -> str:
    return f'"{sys.executable}" -m claude_kit {args}'


def test_a_lock_belongs_to_the_agent_instance_not_its_type(
    tmp_repo: Path, isolated_home: Path, claude_bin: Path
) -> None:
    install_kit(tmp_repo, config=BACKEND_CONFIG + LOOP_OFF, files=FILES)
    own_id = from_context(r"Your agent id is `([0-9a-z]+)`")
    holder_id = from_context(r"cmd/api/main\.go  ([0-9a-z]+)  until")
    script = Script(
        main=[
            Turn(
                [
                    agent_call(
                        "FIRST", "change cmd/api/main.go", subagent_type="backend-developer", background=True
                    )
                ]
            ),  # fmt: skip
            spawn("SECOND", "backend-developer", "also change cmd/api/main.go"),
            say("Both developers ran."),
            say("The first developer finished."),
        ],
        agents={
            "FIRST": [
                call("Bash", {"command": kit_cli(f"lock acquire cmd/api/main.go --agent {own_id}")}),
                call("Bash", {"command": "sleep 12"}),
                write_go(tmp_repo, "main.go", "func main() {}\n\nfunc First() {}"),
                say("First change done."),
            ],
            "SECOND": [
                call("Bash", {"command": "sleep 4 && " + kit_cli("lock list")}),
                call("Bash", {"command": kit_cli(f"lock release cmd/api/main.go --agent {holder_id}")}),
                write_go(tmp_repo, "main.go", "func main() {}\n\nfunc Second() {}"),
                say("cmd/api/main.go is locked by the other developer; I need it."),
            ],
        },
    )

    result = run_ok(tmp_repo, isolated_home, claude_bin, script, timeout=180)

    second = "\n".join(r.text() for r in result.subagent_requests("SECOND"))
    first_id = re.search(r"cmd/api/main\.go  ([0-9a-z]+)  until", second)
    assert first_id, result.describe()
    holder = first_id.group(1)
    assert f"`--agent {holder}` is not you: you are agent " in second
    assert "Release only your own locks: `claude-kit lock release <file>... --agent " in second
    assert f"cmd/api/main.go is locked by {holder} until" in second
    main_go = (tmp_repo / "cmd/api/main.go").read_text()
    assert "First()" in main_go and "Second()" not in main_go, result.describe()
    [denied] = decisions(tmp_repo, hook="lock_commands", decision="deny")
    assert denied["claimed"] == holder and denied["caller"] != holder
    allowed = decisions(tmp_repo, hook="file_locks", decision="allow")
    [released] = [d for d in allowed if "finished: released" in d["reason"]]
    assert holder in released["reason"]
    locks = json.loads((tmp_repo / ".git/claude-kit/locks/locks.json").read_text())
    assert locks == {}


def test_a_review_fail_stands_until_the_code_changes_and_a_testers_code_change_reopens_review(
    tmp_repo: Path, isolated_home: Path, claude_bin: Path
) -> None:
    # By default a tester may not edit production code at all (agent-first); a team that lets it
    # names it an editor of the domain, and then its change reopens the review it came after.
    install_kit(tmp_repo, config=BACKEND_CONFIG + '    editors: ["backend-tester"]\n', files=FILES)
    issue = [{"file": "cmd/api/hello.go", "line": 3, "problem": "Hello ignores its error"}]
    script = Script(
        main=[
            spawn("DEV", "backend-developer", "add Hello"),
            say("Implemented."),
            spawn("REVA", "backend-reviewer", "review Hello"),
            say("The review failed."),
            spawn("REVB", "backend-reviewer", "review Hello again"),  # asking another reviewer
            say("A second reviewer passed it."),
            spawn("FIX", "backend-developer", "fix the error handling"),
            say("Fixed."),
            spawn("REVC", "backend-reviewer", "review the fix"),
            say("Reviewed."),
            spawn("TEST", "backend-tester", "test Hello"),
            say("Tested."),
            spawn("REVD", "backend-reviewer", "review the tester's change"),
            say("All verified."),
        ],
        agents={
            "DEV": [write_go(tmp_repo, "hello.go"), say("Added Hello.")],
            "REVA": [say(verdict("review", "FAIL", "error ignored", issue))],
            "REVB": [say(verdict("review", "PASS", "looks fine"))],
            "FIX": [write_go(tmp_repo, "hello.go", "func Hello() error { return nil }"), say("Fixed.")],
            "REVC": [say(verdict("review", "PASS", "error handled"))],
            # The tester changes production code (not only tests) and passes.
            "TEST": [
                write_go(tmp_repo, "hello_test.go", "func TestHello() {}"),
                write_go(tmp_repo, "hello.go", "func Hello() error { return nil } // tweaked"),
                say(verdict("testing", "PASS", "green")),
            ],
            "REVD": [say(verdict("review", "PASS", "tweak is fine"))],
        },
    )

    result = run_ok(tmp_repo, isolated_home, claude_bin, script, timeout=240)

    texts = main_texts(result)
    assert len(texts) == 14, result.describe()
    after_shopping = texts[6]
    assert (
        "The last backend-reviewer verdict is FAIL: cmd/api/hello.go:3 Hello ignores its error"
        in after_shopping
    )
    assert "The later backend-reviewer PASS did not clear it: no backend code changed after the FAIL" in (
        after_shopping
    )
    assert 'Next: call the Agent tool with subagent_type "backend-developer"' in after_shopping
    assert 'subagent_type "backend-tester"' in texts[10]
    assert 'Next: call the Agent tool with subagent_type "backend-reviewer"' in texts[12]  # reopened
    sid = result.session_id
    reasons = [d["reason"] for d in decisions(tmp_repo, session_id=sid, hook="verdicts")]
    [ignored] = [r for r in reasons if " ignored: the FAIL by" in r]
    assert ignored.startswith("backend-reviewer -> backend review PASS via SubagentStop ignored")
    blocks = decisions(tmp_repo, session_id=sid, event="Stop", decision="block")
    assert [b["hook"] for b in blocks] == ["feedback_loop"] * 6


def test_a_check_that_cannot_pass_escalates_and_is_only_reported_in_the_next_session(
    tmp_repo: Path, isolated_home: Path, claude_bin: Path
) -> None:
    config = BACKEND_CONFIG + f"    checks:\n      - {{name: go test, run: {json.dumps(REFUSED)}}}\n"
    install_kit(tmp_repo, config=config + FEEDBACK_OFF, files=FILES)
    first = Script(
        main=[
            spawn("DEV", "backend-developer", "add Hello"),
            say("Implemented."),
            spawn("FIXA", "backend-developer", "fix the failing test"),
            say("Fixed the test, I think."),
            spawn("FIXB", "backend-developer", "fix the failing test again"),
            say("Tried another fix."),
            say("unreachable: the kit must have handed the failure to the user"),
        ],
        agents={
            "DEV": [write_go(tmp_repo, "hello.go"), say("Added Hello.")],
            "FIXA": [write_go(tmp_repo, "hello.go", "func Hello() {} // a"), say("Changed it.")],
            "FIXB": [write_go(tmp_repo, "hello.go", "func Hello() {} // b"), say("Changed it again.")],
        },
    )

    result = run_ok(tmp_repo, isolated_home, claude_bin, first, timeout=180)

    texts = main_texts(result)
    assert len(texts) == 6, result.describe()
    assert 'check "go test" for backend failed (exit 1)' in texts[2] and "connection refused" in texts[4]
    sid = result.session_id
    assert [b["hook"] for b in decisions(tmp_repo, session_id=sid, event="Stop", decision="block")] == [
        "quality_gate"
    ] * 2
    [esc] = decisions(tmp_repo, session_id=sid, decision="escalate")
    assert esc["hook"] == "quality_gate"
    assert "failed the same way at 3 stops in a row (limits.max_same_check_failures = 3)" in user_notes(
        result
    )

    # The next session starts with the failure already there: reported, not blocking.
    second = Script(
        main=[
            spawn("DEV", "backend-developer", "add Bye"),
            say("Implemented Bye."),
            say("unreachable: a failure from before the session does not block"),
        ],
        agents={"DEV": [write_go(tmp_repo, "bye.go", "func Bye() {}"), say("Added Bye.")]},
    )

    result = run_ok(tmp_repo, isolated_home, claude_bin, second, timeout=180)

    assert len(main_texts(result)) == 2, result.describe()
    notes = user_notes(result)
    assert 'check "go test" for backend failed (exit 1), the same way as before this session changed' in notes
    assert "so it is reported, not blocking" in notes and "connection refused" in notes
    assert not decisions(tmp_repo, session_id=result.session_id, event="Stop", decision="block")


def test_a_check_failing_at_the_sessions_starting_commit_is_reported_from_the_first_stop(
    tmp_repo: Path, isolated_home: Path, claude_bin: Path
) -> None:
    # The same missing service, in a repository the kit has never seen fail: the check runs once more
    # on a copy of the commit the session started from, fails there the same way, so it was not this
    # session's change.
    with_history(tmp_repo, REFUSED)
    script = Script(
        main=[
            spawn("DEV", "backend-developer", "add Hello"),
            say("Implemented."),
            say("unreachable: a failure the session did not cause does not block"),
        ],
        agents={"DEV": [write_go(tmp_repo, "hello.go"), say("Added Hello.")]},
    )

    result = run_ok(tmp_repo, isolated_home, claude_bin, script, timeout=180)

    assert len(main_texts(result)) == 2, result.describe()
    notes = user_notes(result)
    assert 'check "go test" for backend failed (exit 1), the same way on the commit this session' in notes
    assert "reported, not blocking" in notes and "connection refused" in notes
    assert not decisions(tmp_repo, session_id=result.session_id, event="Stop", decision="block")


def test_a_check_the_session_broke_still_blocks_with_a_starting_commit(
    tmp_repo: Path, isolated_home: Path, claude_bin: Path
) -> None:
    # Passes on the starting commit, fails once hello.go exists: the session's change, so it blocks.
    with_history(tmp_repo, "sh -c 'test ! -f cmd/api/hello.go || { echo FAIL TestHello: got 3; exit 1; }'")
    script = Script(
        main=[
            spawn("DEV", "backend-developer", "add Hello"),
            say("Implemented."),
            say("The test fails; handing back."),
            say("Still failing; handing back."),
        ],
        agents={"DEV": [write_go(tmp_repo, "hello.go"), say("Added Hello.")]},
    )

    result = run_ok(tmp_repo, isolated_home, claude_bin, script, timeout=180)

    texts = main_texts(result)
    assert len(texts) == 4, result.describe()
    assert 'check "go test" for backend failed (exit 1)' in texts[2] and "FAIL TestHello" in texts[2]
    sid = result.session_id
    blocks = decisions(tmp_repo, session_id=sid, event="Stop", decision="block")
    assert [b["hook"] for b in blocks] == ["quality_gate"] * 2
    [esc] = decisions(tmp_repo, session_id=sid, decision="escalate")  # bounded: handed to the user
    assert esc["hook"] == "quality_gate"


def with_history(repo: Path, check: str) -> None:
    """The kit with one backend check, all committed: the session's baseline has a commit to copy."""
    import subprocess

    config = BACKEND_CONFIG + f"    checks:\n      - {{name: go test, run: {json.dumps(check)}}}\n"
    install_kit(repo, config=config + FEEDBACK_OFF, files=FILES)
    subprocess.run(["git", "add", "-A"], cwd=repo, check=True)
    subprocess.run(["git", "commit", "-qm", "start"], cwd=repo, check=True)


def test_stopping_again_without_working_is_not_escalated_as_stuck(
    tmp_repo: Path, isolated_home: Path, claude_bin: Path
) -> None:
    # A lazy model answers every feedback-loop block with "Done." (once after a `git status`, which
    # is not the spawn the block asks for). Loop detection (3 alike stops) is for an agent that tries
    # and is stuck; this one is bounded by limits.max_stop_blocks only, and each block says the step
    # still stands.
    install_kit(tmp_repo, config=BACKEND_CONFIG + "limits:\n  max_stop_blocks: 4\n", files=FILES)
    script = Script(
        main=[
            spawn("DEV", "backend-developer", "add Hello"),
            say("Done."),
            call("Bash", {"command": "git status --short"}),
            *(say("Done.") for _ in range(4)),
            say("unreachable: the bound must have handed it to the user"),
        ],
        agents={"DEV": [write_go(tmp_repo, "hello.go"), say("Added Hello.")]},
    )

    result = run_ok(tmp_repo, isolated_home, claude_bin, script, timeout=180)

    texts = main_texts(result)
    assert len(texts) == 7, result.describe()
    assert "the step below was not taken since the last block, and it still stands" in texts[4]
    sid = result.session_id
    blocks = decisions(tmp_repo, session_id=sid, event="Stop", decision="block")
    assert [b["hook"] for b in blocks] == ["feedback_loop"] * 4
    [esc] = decisions(tmp_repo, session_id=sid, decision="escalate")
    assert esc["hook"] == "stop_bound"


def test_a_flaky_check_escalates_at_twice_the_limit(
    tmp_repo: Path, isolated_home: Path, claude_bin: Path
) -> None:
    # Another test fails at each run (letters, so the signature's number blanking does not merge
    # them): the same-failure bound never fires, the bound on any failure of the check does.
    flaky = "sh -c 'echo FAIL Test$(date +%N | tr 0-9 a-j); exit 1'"
    config = BACKEND_CONFIG + f"    checks:\n      - {{name: go test, run: {json.dumps(flaky)}}}\n"
    install_kit(
        tmp_repo, config=config + FEEDBACK_OFF + "limits:\n  max_same_check_failures: 2\n", files=FILES
    )
    fixes = ["pin the seed", "wait for the port", "raise the timeout"]
    script = Script(
        main=[
            spawn("DEV", "backend-developer", "add Hello"),
            say("Implemented."),
            *(
                turn
                for i, fix in enumerate(fixes)
                for turn in (spawn(f"FIX{i}", "backend-developer", fix), say(f"Tried: {fix}."))
            ),
            say("unreachable: the kit must have handed the failure to the user"),
        ],
        agents={
            "DEV": [write_go(tmp_repo, "hello.go"), say("Added Hello.")],
            **{
                f"FIX{i}": [write_go(tmp_repo, "hello.go", f"func Hello() {{}} // {i}"), say("ok")]
                for i in range(3)
            },
        },
    )

    result = run_ok(tmp_repo, isolated_home, claude_bin, script, timeout=240)

    sid = result.session_id
    blocks = decisions(tmp_repo, session_id=sid, event="Stop", decision="block")
    assert [b["hook"] for b in blocks] == ["quality_gate"] * 3, result.describe()
    [esc] = decisions(tmp_repo, session_id=sid, decision="escalate")
    assert esc["hook"] == "quality_gate"
    assert "failed at 4 stops in a row, with a different output each time" in user_notes(result)
