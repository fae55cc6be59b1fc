"""sync: recompile what the team's config and library determine, touching no kit file (update does)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

from click.testing import Result

from claude_kit import manifest
from tests.conftest import build_file_tree, tree_hashes

CK = Callable[..., Result]
CONFIG = ".claude/claude-kit.yaml"
COMPILED = ".claude/hooks/claude-kit.json"
AGENT = "agents/backend-reviewer.md"
TEAM_SKILL = ".claude/skill-library/backend/team-outbox-pattern/SKILL.md"


def _stop_timeout(repo: Path) -> int:
    settings = json.loads((repo / ".claude/settings.json").read_text())
    return int(settings["hooks"]["Stop"][-1]["hooks"][0]["timeout"])


def _one_backend_check(repo: Path, timeout: int) -> None:
    path = repo / CONFIG
    text = re.sub(
        r"    checks:\n(      - .*\n|        .*\n)+",
        f"    checks:\n      - {{name: unit, run: go test ./..., timeout: {timeout}}}\n",
        path.read_text(),
        count=1,
    )
    path.write_text(text)


def test_sync_recompiles_the_config_and_touches_no_kit_file(ck: CK, sample_repo: Path, new_kit: Path) -> None:
    (sample_repo / "go.mod").write_text("module example.com/sample\n")  # a Go module gets go vet + go test
    assert ck("install", str(sample_repo)).exit_code == 0
    assert _stop_timeout(sample_repo) == 600  # go vet 300 + go test 600, capped
    (new_kit / AGENT).write_text((new_kit / AGENT).read_text() + "Next release's guidance.\n")
    _one_backend_check(sample_repo, 100)
    before = tree_hashes(sample_repo)
    res = ck("sync", str(sample_repo))
    assert res.exit_code == 0, res.output
    after = tree_hashes(sample_repo)
    changed = {p for p in before.keys() | after.keys() if before.get(p) != after.get(p)}
    assert changed <= {
        COMPILED,
        ".claude/settings.json",
        ".claude/.claude-kit/manifest.json",
        ".claude/.claude-kit/base/hooks/claude-kit.json",
    }, changed
    assert COMPILED in changed and _stop_timeout(sample_repo) == 130  # 30 s + the one check
    checks = json.loads((sample_repo / COMPILED).read_text())["domains"]["backend"]["checks"]
    assert checks == [{"name": "unit", "run": "go test ./...", "timeout": 100, "cwd": "."}]
    assert "Next release's guidance." not in (sample_repo / ".claude" / AGENT).read_text()
    res = ck("update", str(sample_repo))
    assert res.exit_code == 0, res.output
    assert "Next release's guidance." in (sample_repo / ".claude" / AGENT).read_text()


def test_sync_keeps_kit_files_the_next_release_drops(ck: CK, sample_repo: Path, new_kit: Path) -> None:
    assert ck("install", str(sample_repo)).exit_code == 0
    (new_kit / AGENT).unlink()
    assert ck("sync", str(sample_repo)).exit_code == 0
    assert (sample_repo / ".claude" / AGENT).is_file()
    assert ck("update", str(sample_repo)).exit_code == 0
    assert not (sample_repo / ".claude" / AGENT).exists()


def test_sync_indexes_a_team_skill_and_routes_to_it(ck: CK, sample_repo: Path) -> None:
    assert ck("install", str(sample_repo)).exit_code == 0
    build_file_tree(sample_repo, {
        TEAM_SKILL: "---\nname: team-outbox-pattern\ndescription: Use when publishing events with a "
        "transactional outbox.\ntriggers: [transactional outbox]\n---\n# Outbox\n",
    })  # fmt: skip
    res = ck("sync", str(sample_repo))
    assert res.exit_code == 0, res.output
    index = json.loads((sample_repo / ".claude/skill-library/index.json").read_text())
    assert "team-outbox-pattern" in {s["name"] for s in index["skills"]}
    assert TEAM_SKILL in (sample_repo / ".claude/skills/gateway-backend/SKILL.md").read_text()
    installed = manifest.load(sample_repo)
    assert installed is not None and TEAM_SKILL not in installed["files"]  # the team's file, not the kit's


def test_sync_refuses_another_installed_kit_version(ck: CK, sample_repo: Path) -> None:
    assert ck("install", str(sample_repo)).exit_code == 0
    path = sample_repo / ".claude/.claude-kit/manifest.json"
    path.write_text(path.read_text().replace('"kit_version": "', '"kit_version": "0.0.1-old', 1))
    before = tree_hashes(sample_repo)
    res = ck("sync", str(sample_repo))
    assert res.exit_code == 2
    assert "claude-kit 0.0.1-old" in res.output and "run `claude-kit update`" in res.output
    assert tree_hashes(sample_repo) == before


def test_sync_where_the_kit_is_not_installed(ck: CK, sample_repo: Path) -> None:
    res = ck("sync", str(sample_repo))
    assert res.exit_code == 2 and "not installed here" in res.output
