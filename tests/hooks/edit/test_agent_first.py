"""agent_first: the main thread may not edit a domain's file when its developer agent exists."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.hooks.hookrun import BACKEND, fixture, install, kit_repo, log_records, run_hook

MAIN_GO = "package main\n\nfunc main() {}\n"


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return kit_repo(tmp_path_factory, "agent_first", files={"cmd/api/main.go": MAIN_GO})


def test_main_thread_edit_of_a_domain_file_is_denied_with_a_one_step_spawn(repo: Path) -> None:
    target = repo / "cmd/api/main.go"
    payload = fixture("PreToolUse-edit", repo, file_path=str(target))

    result = run_hook(repo, "pre_tool_use", payload)

    assert result.returncode == 0 and result.stderr == ""
    assert result.permission == "deny"
    reason = result.reason
    assert reason.startswith("claude-kit: cmd/api/main.go is a backend file.")
    assert (
        'Spawn it: Agent(subagent_type="backend-developer", description="Edit cmd/api/main.go", '
        'prompt="In cmd/api/main.go: <the change you intended, with acceptance criteria>")'
    ) in reason
    assert "main thread coordinates" in reason
    assert "`hooks: {agent_first: {enabled: false}}` in .claude/claude-kit.yaml" in reason
    assert len(reason) < 600
    assert target.read_text() == MAIN_GO
    [rec] = log_records(repo, tool_use_id=payload["tool_use_id"])
    assert rec["hook"] == "agent_first" and rec["decision"] == "deny"
    assert rec["session_id"] == payload["session_id"] and rec["agent_id"] is None
    assert (rec["tool"], rec["file"], rec["domain"], rec["agent"]) == (
        "Edit", "cmd/api/main.go", "backend", "backend-developer"
    )  # fmt: skip


def test_write_of_a_new_domain_file_is_denied(repo: Path) -> None:
    payload = fixture("PreToolUse-write", repo, file_path=str(repo / "internal/new/store.go"))
    result = run_hook(repo, "pre_tool_use", payload)
    assert result.permission == "deny"
    assert 'description="Edit internal/new/store.go"' in result.reason


def test_notebook_edit_uses_notebook_path(tmp_repo: Path) -> None:
    config = 'version: 1\ndomains:\n  python:\n    paths: ["**/*.py", "**/*.ipynb"]\n'
    install(tmp_repo, config)
    payload = fixture("PreToolUse-notebookedit", tmp_repo)  # notebook_path /REPO/analysis.ipynb
    result = run_hook(tmp_repo, "pre_tool_use", payload)
    assert result.permission == "deny"
    assert 'Agent(subagent_type="python-developer", description="Edit analysis.ipynb"' in result.reason


def test_long_paths_keep_the_description_short(repo: Path) -> None:
    rel = "internal/" + "/".join(["deeply_nested_package"] * 4) + "/handler.go"
    result = run_hook(repo, "pre_tool_use", fixture("PreToolUse-write", repo, file_path=str(repo / rel)))
    assert 'description="Edit handler.go"' in result.reason
    assert f'prompt="In {rel}:' in result.reason


def _subagent_edit(repo: Path, agent_type: str, rel: str = "cmd/api/main.go") -> dict[str, Any]:
    payload = fixture("PreToolUse-subagent-edit", repo, file_path=str(repo / rel))
    payload["agent_type"] = agent_type
    return payload


def test_the_domain_developer_subagent_may_edit_and_is_logged(repo: Path) -> None:
    payload = _subagent_edit(repo, "backend-developer")
    result = run_hook(repo, "pre_tool_use", payload)
    assert (result.returncode, result.stdout) == (0, "")
    [rec] = log_records(repo, tool_use_id=payload["tool_use_id"])
    assert rec["decision"] == "allow" and rec["agent_id"] == payload["agent_id"]
    assert rec["reason"] == "edit by subagent backend-developer" and rec["file"] == "cmd/api/main.go"


@pytest.mark.parametrize(
    "agent_type", ["general-purpose", "fork", "claude", "frontend-developer", "backend-reviewer", ""]
)
def test_any_other_subagent_is_denied_and_told_whom_the_main_thread_should_spawn(
    repo: Path, agent_type: str
) -> None:
    payload = _subagent_edit(repo, agent_type)
    result = run_hook(repo, "pre_tool_use", payload)
    assert result.permission == "deny"
    who = agent_type or "this agent"
    assert result.reason.startswith(
        f"claude-kit: cmd/api/main.go is a backend file, and backend-developer makes backend changes, "
        f"not {who}. This edit was not made"
    )
    assert (
        "end your final message with `NEEDS: spawn backend-developer for <the change to cmd/api/main.go>`;"
        ' the main thread spawns it: Agent(subagent_type="backend-developer", '
        'description="Edit cmd/api/main.go"'
    ) in result.reason
    assert "`domains: {backend: {editors: [...]}}`" in result.reason
    [rec] = log_records(repo, tool_use_id=payload["tool_use_id"])
    assert (rec["decision"], rec["agent"], rec["domain"]) == ("deny", "backend-developer", "backend")


def test_subagents_may_edit_exempt_files_and_files_outside_every_domain(repo: Path) -> None:
    for rel in ("cmd/api/main_test.go", "README.md", "Makefile"):
        assert run_hook(repo, "pre_tool_use", _subagent_edit(repo, "general-purpose", rel)).stdout == ""


def test_agents_the_config_names_as_editors_may_edit(tmp_repo: Path) -> None:
    install(tmp_repo, BACKEND + '    editors: ["go-fixer"]\n', files={"cmd/api/main.go": MAIN_GO})
    payload = _subagent_edit(tmp_repo, "go-fixer")
    assert run_hook(tmp_repo, "pre_tool_use", payload).stdout == ""
    [rec] = log_records(tmp_repo, tool_use_id=payload["tool_use_id"])
    assert rec["reason"] == "edit by subagent go-fixer, an editor of backend"
    assert run_hook(tmp_repo, "pre_tool_use", _subagent_edit(tmp_repo, "go-helper")).permission == "deny"


def test_without_the_developer_agent_any_subagent_may_edit(tmp_repo: Path) -> None:
    install(tmp_repo, BACKEND, files={"cmd/api/main.go": MAIN_GO})
    (tmp_repo / ".claude/agents/backend-developer.md").unlink()
    assert run_hook(tmp_repo, "pre_tool_use", _subagent_edit(tmp_repo, "general-purpose")).stdout == ""


@pytest.mark.parametrize(
    ("rel", "label"),
    [
        ("cmd/api/main_test.go", "tests"),
        ("tests/helpers/fake.go", "tests"),
        ("internal/testdata/golden.go", "tests"),
        ("docs/examples/example.md", "docs"),
        (".claude/.output/features/plan.go", "output_dir"),
    ],
)
def test_exempt_files_are_allowed_with_the_exemption_logged(repo: Path, rel: str, label: str) -> None:
    payload = fixture("PreToolUse-write", repo, file_path=str(repo / rel))
    result = run_hook(repo, "pre_tool_use", payload)
    assert result.stdout == ""
    [rec] = log_records(repo, tool_use_id=payload["tool_use_id"], file=rel)
    assert rec["decision"] == "allow" and rec["reason"] == f"exempt ({label})"


@pytest.mark.parametrize(
    "rel", ["backend/docs/docs.go", "docs/docs.go", "internal/spec/openapi.go", "pkg/test/helpers.go"]
)
def test_code_under_folders_named_like_docs_or_tests_is_denied(repo: Path, rel: str) -> None:
    result = run_hook(repo, "pre_tool_use", fixture("PreToolUse-write", repo, file_path=str(repo / rel)))
    assert result.permission == "deny"
    assert result.reason.startswith(f"claude-kit: {rel} is a backend file.")


def test_custom_exemption_globs(tmp_repo: Path) -> None:
    install(tmp_repo, BACKEND + 'exemptions:\n  globs: ["scripts/**"]\n')
    payload = fixture("PreToolUse-write", tmp_repo, file_path=str(tmp_repo / "scripts/gen/main.go"))
    assert run_hook(tmp_repo, "pre_tool_use", payload).stdout == ""
    [rec] = log_records(tmp_repo, file="scripts/gen/main.go")
    assert rec["reason"] == "exempt (glob scripts/**)"


def test_disabled_test_exemption_denies_test_files(tmp_repo: Path) -> None:
    install(tmp_repo, BACKEND + "exemptions:\n  tests: false\n")
    payload = fixture("PreToolUse-write", tmp_repo, file_path=str(tmp_repo / "cmd/api/main_test.go"))
    assert run_hook(tmp_repo, "pre_tool_use", payload).permission == "deny"


def test_files_outside_every_domain_are_allowed(repo: Path) -> None:
    payload = fixture("PreToolUse-write", repo, file_path=str(repo / "Makefile"))
    assert run_hook(repo, "pre_tool_use", payload).stdout == ""
    [rec] = log_records(repo, tool_use_id=payload["tool_use_id"])
    assert rec["reason"] == "outside every domain" and rec["file"] == "Makefile"


def test_paths_outside_the_project_root_are_allowed_and_logged(repo: Path, tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere" / "main.go"
    payload = fixture("PreToolUse-write", repo, file_path=str(outside))
    assert run_hook(repo, "pre_tool_use", payload).stdout == ""
    [rec] = log_records(repo, tool_use_id=payload["tool_use_id"])
    assert rec["reason"] == "outside the project root (not governed by the kit)"
    assert rec["file"] == str(outside)


def test_a_symlink_from_outside_into_a_domain_is_resolved_and_denied(repo: Path, tmp_path: Path) -> None:
    link = tmp_path / "shortcut.txt"
    link.symlink_to(repo / "cmd/api/main.go")
    result = run_hook(repo, "pre_tool_use", fixture("PreToolUse-edit", repo, file_path=str(link)))
    assert result.permission == "deny"
    assert "cmd/api/main.go is a backend file" in result.reason


def test_a_symlink_inside_the_root_that_points_outside_is_not_governed(repo: Path, tmp_path: Path) -> None:
    outside = tmp_path / "vendored"
    outside.mkdir()
    (repo / "vendor_link").symlink_to(outside)
    payload = fixture("PreToolUse-write", repo, file_path=str(repo / "vendor_link/lib.go"))
    assert run_hook(repo, "pre_tool_use", payload).stdout == ""
    [rec] = log_records(repo, tool_use_id=payload["tool_use_id"])
    assert rec["reason"].startswith("outside the project root")


def test_dotdot_paths_are_normalised(repo: Path) -> None:
    sneaky = str(repo / "docs" / ".." / "cmd/api/main.go")
    result = run_hook(repo, "pre_tool_use", fixture("PreToolUse-edit", repo, file_path=sneaky))
    assert result.permission == "deny"


def test_the_most_specific_domain_wins(tmp_repo: Path) -> None:
    config = (
        'version: 1\ndomains:\n  backend:\n    paths: ["**/*.go"]\n'
        '  tools:\n    paths: ["cmd/tools/**"]\n    agents: {developer: python-developer}\n'
    )
    install(tmp_repo, config)
    specific = fixture("PreToolUse-write", tmp_repo, file_path=str(tmp_repo / "cmd/tools/gen.go"))
    general = fixture("PreToolUse-write", tmp_repo, file_path=str(tmp_repo / "cmd/api/gen.go"))
    assert 'subagent_type="python-developer"' in run_hook(tmp_repo, "pre_tool_use", specific).reason
    assert 'subagent_type="backend-developer"' in run_hook(tmp_repo, "pre_tool_use", general).reason


def test_domain_excludes_are_honoured(tmp_repo: Path) -> None:
    install(tmp_repo, BACKEND + '    exclude: ["**/generated/**"]\n')
    payload = fixture("PreToolUse-write", tmp_repo, file_path=str(tmp_repo / "api/generated/types.go"))
    assert run_hook(tmp_repo, "pre_tool_use", payload).stdout == ""
    [rec] = log_records(tmp_repo, tool_use_id=payload["tool_use_id"])
    assert rec["reason"] == "outside every domain"


def test_no_developer_agent_means_allow(tmp_repo: Path) -> None:
    install(tmp_repo)
    (tmp_repo / ".claude/agents/backend-developer.md").unlink()
    payload = fixture("PreToolUse-edit", tmp_repo, file_path=str(tmp_repo / "cmd/api/main.go"))
    assert run_hook(tmp_repo, "pre_tool_use", payload).stdout == ""
    [rec] = log_records(tmp_repo, tool_use_id=payload["tool_use_id"])
    assert rec["reason"] == "no developer agent backend-developer for domain backend"


def test_a_main_thread_running_as_the_developer_agent_may_edit(repo: Path) -> None:
    payload = fixture("PreToolUse-edit", repo, file_path=str(repo / "cmd/api/main.go"))
    payload["agent_type"] = "backend-developer"  # `claude --agent backend-developer`: no agent_id
    assert run_hook(repo, "pre_tool_use", payload).stdout == ""


def test_config_switch_turns_it_off(tmp_repo: Path) -> None:
    install(tmp_repo, BACKEND + "hooks:\n  agent_first: {enabled: false}\n")
    payload = fixture("PreToolUse-edit", tmp_repo, file_path=str(tmp_repo / "cmd/api/main.go"))
    assert run_hook(tmp_repo, "pre_tool_use", payload).stdout == ""


@pytest.mark.parametrize(
    "env", [{"CLAUDE_KIT_DISABLE": "1"}, {"CLAUDE_KIT_DISABLE_HOOKS": "budget, agent_first"}]
)
def test_environment_kill_switches(repo: Path, env: dict[str, str]) -> None:
    payload = fixture("PreToolUse-edit", repo, file_path=str(repo / "cmd/api/main.go"))
    assert run_hook(repo, "pre_tool_use", payload, env=env).stdout == ""


def test_the_deny_reason_escapes_quotes_in_paths(repo: Path) -> None:
    payload = fixture("PreToolUse-write", repo, file_path=str(repo / 'cmd/we"ird.go'))
    assert 'description="Edit cmd/we\\"ird.go"' in run_hook(repo, "pre_tool_use", payload).reason


def test_a_stale_config_is_named_in_the_deny(tmp_repo: Path) -> None:
    install(tmp_repo)
    cfg = tmp_repo / ".claude/claude-kit.yaml"
    cfg.write_text(cfg.read_text() + "# edited after sync\n")
    compiled = tmp_repo / ".claude/hooks/claude-kit.json"
    import os

    os.utime(cfg, (compiled.stat().st_mtime + 5, compiled.stat().st_mtime + 5))
    payload = fixture("PreToolUse-edit", tmp_repo, file_path=str(tmp_repo / "cmd/api/main.go"))
    assert "run `claude-kit sync`" in run_hook(tmp_repo, "pre_tool_use", payload).reason
