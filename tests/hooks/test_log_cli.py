"""`claude-kit log`: filters, rotated files, torn lines, --why, and real hook records."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result

from claude_kit import logquery
from tests.hooks.hookrun import LOG_REL, fixture, install, run_hook

CK = Callable[..., Result]
S1 = "11111111-aaaa-4000-8000-000000000001"
S2 = "22222222-bbbb-4000-8000-000000000002"


def rec(ts: str, decision: str, hook: str, **extra: Any) -> dict[str, Any]:
    base = {
        "ts": ts, "session_id": S1, "agent_id": None, "agent_type": None, "tool_use_id": None,
        "event": "PreToolUse", "hook": hook, "decision": decision, "reason": f"{hook} {decision}",
        "duration_ms": 1.0,
    }  # fmt: skip
    base.update(extra)
    return base


ROTATED_2 = [rec("2026-11-20T08:00:00Z", "allow", "agent_first", tool="Edit", file="a.go")]
ROTATED_1 = [
    rec("2026-11-20T09:00:00Z", "deny", "agent_first", tool="Write", file="cmd/api/main.go",
        reason="claude-kit: cmd/api/main.go is a backend file.\nSpawn it: Agent(...)",
        agent="backend-developer"),
    rec("2026-11-20T09:30:00Z", "allow", "agent_first", tool="Edit", file="cmd/api/main.go",
        agent_id="a7f3c2e1d0", agent_type="backend-developer"),
]  # fmt: skip
CURRENT = [
    rec("2026-11-21T10:00:00Z", "allow", "agent_first", session_id=S2, tool="Edit", file="ui/App.tsx",
        agent_id="b1b2b3b4b5", agent_type="frontend-developer"),
    rec("2026-11-21T10:05:00Z", "block", "feedback_loop", event="Stop", reason="spawn backend-reviewer"),
    rec("2026-11-21T10:06:00Z", "warn", "shell_write_warning", tool="Bash", file="cmd/api/main.go"),
    rec("2026-11-21T10:07:00Z", "allow", "agent_first", tool="Write", file="cmd/api/util.go",
        agent_id="a7f3c2e1d0", agent_type="backend-developer"),
    rec("2026-11-21T10:08:00Z", "error", "runtime", event="SubagentStop", reason="ValueError: x"),
]  # fmt: skip


def _lines(records: list[dict[str, Any]]) -> str:
    return "".join(json.dumps(r) + "\n" for r in records)


@pytest.fixture
def logged(tmp_repo: Path) -> Path:
    log = tmp_repo / LOG_REL
    log.parent.mkdir(parents=True)
    log.with_name("decisions.jsonl.2").write_text(_lines(ROTATED_2))
    log.with_name("decisions.jsonl.1").write_text(_lines(ROTATED_1) + '{"ts": "2026-11-20T09:4')  # torn tail
    log.write_text("not json at all\n" + _lines(CURRENT) + "[1]\n\n")
    log.with_name("decisions.jsonl.lock").write_text("")
    return tmp_repo


def _json(ck: CK, repo: Path, *args: str) -> Any:
    res = ck("log", str(repo), "--format", "json", *args)
    assert res.exit_code == 0, res.output
    return json.loads(res.output)


def test_reads_rotations_oldest_first_and_skips_torn_lines(ck: CK, logged: Path) -> None:
    got = _json(ck, logged, "--limit", "0")
    assert [r["ts"] for r in got] == [r["ts"] for r in ROTATED_2 + ROTATED_1 + CURRENT]


def test_limit_keeps_the_most_recent(ck: CK, logged: Path) -> None:
    assert [r["hook"] for r in _json(ck, logged, "--limit", "2")] == ["agent_first", "runtime"]


def test_all_edits_by_one_agent_in_one_session_is_one_query(ck: CK, logged: Path) -> None:
    got = _json(ck, logged, "--session", S1[:8], "--agent", "backend-developer", "--tool", "Edit,Write")
    assert [r["file"] for r in got] == ["cmd/api/main.go", "cmd/api/util.go"]
    assert _json(ck, logged, "--agent", "a7f3") == got  # an agent id prefix works too


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("--agent", "main", "--hook", "agent_first"), ["2026-11-20T08:00:00Z", "2026-11-20T09:00:00Z"]),
        (("--decision", "deny,block"), ["2026-11-20T09:00:00Z", "2026-11-21T10:05:00Z"]),
        (("--hook", "runtime"), ["2026-11-21T10:08:00Z"]),
        (("--event", "stop"), ["2026-11-21T10:05:00Z"]),
        (("--session", S2), ["2026-11-21T10:00:00Z"]),
        (("--file", "util.go"), ["2026-11-21T10:07:00Z"]),
        (("--since", "2026-11-21T10:06:00Z"), [r["ts"] for r in CURRENT[2:]]),
        (("--since", "2026-11-21T12:06:00+02:00", "--tool", "Write"), ["2026-11-21T10:07:00Z"]),
        (("--since", "2026-11-21"), [r["ts"] for r in CURRENT]),
    ],
)
def test_filters(ck: CK, logged: Path, args: tuple[str, ...], expected: list[str]) -> None:
    assert [r["ts"] for r in _json(ck, logged, "--limit", "0", *args)] == expected


def test_relative_since(ck: CK, tmp_repo: Path) -> None:
    now = datetime.now(timezone.utc)
    stamps = [(now - timedelta(hours=h)).strftime("%Y-%m-%dT%H:%M:%SZ") for h in (5, 1)]
    log = tmp_repo / LOG_REL
    log.parent.mkdir(parents=True)
    log.write_text(_lines([rec(ts, "deny", "agent_first") for ts in stamps]))
    assert [r["ts"] for r in _json(ck, tmp_repo, "--since", "2h")] == stamps[1:]


def test_text_format_one_line_per_record(ck: CK, logged: Path) -> None:
    res = ck("log", str(logged), "--decision", "deny")
    assert res.exit_code == 0
    [line] = res.output.splitlines()
    assert line.startswith("2026-11-20T09:00:00Z  deny     PreToolUse/agent_first")
    assert "main" in line and "Write cmd/api/main.go" in line
    assert "claude-kit: cmd/api/main.go is a backend file. Spawn it: Agent(...)" in line  # lines joined


def test_why_explains_the_most_recent_block(ck: CK, logged: Path) -> None:
    res = ck("log", str(logged), "--why")
    assert res.exit_code == 0
    out = res.output
    assert out.startswith("Most recent block: Stop block by feedback_loop at 2026-11-21T10:05:00Z")
    assert "Why: The session tried to end while changed code had not passed review and testing." in out
    assert "    spawn backend-reviewer" in out
    assert "How to get past it: Spawn the reviewer/tester agents named in the reason" in out
    assert "Turn it off: `hooks: {feedback_loop: {enabled: false}}` in .claude/claude-kit.yaml, then" in out
    assert "`claude-kit sync`; or CLAUDE_KIT_DISABLE=1" in out


def test_why_respects_filters_and_shows_the_target(ck: CK, logged: Path) -> None:
    out = ck("log", str(logged), "--why", "--hook", "agent_first").output
    assert out.startswith("Most recent block: PreToolUse deny by agent_first at 2026-11-20T09:00:00Z")
    assert "caller: main" in out
    assert "tool: Write  file: cmd/api/main.go  agent: backend-developer" in out
    assert "    claude-kit: cmd/api/main.go is a backend file.\n    Spawn it: Agent(...)" in out
    assert "How to get past it: Spawn the developer agent named in the reason" in out


def test_why_as_json(ck: CK, logged: Path) -> None:
    got = _json(ck, logged, "--why", "--session", S1, "--event", "PreToolUse")
    assert got["record"]["ts"] == "2026-11-20T09:00:00Z"
    assert set(got) == {"record", "summary", "caller", "what", "satisfy", "off_switch"}


def test_why_with_nothing_blocked(ck: CK, logged: Path) -> None:
    res = ck("log", str(logged), "--why", "--session", S2)
    assert (res.exit_code, res.output) == (0, "no deny or block recorded matching the filters\n")
    assert _json(ck, logged, "--why", "--session", S2) is None


def test_every_enforcing_hook_has_an_explanation() -> None:
    from claude_kit_hooks.contract.defaults import HOOK_NAMES

    context_only = {
        "session_context", "prompt_reminder", "precompact_context", "subagent_context", "track_modifications",
        "advisor", "spawn_skills",
    }  # fmt: skip
    assert set(HOOK_NAMES) - context_only <= set(logquery.EXPLANATIONS)


def test_commands_named_by_the_explanations_exist_with_their_required_options() -> None:
    import re

    import click

    from claude_kit.cli import cli

    named = 0
    for hook, exp in logquery.EXPLANATIONS.items():
        for field, texts in (("what", exp.what), ("satisfy", exp.satisfy)):
            for text in re.findall(r"`claude-kit ([^`]+)`", texts):
                words = text.split()
                cmd: click.Command = cli
                while isinstance(cmd, click.Group) and words and words[0] in cmd.commands:
                    cmd = cmd.commands[words.pop(0)]
                assert not isinstance(cmd, click.Group), f"{hook}: `claude-kit {text}` names no command"
                if field == "satisfy":  # a command to run, not a mention: complete
                    required = {p.opts[0] for p in cmd.params if isinstance(p, click.Option) and p.required}
                    missing = required - set(words)
                    assert not missing, f"{hook}: `claude-kit {text}` lacks {missing}"
                named += 1
    assert named >= 4


def test_no_log_yet(ck: CK, tmp_repo: Path) -> None:
    res = ck("log", str(tmp_repo))
    assert res.exit_code == 0 and "no decision log yet" in res.output
    assert _json(ck, tmp_repo) == []


@pytest.mark.parametrize(
    ("args", "message"),
    [(("--since", "yesterday"), "--since 'yesterday': not an ISO date/time or an age"),
     (("--decision", "denied"), "--decision: unknown denied")],
)  # fmt: skip
def test_bad_options(ck: CK, logged: Path, args: tuple[str, ...], message: str) -> None:
    res = ck("log", str(logged), *args)
    assert res.exit_code == 2 and message in res.output


def test_records_written_by_the_real_hooks(ck: CK, tmp_repo: Path) -> None:
    install(tmp_repo)
    main_edit = fixture("PreToolUse-edit", tmp_repo, file_path=str(tmp_repo / "cmd/api/main.go"))
    sub_edit = fixture("PreToolUse-subagent-edit", tmp_repo, file_path=str(tmp_repo / "cmd/api/main.go"))
    sub_edit["agent_type"] = "backend-developer"
    assert run_hook(tmp_repo, "pre_tool_use", main_edit).permission == "deny"
    assert run_hook(tmp_repo, "pre_tool_use", sub_edit).stdout == ""

    edits = _json(ck, tmp_repo, "--session", main_edit["session_id"], "--agent", "backend-developer",
                  "--hook", "agent_first")  # fmt: skip
    assert [(r["tool_use_id"], r["decision"]) for r in edits] == [(sub_edit["tool_use_id"], "allow")]
    why = ck("log", str(tmp_repo), "--why").output
    assert "PreToolUse deny by agent_first" in why and "file: cmd/api/main.go" in why
    assert 'Agent(subagent_type="backend-developer"' in why


def test_parse_since_accepts_naive_times_as_utc() -> None:
    assert logquery.parse_since("2026-11-21T10:00") == datetime(2026, 11, 21, 10, tzinfo=timezone.utc)
    now = datetime(2026, 11, 21, 12, tzinfo=timezone.utc)
    assert logquery.parse_since("90m", now) == datetime(2026, 11, 21, 10, 30, tzinfo=timezone.utc)
