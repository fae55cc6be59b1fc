"""The loop system in real Claude Code sessions (scripted model): issue 4's "Done when".

Each scenario installs the kit, scripts the main thread and its subagents, and checks what the
model was told (the Stop/SubagentStop block reasons arrive in the next request), what the user was
told (systemMessage arrives as a stream-json `system/informational` event) and what the hooks
recorded (decision log, per-session state, files under the output folder).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from claude_kit.cli import cli
from claude_kit.fakeapi import Script, Turn, agent_call, call, say
from claude_kit.session_runner import SessionResult, run_session
from tests.e2e.kitrepo import BACKEND_CONFIG, decisions, install_kit, verdict

pytestmark = pytest.mark.e2e

FILES = {"cmd/api/main.go": "package main\n\nfunc main() {}\n"}


def write_go(repo: Path, name: str) -> Turn:
    return call(
        "Write", {"file_path": str(repo / "cmd/api" / name), "content": "package main\n\nfunc Hello() {}\n"}
    )


def spawn(marker: str, agent: str, task: str) -> Turn:
    return Turn([agent_call(marker, task, subagent_type=agent, background=False)])


def run(repo: Path, home: Path, claude_bin: Path, script: Script) -> SessionResult:
    result = run_session(repo, "go", script, home=home, claude_bin=claude_bin, timeout=180)
    assert result.returncode == 0, result.describe()
    assert result.last_result()["subtype"] == "success", result.describe()
    return result


def user_notes(result: SessionResult) -> str:
    """What the hooks told the USER (systemMessage) during the session."""
    return "\n".join(
        str(e.get("content"))
        for e in result.events
        if e.get("type") == "system" and e.get("subtype") == "informational"
    )


def main_texts(result: SessionResult) -> list[str]:
    """The text of each main-thread request (each holds everything the model was shown so far)."""
    return [r.text() for r in result.main_requests()]


def state(repo: Path, session: str, name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(
        (repo / f".claude/.claude-kit/local/state/{session}/{name}.json").read_text()
    )
    return data


def test_backend_change_is_blocked_until_reviewer_and_tester_pass(
    tmp_repo: Path, isolated_home: Path, claude_bin: Path
) -> None:
    install_kit(tmp_repo, files=FILES)
    review = verdict("review", "PASS", "handler change is correct")
    script = Script(
        main=[
            spawn("DEV", "backend-developer", "add Hello to cmd/api"),
            say("Implemented Hello in cmd/api/hello.go."),
            spawn("REVIEW", "backend-reviewer", "review cmd/api/hello.go"),
            say("The review passed; the tester is next."),
            spawn("TEST", "backend-tester", "test cmd/api/hello.go"),
            say("Reviewed and tested, finishing."),
        ],
        agents={
            "DEV": [write_go(tmp_repo, "hello.go"), say("Added Hello.")],
            # The reviewer first leaves its report at the repo root (via Bash), is sent back once
            # by SubagentStop to move it, then finishes with its verdict again.
            "REVIEW": [
                call("Bash", {"command": "printf '# review notes\\n' > review-notes.md"}),
                say(review),
                call(
                    "Bash",
                    {
                        "command": "mkdir -p .claude/.output/adhoc "
                        "&& mv review-notes.md .claude/.output/adhoc/"
                    },
                ),
                say(review),
            ],
            "TEST": [say(verdict("testing", "PASS", "3 cases, go test green"))],
        },
    )

    result = run(tmp_repo, isolated_home, claude_bin, script)

    texts = main_texts(result)
    assert len(texts) == 6, result.describe()
    assert "claude-kit feedback loop" not in texts[1]
    assert 'call the Agent tool with subagent_type "backend-reviewer" and run_in_background false' in texts[2]
    assert "cmd/api/hello.go" in texts[2]
    assert 'subagent_type "backend-tester"' in texts[4]
    sid = result.session_id
    blocks = decisions(tmp_repo, session_id=sid, event="Stop", decision="block")
    assert [b["hook"] for b in blocks] == ["feedback_loop", "feedback_loop"]
    [moved] = decisions(tmp_repo, session_id=sid, hook="output_location", decision="block")
    assert moved["agent_type"] == "backend-reviewer" and moved["file"] == "review-notes.md"
    reviewer_texts = "\n".join(r.text() for r in result.subagent_requests("REVIEW"))
    assert (
        "claude-kit output location: you wrote report file(s) outside .claude/.output/: review-notes.md"
        in reviewer_texts
    )
    assert not (tmp_repo / "review-notes.md").exists()
    assert (tmp_repo / ".claude/.output/adhoc/review-notes.md").is_file()
    phases = state(tmp_repo, sid, "feedback")["domains"]["backend"]["phases"]
    assert phases["review"]["verdict"] == "PASS" and phases["testing"]["verdict"] == "PASS"
    [done] = decisions(tmp_repo, session_id=sid, hook="stop_gate", decision="allow")
    assert "after 2 block(s)" in done["reason"]


def test_failing_tester_resets_counts_and_escalates_to_the_user(
    tmp_repo: Path, isolated_home: Path, claude_bin: Path
) -> None:
    install_kit(tmp_repo, config=BACKEND_CONFIG + "limits:\n  max_consecutive_failures: 2\n", files=FILES)
    failing = verdict(
        "testing",
        "FAIL",
        "TestHello fails",
        [{"file": "cmd/api/hello.go", "line": 3, "problem": "TestHello: want hi, got empty"}],
    )
    script = Script(
        main=[
            spawn("DEV", "backend-developer", "add Hello"),
            say("Implemented."),
            spawn("REVIEW", "backend-reviewer", "review Hello"),
            say("Review passed."),
            spawn("TEST", "backend-tester", "test Hello"),
            say("The tests failed."),
            spawn("FIX", "backend-developer", "fix TestHello"),
            say("Fixed the failing case."),
            spawn("REVIEW", "backend-reviewer", "review the fix"),
            say("Review passed again."),
            spawn("TEST", "backend-tester", "test the fix"),
            say("The tests failed again."),
        ],
        agents={
            "DEV": [write_go(tmp_repo, "hello.go"), say("Added Hello.")],
            "FIX": [write_go(tmp_repo, "hello_fix.go"), say("Fixed.")],
            "REVIEW": [say(verdict("review", "PASS", "fine"))],
            "TEST": [say(failing)],
        },
    )

    result = run(tmp_repo, isolated_home, claude_bin, script)

    texts = main_texts(result)
    assert len(texts) == 12, result.describe()
    after_fail = texts[6]
    assert "feedback loop (iteration 2/5)" in after_fail
    assert 'subagent_type "backend-developer"' in after_fail and "TestHello: want hi, got empty" in after_fail
    # The fix reset the phases: the reviewer is asked for again, not the tester.
    assert 'Next: call the Agent tool with subagent_type "backend-reviewer"' in texts[8]
    sid = result.session_id
    feedback = state(tmp_repo, sid, "feedback")
    assert feedback["iteration"] == 3 and feedback["consecutive"]["testing"] == 2
    [esc] = decisions(tmp_repo, session_id=sid, decision="escalate")
    assert esc["hook"] == "feedback_loop"
    notes = user_notes(result)
    assert "claude-kit escalated to you (feedback_loop): testing failed 2 times in a row" in notes
    assert esc["file"] in notes
    context = (tmp_repo / esc["file"]).read_text()
    assert "TestHello: want hi, got empty" in context and "The tests failed again." in context
    assert len(decisions(tmp_repo, session_id=sid, event="Stop", decision="block")) == 5
    # `log --why` shows the path that led there: spawns, edits, verdicts and blocks, then what repeated.
    why = CliRunner().invoke(cli, ["log", str(tmp_repo), "--why"])
    assert why.exit_code == 0, why.output
    assert f"Session {sid} escalated to the user at " in why.output
    assert "(feedback_loop): testing failed 2 times in a row" in why.output and esc["file"] in why.output
    assert why.output.count("main thread spawns backend-developer") == 2
    assert "Write cmd/api/hello_fix.go" in why.output
    assert "5 x block by feedback_loop" in why.output
    failed = "backend-tester -> backend testing FAIL via SubagentStop: TestHello fails"
    assert f"2 x warn by verdicts: {failed}" in why.output
    path = json.loads(CliRunner().invoke(cli, ["log", str(tmp_repo), "--why", "--format", "json"]).output)
    steps = [(s["hook"], s["decision"]) for s in path["path"]]
    assert steps.count(("feedback_loop", "block")) == 5 and steps[-1] == ("verdicts", "warn")


def test_quality_gate_failure_blocks_with_the_commands_output(
    tmp_repo: Path, isolated_home: Path, claude_bin: Path
) -> None:
    config = BACKEND_CONFIG + (
        "    checks:\n"
        "      - {name: build,\n"
        "         run: \"sh -c 'test -f fixed.flag || { echo broken build: undefined Hello; exit 1; }'\"}\n"
        "      - {name: vet, run: 'no-such-tool-zz vet ./...'}\n"
        "      - {name: slow, run: \"sh -c 'if [ -f hang.flag ]; then sleep 30; fi'\", timeout: 2}\n"
        "hooks:\n  feedback_loop: {enabled: false}\n"
    )
    install_kit(tmp_repo, config=config, files={**FILES, "hang.flag": ""})
    script = Script(
        main=[
            spawn("DEV", "backend-developer", "add Hello"),
            say("Implemented."),
            call("Bash", {"command": "touch fixed.flag"}),
            say("Fixed the build."),
            call("Bash", {"command": "rm hang.flag"}),
            say("Removed the hang."),
        ],
        agents={"DEV": [write_go(tmp_repo, "hello.go"), say("Added Hello.")]},
    )

    result = run(tmp_repo, isolated_home, claude_bin, script)

    texts = main_texts(result)
    assert len(texts) == 6, result.describe()
    assert 'claude-kit quality gate: check "build" for backend failed (exit 1)' in texts[2]
    assert "broken build: undefined Hello" in texts[2]
    assert "test -f fixed.flag" in texts[2]
    assert 'check "slow" for backend timed out after 2 s and was killed' in texts[4]
    notes = user_notes(result)
    assert 'check "vet" for backend could not run in the project root' in notes
    assert "a setup problem, not a code failure" in notes and "install `no-such-tool-zz`" in notes
    assert "vet" not in " ".join(
        b["reason"] for b in decisions(tmp_repo, hook="quality_gate", decision="block")
    )
    assert [b["hook"] for b in decisions(tmp_repo, event="Stop", decision="block")] == ["quality_gate"] * 2


def loop_start(prompt: str, max_iterations: int, promise: str) -> Turn:
    command = (
        f'"{sys.executable}" -m claude_kit loop start "{prompt}" --max-iterations {max_iterations} '
        f'--completion-promise "{promise}"'
    )
    return call("Bash", {"command": command})


def test_completion_loop_runs_to_its_promise_and_stops(
    tmp_repo: Path, isolated_home: Path, claude_bin: Path
) -> None:
    install_kit(tmp_repo, files=FILES)
    script = Script(
        main=[
            loop_start("polish the API docs", 5, "POLISHED"),
            say("First pass: fixed headings."),
            say("Second pass: added examples."),
            say("Everything is polished. <promise>POLISHED</promise>"),
        ]
    )

    result = run(tmp_repo, isolated_home, claude_bin, script)

    sid = result.session_id
    texts = main_texts(result)
    assert len(texts) == 4, result.describe()
    assert (
        f"claude-kit loop armed for session {sid} (from $CLAUDE_CODE_SESSION_ID): up to 5 iterations"
        in texts[1]
    )
    assert "claude-kit completion loop: iteration 2/5" in texts[2] and "polish the API docs" in texts[2]
    assert "claude-kit completion loop: iteration 3/5" in texts[3]
    loop = state(tmp_repo, sid, "loop")
    assert loop["active"] is False and loop["ended"] == "promise" and loop["iteration"] == 3
    pad = (tmp_repo / f".claude/.output/loops/{sid}/scratchpad.md").read_text()
    assert "> First pass: fixed headings." in pad and "promise found, loop ended" in pad
    assert [b["hook"] for b in decisions(tmp_repo, session_id=sid, event="Stop", decision="block")] == [
        "completion_loop",
        "completion_loop",
    ]


def test_a_stuck_loop_is_detected_and_escalated(
    tmp_repo: Path, isolated_home: Path, claude_bin: Path
) -> None:
    install_kit(tmp_repo, files=FILES)
    script = Script(
        main=[
            loop_start("fix the flaky test", 10, "FIXED"),
            say("I could not fix the flaky test yet, trying again."),
            say("I could not fix the flaky test yet; trying again."),
            say("I could not fix the flaky test yet, trying again!"),
            say("unreachable: the loop must have let the session end"),
        ]
    )

    result = run(tmp_repo, isolated_home, claude_bin, script)

    sid = result.session_id
    assert len(result.main_requests()) == 4, result.describe()
    [esc] = decisions(tmp_repo, session_id=sid, decision="escalate")
    assert esc["hook"] == "loop_detection" and esc["gate"] == "completion_loop"
    assert "claude-kit escalated to you (loop_detection)" in user_notes(result)
    assert state(tmp_repo, sid, "loop")["ended"] == "escalated"
    assert "trying again!" in (tmp_repo / esc["file"]).read_text()
