"""The decision log's correlation ids and task ids, and `claude-kit log --feature/--kind/--follow`."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result

from claude_kit import logquery
from claude_kit.logrecord import kind_of, with_tasks
from claude_kit_hooks.contract.records import LogRecord
from claude_kit_hooks.decisionlog.writer import append_log
from tests.hooks.hookrun import LOG_REL, fixture, install, log_records, run_hook

CK = Callable[..., Result]
S1 = "11111111-aaaa-4000-8000-000000000001"


def _json(ck: CK, repo: Path, *args: str) -> Any:
    res = ck("log", str(repo), "--format", "json", "--limit", "0", *args)
    assert res.exit_code == 0, res.output
    return json.loads(res.output)


def _sub_edit(repo: Path, rel: str, agent_type: str = "backend-developer") -> dict[str, Any]:
    payload = fixture("PreToolUse-subagent-edit", repo, file_path=str(repo / rel))
    payload["agent_type"] = agent_type
    return payload


def test_every_hook_record_carries_the_runtime_ids(tmp_repo: Path) -> None:
    install(tmp_repo)
    payload = _sub_edit(tmp_repo, "cmd/api/main.go")
    run_hook(tmp_repo, "pre_tool_use", payload)
    records = log_records(tmp_repo, tool_use_id=payload["tool_use_id"])
    assert records
    for rec in records:
        assert (rec["session_id"], rec["prompt_id"], rec["agent_id"], rec["agent_type"]) == (
            payload["session_id"], payload["prompt_id"], payload["agent_id"], "backend-developer"
        )  # fmt: skip
        assert "feature" not in rec  # no check of a subagent's edit read the active feature: none written


def test_a_payload_without_prompt_id_writes_none(tmp_repo: Path) -> None:
    install(tmp_repo)
    payload = _sub_edit(tmp_repo, "cmd/api/main.go")
    del payload["prompt_id"]  # before the session's first prompt, and on older runtimes
    run_hook(tmp_repo, "pre_tool_use", payload)
    assert all("prompt_id" not in r for r in log_records(tmp_repo, tool_use_id=payload["tool_use_id"]))


def test_feature_changes_are_logged_and_give_every_later_record_its_task(
    ck: CK, tmp_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    install(tmp_repo)
    monkeypatch.chdir(tmp_repo)
    before = _sub_edit(tmp_repo, "cmd/api/before.go")
    run_hook(tmp_repo, "pre_tool_use", before)
    assert ck("feature", "start", "order cancellation", "--type", "medium").exit_code == 0
    fid = json.loads((tmp_repo / ".git/claude-kit/features/active.json").read_text())["feature_id"]
    first = _sub_edit(tmp_repo, "cmd/api/one.go")
    run_hook(tmp_repo, "pre_tool_use", first)
    assert ck("feature", "phase", "active", "setup", "--status", "complete").exit_code == 0
    nxt = json.loads((tmp_repo / ".git/claude-kit/features/active.json").read_text())["current_phase"]
    assert nxt not in ("setup", None)
    second = _sub_edit(tmp_repo, "cmd/api/two.go")
    other = _sub_edit(tmp_repo, "cmd/api/three.go", agent_type="backend-reviewer")
    run_hook(tmp_repo, "pre_tool_use", second)
    run_hook(tmp_repo, "pre_tool_use", other)
    assert ck("feature", "mark", fid, "--status", "complete").exit_code == 0
    after = _sub_edit(tmp_repo, "cmd/api/after.go")
    run_hook(tmp_repo, "pre_tool_use", after)

    tasks = _json(ck, tmp_repo, "--kind", "task")
    assert [(t["feature"], t["phase"]) for t in tasks] == [(fid, "setup"), (fid, nxt), ("", "")]
    assert all(t["hook"] == "feature" and t["event"] == "Task" for t in tasks)

    # "every edit by agent X during feature T": one line per tool call, in order, with its phase
    edits = _json(ck, tmp_repo, "--agent", "backend-developer", "--feature", fid, "--kind", "edit")
    assert [(e["tool_use_id"], e["phase"]) for e in edits] == [
        (first["tool_use_id"], "setup"), (second["tool_use_id"], nxt)
    ]  # fmt: skip
    by_time = {r["tool_use_id"]: r.get("feature") for r in _json(ck, tmp_repo, "--kind", "edit")}
    assert by_time[before["tool_use_id"]] is None  # before any task record: the log does not say
    assert by_time[after["tool_use_id"]] == ""  # after the feature ended: none
    text = ck("log", str(tmp_repo), "--feature", fid[:15], "--kind", "edit").output
    assert f"{fid}/{nxt}" in text and text.count("\n") == 3


def test_a_record_the_hook_tagged_keeps_its_task() -> None:
    records: list[LogRecord] = [
        {"decision": "allow", "hook": "x"},
        {"decision": "allow", "hook": "feature", "event": "Task", "feature": "f1", "phase": "plan"},
        {"decision": "allow", "hook": "agent_first"},
        {"decision": "deny", "hook": "coordinator_no_edit", "feature": "f2", "phase": "build"},
        {"decision": "allow", "hook": "agent_first"},
    ]
    got = [(r.get("feature"), r.get("phase")) for r in with_tasks(records)]
    assert got == [(None, None), ("f1", "plan"), ("f1", "plan"), ("f2", "build"), ("f2", "build")]


@pytest.mark.parametrize(
    ("rec", "kind"),
    [({"tool": "Write", "event": "PreToolUse"}, "edit"), ({"tool": "Bash"}, "shell"),
     ({"tool": "Agent", "hook": "spawn_depth"}, "spawn"), ({"event": "SubagentStart"}, "spawn"),
     ({"hook": "verdicts", "event": "SubagentStop"}, "verdict"), ({"hook": "quality_gate"}, "check"),
     ({"event": "Task", "hook": "feature"}, "task"), ({"event": "Stop", "hook": "stop_gate"}, "other")],
)  # fmt: skip
def test_kinds(rec: dict[str, Any], kind: str) -> None:
    assert kind_of(rec) == kind  # partial records on purpose


def test_kind_lists_one_record_per_call_the_one_that_decided() -> None:
    edit = {"event": "PreToolUse", "tool": "Edit"}
    calls: list[LogRecord] = [
        {**edit, "tool_use_id": "t1", "hook": "agent_first", "decision": "allow"},
        {**edit, "tool_use_id": "t1", "hook": "file_locks", "decision": "deny"},
        {**edit, "tool_use_id": "t2", "hook": "agent_first", "decision": "allow"},
        {**edit, "tool_use_id": "t2", "hook": "file_locks", "decision": "allow"},
    ]
    got = logquery.select(calls, logquery.Query(kind="edit", limit=0))
    assert [(r["tool_use_id"], r["hook"]) for r in got] == [("t1", "file_locks"), ("t2", "agent_first")]


def test_bad_kind(ck: CK, tmp_repo: Path) -> None:
    res = ck("log", str(tmp_repo), "--kind", "edits")
    assert res.exit_code == 2 and "--kind: unknown edits" in res.output


# -- --follow ------------------------------------------------------------------------------------------
def _rec(n: int, **extra: Any) -> LogRecord:
    rec: dict[str, Any] = {"ts": f"2026-12-03T10:00:{n:02d}Z", "session_id": S1, "event": "PreToolUse",
                           "hook": "agent_first", "decision": "allow", "tool": "Edit", "reason": "x" * 120,
                           "tool_use_id": f"toolu_{n}"}  # fmt: skip
    rec.update(extra)
    return rec  # built key by key


def test_follow_prints_new_records_across_rotations_once_each(tmp_repo: Path) -> None:
    log = tmp_repo / LOG_REL
    small = {"max_bytes": 700, "keep": 10}  # a rotation every few records, several between two polls
    append_log(str(log), _rec(0, event="Task", hook="feature", feature="f9", phase="build"), small)
    shown: list[LogRecord] = []
    started = threading.Event()

    def show(rec: LogRecord) -> None:
        shown.append(rec)
        started.set()

    def write() -> None:
        started.wait(10)
        for n in range(1, 13):
            append_log(str(log), _rec(n, decision="deny" if n % 3 == 0 else "allow"), small)

    writer = threading.Thread(target=write)
    writer.start()
    logquery.follow(tmp_repo, logquery.Query(limit=0), show, seconds=3.0, poll=0.05)
    writer.join()
    assert len(list(log.parent.glob("decisions.jsonl.*"))) >= 2  # it did rotate meanwhile
    assert [r["ts"][-3:-1] for r in shown] == [f"{n:02d}" for n in range(13)]
    assert all(r["feature"] == "f9" and r["phase"] == "build" for r in shown)


def test_follow_filters_and_json_lines(ck: CK, tmp_repo: Path) -> None:
    log = tmp_repo / LOG_REL
    for n in range(4):
        append_log(str(log), _rec(n, decision="deny" if n % 2 else "allow"))
    res = ck(
        "log", str(tmp_repo), "--follow", "--follow-for", "0.2", "--decision", "deny", "--format", "json"
    )
    assert res.exit_code == 0, res.output
    assert [json.loads(line)["ts"][-3:-1] for line in res.output.splitlines()] == ["01", "03"]


@pytest.mark.parametrize(
    ("args", "message"),
    [(("--follow-for", "1"), "--follow-for needs --follow"), (("--why", "--follow"), "do not go together")],
)  # fmt: skip
def test_follow_option_misuse(ck: CK, tmp_repo: Path, args: tuple[str, ...], message: str) -> None:
    res = ck("log", str(tmp_repo), *args)
    assert res.exit_code == 2 and message in res.output


@pytest.mark.parametrize("name", ["PostToolUse-agent-foreground", "PostToolUse-agent-background"])
def test_a_spawn_result_joins_the_call_to_the_agent_it_started(tmp_repo: Path, name: str) -> None:
    install(tmp_repo)
    payload = fixture(name, tmp_repo)
    run_hook(tmp_repo, "post_tool_use", payload)
    [rec] = log_records(tmp_repo, hook="spawn_result")
    resp = payload["tool_response"]
    assert (rec["tool_use_id"], rec["spawned_agent_id"], rec["status"]) == (
        payload["tool_use_id"], resp["agentId"], resp["status"]
    )  # fmt: skip
    assert rec["subagent_type"] == payload["tool_input"]["subagent_type"]
    assert rec["prompt_id"] == payload["prompt_id"] and rec["agent_id"] is None  # spawned by the main thread
