"""Governance scenarios without the runtime: reading and validating files, the starter set, the checks
of a finished session, the repository copy. The sessions themselves: tests/e2e/test_scenario_e2e.py."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from claude_kit import scenario_file, scenario_starter
from claude_kit.cli import cli
from claude_kit.errors import KitError
from claude_kit.fakeapi import Text, ToolUse
from claude_kit.scenario_file import Expectations
from claude_kit.scenario_run import check, copy_repository
from claude_kit.session_runner import SessionResult
from tests.conftest import git
from tests.hooks.hookrun import install

GOOD = """\
name: sample
main:
  - tool: Write
    input: {file_path: $REPO/a.go, content: ""}
  - say: handing over
    agent: DEV
    type: backend-developer
    usage: {input_tokens: 5, cache_read_input_tokens: 7}
agents:
  DEV:
    - say: done
expect:
  decisions: [{hook: agent_first, decision: deny, by: main, count: 1}]
"""


def _parse(text: str) -> scenario_file.Scenario:
    return scenario_file.parse(text, Path("s.yaml"))


def _error(text: str) -> str:
    with pytest.raises(KitError) as err:
        _parse(text)
    return err.value.message


def test_steps_become_the_fake_apis_turns_with_repo_filled_in() -> None:
    script = _parse(GOOD).script(Path("/work/copy"))

    write, handover = script.main
    assert write.blocks == [ToolUse("Write", {"file_path": "/work/copy/a.go", "content": ""})]
    assert isinstance(handover.blocks[0], Text) and handover.blocks[0].text == "handing over"
    spawn = handover.blocks[1]
    assert isinstance(spawn, ToolUse) and spawn.name == "Agent"
    assert spawn.input["subagent_type"] == "backend-developer" and spawn.input["prompt"].startswith("DEV: ")
    assert spawn.input["run_in_background"] is False
    assert handover.usage is not None and handover.usage.cache_read_input_tokens == 7
    assert [t.blocks for t in script.agents["DEV"]] == [[Text("done")]]


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        # An unknown key in a step: the line of that key and its path.
        (
            ("- say: handing over", "- say: handing over\n    colour: red"),
            "s.yaml:6: $.main[1] -> Additional",
        ),
        # A step that both calls a tool and spawns.
        (
            ("  - say: handing over\n", "  - tool: Read\n"),
            "s.yaml:6: $.main[1] -> a step calls a tool or spawns",
        ),
        (
            ("decision: deny", "decision: refuse"),
            "s.yaml:13: $.expect.decisions[0].decision -> 'refuse' is not one of",
        ),
        (("name: sample\n", ""), "s.yaml:1: $ -> 'name' is a required property"),
        (("input: {file_path", "input: {file_path: [unclosed"), "s.yaml:4:"),
    ],
)
def test_a_bad_scenario_is_reported_with_file_line_and_path(change: tuple[str, str], expected: str) -> None:
    old, new = change
    assert old in GOOD
    assert expected in _error(GOOD.replace(old, new, 1))


def test_agents_and_their_spawns_must_match() -> None:
    message = _error(GOOD.replace("agent: DEV", "agent: DEVX"))
    assert "s.yaml: $.agents -> no steps for agent 'DEVX'" in message
    assert "s.yaml: $.agents.DEV -> no `agent: DEV` step starts this agent" in message


def test_a_path_outside_the_copy_cannot_be_written_before_the_session() -> None:
    assert "$.files" in _error(GOOD + "files:\n  ../escape.txt: x\n")


# The checks of a finished session -------------------------------------------------------------


def _result(repo: Path, subtype: str = "success") -> SessionResult:
    events: list[dict[str, Any]] = [{"type": "result", "subtype": subtype}]
    return SessionResult(0, events, "", [], None, repo, repo)


DENY = {"event": "PreToolUse", "hook": "agent_first", "decision": "deny", "tool": "Write",
        "reason": "spawn backend-developer"}  # fmt: skip
BLOCK = {"event": "Stop", "hook": "feedback_loop", "decision": "block"}


def test_check_passes_when_the_session_did_what_was_expected(tmp_path: Path) -> None:
    (tmp_path / "b.go").write_text("new")
    expect = Expectations(
        decisions=(scenario_file.DecisionExpectation("deny", "agent_first", by="main", count=1),),
        stop_blocks=1,
        changed=("b.go",),
        unchanged=("a.go",),
    )
    assert check(expect, _result(tmp_path), [DENY, BLOCK], {"a.go": None, "b.go": None}) == []


def test_check_names_each_expectation_that_failed(tmp_path: Path) -> None:
    (tmp_path / "a.go").write_text("changed")
    expect = Expectations(
        decisions=(
            scenario_file.DecisionExpectation("deny", "agent_first", by="backend-developer"),
            scenario_file.DecisionExpectation("deny", reason_contains="backend-developer", count=2),
        ),
        stop_blocks=0,
        changed=("b.go",),
        unchanged=("a.go",),
        model_saw=("claude-kit",),
        agents_ran=("DEV",),
    )
    failures = check(expect, _result(tmp_path, "error"), [DENY, BLOCK], {"a.go": None, "b.go": None})
    assert failures == [
        "session ended with error (exit 0), expected success",
        "no deny from agent_first (by=backend-developer) in the decision log",
        "1 x deny from any hook (reason contains 'backend-developer') in the decision log, expected 2",
        "Stop was blocked 1 time(s) (feedback_loop), expected 0",
        "b.go was not changed",
        "a.go was changed",
        "the model was never shown 'claude-kit'",
        "agent DEV never ran",
    ]


# The starter set and the repository copy ------------------------------------------------------

FILES = {"cmd/api/main.go": "package main\n", "README.md": "# r\n"}


def test_starter_set_is_written_for_the_repositorys_domain_and_is_valid(tmp_repo: Path) -> None:
    install(tmp_repo, files=FILES)

    assert scenario_starter.init(tmp_repo) == 0

    folder = tmp_repo / scenario_file.SCENARIOS_DIR
    loaded = {p.stem: scenario_file.load(p) for p in sorted(folder.glob("*.yaml"))}
    assert sorted(loaded) == ["agent-first", "compaction-gate", "feedback-loop", "spawn-depth"]
    assert loaded["agent-first"].expect.unchanged == ("cmd/api/claude_kit_probe.go",)
    assert loaded["feedback-loop"].main[0]["type"] == "backend-developer"
    review = loaded["feedback-loop"].agents["REVIEW"][0]["say"]
    block = json.loads(review.split("```json\n")[1].split("\n```")[0])
    assert block["role"] == "review" and block["verdict"] == "PASS" and block["domain"] == "backend"
    # Past the default deny threshold (85%) of the 1M window, below the runtime's own auto-compact.
    [full] = loaded["compaction-gate"].main[:1]
    assert full["usage"]["input_tokens"] + full["usage"]["cache_read_input_tokens"] == 880_000


def test_init_keeps_a_scenario_the_team_changed(tmp_repo: Path) -> None:
    install(tmp_repo, files=FILES)
    mine = tmp_repo / scenario_file.SCENARIOS_DIR / "agent-first.yaml"
    mine.parent.mkdir(parents=True)
    mine.write_text("ours\n")

    assert scenario_starter.init(tmp_repo) == 0

    assert mine.read_text() == "ours\n"
    assert (mine.parent / "spawn-depth.yaml").is_file()


def test_init_without_a_domain_file_writes_nothing(tmp_repo: Path) -> None:
    install(tmp_repo, files={"README.md": "# r\n"})

    with pytest.raises(KitError, match="no domain claims a file in the repository"):
        scenario_starter.init(tmp_repo)

    assert not (tmp_repo / scenario_file.SCENARIOS_DIR).exists()


def test_the_copy_holds_the_repositorys_files_and_the_kit_but_no_local_state(
    tmp_repo: Path, tmp_path: Path
) -> None:
    install(tmp_repo, files={**FILES, ".gitignore": "build/\n", "build/out.bin": "x"})
    log = tmp_repo / ".git/claude-kit/log/decisions.jsonl"
    log.parent.mkdir(parents=True, exist_ok=True)
    log.write_text("{}\n")

    copy = copy_repository(tmp_repo, tmp_path / "work")

    assert (copy / "cmd/api/main.go").read_text() == "package main\n"
    assert (copy / ".claude/hooks/claude-kit.json").is_file()
    assert (copy / ".claude/settings.json").is_file()
    assert not (copy / "build").exists()
    assert not (copy / ".claude/.claude-kit/local").exists()
    assert git(copy, "status", "--porcelain").strip() == ""  # all committed: the session's starting point


# The command line -----------------------------------------------------------------------------


def test_run_reports_an_invalid_file_and_runs_nothing(tmp_repo: Path) -> None:
    bad = tmp_repo / "bad.yaml"
    bad.write_text(GOOD.replace("decision: deny", "decision: refuse"))

    result = CliRunner().invoke(cli, ["scenario", "run", str(bad), "--repo", str(tmp_repo)])

    assert result.exit_code == 2
    assert f"{bad}:13: $.expect.decisions[0].decision" in result.output


def test_run_without_scenarios_points_at_init(tmp_repo: Path) -> None:
    result = CliRunner().invoke(cli, ["scenario", "run", "--repo", str(tmp_repo)])

    assert result.exit_code == 2
    assert "no scenario files" in result.output and "claude-kit scenario init" in result.output
