"""Sessions started in a subdirectory (`cd backend && claude`, routine in a monorepo).

Claude Code then finds the repository's agents, skills and CLAUDE.md by walking up, but loads no
`.claude/settings.json` hooks: no kit hook runs and nothing is enforced. It does run the user's
`~/.claude/settings.json` hooks: `claude-kit user-hooks install` (opt-in) puts entries there that run
the nearest installed kit's hooks. Without them the kit says plainly that such a session is not
governed: in the CLAUDE.md block (the one kit text it loads), in every governed session's start
context and in `claude-kit doctor`.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from claude_kit import user_hooks
from claude_kit.fakeapi import Script, call, say
from tests.e2e.hookkit import HookLog, configure_hooks, write_hook
from tests.e2e.kitrepo import BACKEND_CONFIG, LOOP_OFF, decisions, install_kit, run_ok

pytestmark = pytest.mark.e2e

MAIN_GO = "package main\n\nfunc main() {}\n"


def test_the_runtime_loads_no_project_hooks_in_a_subdirectory_session_but_user_hooks_run(
    tmp_repo: Path, isolated_home: Path, claude_bin: Path, hook_dir: Path
) -> None:
    """The runtime fact, without the kit: project hooks are skipped, user-level hooks are not."""
    project_log, user_log = HookLog(hook_dir / "project.jsonl"), HookLog(hook_dir / "user.jsonl")
    project = write_hook(hook_dir / "p", "project", project_log)
    # Records CLAUDE_PROJECT_DIR too: what a user-level dispatcher would start its walk up from.
    body = (
        'with open(os.path.join(os.path.dirname(__file__), "project_dir"), "w") as out:\n'
        '    out.write(os.environ["CLAUDE_PROJECT_DIR"])\n'
    )
    user = write_hook(hook_dir / "u", "user", user_log, body)
    configure_hooks(tmp_repo, {"SessionStart": [("", project)], "PreToolUse": [("", project)]})
    configure_hooks(isolated_home, {"SessionStart": [("", user)], "PreToolUse": [("", user)]})
    (tmp_repo / "CLAUDE.md").write_text("ROOT-CLAUDE-MD-MARKER\n")
    sub = tmp_repo / "backend"
    sub.mkdir()
    script = Script(
        main=[call("Write", {"file_path": str(sub / "x.go"), "content": "package x\n"}), say("ok")]
    )

    result = run_ok(sub, isolated_home, claude_bin, script)

    assert project_log.payloads() == []  # not one project hook ran
    assert [p["hook_event_name"] for p in user_log.payloads()] == ["SessionStart", "PreToolUse"]
    assert user_log.payloads()[0]["cwd"] == str(sub)
    assert (hook_dir / "u/project_dir").read_text() == str(sub)
    assert "ROOT-CLAUDE-MD-MARKER" in result.main_requests()[0].text()  # found by walking up
    assert (sub / "x.go").exists()


def test_a_subdirectory_session_is_told_it_is_not_governed(
    tmp_repo: Path, isolated_home: Path, claude_bin: Path
) -> None:
    install_kit(tmp_repo, config=BACKEND_CONFIG + LOOP_OFF, files={"cmd/api/main.go": MAIN_GO})
    sub = tmp_repo / "cmd"
    target = sub / "api/routes.go"
    script = Script(main=[call("Write", {"file_path": str(target), "content": "package main\n"}), say("ok")])

    result = run_ok(sub, isolated_home, claude_bin, script)

    # No kit hook ran: the main-thread write of a backend file went through, nothing was logged ...
    assert target.exists() and decisions(tmp_repo) == []
    # ... and the session was told so by the CLAUDE.md block, the one kit text it loads.
    first = result.main_requests()[0].text()
    assert "claude-kit is active" not in first  # no SessionStart context
    said = " ".join(first.split())
    assert "**Only sessions started at the repository root are governed**: below the root" in said
    assert "tell the user nothing is enforced and to start `claude` from the root." in said


def test_a_root_session_is_told_that_subdirectory_sessions_are_not_governed(
    tmp_repo: Path, isolated_home: Path, claude_bin: Path
) -> None:
    install_kit(tmp_repo, config=BACKEND_CONFIG + LOOP_OFF, files={"cmd/api/main.go": MAIN_GO})
    script = Script(main=[say("ok")])

    result = run_ok(tmp_repo, isolated_home, claude_bin, script)

    first = result.main_requests()[0].text()
    assert "SessionStart hook additional context: claude-kit is active." in first
    assert (
        f"Sessions started in a subdirectory of {tmp_repo} run no kit hook (Claude Code loads no project "
        "hooks there): they are not governed."
    ) in first
    [rec] = decisions(tmp_repo, hook="session_context")
    assert json.dumps(rec)  # logged as usual


def test_with_user_hooks_a_subdirectory_session_is_governed_and_a_root_session_checked_once(
    tmp_repo: Path, isolated_home: Path, claude_bin: Path
) -> None:
    install_kit(tmp_repo, config=BACKEND_CONFIG + LOOP_OFF, files={"cmd/api/main.go": MAIN_GO})
    own = {"hooks": {"Stop": [{"hooks": [{"type": "command", "command": "true"}]}]}, "theme": "dark"}
    (isolated_home / ".claude").mkdir()
    (isolated_home / ".claude/settings.json").write_text(json.dumps(own))
    user_hooks.install(isolated_home)
    sub = tmp_repo / "cmd"
    target = sub / "api/routes.go"
    write = call("Write", {"file_path": str(target), "content": "package main\n"})

    result = run_ok(sub, isolated_home, claude_bin, Script(main=[write, say("ok")]))

    assert not target.exists()
    assert "PreToolUse:Write hook error" in result.main_requests()[1].text()
    first = result.main_requests()[0].text()
    assert "claude-kit is active" in first  # SessionStart ran too, and knows how
    assert f"Sessions started in a subdirectory of {tmp_repo} are governed too, through claude-kit's" in first
    [denied] = decisions(tmp_repo, hook="agent_first", decision="deny")
    assert denied["file"] == "cmd/api/routes.go" and denied["session_id"] == result.session_id

    # At the root the project's own entries run the kit; the user entries step aside (no double check).
    run_ok(tmp_repo, isolated_home, claude_bin, Script(main=[write, say("ok")]))
    assert len(decisions(tmp_repo, hook="agent_first", decision="deny")) == 2

    user_hooks.uninstall(isolated_home)
    assert json.loads((isolated_home / ".claude/settings.json").read_text()) == own
    assert not (isolated_home / ".claude/claude-kit").exists()
