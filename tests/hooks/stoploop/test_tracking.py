"""PostToolUse(Edit|Write|NotebookEdit) records changed files under their domain, per session."""

from __future__ import annotations

from claude_kit_hooks.stoploop import events, session_state
from tests.hooks.stoploop.conftest import SID, TWO_DOMAINS, Kit, fixture, verdict_text


def test_main_thread_edit_fixture_is_recorded_under_its_domain(kit: Kit) -> None:
    kit.install(config="version: 1\ndomains:\n  python:\n    paths: ['**/*.py']\n")
    payload = fixture("PostToolUse-edit", kit.repo)
    kit.write("app.py", "x = 2\n")

    answer = kit.run_hook("post_tool_use", payload)

    assert answer == {}
    state = kit.state(sid=payload["session_id"])
    assert state["domains"]["python"]["files"] == ["app.py"]
    assert state["domains"]["python"]["changes"] == 1
    assert state["seq"] == 1


def test_subagent_edit_and_notebook_edit_fixtures_are_recorded(kit: Kit) -> None:
    kit.install(config="version: 1\ndomains:\n  python:\n    paths: ['**/*.py', '**/*.ipynb']\n")
    kit.write("app.py")
    kit.write("analysis.ipynb", "{}")
    sub = fixture("PostToolUse-subagent-edit", kit.repo)
    notebook = fixture("PostToolUse-notebookedit", kit.repo)

    kit.run_hook("post_tool_use", sub)
    kit.run_hook("post_tool_use", notebook)

    state = kit.state(sid=sub["session_id"])
    assert state["domains"]["python"]["files"] == ["app.py", "analysis.ipynb"]
    assert state["domains"]["python"]["changes"] == 2


def test_files_outside_domains_the_project_or_in_the_output_dir_are_not_tracked(kit: Kit) -> None:
    kit.install()
    kit.edit("notes.txt")
    kit.edit(".claude/.output/adhoc/plan.go")
    h = kit.hook(
        "PostToolUse", tool_name="Write", tool_input={"file_path": "/etc/hosts.go"}, tool_response={}
    )
    events.track_modification(h)

    assert kit.state() == {}


def test_a_change_after_a_pass_makes_the_domain_dirty_again(kit: Kit) -> None:
    kit.install()
    kit.edit("cmd/main.go")
    kit.verdict("backend-reviewer", verdict_text())
    assert kit.state()["domains"]["backend"]["phases"]["review"]["verdict"] == "PASS"

    kit.edit("cmd/main.go", text="package main\n// changed\n")

    backend = kit.state()["domains"]["backend"]
    assert backend["phases"] == {}
    assert backend["changes"] == 2
    [note] = kit.decisions(hook="track_modifications")
    assert "changed after backend passed" in note["reason"]


def test_tests_written_by_the_tester_do_not_reopen_the_review(kit: Kit) -> None:
    kit.install()
    kit.edit("cmd/main.go")
    kit.verdict("backend-reviewer", verdict_text())

    kit.edit("cmd/main_test.go", agent_type="backend-tester", agent_id="t1")

    backend = kit.state()["domains"]["backend"]
    assert backend["phases"]["review"]["verdict"] == "PASS"
    assert backend["verifier_changes"] == 1
    assert backend["files"] == ["cmd/main.go", "cmd/main_test.go"]


def test_main_thread_and_each_domain_are_kept_apart(kit: Kit) -> None:
    kit.install(config=TWO_DOMAINS)
    kit.edit("svc/a.go", agent_type=None)
    kit.edit("tools/gen.py", agent_type="python-developer", agent_id="p1")

    domains = kit.state()["domains"]
    assert domains["backend"]["files"] == ["svc/a.go"]
    assert domains["python"]["files"] == ["tools/gen.py"]


def test_markdown_reports_are_recorded_with_their_author_but_docs_are_not(kit: Kit) -> None:
    kit.install()
    kit.edit("review-notes.md", agent_type="backend-reviewer", agent_id="r1", tool="Write")
    kit.edit("docs/api.md", agent_type="backend-developer", agent_id="d1", tool="Write")
    kit.edit("pkg/README.md", agent_type="backend-developer", agent_id="d1", tool="Write")

    reports = kit.state()["reports"]
    assert list(reports) == ["review-notes.md"]
    assert reports["review-notes.md"]["agent_id"] == "r1"


def test_code_in_a_folder_named_docs_is_tracked_under_its_domain(kit: Kit) -> None:
    kit.install()
    kit.edit("backend/docs/docs.go", agent_type="backend-developer", agent_id="d1", tool="Write")
    kit.edit("backend/docs/swagger.md", agent_type="backend-developer", agent_id="d1", tool="Write")

    assert kit.state()["domains"]["backend"]["files"] == ["backend/docs/docs.go"]


def test_a_change_in_a_worktree_is_tracked_under_its_domain_for_the_session(kit: Kit) -> None:
    kit.install(config="version: 1\ndomains:\n  backend:\n    paths: ['cmd/**']\n")
    wt = ".claude/worktrees/agent-a1"
    kit.edit(f"{wt}/cmd/main.go", agent_type="backend-developer", agent_id="d1")
    kit.edit(f"{wt}/docs/notes.md", agent_type="backend-developer", agent_id="d1")

    state = kit.state()
    assert state["domains"]["backend"]["files"] == [f"{wt}/cmd/main.go"]
    assert state["reports"] == {}  # docs in a worktree are docs, not a stray report


def test_file_list_is_bounded_but_changes_keep_counting(kit: Kit) -> None:
    kit.install()
    for i in range(session_state.FILE_CAP + 5):
        kit.edit(f"pkg/f{i}.go")

    backend = kit.state()["domains"]["backend"]
    assert len(backend["files"]) == session_state.FILE_CAP
    assert backend["files"][-1] == f"pkg/f{session_state.FILE_CAP + 4}.go"
    assert backend["changes"] == session_state.FILE_CAP + 5


def test_kill_switch_turns_tracking_off(kit: Kit) -> None:
    kit.install(config=kit_config_with("hooks:\n  track_modifications: {enabled: false}\n"))
    kit.edit("cmd/main.go")
    assert kit.state() == {}


def test_state_is_per_session(kit: Kit) -> None:
    kit.install()
    kit.edit("a.go")
    kit.sid = "other-session"
    kit.edit("b.go")

    assert kit.state(sid=SID)["domains"]["backend"]["files"] == ["a.go"]
    assert kit.state(sid="other-session")["domains"]["backend"]["files"] == ["b.go"]


def kit_config_with(extra: str) -> str:
    from tests.hooks.stoploop.conftest import BACKEND

    return BACKEND + extra


def test_a_testers_change_to_production_code_reopens_the_review(kit: Kit) -> None:
    kit.install()
    kit.edit("cmd/main.go")
    kit.verdict("backend-reviewer", verdict_text())

    kit.edit(
        "cmd/main.go", text="package main // tester's tweak\n", agent_type="backend-tester", agent_id="t1"
    )

    backend = kit.state()["domains"]["backend"]
    assert backend["phases"] == {} and backend["verifier_changes"] == 0
    assert backend["changed_seq"] == kit.state()["seq"]
    [note] = kit.decisions(hook="track_modifications")
    assert "cmd/main.go changed after backend passed a phase" in note["reason"]


def test_the_kits_test_file_patterns_decide_what_a_tester_may_write() -> None:
    from claude_kit_hooks.stoploop.tracking import is_test_file

    tests = ["cmd/main_test.go", "tests/test_app.py", "web/src/a.spec.tsx", "pkg/conftest.py", "e2e/x.go"]
    code = ["cmd/main.go", "app/testing.py", "src/contest.py", "web/src/spec.ts"]
    assert [is_test_file(p) for p in tests] == [True] * len(tests)
    assert [is_test_file(p) for p in code] == [False] * len(code)
