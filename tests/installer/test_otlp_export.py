"""`claude-kit log --otlp`: the decision log as OTLP/HTTP JSON, to a receiver on 127.0.0.1 and to a file."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result

from claude_kit import otlp
from tests.hooks.hookrun import LOG_REL, install

CK = Callable[..., Result]
SESSION = "f51b3297-b2bb-43d0-bddd-8fef436aee2b"
PROMPT = "e017a0a9-a437-43ff-8183-4f3692c6d469"


def _rec(ts: str, **extra: Any) -> dict[str, Any]:
    rec = {"ts": ts, "session_id": SESSION, "prompt_id": PROMPT, "agent_id": None, "agent_type": None,
           "event": "PreToolUse", "hook": "agent_first", "decision": "allow", "reason": "ok",
           "duration_ms": 1.5}  # fmt: skip
    rec.update(extra)
    return rec


RECORDS = [
    _rec("2026-12-03T10:00:00Z", event="Task", hook="feature", feature="20261203-order", phase="build",
         session_id=""),
    _rec("2026-12-03T10:00:01Z", tool="Agent", tool_use_id="toolu_spawn1", hook="spawn_depth",
         subagent_type="backend-developer"),
    _rec("2026-12-03T10:00:05Z", tool="Edit", tool_use_id="toolu_e1", file="cmd/api/main.go",
         agent_id="a1b2c3d4e5", agent_type="backend-developer"),
    _rec("2026-12-03T10:00:09Z", tool="Agent", tool_use_id="toolu_spawn1", hook="budget",
         event="PostToolUse"),
    _rec("2026-12-03T10:00:10Z", tool="Write", tool_use_id="toolu_e2", file="cmd/api/x.go", decision="deny",
         hook="coordinator_no_edit", reason="claude-kit: delegate it"),
]  # fmt: skip


class Receiver:
    """A small OTLP/HTTP receiver: keeps each request's path and parsed JSON body; answers `status`."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, dict[str, Any], str]] = []
        self.status = 200
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802  # the http.server name
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.requests.append((self.path, json.loads(body), self.headers["Content-Type"]))
                self.send_response(receiver.status)
                self.send_header("Content-Type", "application/json")
                self.end_headers()
                self.wfile.write(b"{}")

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def body(self, path: str) -> dict[str, Any]:
        [body] = [b for p, b, _ in self.requests if p == path]
        return body


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    r = Receiver()
    yield r
    r.server.shutdown()
    r.server.server_close()


@pytest.fixture
def logged(tmp_repo: Path) -> Path:
    log = tmp_repo / LOG_REL
    log.parent.mkdir(parents=True)
    log.write_text("".join(json.dumps(r) + "\n" for r in RECORDS))
    return tmp_repo


def _attrs(item: dict[str, Any]) -> dict[str, Any]:
    return {a["key"]: next(iter(a["value"].values())) for a in item["attributes"]}


def _check_logs(body: dict[str, Any]) -> list[dict[str, Any]]:
    [resource_logs] = body["resourceLogs"]
    assert _attrs(resource_logs["resource"])["service.name"] == "claude-kit"
    [scope] = resource_logs["scopeLogs"]
    logs: list[dict[str, Any]] = scope["logRecords"]
    assert len(logs) == len(RECORDS)
    edit = _attrs(logs[2])
    # the ids Claude Code's own telemetry uses, so that both line up on session and prompt
    assert (edit["session.id"], edit["prompt.id"], edit["tool_name"]) == (SESSION, PROMPT, "Edit")
    assert (edit["agent.type"], edit["tool_use_id"], edit["claude_kit.file"]) == (
        "backend-developer", "toolu_e1", "cmd/api/main.go"
    )  # fmt: skip
    assert (edit["claude_kit.feature"], edit["claude_kit.phase"]) == ("20261203-order", "build")
    assert logs[2]["traceId"] == SESSION.replace("-", "")
    assert logs[2]["timeUnixNano"] == "1796292005000000000"
    assert (logs[4]["severityText"], logs[4]["severityNumber"]) == ("deny", 17)
    assert logs[4]["body"] == {"stringValue": "claude-kit: delegate it"}
    return logs


def _check_spans(body: dict[str, Any]) -> None:
    [span] = body["resourceSpans"][0]["scopeSpans"][0]["spans"]
    assert span["name"] == "spawn backend-developer"
    assert span["traceId"] == SESSION.replace("-", "")
    assert (span["startTimeUnixNano"], span["endTimeUnixNano"]) == (
        "1796292001000000000",
        "1796292009000000000",
    )
    assert _attrs(span)["session.id"] == SESSION and _attrs(span)["tool_use_id"] == "toolu_spawn1"


def test_exports_logs_and_spawn_spans_to_a_collector(ck: CK, logged: Path, receiver: Receiver) -> None:
    res = ck("log", str(logged), "--otlp", receiver.url, "--format", "json")
    assert res.exit_code == 0, res.output
    assert json.loads(res.output) == {"destination": receiver.url + "/v1/logs", "logs": 5, "spans": 1}
    assert sorted(p for p, _, _ in receiver.requests) == ["/v1/logs", "/v1/traces"]
    assert all(ctype == "application/json" for _, _, ctype in receiver.requests)
    _check_logs(receiver.body("/v1/logs"))
    _check_spans(receiver.body("/v1/traces"))


def test_filters_select_what_is_exported(ck: CK, logged: Path, receiver: Receiver) -> None:
    res = ck("log", str(logged), "--decision", "deny", "--otlp", receiver.url + "/v1/logs")
    assert res.exit_code == 0 and "exported 1 records and 0 spawn spans" in res.output
    [(path, body, _)] = receiver.requests
    assert path == "/v1/logs" and len(body["resourceLogs"][0]["scopeLogs"][0]["logRecords"]) == 1


def test_the_config_names_the_collector(ck: CK, tmp_repo: Path, receiver: Receiver) -> None:
    install(tmp_repo, f"version: 1\ntelemetry:\n  otlp: {receiver.url}\n")
    log = tmp_repo / LOG_REL
    log.parent.mkdir(parents=True, exist_ok=True)
    log.write_text("".join(json.dumps(r) + "\n" for r in RECORDS))
    assert ck("log", str(tmp_repo), "--otlp").exit_code == 0
    _check_logs(receiver.body("/v1/logs"))


def test_the_config_names_a_json_file(ck: CK, tmp_repo: Path) -> None:
    install(tmp_repo, "version: 1\ntelemetry:\n  otlp: telemetry/kit-otlp.jsonl\n")
    log = tmp_repo / LOG_REL
    log.parent.mkdir(parents=True, exist_ok=True)
    log.write_text("".join(json.dumps(r) + "\n" for r in RECORDS))
    assert ck("log", str(tmp_repo), "--otlp").exit_code == 0
    assert ck("log", str(tmp_repo), "--otlp", "--since", "2026-12-03T10:00:10Z").exit_code == 0
    lines = [json.loads(line) for line in (tmp_repo / "telemetry/kit-otlp.jsonl").read_text().splitlines()]
    assert len(lines) == 3  # logs and spans of the first export, then the logs of the second: appended
    _check_logs(lines[0])
    _check_spans(lines[1])
    assert len(lines[2]["resourceLogs"][0]["scopeLogs"][0]["logRecords"]) == 1


def test_claude_codes_own_endpoint_variable_is_the_fallback(
    ck: CK, logged: Path, receiver: Receiver, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_ENDPOINT", receiver.url)
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_HEADERS", "x-api-key=abc%20d")
    assert ck("log", str(logged), "--otlp").exit_code == 0
    assert receiver.body("/v1/logs")["resourceLogs"]


def test_no_destination_is_a_clear_error(ck: CK, logged: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("OTEL_EXPORTER_OTLP_ENDPOINT", raising=False)
    monkeypatch.delenv("OTEL_EXPORTER_OTLP_LOGS_ENDPOINT", raising=False)
    res = ck("log", str(logged), "--otlp")
    assert res.exit_code == 2 and "--otlp: no destination given" in res.output


def test_a_collector_that_fails_is_a_clear_error(ck: CK, logged: Path, receiver: Receiver) -> None:
    receiver.status = 503
    res = ck("log", str(logged), "--otlp", receiver.url)
    assert res.exit_code == 2 and f"{receiver.url}/v1/logs: the collector answered HTTP 503" in res.output
    receiver.server.shutdown()
    receiver.server.server_close()
    res = ck("log", str(logged), "--otlp", receiver.url)
    assert res.exit_code == 2 and f"{receiver.url}/v1/logs: cannot send" in res.output


def test_a_folder_is_not_a_file(ck: CK, logged: Path) -> None:
    res = ck("log", str(logged), "--otlp", str(logged))
    assert res.exit_code == 2 and f"{logged}: is a folder" in res.output


def test_a_bad_config_value_is_rejected_with_its_path(ck: CK, tmp_repo: Path) -> None:
    install(tmp_repo)
    cfg = tmp_repo / ".claude/claude-kit.yaml"
    cfg.write_text(cfg.read_text() + "telemetry:\n  otlp: 5\n")
    res = ck("log", str(tmp_repo), "--otlp")
    assert res.exit_code == 2 and "telemetry.otlp" in res.output


def test_a_background_spawn_lasts_until_its_agent_last_logged() -> None:
    records: list[Any] = [
        _rec("2026-12-03T10:00:01Z", tool="Agent", tool_use_id="toolu_bg", hook="spawn_depth"),
        _rec("2026-12-03T10:00:02Z", tool="Agent", tool_use_id="toolu_bg", hook="spawn_result",
             event="PostToolUse", spawned_agent_id="agent42", status="async_launched",
             subagent_type="backend-tester"),
        _rec("2026-12-03T10:00:30Z", event="SubagentStop", hook="verdicts", agent_id="agent42",
             agent_type="backend-tester"),
        _rec("2026-12-03T10:00:40Z", event="Stop", hook="stop_gate"),
    ]  # fmt: skip
    [span] = otlp.spawn_spans(records)
    assert span["name"] == "spawn backend-tester"
    assert (span["startTimeUnixNano"], span["endTimeUnixNano"]) == (
        "1796292001000000000",
        "1796292030000000000",
    )
    assert _attrs(span)["claude_kit.spawned_agent.id"] == "agent42"
    assert _attrs(span)["claude_kit.spawn_status"] == "async_launched"


def test_trace_id_of_a_session_that_is_not_a_uuid() -> None:
    assert otlp.trace_id(SESSION) == SESSION.replace("-", "")
    assert len(otlp.trace_id("no-session")) == 32 and otlp.trace_id("no-session") == otlp.trace_id(
        "no-session"
    )
