"""Who may change which files, in real Claude Code sessions: exemptions anchored so that code stays
code, edits by agents other than the domain's developer, every way to start an agent, worktrees.

Each scenario installs the kit, scripts the model through the fake Messages API and checks what the
runtime did with the hooks' answers: the files on disk, what the model was shown next, and what the
hooks recorded.
"""

from __future__ import annotations

import json
import subprocess
from functools import partial
from pathlib import Path

import pytest

from claude_kit.fakeapi import Script, Turn, Usage, agent_call, call, say, tool_use
from tests.e2e.kitrepo import BACKEND_CONFIG, LOOP_OFF, TWO_DOMAINS, decisions, install_kit, run_ok

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


def _edit_main(repo: Path) -> Turn:
    edit = {
        "file_path": str(repo / "cmd/api/main.go"),
        "old_string": "main() {}",
        "new_string": "main() { x() }",
    }
    return call("Edit", edit)


def test_only_the_domain_developer_subagent_edits_the_domain(
    tmp_repo: Path, isolated_home: Path, claude_bin: Path
) -> None:
    install_kit(tmp_repo, config=TWO_DOMAINS + LOOP_OFF, files={"cmd/api/main.go": MAIN_GO})
    target = tmp_repo / "cmd/api/main.go"
    # A `fork` (agent_type "fork" in the payloads of 2.1.329) shares the main thread's system prompt,
    # so the fake API cannot script it apart from the main thread: tests/hooks/edit covers it.
    spawns = [("GENERAL", "general-purpose"), ("FRONT", "frontend-developer")]
    script = Script(
        main=[
            *(Turn([agent_call(m, "change main.go", subagent_type=t, background=False)]) for m, t in spawns),
            say("the backend developer has to do it"),
        ],
        agents={m: [_edit_main(tmp_repo), say(f"{m} could not edit main.go")] for m, _ in spawns},
    )

    result = _run(tmp_repo, isolated_home, claude_bin, script)

    assert target.read_text() == MAIN_GO
    denied = decisions(tmp_repo, hook="agent_first", tool="Edit")
    assert [(d["decision"], d["agent_type"]) for d in denied] == [
        ("deny", "general-purpose"),
        ("deny", "frontend-developer"),
    ]
    assert all(d["agent_id"] and d["agent"] == "backend-developer" for d in denied)
    told = result.subagent_requests("GENERAL")[1].text()
    assert "cmd/api/main.go is a backend file, and backend-developer makes backend changes" in told
    assert "`NEEDS: spawn backend-developer for <the change to cmd/api/main.go>`" in told


def _workflow(marker: str) -> Turn:
    script = (
        f'export const meta = {{ name: "{marker.lower()}", description: "scripted", phases: [] }}\n'
        f'await agent("{marker}: do the work", {{agentType: "general-purpose"}})\n'
    )
    return call("Workflow", {"script": script})


def test_a_workflow_goes_through_the_spawn_gates_and_its_agents_usage_counts(
    tmp_repo: Path, isolated_home: Path, claude_bin: Path
) -> None:
    install_kit(tmp_repo, config=BACKEND_CONFIG + "budget:\n  session_tokens: 5000\n")
    script = Script(
        main=[
            _workflow("SPENDER"),
            say("launched"),  # a Workflow runs in the background; its end arrives as a notification
            _workflow("SECOND"),
            say("finished without new agents"),
            say("spare turn"),
        ],
        agents={
            "SPENDER": [say("spent a lot", Usage(input_tokens=6_000, output_tokens=100))],
            "SECOND": [say("should never run")],
        },
    )

    result = _run(tmp_repo, isolated_home, claude_bin, script)

    assert [r.step for r in result.subagent_requests("SPENDER")] == [0]
    assert result.subagent_requests("SECOND") == []
    [denied] = [e for e in result.tool_errors() if e.tool == "Workflow"]
    assert "so spawning `Workflow second (general-purpose)` is denied" in denied.text
    records = decisions(tmp_repo, hook="budget", session_id=result.session_id, event="PreToolUse")
    assert [(r["decision"], r["tool"]) for r in records] == [("allow", "Workflow"), ("deny", "Workflow")]
    # The workflow agent's 6,100 tokens, read from its transcript under subagents/workflows/<run>/.
    assert records[1]["used_tokens"] >= 6_100


# Anchored at the project root, as a monorepo's domains are: `**/*.go` would match inside a worktree
# by accident.
CMD_DOMAIN = 'version: 1\ndomains:\n  backend:\n    paths: ["cmd/**"]\n'


# A backend-developer in its own worktree; a relative path resolves against its cwd, the worktree.
ISOLATED = tool_use(
    "Agent",
    {
        "description": "Add iso.go",
        "prompt": "ISO: add cmd/api/iso.go",
        "subagent_type": "backend-developer",
        "run_in_background": False,
        "isolation": "worktree",
    },
)
ISO_WRITES = [call("Write", {"file_path": "cmd/api/iso.go", "content": "package main\n"}), say("ok")]


def _committed(repo: Path) -> None:
    """Claude Code makes a worktree from HEAD: the installed kit and the files must be committed."""
    subprocess.run(["git", "add", "-A"], cwd=repo, check=True)
    subprocess.run(["git", "commit", "-qm", "setup"], cwd=repo, check=True)


def test_the_main_thread_in_a_worktree_may_not_edit_domain_files(
    tmp_repo: Path, isolated_home: Path, claude_bin: Path
) -> None:
    install_kit(tmp_repo, config=CMD_DOMAIN + LOOP_OFF, files={"cmd/api/main.go": MAIN_GO})
    _committed(tmp_repo)
    inside = tmp_repo / ".claude/worktrees/wt1/cmd/api/routes.go"
    script = Script(
        main=[
            call("ToolSearch", {"query": "select:EnterWorktree"}),  # a deferred tool: loaded first
            call("EnterWorktree", {"name": "wt1"}),
            call("Write", {"file_path": str(inside), "content": "package main\n"}),
            say("I will delegate"),
        ]
    )

    result = _run(tmp_repo, isolated_home, claude_bin, script)

    assert (tmp_repo / ".claude/worktrees/wt1/cmd/api/main.go").is_file()  # the worktree was made
    assert not inside.exists()
    assert ".claude/worktrees/wt1/cmd/api/routes.go is a backend file" in result.main_requests()[3].text()
    [rec] = decisions(tmp_repo, hook="agent_first", tool="Write")
    assert (rec["decision"], rec["domain"]) == ("deny", "backend")


def test_a_change_in_an_agents_worktree_is_reviewed_for_the_session(
    tmp_repo: Path, isolated_home: Path, claude_bin: Path
) -> None:
    # The loop on, bounded: one Stop block, then it escalates to the user and lets the stop through.
    install_kit(
        tmp_repo,
        config=CMD_DOMAIN + "limits:\n  max_stop_blocks: 1\n",
        files={"cmd/api/main.go": MAIN_GO},
    )
    _committed(tmp_repo)
    script = Script(
        main=[Turn([ISOLATED]), *(say(f"done {i}") for i in range(4))],
        agents={"ISO": ISO_WRITES},
    )

    result = _run(tmp_repo, isolated_home, claude_bin, script)

    [written] = list((tmp_repo / ".claude/worktrees").glob("agent-*/cmd/api/iso.go"))
    rel = written.relative_to(tmp_repo).as_posix()
    state = json.loads(
        (tmp_repo / f".claude/.claude-kit/local/state/{result.session_id}/feedback.json").read_text()
    )
    assert state["domains"]["backend"]["files"] == [rel]
    blocks = decisions(tmp_repo, event="Stop", decision="block", session_id=result.session_id)
    assert blocks and blocks[0]["hook"] == "feedback_loop"
    assert "backend" in result.main_requests()[2].text() and "review" in result.main_requests()[2].text()


def test_the_quality_gate_runs_the_checks_in_the_agents_worktree(
    tmp_repo: Path, isolated_home: Path, claude_bin: Path
) -> None:
    # The check sees the worktree's files: it fails on the agent's new file, wherever it runs from.
    log = tmp_repo.parent / "where.log"
    check = f"pwd >> {log}; test ! -f cmd/api/iso.go || {{ echo FAIL TestIso; exit 1; }}"
    checks = f"    checks:\n      - {{name: go test, run: {json.dumps(check)}}}\n"
    install_kit(
        tmp_repo,
        config=CMD_DOMAIN + checks + "hooks:\n  feedback_loop: {enabled: false}\n",
        files={"cmd/api/main.go": MAIN_GO},
    )
    _committed(tmp_repo)
    script = Script(
        main=[Turn([ISOLATED]), say("done"), say("blocked: stopping anyway")],
        agents={"ISO": ISO_WRITES},
    )

    result = _run(tmp_repo, isolated_home, claude_bin, script)

    [worktree] = [p for p in (tmp_repo / ".claude/worktrees").iterdir() if p.name.startswith("agent-")]
    where = log.read_text().split()
    assert str(worktree) in where, where  # the check ran in the worktree (the root is clean: not needed)
    reason = result.main_requests()[2].text()
    assert f'check "go test" for backend in .claude/worktrees/{worktree.name} failed (exit 1)' in reason
    assert "FAIL TestIso" in reason
    blocks = decisions(tmp_repo, event="Stop", decision="block", session_id=result.session_id)
    assert blocks and {b["hook"] for b in blocks} == {"quality_gate"}


def test_a_shell_change_in_an_agents_worktree_is_found_and_reviewed(
    tmp_repo: Path, isolated_home: Path, claude_bin: Path
) -> None:
    install_kit(
        tmp_repo, config=CMD_DOMAIN + "limits:\n  max_stop_blocks: 1\n", files={"cmd/api/main.go": MAIN_GO}
    )
    _committed(tmp_repo)
    # A relative path in the agent's cwd, its worktree; no Edit/Write hook sees a heredoc.
    heredoc = "cat > cmd/api/iso.go <<'EOF'\npackage main\nEOF"
    script = Script(
        main=[Turn([ISOLATED]), *(say(f"done {i}") for i in range(4))],
        agents={"ISO": [call("Bash", {"command": heredoc}), say("ok")]},
    )

    result = _run(tmp_repo, isolated_home, claude_bin, script)

    [written] = list((tmp_repo / ".claude/worktrees").glob("agent-*/cmd/api/iso.go"))
    rel = written.relative_to(tmp_repo).as_posix()
    state = json.loads(
        (tmp_repo / f".claude/.claude-kit/local/state/{result.session_id}/feedback.json").read_text()
    )
    assert [n["file"] for n in state["domains"]["backend"]["found"]] == [rel]
    blocks = decisions(tmp_repo, event="Stop", decision="block", session_id=result.session_id)
    assert blocks and blocks[0]["hook"] == "feedback_loop"
    assert rel in result.main_requests()[2].text()
