"""Shell writes in real Claude Code sessions (issue 9, point 1): a main-thread Bash command that plainly
writes a domain file is denied like an Edit; a change made through Bash, by any agent and in any form,
is found in the working tree at SubagentStop/Stop and goes through review and testing.

Each scenario installs the kit into a git repository (SessionStart records the baseline), scripts the
model and checks the file on disk, what the model was shown next and what the hooks recorded.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from claude_kit.fakeapi import Script, call, say
from claude_kit.session_runner import SessionResult
from tests.e2e.kitrepo import BACKEND_CONFIG, LOOP_OFF, decisions, install_kit, run_ok, spawn
from tests.e2e.kitrepo import main_texts as texts
from tests.e2e.kitrepo import verdict as kit_verdict

pytestmark = pytest.mark.e2e

MAIN_GO = "package main\n\nfunc main() {}\n"
FILES = {"cmd/api/main.go": MAIN_GO}
REVIEW_NEXT = 'call the Agent tool with subagent_type "backend-reviewer" and run_in_background false'


def verdict(role: str) -> str:
    return kit_verdict(role, "PASS", f"{role} passed")


def run(repo: Path, home: Path, claude_bin: Path, script: Script) -> SessionResult:
    return run_ok(repo, home, claude_bin, script, prompt="change the api", timeout=180)


def test_main_thread_sed_on_a_backend_file_is_denied_with_the_spawn_call(
    tmp_repo: Path, isolated_home: Path, claude_bin: Path
) -> None:
    install_kit(tmp_repo, config=BACKEND_CONFIG, files=FILES)
    target = tmp_repo / "cmd/api/main.go"
    script = Script(
        main=[
            call("Bash", {"command": "sed -i 's/main() {}/main() { run() }/' cmd/api/main.go"}),
            call("Bash", {"command": "T=cmd/api/main.go; echo '// x' >> $T"}),
            say("I will delegate to backend-developer"),
        ]
    )

    result = run(tmp_repo, isolated_home, claude_bin, script)

    assert target.read_text() == MAIN_GO  # neither command ran
    after = texts(result)[1]
    assert "claude-kit: this command writes backend files: cmd/api/main.go (sed -i)." in after
    assert "so this command was not run" in after
    assert 'Spawn it: Agent(subagent_type="backend-developer", description="Edit cmd/api/main.go"' in after
    assert "cmd/api/main.go (>>)" in texts(result)[2]
    assert [e.tool for e in result.tool_errors()] == ["Bash", "Bash"]
    denies = decisions(tmp_repo, session_id=result.session_id, hook="shell_write_warning", decision="deny")
    assert [d["file"] for d in denies] == ["cmd/api/main.go", "cmd/api/main.go"]
    # Nothing changed, so the session ends without a review.
    assert decisions(tmp_repo, session_id=result.session_id, event="Stop", decision="block") == []


def test_a_developer_writing_code_through_a_heredoc_engages_review_and_testing(
    tmp_repo: Path, isolated_home: Path, claude_bin: Path
) -> None:
    install_kit(tmp_repo, config=BACKEND_CONFIG, files=FILES)
    heredoc = "cat > cmd/api/hello.go <<'EOF'\npackage main\n\nfunc Hello() string { return \"hi\" }\nEOF"
    script = Script(
        main=[
            spawn("DEV", "backend-developer", "add Hello to cmd/api"),
            say("Implemented Hello."),
            spawn("REVIEW", "backend-reviewer", "review cmd/api/hello.go"),
            spawn("TEST", "backend-tester", "test cmd/api/hello.go"),
            say("Reviewed and tested."),
        ],
        agents={
            "DEV": [call("Bash", {"command": heredoc}), say("Added Hello with a heredoc.")],
            "REVIEW": [say(verdict("review"))],
            "TEST": [say(verdict("testing"))],
        },
    )

    result = run(tmp_repo, isolated_home, claude_bin, script)

    assert (tmp_repo / "cmd/api/hello.go").read_text().startswith("package main")
    blocked = texts(result)[2]
    assert "claude-kit feedback loop" in blocked and REVIEW_NEXT in blocked
    assert "cmd/api/hello.go" in blocked
    assert "should have made" not in blocked  # its developer made it: no blame, only review
    sid = result.session_id
    [found] = decisions(tmp_repo, session_id=sid, hook="track_modifications", decision="warn")
    assert found["event"] == "SubagentStop" and found["agent_type"] == "backend-developer"
    assert found["found"] == ["cmd/api/hello.go"]
    blocks = decisions(tmp_repo, session_id=sid, event="Stop", decision="block")
    assert [b["hook"] for b in blocks] == ["feedback_loop"]


def test_a_script_that_writes_a_backend_file_is_caught_at_stop(
    tmp_repo: Path, isolated_home: Path, claude_bin: Path
) -> None:
    files = {**FILES, "tools/gen.py": "open('cmd/api/main.go', 'a').write('// generated\\n')\n"}
    install_kit(tmp_repo, config=BACKEND_CONFIG, files=files)
    script = Script(
        main=[
            call("Bash", {"command": "python3 tools/gen.py"}),  # not recognised as a write: runs
            say("Regenerated main.go."),
            spawn("REVIEW", "backend-reviewer", "review cmd/api/main.go"),
            spawn("TEST", "backend-tester", "test cmd/api/main.go"),
            say("Reviewed and tested."),
        ],
        agents={"REVIEW": [say(verdict("review"))], "TEST": [say(verdict("testing"))]},
    )

    result = run(tmp_repo, isolated_home, claude_bin, script)

    assert (tmp_repo / "cmd/api/main.go").read_text().endswith("// generated\n")
    blocked = texts(result)[2]
    assert REVIEW_NEXT in blocked
    assert (
        "Changed outside Edit/Write (found in the working tree when the main thread or a subagent "
        "stopped): cmd/api/main.go. backend-developer should have made these backend changes"
    ) in blocked
    sid = result.session_id
    assert [b["hook"] for b in decisions(tmp_repo, session_id=sid, event="Stop", decision="block")] == [
        "feedback_loop"
    ]
    [done] = decisions(tmp_repo, session_id=sid, hook="stop_gate", decision="allow")
    assert "after 1 block(s)" in done["reason"]


def test_a_reviewer_cannot_fix_code_through_bash_and_what_it_slips_through_reopens_review(
    tmp_repo: Path, isolated_home: Path, claude_bin: Path
) -> None:
    files = {**FILES, "tools/fix.py": "open('cmd/api/main.go', 'a').write('// reviewer fix\\n')\n"}
    install_kit(tmp_repo, config=BACKEND_CONFIG, files=files)
    dev_edit = {"file_path": str(tmp_repo / "cmd/api/main.go"), "content": MAIN_GO + "// dev\n"}
    script = Script(
        main=[
            spawn("DEV", "backend-developer", "touch up main.go"),
            spawn("REVIEW", "backend-reviewer", "review cmd/api/main.go"),
            say("Review done."),
            spawn("SECOND", "backend-reviewer", "review cmd/api/main.go again"),
            spawn("TEST", "backend-tester", "test cmd/api/main.go"),
            say("Reviewed and tested."),
        ],
        agents={
            "DEV": [call("Write", dev_edit), say("done")],
            "REVIEW": [
                call("Bash", {"command": "sed -i 's/dev/reviewed/' cmd/api/main.go"}),  # denied
                call("Bash", {"command": "python3 tools/fix.py"}),  # not recognised: runs
                say(verdict("review")),
            ],
            "SECOND": [say(verdict("review"))],
            "TEST": [say(verdict("testing"))],
        },
    )

    result = run(tmp_repo, isolated_home, claude_bin, script)

    reviewer = "\n".join(r.text() for r in result.subagent_requests("REVIEW"))
    assert "backend-reviewer is a read-only role (backend reviewer)" in reviewer
    assert (tmp_repo / "cmd/api/main.go").read_text() == MAIN_GO + "// dev\n// reviewer fix\n"
    blocked = texts(result)[3]
    assert REVIEW_NEXT in blocked
    assert "when backend-reviewer stopped): cmd/api/main.go. backend-developer should have made" in blocked
    sid = result.session_id
    denied: list[dict[str, Any]] = decisions(tmp_repo, session_id=sid, hook="shell_write_warning")
    assert [(d["decision"], d["agent_type"]) for d in denied] == [("deny", "backend-reviewer")]


def test_a_shell_change_runs_the_domains_checks_at_stop(
    tmp_repo: Path, isolated_home: Path, claude_bin: Path
) -> None:
    config = BACKEND_CONFIG + (
        "    checks:\n"
        "      - {name: vet,\n"
        "         run: \"sh -c 'grep -q BROKEN cmd/api/main.go && echo vet: BROKEN && exit 1 || true'\"}\n"
        "hooks:\n  feedback_loop: {enabled: false}\n"
    )
    files = {
        **FILES,
        "tools/gen.py": "open('cmd/api/main.go', 'a').write('// BROKEN\\n')\n",
        "tools/fix.py": (
            "p = 'cmd/api/main.go'\nt = open(p).read()\nopen(p, 'w').write(t.replace('BROKEN', 'ok'))\n"
        ),
    }
    install_kit(tmp_repo, config=config, files=files)
    script = Script(
        main=[
            call("Bash", {"command": "python3 tools/gen.py"}),
            say("Generated."),
            call("Bash", {"command": "python3 tools/fix.py"}),
            say("Fixed."),
        ]
    )

    result = run(tmp_repo, isolated_home, claude_bin, script)

    assert 'claude-kit quality gate: check "vet" for backend failed (exit 1)' in texts(result)[2]
    assert "vet: BROKEN" in texts(result)[2]
    sid = result.session_id
    blocks = decisions(tmp_repo, session_id=sid, event="Stop", decision="block")
    assert [b["hook"] for b in blocks] == ["quality_gate"]
    assert (tmp_repo / "cmd/api/main.go").read_text().endswith("// ok\n")


def test_a_general_purpose_agent_sed_on_a_backend_file_is_denied_and_handed_back(
    tmp_repo: Path, isolated_home: Path, claude_bin: Path
) -> None:
    # Two steps around agent-first: denied the sed, the main thread spawns a general-purpose agent
    # to run the same sed. That agent is denied too, and told to hand the change back.
    install_kit(tmp_repo, config=BACKEND_CONFIG + LOOP_OFF, files=FILES)
    sed = {"command": "sed -i 's/main() {}/main() { run() }/' cmd/api/main.go"}
    script = Script(
        main=[spawn("GP", "general-purpose", "apply the sed to cmd/api/main.go"), say("Handed back.")],
        agents={"GP": [call("Bash", sed), say("NEEDS: spawn backend-developer for the change")]},
    )

    result = run(tmp_repo, isolated_home, claude_bin, script)

    assert (tmp_repo / "cmd/api/main.go").read_text() == MAIN_GO
    agent = "\n".join(r.text() for r in result.subagent_requests("GP"))
    assert "backend-developer makes backend changes, not general-purpose. It was not run" in agent
    assert "`NEEDS: spawn backend-developer for <the change to cmd/api/main.go>`" in agent
    [deny] = decisions(tmp_repo, session_id=result.session_id, hook="shell_write_warning")
    assert (deny["decision"], deny["agent_type"]) == ("deny", "general-purpose")


def test_the_routine_prefixes_and_wrappers_do_not_hide_a_main_thread_write(
    tmp_repo: Path, isolated_home: Path, claude_bin: Path
) -> None:
    install_kit(tmp_repo, config=BACKEND_CONFIG, files=FILES)
    commands = [
        'cd "$(git rev-parse --show-toplevel)" && sed -i "s/main/app/" cmd/api/main.go',
        "bash -c \"echo '// x' >> cmd/api/main.go\"",
        "rm -rf cmd/api",
    ]
    script = Script(main=[*(call("Bash", {"command": c}) for c in commands), say("I will delegate")])

    result = run(tmp_repo, isolated_home, claude_bin, script)

    assert (tmp_repo / "cmd/api/main.go").read_text() == MAIN_GO  # none of them ran
    assert [e.tool for e in result.tool_errors()] == ["Bash"] * 3
    denies = decisions(tmp_repo, session_id=result.session_id, hook="shell_write_warning", decision="deny")
    assert [d["file"] for d in denies] == ["cmd/api/main.go"] * 3


def test_a_pull_of_teammates_commits_is_not_the_sessions_change(
    tmp_repo: Path, isolated_home: Path, claude_bin: Path
) -> None:
    import os
    import subprocess

    install_kit(tmp_repo, config=BACKEND_CONFIG, files=FILES)
    old = {
        **os.environ,
        "GIT_COMMITTER_DATE": "2020-01-01T00:00:00Z",
        "GIT_AUTHOR_DATE": "2020-01-01T00:00:00Z",
    }
    for args in (["add", "-A"], ["commit", "-qm", "base"], ["checkout", "-qb", "upstream"]):
        subprocess.run(["git", *args], cwd=tmp_repo, check=True)
    (tmp_repo / "cmd/api/team.go").write_text(MAIN_GO)  # a teammate's reviewed work, from before
    for args in (["add", "-A"], ["commit", "-qm", "team"], ["checkout", "-q", "-"]):
        subprocess.run(["git", *args], cwd=tmp_repo, check=True, env=old)
    script = Script(main=[call("Bash", {"command": "git merge --ff-only upstream"}), say("Pulled.")])

    result = run(tmp_repo, isolated_home, claude_bin, script)

    assert (tmp_repo / "cmd/api/team.go").is_file()  # the pull ran
    assert decisions(tmp_repo, session_id=result.session_id, event="Stop", decision="block") == []
    assert len(texts(result)) == 2, result.describe()


def test_a_tester_deleting_the_failing_test_reopens_review(
    tmp_repo: Path, isolated_home: Path, claude_bin: Path
) -> None:
    import subprocess

    files = {**FILES, "cmd/api/main_test.go": "package main\n\n// TestMain fails: the handler is broken\n"}
    install_kit(tmp_repo, config=BACKEND_CONFIG + "limits:\n  max_stop_blocks: 1\n", files=files)
    for args in (["add", "-A"], ["commit", "-qm", "base"]):
        subprocess.run(["git", *args], cwd=tmp_repo, check=True)
    dev_edit = {"file_path": str(tmp_repo / "cmd/api/main.go"), "content": MAIN_GO + "// dev\n"}
    script = Script(
        main=[
            spawn("DEV", "backend-developer", "change main.go"),
            spawn("REVIEW", "backend-reviewer", "review cmd/api/main.go"),
            spawn("TEST", "backend-tester", "test cmd/api/main.go"),
            say("Reviewed and tested."),
            say("Stopping."),
        ],
        agents={
            "DEV": [call("Write", dev_edit), say("done")],
            "REVIEW": [say(verdict("review"))],
            "TEST": [call("Bash", {"command": "rm cmd/api/main_test.go"}), say(verdict("testing"))],
        },
    )

    result = run(tmp_repo, isolated_home, claude_bin, script)

    assert not (tmp_repo / "cmd/api/main_test.go").exists()  # a tester may change tests
    blocked = texts(result)[4]
    assert REVIEW_NEXT in blocked and "cmd/api/main_test.go" in blocked
