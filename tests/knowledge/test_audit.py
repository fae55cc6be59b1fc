"""`claude-kit audit`: every defect class is caught (code, file, line), and the shipped content passes."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from click.testing import Result

from claude_kit import audit, lifecycle
from tests.conftest import REPO_ROOT, build_file_tree

FIXTURES = Path(__file__).parent / "fixtures"

# fixture -> (code, file, line) of the finding it must produce; each tree has exactly that defect.
EXPECTED: dict[str, tuple[str, str, int | None]] = {
    "agent-block-scalar": ("AGENT_BLOCK_SCALAR", "agents/demo-developer.md", 3),
    "agent-unknown": ("AGENT_UNKNOWN", "skill-library/demo/demo-skill/SKILL.md", 8),
    "agent-color": ("AGENT_COLOR", "agents/demo-developer.md", 7),
    "agent-coordinator-edits": ("AGENT_COORDINATOR_EDITS", "agents/demo-lead.md", 4),
    "agent-coordinator-no-tools": ("AGENT_COORDINATOR_EDITS", "agents/test-lead.md", 2),
    "agent-description": ("AGENT_DESCRIPTION", "agents/demo-developer.md", 3),
    "agent-frontmatter": ("AGENT_FRONTMATTER", "agents/demo-reviewer.md", 3),
    "agent-model": ("AGENT_MODEL", "agents/demo-developer.md", 5),
    "agent-name": ("AGENT_NAME", "agents/demo-tester.md", 2),
    "agent-skill-missing": ("AGENT_SKILL_MISSING", "agents/demo-developer.md", 6),
    "agent-too-long": ("AGENT_TOO_LONG", "agents/demo-developer.md", 151),
    "agent-tools": ("AGENT_TOOLS", "agents/demo-developer.md", 4),
    "agent-unknown-key": ("AGENT_UNKNOWN_KEY", "agents/demo-developer.md", 7),
    "agent-worker-spawns": ("AGENT_WORKER_SPAWNS", "agents/demo-developer.md", 4),
    "block-example-invalid": ("BLOCK_EXAMPLE_INVALID", "skills/gateway-demo/SKILL.md", 13),
    "command-option-unknown": ("COMMAND_UNKNOWN", "skill-library/demo/demo-skill/SKILL.md", 8),
    "command-unknown": ("COMMAND_UNKNOWN", "skill-library/demo/demo-skill/SKILL.md", 8),
    "config-block-unknown": ("CONFIG_KEY_UNKNOWN", "skills/gateway-demo/SKILL.md", 14),
    "config-invalid": ("CONFIG_INVALID", ".claude/claude-kit.yaml", 3),
    "config-key-unknown": ("CONFIG_KEY_UNKNOWN", "skills/gateway-demo/SKILL.md", 10),
    "gateway-no-routing": ("GATEWAY_NO_ROUTING", "skills/gateway-demo/SKILL.md", None),
    "agent-edited": ("AGENT_EDITED", ".claude/agents/demo-developer.md", None),
    "hook-file-missing": ("HOOK_FILE_MISSING", ".claude/settings.json", 9),
    "hook-matcher-task": ("HOOK_MATCHER_TASK", ".claude/settings.json", 5),
    "hook-timeout": ("HOOK_TIMEOUT", ".claude/settings.json", 9),
    "index-missing": ("INDEX_MISSING", ".claude/skill-library/index.json", None),
    "index-stale": ("INDEX_STALE", ".claude/skill-library/index.json", None),
    "library-orphan": ("LIBRARY_ORPHAN", "skill-library/demo/notes.md", None),
    "link-broken": ("LINK_BROKEN", "skill-library/demo/demo-skill/SKILL.md", 8),
    "markdown-link-broken": ("LINK_BROKEN", "skill-library/demo/demo-skill/SKILL.md", 8),
    "output-name-unknown": ("OUTPUT_NAME_UNKNOWN", "agents/demo-developer.md", 10),
    "path-broken": ("PATH_BROKEN", "skill-library/demo/demo-skill/SKILL.md", 8),
    "read-path-broken": ("PATH_BROKEN", "agents/demo-developer.md", 10),
    "reference-unlinked": (
        "REFERENCE_UNLINKED",
        "skill-library/demo/demo-skill/references/forgotten.md",
        None,
    ),
    "routing-table-stale": ("ROUTING_TABLE_STALE", ".claude/skills/gateway-demo/SKILL.md", 8),
    "scaffold-unedited": ("SCAFFOLD_UNEDITED", "skill-library/demo/demo-skill/SKILL.md", 7),
    "settings-invalid": ("SETTINGS_INVALID", ".claude/settings.json", 3),
    "skill-block-scalar": ("SKILL_BLOCK_SCALAR", "skill-library/demo/demo-skill/SKILL.md", 3),
    "skill-description-core-long": ("SKILL_DESCRIPTION_CORE_LONG", "skills/gateway-demo/SKILL.md", 3),
    "skill-description-missing": ("SKILL_DESCRIPTION_MISSING", "skill-library/demo/demo-skill/SKILL.md", 2),
    "skill-description-multiline": (
        "SKILL_DESCRIPTION_MULTILINE",
        "skill-library/demo/demo-skill/SKILL.md",
        3,
    ),
    "skill-description-too-long": ("SKILL_DESCRIPTION_TOO_LONG", "skill-library/demo/demo-skill/SKILL.md", 3),
    "skill-description-use-when": ("SKILL_DESCRIPTION_USE_WHEN", "skill-library/demo/demo-skill/SKILL.md", 3),
    "skill-duplicate-name": ("SKILL_DUPLICATE_NAME", "skill-library/other/demo-skill/SKILL.md", 2),
    "skill-frontmatter": ("SKILL_FRONTMATTER", "skill-library/demo/demo-skill/SKILL.md", 1),
    "skill-missing-file": ("SKILL_MISSING_FILE", "skills/notes", None),
    "skill-name-format": ("SKILL_NAME_FORMAT", "skill-library/demo/demo_skill/SKILL.md", 2),
    "skill-name-mismatch": ("SKILL_NAME_MISMATCH", "skill-library/demo/demo-skill/SKILL.md", 2),
    "skill-too-long": ("SKILL_TOO_LONG", "skill-library/demo/demo-skill/SKILL.md", 500),
    "skill-triggers": ("SKILL_TRIGGERS", "skill-library/demo/demo-skill/SKILL.md", 2),
    "skill-unreachable": ("SKILL_UNREACHABLE", "skill-library/nowhere/lost-skill/SKILL.md", 2),
    "tier1-budget": ("TIER1_BUDGET", "skills", None),
    # the preloaded gateway makes every spawn of the agent start with ~9,000 characters
    "context-budget": ("CONTEXT_BUDGET", "agents/demo-developer.md", None),
}
# Findings a fixture may produce besides its own: the budget fixture's long descriptions also warn.
ALSO = {
    "tier1-budget": {"SKILL_DESCRIPTION_CORE_LONG"},
    # An installed layout with only its manifest and agents: no team config, no routing index.
    "agent-edited": {"CONFIG_INVALID", "INDEX_MISSING"},
}


def run(name: str) -> audit.Audit:
    from claude_kit.cli import cli

    tree = FIXTURES / name
    return audit.run_audit(tree, source=not (tree / ".claude").is_dir(), commands=cli)


def test_every_fixture_is_covered_and_every_code_has_a_fixture() -> None:
    trees = {p.name for p in FIXTURES.iterdir() if p.is_dir()}
    assert trees == set(EXPECTED) | {"clean"}
    assert {code for code, _, _ in EXPECTED.values()} == set(audit.CODES)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_defect_class_is_caught_with_code_file_and_line(name: str) -> None:
    code, file, line = EXPECTED[name]
    findings = run(name).findings
    assert (code, file, line) in {(f.code, f.file, f.line) for f in findings}, findings
    assert {f.code for f in findings} <= {code} | ALSO.get(name, set()), findings
    for f in findings:
        assert f.severity == audit.CODES[f.code][0]
        assert f.message and f.fix


def test_the_clean_fixture_has_no_findings() -> None:
    assert run("clean").findings == []


def test_shipped_source_tree_passes(ck: Callable[..., Result]) -> None:
    result = ck("audit", "--source", str(REPO_ROOT), "--format", "json")
    data = json.loads(result.output)
    assert data["errors"] == 0, [f for f in data["findings"] if f["severity"] == "error"]
    assert result.exit_code == 0
    assert data["tier1_chars"] <= audit.TIER1_BUDGET
    assert data["files_checked"] > 100
    print(
        f"\nkit source: {data['files_checked']} files, Tier-1 listing {data['tier1_chars']} chars, "
        f"{data['warnings']} warning(s)"
    )


def test_an_installed_repo_passes(tmp_repo: Path, ck: Callable[..., Result]) -> None:
    build_file_tree(
        tmp_repo, {"go.mod": "module x\n", "main.go": "package main\n", "ui/App.tsx": "export {}\n"}
    )
    assert lifecycle.install(tmp_repo) == 0
    result = ck("audit", str(tmp_repo))
    assert result.exit_code == 0, result.output
    assert "audit: 0 error(s), 0 warning(s)" in result.output
    assert "Always-on context: main thread " in result.output


def test_the_context_budget_is_the_team_config_s(tmp_repo: Path, ck: Callable[..., Result]) -> None:
    build_file_tree(tmp_repo, {"go.mod": "module x\n", "main.go": "package main\n"})
    assert lifecycle.install(tmp_repo) == 0
    config = tmp_repo / ".claude/claude-kit.yaml"
    config.write_text(config.read_text() + "context:\n  budget_chars: 1000\n")
    result = ck("audit", str(tmp_repo), "--format", "json")
    data = json.loads(result.output)
    assert data["context"]["budget"] == 1000 and data["context"]["claude_md"] > 0
    budget = {f["file"]: f["message"] for f in data["findings"] if f["code"] == "CONTEXT_BUDGET"}
    assert "the main thread's always-on context" in budget[".claude/claude-kit.yaml"]
    assert "a spawn of backend-developer starts with" in budget[".claude/agents/backend-developer.md"]


def test_a_spawn_with_the_skill_tool_counts_the_skill_listing(tmp_repo: Path) -> None:
    # The runtime shows the skill listing to an agent that has the Skill tool (or inherits every
    # tool): a role agent without it does not carry the listing's characters.
    build_file_tree(tmp_repo, {"go.mod": "module x\n", "main.go": "package main\n"})
    assert lifecycle.install(tmp_repo) == 0
    before = audit.run_audit(tmp_repo).context
    assert before is not None and before.listing > 0
    agent = tmp_repo / ".claude/agents/backend-developer.md"
    agent.write_text(agent.read_text().replace("tools: Read, Grep, Glob, Bash, Edit, Write\n", "", 1))
    after = audit.run_audit(tmp_repo).context
    assert after is not None
    added = after.spawns["backend-developer"] - before.spawns["backend-developer"]
    assert added == before.listing
    assert after.spawns["backend-reviewer"] == before.spawns["backend-reviewer"]


def test_library_drift_is_an_error_until_sync(tmp_repo: Path, ck: Callable[..., Result]) -> None:
    build_file_tree(tmp_repo, {"go.mod": "module x\n", "main.go": "package main\n"})
    assert lifecycle.install(tmp_repo) == 0
    skill = tmp_repo / ".claude/skill-library/backend/go-error-handling/SKILL.md"
    skill.write_text(skill.read_text().replace("triggers: [", "triggers: [pkg errors migration, ", 1))
    findings = audit.run_audit(tmp_repo).findings
    assert {f.code for f in findings} == {"INDEX_STALE", "ROUTING_TABLE_STALE"}, findings
    assert "go-error-handling" in next(f.message for f in findings if f.code == "INDEX_STALE")
    assert ck("audit", str(tmp_repo)).exit_code == 1
    assert lifecycle.sync(tmp_repo) == 0
    assert audit.run_audit(tmp_repo).findings == []


def test_exit_codes_and_strict(ck: Callable[..., Result], tmp_path: Path) -> None:
    assert ck("audit", "--source", str(FIXTURES / "clean")).exit_code == 0
    assert ck("audit", "--source", str(FIXTURES / "skill-block-scalar")).exit_code == 1
    warn_only = FIXTURES / "skill-triggers"
    assert ck("audit", "--source", str(warn_only)).exit_code == 0
    assert ck("audit", "--source", str(warn_only), "--strict").exit_code == 1
    assert ck("audit", "--source", str(tmp_path)).exit_code == 2  # no skills/, skill-library/, agents/
    assert ck("audit", str(tmp_path / "missing")).exit_code == 2
    assert ck("audit", "--format", "xml").exit_code == 2


def test_text_output_names_file_line_code_and_fix(ck: Callable[..., Result]) -> None:
    result = ck("audit", "--source", str(FIXTURES / "skill-block-scalar"))
    lines = result.output.splitlines()
    assert lines[0].startswith("skill-library/demo/demo-skill/SKILL.md:3: error SKILL_BLOCK_SCALAR ")
    assert lines[1].startswith("    fix: ")
    assert lines[-1].startswith("audit: 1 error(s), 0 warning(s)")


def test_output_is_deterministic(ck: Callable[..., Result]) -> None:
    first = ck("audit", "--source", str(REPO_ROOT), "--format", "json").output
    assert first == ck("audit", "--source", str(REPO_ROOT), "--format", "json").output


def test_paths_a_skill_tells_you_to_create_are_not_broken(tmp_path: Path) -> None:
    build_file_tree(
        tmp_path,
        {
            "skills/gateway-demo/SKILL.md": (FIXTURES / "clean/skills/gateway-demo/SKILL.md").read_text(),
            "skill-library/demo/how-to/SKILL.md": (
                "---\nname: how-to\ndescription: Use when adding a skill.\ntriggers: [add skill]\n"
                "---\n# How to\n"
                "```bash\nclaude-kit new skill kafka-retries --category demo\n"
                "# -> .claude/skill-library/demo/kafka-retries/SKILL.md\n```\n"
                "Placeholders are fine: `.claude/skill-library/<category>/<name>/SKILL.md`.\n"
                "A real typo is not: `.claude/skill-library/demo/how-too/SKILL.md`.\n"
            ),
        },
    )
    findings = audit.run_audit(tmp_path, source=True).findings
    assert [(f.code, f.line) for f in findings] == [("PATH_BROKEN", 12)]


def test_pre_commit_hook_runs_the_audit() -> None:
    hooks = yaml.safe_load((REPO_ROOT / ".pre-commit-hooks.yaml").read_text())
    [hook] = [h for h in hooks if h["id"] == "claude-kit-audit"]
    assert hook["entry"].startswith("claude-kit audit")
    assert hook["pass_filenames"] is False


def test_a_worker_that_can_start_a_workflow_can_spawn(tmp_path: Path) -> None:
    shutil.copytree(FIXTURES / "agent-worker-spawns", tmp_path / "repo")
    agent = tmp_path / "repo/agents/demo-developer.md"
    agent.write_text(agent.read_text().replace("Bash, Agent", "Bash, Workflow"))
    findings = audit.run_audit(tmp_path / "repo", source=True).findings
    [finding] = [f for f in findings if f.code == "AGENT_WORKER_SPAWNS"]
    assert "tools: Workflow" in finding.message


def test_an_installed_skill_that_says_what_is_not_true_fails_the_audit(
    tmp_repo: Path, ck: Callable[..., Result]
) -> None:
    """The statements issue 13 found, planted back into an installed kit: each is an error with its line."""
    build_file_tree(tmp_repo, {"go.mod": "module x\n", "main.go": "package main\n"})
    assert lifecycle.install(tmp_repo) == 0
    skill = tmp_repo / ".claude/skills/developing-with-tdd/SKILL.md"
    lines = skill.read_text().splitlines()
    planted = [
        "Generated files: add them to `exemptions.paths` and run `claude-kit sync`.",
        "Then hand the change to `go-developer` with the test list.",
        "Check the result with `claude-kit verify --all` before the review.",
        "The plan is in `test-lead-test-plan.md` in the feature folder.",
    ]
    skill.write_text("\n".join([*lines, *planted]) + "\n")
    result = ck("audit", str(tmp_repo), "--format", "json")
    assert result.exit_code == 1
    found = {(f["code"], f["line"]) for f in json.loads(result.output)["findings"]}
    first = len(lines) + 1
    assert found == {
        ("CONFIG_KEY_UNKNOWN", first),
        ("AGENT_UNKNOWN", first + 1),
        ("COMMAND_UNKNOWN", first + 2),
        ("OUTPUT_NAME_UNKNOWN", first + 3),
    }, result.output


@pytest.mark.parametrize(
    ("words", "problem"),
    [
        (["feature", "resume"], None),
        (["lock", "acquire", "<file>", "--agent", "x"], None),
        (["route", "intent", "--gateway", "backend", "--limit=3"], None),
        (["audit", "--strict", "--format", "json"], None),
        (["feature", "resum"], "`claude-kit feature resum` is not a command"),
        (["hook", "dispatcher"], "`claude-kit hook` is not a command"),
        (["sync", "--force"], "`claude-kit sync --force` is not an option"),
    ],
)
def test_commands_are_checked_against_the_cli(words: list[str], problem: str | None) -> None:
    from claude_kit.audit_claims import command_problem
    from claude_kit.cli import cli

    found = command_problem(cli, words)
    assert (found or "").startswith(problem or "") and (found is None) == (problem is None), found


def test_a_repo_without_the_kit_is_not_installed(tmp_repo: Path, ck: Callable[..., Result]) -> None:
    # What uninstall leaves when the user had edited a kit agent: a .claude/ whose links lead nowhere.
    build_file_tree(tmp_repo, {"go.mod": "module x\n", "main.go": "package main\n"})
    assert lifecycle.install(tmp_repo) == 0
    agent = tmp_repo / ".claude/agents/backend-reviewer.md"
    agent.write_text(agent.read_text() + "Our own rule.\n")
    assert lifecycle.uninstall(tmp_repo) == 0
    assert agent.is_file()
    result = ck("audit", str(tmp_repo))
    assert result.exit_code == 2, result.output
    first = result.output.splitlines()[0]
    assert first == f"Error: {tmp_repo}: claude-kit is not installed here", result.output
    assert "PATH" not in result.output
