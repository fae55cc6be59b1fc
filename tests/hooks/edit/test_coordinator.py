"""coordinator_no_edit: during an orchestration the main thread writes only under the output folder."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from tests.hooks.hookrun import BACKEND, TWO_DOMAINS, fixture, install, log_records, run_hook

CK = Callable[..., Result]
COORDINATOR = BACKEND + "orchestration:\n  coordinator_mode: true\n"


def _write(repo: Path, rel: str, **extra: object) -> dict[str, object]:
    payload = fixture("PreToolUse-write", repo, file_path=str(repo / rel))
    payload.update(extra)
    return payload


def _activate(repo: Path, **data: object) -> None:
    path = repo / ".git/claude-kit/features/active.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data), encoding="utf-8")


def test_coordinator_mode_denies_a_file_outside_every_domain(tmp_repo: Path) -> None:
    install(tmp_repo, COORDINATOR)
    payload = _write(tmp_repo, "Makefile")

    result = run_hook(tmp_repo, "pre_tool_use", payload)

    assert result.permission == "deny"
    reason = result.reason
    assert reason.startswith("claude-kit: Coordinator mode is on (`orchestration.coordinator_mode: true`")
    assert "it may write only under .claude/.output/, not Makefile" in reason
    assert 'Delegate it: Agent(subagent_type="backend-developer", description="Edit Makefile"' in reason
    assert "or write plans and notes under .claude/.output/" in reason
    assert "`hooks: {coordinator_no_edit: {enabled: false}}`" in reason
    assert len(reason) < 700
    assert not (tmp_repo / "Makefile").exists()
    agent_first, coordinator = log_records(tmp_repo, tool_use_id=payload["tool_use_id"])
    assert (agent_first["hook"], agent_first["reason"]) == ("agent_first", "outside every domain")
    got = (coordinator["hook"], coordinator["decision"], coordinator["file"], coordinator["feature_name"])
    assert got == ("coordinator_no_edit", "deny", "Makefile", "coordinator_mode")
    assert (coordinator["feature"], coordinator["phase"]) == ("", "")  # no feature: coordinator mode


def test_coordinator_mode_denies_exempt_files_too(tmp_repo: Path) -> None:
    install(tmp_repo, COORDINATOR)
    for rel in ("cmd/api/main_test.go", "docs/notes.md", "README.md"):
        assert run_hook(tmp_repo, "pre_tool_use", _write(tmp_repo, rel)).permission == "deny", rel


def test_the_output_folder_stays_writable(tmp_repo: Path) -> None:
    install(tmp_repo, COORDINATOR)
    payload = _write(tmp_repo, ".claude/.output/features/plan.md")
    assert run_hook(tmp_repo, "pre_tool_use", payload).stdout == ""
    [rec] = log_records(tmp_repo, tool_use_id=payload["tool_use_id"], hook="coordinator_no_edit")
    assert rec["decision"] == "allow" and rec["reason"] == "inside the output folder"


def test_a_custom_output_folder_is_the_one_allowed(tmp_repo: Path) -> None:
    install(tmp_repo, COORDINATOR + "output_dir: build/agents\n")
    assert run_hook(tmp_repo, "pre_tool_use", _write(tmp_repo, "build/agents/plan.md")).stdout == ""
    denied = run_hook(tmp_repo, "pre_tool_use", _write(tmp_repo, ".claude/.output/plan.md"))
    assert "it may write only under build/agents/" in denied.reason


def test_a_domain_file_gets_the_agent_first_deny(tmp_repo: Path) -> None:
    install(tmp_repo, COORDINATOR)
    payload = _write(tmp_repo, "cmd/api/main.go")
    assert run_hook(tmp_repo, "pre_tool_use", payload).permission == "deny"
    [rec] = log_records(tmp_repo, tool_use_id=payload["tool_use_id"], decision="deny")
    assert rec["hook"] == "agent_first"


def test_with_agent_first_off_the_coordinator_names_the_domain_developer(tmp_repo: Path) -> None:
    config = TWO_DOMAINS + "orchestration: {coordinator_mode: true}\nhooks: {agent_first: {enabled: false}}\n"
    install(tmp_repo, config)
    reason = run_hook(tmp_repo, "pre_tool_use", _write(tmp_repo, "ui/src/App.tsx")).reason
    assert 'Agent(subagent_type="frontend-developer", description="Edit ui/src/App.tsx"' in reason
    assert "developer agents here" not in reason


def test_a_non_domain_file_lists_the_developers(tmp_repo: Path) -> None:
    install(tmp_repo, TWO_DOMAINS + "orchestration: {coordinator_mode: true}\n")
    reason = run_hook(tmp_repo, "pre_tool_use", _write(tmp_repo, "Makefile")).reason
    assert "(developer agents here: backend-developer, frontend-developer)" in reason


def test_an_in_progress_feature_activates_it_and_is_named(tmp_repo: Path) -> None:
    install(tmp_repo)
    _activate(
        tmp_repo, feature_id="20261121-120000-login", dir=".claude/.output/features/20261121-120000-login",
        name="login", work_type="medium", status="in_progress", current_phase="implementation",
        updated_at="2026-11-21T12:00:00Z",
    )  # fmt: skip
    payload = _write(tmp_repo, "cmd/api/main_test.go")  # a domain's tests are code

    result = run_hook(tmp_repo, "pre_tool_use", payload)

    assert result.permission == "deny"
    assert result.reason.startswith(
        'claude-kit: Feature "login" is in progress (phase: implementation), '
        "so the main thread only coordinates"
    )
    assert "The user can end the feature (20261121-120000-login) from their terminal" in result.reason
    assert "feature mark" not in result.reason  # the user's command: never named to the model
    [rec] = log_records(tmp_repo, tool_use_id=payload["tool_use_id"], hook="coordinator_no_edit")
    assert (rec["feature"], rec["feature_name"], rec["phase"]) == (
        "20261121-120000-login",
        "login",
        "implementation",
    )
    assert rec["prompt_id"] == payload["prompt_id"]  # the runtime's correlation ids, as the payload gave them


def test_a_feature_started_with_the_cli_activates_it(
    ck: CK, tmp_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    install(tmp_repo)
    monkeypatch.chdir(tmp_repo)  # `claude-kit feature` works on the repository it runs in
    assert ck("feature", "start", "order cancellation", "--type", "medium").exit_code == 0
    reason = run_hook(tmp_repo, "pre_tool_use", _write(tmp_repo, "cmd/api/main_test.go")).reason
    assert reason.startswith('claude-kit: Feature "order cancellation" is in progress (phase: setup)')
    active = json.loads((tmp_repo / ".git/claude-kit/features/active.json").read_text())
    assert f"end the feature ({active['feature_id']}) from their terminal" in reason

    assert ck("feature", "mark", active["feature_id"], "--status", "complete").exit_code == 0
    assert run_hook(tmp_repo, "pre_tool_use", _write(tmp_repo, "cmd/api/main_test.go")).stdout == ""


LOGIN = {"feature_id": "f1", "name": "login", "status": "in_progress", "current_phase": "implementation"}


def test_a_feature_leaves_docs_and_files_outside_every_domain_editable(tmp_repo: Path) -> None:
    install(tmp_repo, TWO_DOMAINS + "hooks: {agent_first: {enabled: false}}\n")
    _activate(tmp_repo, **LOGIN)
    for rel, why in (
        ("README.md", "not a domain's file"),
        ("docs/notes.md", "not a domain's file"),
        ("Makefile", "not a domain's file"),
        ("ui/README.md", "documentation in frontend"),
    ):
        payload = _write(tmp_repo, rel)
        assert run_hook(tmp_repo, "pre_tool_use", payload).stdout == "", rel
        [rec] = log_records(tmp_repo, tool_use_id=payload["tool_use_id"], hook="coordinator_no_edit")
        assert rec["reason"] == f"feature in progress, but {why} (feature_scope: code)", rel
    for rel in ("ui/src/App.tsx", "cmd/api/main.go", "cmd/api/main_test.go"):
        assert run_hook(tmp_repo, "pre_tool_use", _write(tmp_repo, rel)).permission == "deny", rel


def test_feature_scope_everything_takes_every_file(tmp_repo: Path) -> None:
    install(tmp_repo, BACKEND + "orchestration: {feature_scope: everything}\n")
    _activate(tmp_repo, **LOGIN)
    for rel in ("README.md", "Makefile"):
        reason = run_hook(tmp_repo, "pre_tool_use", _write(tmp_repo, rel)).reason
        assert reason.startswith('claude-kit: Feature "login" is in progress'), rel


@pytest.mark.parametrize("content", ['{"name": "x", "status": "completed"}', "{torn", "[]", ""])
def test_a_finished_or_unreadable_feature_does_not_activate_it(tmp_repo: Path, content: str) -> None:
    install(tmp_repo)
    path = tmp_repo / ".git/claude-kit/features/active.json"
    path.parent.mkdir(parents=True)
    path.write_text(content)
    result = run_hook(tmp_repo, "pre_tool_use", _write(tmp_repo, "Makefile"))
    assert (result.returncode, result.stdout) == (0, "")


def test_subagents_are_not_coordinators(tmp_repo: Path) -> None:
    install(tmp_repo, COORDINATOR)
    payload = fixture("PreToolUse-subagent-write", tmp_repo, file_path=str(tmp_repo / "Makefile"))
    assert run_hook(tmp_repo, "pre_tool_use", payload).stdout == ""


def test_paths_outside_the_root_are_left_alone(tmp_repo: Path, tmp_path: Path) -> None:
    install(tmp_repo, COORDINATOR)
    plan = tmp_path / "home/.claude/plans/plan.md"  # e.g. the runtime's own plan files
    assert run_hook(tmp_repo, "pre_tool_use", _write(tmp_repo, str(plan))).stdout == ""


def test_switch_off(tmp_repo: Path) -> None:
    install(tmp_repo, COORDINATOR + "hooks:\n  coordinator_no_edit: {enabled: false}\n")
    assert run_hook(tmp_repo, "pre_tool_use", _write(tmp_repo, "Makefile")).stdout == ""


def test_off_without_an_orchestration(tmp_repo: Path) -> None:
    install(tmp_repo)
    payload = _write(tmp_repo, "Makefile")
    assert run_hook(tmp_repo, "pre_tool_use", payload).stdout == ""
    assert log_records(tmp_repo, tool_use_id=payload["tool_use_id"], hook="coordinator_no_edit") == []


def test_the_active_feature_is_read_from_each_projects_own_root(tmp_path: Path) -> None:
    from claude_kit_hooks.edit.coordinator import active_orchestration
    from claude_kit_hooks.runtime.config import complete
    from claude_kit_hooks.runtime.project import Project

    active, idle = tmp_path / "active", tmp_path / "idle"
    _activate(active, feature_id="f1", name="login", status="in_progress", current_phase="review")
    cfg = complete({})
    assert active_orchestration(Project(str(active)), cfg) == ("login", "review", "f1")
    assert active_orchestration(Project(str(idle)), cfg) is None
    coordinator = complete({"orchestration": {"coordinator_mode": True}})
    assert active_orchestration(Project(str(idle)), coordinator) == ("", "", "")
