"""See what happened: a real session's decision log answers "every edit by agent X during feature T"
and "every block in this session, and why", and exports to OTLP on the session's own ids."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result

from claude_kit.fakeapi import Script, Turn, agent_call, call, say
from tests.e2e.kitrepo import BACKEND_CONFIG, LOOP_OFF, install_kit, run_ok

pytestmark = pytest.mark.e2e

KIT = f'"{sys.executable}" -m claude_kit'
MAIN_GO = "package main\n\nfunc main() {}\n"


def _log(ck: Callable[..., Result], repo: Path, *args: str) -> Any:
    res = ck("log", str(repo), "--format", "json", "--limit", "0", *args)
    assert res.exit_code == 0, res.output
    return json.loads(res.output)


def test_the_log_answers_who_edited_what_during_a_feature_and_why_calls_were_blocked(
    tmp_repo: Path, isolated_home: Path, claude_bin: Path, ck: Callable[..., Result]
) -> None:
    install_kit(tmp_repo, config=BACKEND_CONFIG + LOOP_OFF, files={"cmd/api/main.go": MAIN_GO})
    main_go = tmp_repo / "cmd/api/main.go"

    def edit(old: str, new: str) -> Turn:
        return call("Edit", {"file_path": str(main_go), "old_string": old, "new_string": new})

    script = Script(
        main=[
            call("Bash", {"command": f'{KIT} feature start "orders" --type small'}),
            Turn([agent_call("FIRST", "add run()", subagent_type="backend-developer")]),
            call("Bash", {"command": f"{KIT} feature phase active setup --status complete"}),
            Turn([agent_call("SECOND", "add stop()", subagent_type="backend-developer")]),
            call("Write", {"file_path": str(tmp_repo / "cmd/api/main_test.go"), "content": "package main\n"}),
            edit("stop() }", "stop(); wait() }"),  # denied: the file stays as the developer left it
            say("the developer made the changes"),
        ],
        agents={
            "FIRST": [edit("main() {}", "main() { run() }"), say("added run()")],
            "SECOND": [edit("run() }", "run(); stop() }"), say("added stop()")],
        },
    )  # fmt: skip

    result = run_ok(tmp_repo, isolated_home, claude_bin, script, prompt="add run and stop", timeout=150)

    assert main_go.read_text() == "package main\n\nfunc main() { run(); stop() }\n"
    tasks = _log(ck, tmp_repo, "--kind", "task")
    assert [t["session_id"] for t in tasks] == [result.session_id] * 2  # from the session's Bash tool
    fid, setup, nxt = tasks[0]["feature"], tasks[0]["phase"], tasks[1]["phase"]
    assert fid.endswith("-orders") and setup == "setup" and nxt not in ("setup", "")

    # "Every edit by agent X during feature T": one line per tool call, each with its phase.
    edits = _log(ck, tmp_repo, "--agent", "backend-developer", "--feature", fid, "--kind", "edit")
    assert [(e["tool"], e["decision"], e["file"], e["phase"]) for e in edits] == [
        ("Edit", "allow", "cmd/api/main.go", setup), ("Edit", "allow", "cmd/api/main.go", nxt)
    ]  # fmt: skip
    assert len({e["agent_id"] for e in edits}) == 2 and all(e["agent_id"] for e in edits)  # two spawns
    assert len({e["tool_use_id"] for e in edits}) == 2 and all(e["tool_use_id"] for e in edits)

    # "Every block in this session, and why": the main thread's two edits, the reasons as the model saw them.
    blocks = _log(ck, tmp_repo, "--session", result.session_id[:8], "--decision", "deny,block")
    assert [(b["tool"], b["file"], b["hook"]) for b in blocks] == [
        ("Write", "cmd/api/main_test.go", "coordinator_no_edit"), ("Edit", "cmd/api/main.go", "agent_first"),
    ]  # fmt: skip
    errors = [e.text for e in result.tool_errors() if e.tool in ("Write", "Edit")]
    assert all(b["reason"].splitlines()[0] in errors[i] for i, b in enumerate(blocks))
    assert all((b["feature"], b["phase"], b["agent_id"]) == (fid, nxt, None) for b in blocks)

    # The runtime's correlation ids: one session, one prompt (a -p run), a spawn per Agent call.
    session = [r for r in _log(ck, tmp_repo, "--session", result.session_id) if r["event"] != "Task"]
    assert {r.get("prompt_id") for r in session if r["event"] != "SessionStart"} == {
        next(r["prompt_id"] for r in session if r.get("prompt_id"))
    }
    spawns = _log(ck, tmp_repo, "--session", result.session_id, "--kind", "spawn", "--event", "PreToolUse")
    assert len(spawns) == 2 and all(s["tool_use_id"] for s in spawns)

    # OTLP export of the session: the same session.id Claude Code's own telemetry carries.
    out = tmp_repo.parent / "otlp.jsonl"
    assert ck("log", str(tmp_repo), "--session", result.session_id, "--otlp", str(out)).exit_code == 0
    logs_body, spans_body = (json.loads(line) for line in out.read_text().splitlines())
    records = logs_body["resourceLogs"][0]["scopeLogs"][0]["logRecords"]
    ids = {a["value"]["stringValue"] for r in records for a in r["attributes"] if a["key"] == "session.id"}
    assert ids == {result.session_id} and len(records) == len(session) + len(tasks)
    spans = spans_body["resourceSpans"][0]["scopeSpans"][0]["spans"]
    assert [s["name"] for s in spans] == ["spawn backend-developer"] * 2
    assert all(int(s["endTimeUnixNano"]) >= int(s["startTimeUnixNano"]) for s in spans)
    # each span names the agent its call started: the agent whose edit the log showed above
    started = [
        a["value"]["stringValue"]
        for s in spans
        for a in s["attributes"]
        if a["key"] == "claude_kit.spawned_agent.id"
    ]
    assert started == [e["agent_id"] for e in edits]
