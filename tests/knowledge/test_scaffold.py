"""`claude-kit new skill|agent`: real starter files that pass the audit, never overwrite, get indexed."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from claude_kit import audit, lifecycle, manifest
from tests.conftest import build_file_tree

CONFIG = """\
version: 1
domains:
  backend:
    paths: ["**/*.go"]
  payments:
    paths: ["payments/**"]
    agents: {developer: payments-engineer}
"""


@pytest.fixture
def repo(tmp_repo: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    build_file_tree(tmp_repo, {"main.go": "package main\n", ".claude/claude-kit.yaml": CONFIG})
    assert lifecycle.install(tmp_repo) == 0
    monkeypatch.chdir(tmp_repo)
    return tmp_repo


def codes(root: Path) -> list[str]:
    return sorted(f.code for f in audit.run_audit(root).findings)


def index_names(root: Path) -> list[str]:
    data = json.loads((root / ".claude/skill-library/index.json").read_text())
    return [s["name"] for s in data["skills"]]


def finish(path: Path) -> None:
    """What an author does: write the content, delete the scaffold comments."""
    text = re.sub(r"<!-- claude-kit:scaffold.*?-->\n?", "", path.read_text(), flags=re.S)
    text = re.sub(
        r' - <claude-kit:scaffold replace:[^>]*>"', ' - retry topics, dead-letter queues and offsets"', text
    )
    path.write_text(text)


def test_new_skill_is_indexed_routed_and_passes_the_audit(repo: Path, ck: Callable[..., Result]) -> None:
    result = ck("new", "skill", "kafka-consumer-retries", "--category", "backend")
    assert result.exit_code == 0, result.output
    skill = repo / ".claude/skill-library/backend/kafka-consumer-retries/SKILL.md"
    assert "created  .claude/skill-library/backend/kafka-consumer-retries/SKILL.md" in result.output
    text = skill.read_text()
    assert text.startswith('---\nname: kafka-consumer-retries\ndescription: "Use when ')
    for section in ("## Steps", "## Checklist", "## Pitfalls", "## Verify", "## Related"):
        assert section in text
    # indexed (the union of the packaged library and the team's skill) and in the gateway's table
    names = index_names(repo)
    assert "kafka-consumer-retries" in names and "go-error-handling" in names
    assert (
        "`.claude/skill-library/backend/kafka-consumer-retries/SKILL.md`"
        in (repo / ".claude/skills/gateway-backend/SKILL.md").read_text()
    )
    # the team's file stays the team's: the kit does not own it
    assert ".claude/skill-library/backend/kafka-consumer-retries/SKILL.md" not in manifest.load(repo)["files"]
    # passes the audit, with the scaffold warning until the author finishes it
    assert codes(repo) == ["SCAFFOLD_UNEDITED"]
    assert ck("audit").exit_code == 0
    assert ck("audit", "--strict").exit_code == 1
    routed = ck("route", "kafka consumer retries", "--gateway", "backend", "--limit", "1")
    assert "kafka-consumer-retries/SKILL.md" in routed.output.splitlines()[0]
    finish(skill)
    assert ck("sync").exit_code == 0
    assert ck("audit", "--strict").exit_code == 0


def test_new_skill_refuses_bad_names_unknown_categories_and_existing_skills(
    repo: Path, ck: Callable[..., Result]
) -> None:
    for bad in ("Bad_Name", "ab", "double--hyphen", "trailing-", "x" * 65):
        result = ck("new", "skill", bad, "--category", "backend")
        assert result.exit_code == 2 and "invalid skill name" in result.output, bad
    result = ck("new", "skill", "kafka-retries", "--category", "payments")
    assert result.exit_code == 2
    assert "unknown category 'payments'" in result.output and "backend, frontend" in result.output
    taken = ck("new", "skill", "go-error-handling", "--category", "testing")
    assert (
        taken.exit_code == 2
        and "already exists: .claude/skill-library/backend/go-error-handling" in taken.output
    )
    assert ck("new", "skill", "using-the-kit", "--category", "kit").exit_code == 2  # a core skill's name
    before = (repo / ".claude/skill-library/backend/go-error-handling/SKILL.md").read_bytes()
    assert ck("new", "skill", "go-error-handling", "--category", "backend").exit_code == 2
    assert (repo / ".claude/skill-library/backend/go-error-handling/SKILL.md").read_bytes() == before


@pytest.mark.parametrize("role", ["lead", "developer", "reviewer", "tester"])
def test_new_agent_per_role_passes_the_audit(repo: Path, ck: Callable[..., Result], role: str) -> None:
    path = repo / ".claude/agents" / f"payments-{role}.md"
    if role == "developer":
        path = repo / ".claude/agents/payments-engineer.md"  # the config names the developer agent
    result = ck("new", "agent", "payments", role)
    assert result.exit_code == 0, result.output
    text = path.read_text()
    assert f"name: {path.stem}\n" in text
    assert "claude-kit route" in text
    assert codes(repo) == ["SCAFFOLD_UNEDITED"], audit.run_audit(repo).findings
    if role in ("reviewer", "tester"):
        assert '"claude_kit": "verdict"' in text and '"domain": "payments"' in text
    if role == "lead":
        assert '"claude_kit": "plan"' in text and "Edit" not in text.split("---")[1]
    finish(path)
    assert audit.run_audit(repo).findings == []
    if role == "developer":  # the sync after `new agent` put it into CLAUDE.md's domain table
        assert "payments-engineer" in (repo / "CLAUDE.md").read_text()


def test_new_agent_refuses_to_overwrite_and_unknown_domains(repo: Path, ck: Callable[..., Result]) -> None:
    existing = repo / ".claude/agents/backend-developer.md"
    before = existing.read_bytes()
    result = ck("new", "agent", "backend", "developer")
    assert result.exit_code == 2
    assert "already exists; refusing to overwrite it" in result.output
    assert existing.read_bytes() == before
    unknown = ck("new", "agent", "billing", "lead")
    assert unknown.exit_code == 2
    assert "domain 'billing' is not in .claude/claude-kit.yaml (domains: backend, payments)" in unknown.output
    assert ck("new", "agent", "Payments!", "lead").exit_code == 2
    assert ck("new", "agent", "payments", "chef").exit_code == 2


def test_new_requires_an_installed_kit(
    tmp_repo: Path, monkeypatch: pytest.MonkeyPatch, ck: Callable[..., Result]
) -> None:
    monkeypatch.chdir(tmp_repo)
    result = ck("new", "skill", "some-skill", "--category", "backend")
    assert result.exit_code == 2 and "not installed" in result.output


def test_sync_indexes_team_skills_and_team_edits_but_not_deleted_kit_skills(repo: Path) -> None:
    build_file_tree(
        repo,
        {
            ".claude/skill-library/python/team-celery/SKILL.md": (
                "---\nname: team-celery\ndescription: Use when writing celery tasks.\n"
                "triggers: [celery task]\n---\n# x\n"
            )
        },
    )
    edited = repo / ".claude/skill-library/backend/caching-strategies/SKILL.md"
    edited.write_text(edited.read_text().replace("triggers: [", "triggers: [memcached eviction, ", 1))
    deleted = repo / ".claude/skill-library/frontend/css-architecture-and-layout"
    for p in sorted(deleted.rglob("*"), reverse=True):
        p.unlink() if p.is_file() else p.rmdir()
    deleted.rmdir()
    assert lifecycle.install(repo, require_installed=True) == 0
    index = {
        s["name"]: s for s in json.loads((repo / ".claude/skill-library/index.json").read_text())["skills"]
    }
    assert "team-celery" in index
    assert "memcached eviction" in index["caching-strategies"]["triggers"]
    assert "css-architecture-and-layout" not in index
    assert not deleted.exists()  # sync left the deletion alone
    assert "team-celery" in (repo / ".claude/skills/gateway-python/SKILL.md").read_text()
    assert [f.code for f in audit.run_audit(repo).findings if f.code.startswith(("INDEX", "ROUTING"))] == []
    lifecycle.uninstall(repo)
    assert (repo / ".claude/skill-library/python/team-celery/SKILL.md").is_file()  # still the team's
