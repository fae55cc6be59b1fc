"""`claude-kit scenario init | run`: the kit's starter scenarios in real Claude Code sessions.

The starter set, written for a repository with a backend domain, passes; with a rule switched off in
the team config the scenario that tests it fails, saying what happened instead.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from claude_kit import lifecycle, scenario_file, scenario_starter
from claude_kit.scenario_run import run_all
from tests.e2e.kitrepo import BACKEND_CONFIG, install_kit

pytestmark = pytest.mark.e2e

FILES = {"cmd/api/main.go": "package main\n\nfunc main() {}\n"}
PROBE = "cmd/api/claude_kit_probe.go"
DOC = Path(__file__).resolve().parents[2] / "docs/scenarios.md"


def documented_example() -> str:
    """The scenario that docs/scenarios.md shows under "Writing a scenario"."""
    return DOC.read_text(encoding="utf-8").split("```yaml\n", 1)[1].split("\n```", 1)[0] + "\n"


def _starter(repo: Path) -> dict[str, scenario_file.Scenario]:
    assert scenario_starter.init(repo) == 0
    found = sorted((repo / scenario_file.SCENARIOS_DIR).glob("*.yaml"))
    return {path.stem: scenario_file.load(path) for path in found}


def test_starter_set_passes_and_fails_when_a_rule_is_switched_off(
    tmp_repo: Path, claude_bin: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    install_kit(tmp_repo, files=FILES)
    scenarios = _starter(tmp_repo)
    assert sorted(scenarios) == ["agent-first", "compaction-gate", "feedback-loop", "spawn-depth"]

    code = run_all(list(scenarios.values()), tmp_repo, claude_bin)

    out = capsys.readouterr().out
    assert code == 0, out
    assert out.count("PASS ") == 4 and out.rstrip().endswith("4 passed, 0 failed"), out
    # Each ran in a copy: the repository has neither the probe file nor a decision log of theirs.
    assert not (tmp_repo / PROBE).exists()
    assert not (tmp_repo / ".git/claude-kit/log/decisions.jsonl").exists()

    (tmp_repo / ".claude/claude-kit.yaml").write_text(
        BACKEND_CONFIG + "hooks:\n  agent_first: {enabled: false}\n", encoding="utf-8"
    )
    assert lifecycle.sync(tmp_repo) == 0
    capsys.readouterr()

    code = run_all([scenarios["agent-first"]], tmp_repo, claude_bin)

    out = capsys.readouterr().out
    assert code == 1, out
    assert "FAIL agent-first" in out
    assert (
        "0 x deny from agent_first (tool=Write, by=main, reason contains 'backend-developer') "
        "in the decision log, expected 1" in out
    )
    assert "Stop was blocked " in out and "(feedback_loop" in out
    assert f"{PROBE} was changed" in out
    assert out.rstrip().endswith("0 passed, 1 failed"), out


def test_the_documented_example_scenario_passes(
    tmp_repo: Path, tmp_path: Path, claude_bin: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    install_kit(tmp_repo, files=FILES)
    example = tmp_path / "example.yaml"
    example.write_text(documented_example(), encoding="utf-8")

    code = run_all([scenario_file.load(example)], tmp_repo, claude_bin)

    out = capsys.readouterr().out
    assert code == 0, out
    assert out.startswith("PASS helper-cannot-edit-backend"), out
