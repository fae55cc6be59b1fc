"""Decision-log records as OpenTelemetry (OTLP/HTTP JSON): one log record per decision and one span
per agent spawn, sent to a collector or appended to a JSON-lines file.

The attributes use the names Claude Code's own telemetry uses for the same ids (`session.id`,
`prompt.id`, `tool_name`), so the kit's events line up with the runtime's in one backend; the trace
id of a session's records and spans is its session id (a UUID is 16 bytes, as a trace id is).
"""

from __future__ import annotations

import hashlib
import json
import os
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any, NamedTuple

from claude_kit._version import __version__
from claude_kit.errors import KitError
from claude_kit.logrecord import record_time
from claude_kit_hooks.contract.defaults import AGENT_TOOLS
from claude_kit_hooks.contract.records import LogRecord

SCOPE = "claude-kit"
BATCH = 500  # records per request: collectors cap a request's size (4 MiB by default)
TIMEOUT = 10  # seconds per request
# OpenTelemetry severity numbers (INFO 9, WARN 13, ERROR 17) for the kit's decisions.
_SEVERITY = {"allow": 9, "warn": 13, "escalate": 13, "deny": 17, "block": 17, "error": 17}
# Record field -> attribute name; the first three are the names Claude Code's telemetry uses.
_ATTRIBUTES = (
    ("session_id", "session.id"),
    ("prompt_id", "prompt.id"),
    ("tool", "tool_name"),
    ("tool_use_id", "tool_use_id"),
    ("agent_id", "agent.id"),
    ("agent_type", "agent.type"),
    ("event", "claude_kit.event"),
    ("hook", "claude_kit.hook"),
    ("decision", "claude_kit.decision"),
    ("feature", "claude_kit.feature"),
    ("phase", "claude_kit.phase"),
    ("file", "claude_kit.file"),
    ("duration_ms", "claude_kit.duration_ms"),
)


class Destination(NamedTuple):
    """Where an export goes: an OTLP/HTTP collector (its logs and traces URLs) or a JSON-lines file."""

    logs_url: str | None = None
    traces_url: str | None = None
    file: Path | None = None

    def describe(self) -> str:
        return str(self.file) if self.file else str(self.logs_url)


def destination(value: str, base: Path) -> Destination:
    """An http(s) URL is a collector: its base (`http://host:4318`, to which /v1/logs and /v1/traces
    are added) or its logs URL (ending /v1/logs). Anything else is a file path, relative to `base`."""
    text = value.strip()
    if text.startswith(("http://", "https://")):
        root = text.rstrip("/")
        if root.endswith("/v1/logs"):
            root = root[: -len("/v1/logs")]
        return Destination(logs_url=root + "/v1/logs", traces_url=root + "/v1/traces")
    if not text:
        raise KitError("OTLP destination: empty", hint="give a collector URL or a JSON file path")
    return Destination(file=(base / text))


# -- building the OTLP JSON --------------------------------------------------------------------------
def _value(value: Any) -> dict[str, Any]:
    if isinstance(value, bool):
        return {"boolValue": value}
    if isinstance(value, int):
        return {"intValue": str(value)}  # OTLP JSON writes 64-bit integers as strings
    if isinstance(value, float):
        return {"doubleValue": value}
    return {"stringValue": str(value)}


def _attributes(pairs: Iterable[tuple[str, Any]]) -> list[dict[str, Any]]:
    return [{"key": k, "value": _value(v)} for k, v in pairs if v is not None and v != ""]


def _nanos(rec: LogRecord) -> str:
    when = record_time(rec)
    return str(int(when.timestamp() * 1_000_000_000)) if when else "0"


def trace_id(session_id: str) -> str:
    """The session's trace id: its UUID's 32 hex digits, or a hash of any other id."""
    hexed = session_id.replace("-", "").lower()
    if len(hexed) == 32 and all(c in "0123456789abcdef" for c in hexed):
        return hexed
    return hashlib.sha256(session_id.encode()).hexdigest()[:32]


def span_id(tool_use_id: str) -> str:
    return hashlib.sha256(tool_use_id.encode()).hexdigest()[:16]


def _resource() -> dict[str, Any]:
    return {"attributes": _attributes((("service.name", "claude-kit"), ("service.version", __version__)))}


def log_request(records: Sequence[LogRecord]) -> dict[str, Any]:
    """An ExportLogsServiceRequest with one log record per decision."""
    out = []
    for rec in records:
        item: dict[str, Any] = {
            "timeUnixNano": _nanos(rec),
            "observedTimeUnixNano": _nanos(rec),
            "severityNumber": _SEVERITY.get(str(rec.get("decision")), 9),
            "severityText": str(rec.get("decision") or ""),
            "body": {"stringValue": str(rec.get("reason") or "")},
            "attributes": _attributes(
                [("event.name", "claude_kit.decision")]
                + [(name, rec.get(field)) for field, name in _ATTRIBUTES]
            ),
        }
        if rec.get("session_id"):
            item["traceId"] = trace_id(str(rec.get("session_id")))
        if rec.get("tool_use_id") and str(rec.get("tool")) in AGENT_TOOLS:
            item["spanId"] = span_id(str(rec.get("tool_use_id")))
        out.append(item)
    scope = {"scope": {"name": SCOPE}, "logRecords": out}
    return {"resourceLogs": [{"resource": _resource(), "scopeLogs": [scope]}]}


def spawn_spans(records: Sequence[LogRecord]) -> list[dict[str, Any]]:
    """One span per agent spawn: from its first PreToolUse record to its PostToolUse record or the
    last record of the agent it started (a background agent outlives its PostToolUse); a spawn the
    log shows no end of (denied, or still running) ends where it starts."""
    spans: dict[str, dict[str, Any]] = {}
    started: dict[str, dict[str, Any]] = {}  # spawned agent id -> its spawn's span
    for rec in records:
        agent = rec.get("agent_id")
        if agent and agent in started:
            started[agent]["endTimeUnixNano"] = max(started[agent]["endTimeUnixNano"], _nanos(rec), key=int)
        call = rec.get("tool_use_id")
        if not call or str(rec.get("tool")) not in AGENT_TOOLS:
            continue
        span = spans.get(call)
        if span is None:
            span = spans[call] = {
                "traceId": trace_id(str(rec.get("session_id") or "")),
                "spanId": span_id(call),
                "name": "spawn",
                "kind": 1,  # SPAN_KIND_INTERNAL
                "startTimeUnixNano": _nanos(rec),
                "endTimeUnixNano": _nanos(rec),
                "status": {"code": 0},
                "_attrs": {
                    "session.id": rec.get("session_id"),
                    "prompt.id": rec.get("prompt_id"),
                    "tool_use_id": call,
                    "agent.id": rec.get("agent_id"),
                    "agent.type": rec.get("agent_type"),
                    "claude_kit.feature": rec.get("feature"),
                    "claude_kit.phase": rec.get("phase"),
                },  # fmt: skip
            }
        target = dict(rec).get("subagent_type")  # spawn checks log the spawned type under this key
        if target:
            span["name"] = f"spawn {target}"
            span["_attrs"]["claude_kit.subagent_type"] = target
        if rec.get("event") == "PostToolUse":
            span["endTimeUnixNano"] = max(span["endTimeUnixNano"], _nanos(rec), key=int)
        spawned = dict(rec).get("spawned_agent_id")  # spawn_result: the agent this call started
        if spawned:
            started[str(spawned)] = span
            span["_attrs"]["claude_kit.spawned_agent.id"] = spawned
            span["_attrs"]["claude_kit.spawn_status"] = dict(rec).get("status")
        if rec.get("decision") in ("deny", "block"):
            span["status"] = {"code": 2, "message": str(rec.get("reason") or "")[:200]}  # STATUS_CODE_ERROR
    for span in spans.values():
        span["attributes"] = _attributes(span.pop("_attrs").items())
    return list(spans.values())


def trace_request(spans: list[dict[str, Any]]) -> dict[str, Any]:
    scope = {"scope": {"name": SCOPE}, "spans": spans}
    return {"resourceSpans": [{"resource": _resource(), "scopeSpans": [scope]}]}


# -- sending --------------------------------------------------------------------------------------------
def _headers() -> dict[str, str]:
    """Content type, plus OTEL_EXPORTER_OTLP_HEADERS (`k=v,k2=v2`) as Claude Code's exporter reads it."""
    headers = {"Content-Type": "application/json"}
    for pair in os.environ.get("OTEL_EXPORTER_OTLP_HEADERS", "").split(","):
        key, sep, value = pair.partition("=")
        if sep and key.strip():
            headers[key.strip()] = urllib.parse.unquote(value.strip())
    return headers


def _post(url: str, body: dict[str, Any]) -> None:
    data = json.dumps(body, ensure_ascii=False).encode()
    req = urllib.request.Request(url, data=data, headers=_headers(), method="POST")
    try:
        with urllib.request.urlopen(req, timeout=TIMEOUT) as resp:  # noqa: S310  # http(s) checked above
            resp.read()
    except urllib.error.HTTPError as exc:
        raise KitError(f"{url}: the collector answered HTTP {exc.code} {exc.reason}") from None
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise KitError(f"{url}: cannot send ({reason})", hint="is the collector running there?") from None


def _append(path: Path, text: str) -> None:
    """One write in append mode: a reader of the JSON-lines file never sees half a request."""
    if path.is_dir():
        raise KitError(f"{path}: is a folder; give a file for the OTLP JSON lines")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="utf-8") as fh:
            fh.write(text)
    except OSError as exc:
        raise KitError(f"{path}: cannot write the OTLP JSON ({exc.strerror})") from None


def export(records: Sequence[LogRecord], dest: Destination) -> dict[str, int]:
    """Send (or append to the file) the records as logs and their spawns as spans; counts of each."""
    spans = spawn_spans(records)
    bodies: list[tuple[str | None, dict[str, Any]]] = [
        (dest.logs_url, log_request(records[i : i + BATCH])) for i in range(0, len(records), BATCH)
    ]
    if spans:
        bodies.append((dest.traces_url, trace_request(spans)))
    if dest.file is not None:
        _append(dest.file, "".join(json.dumps(b, ensure_ascii=False) + "\n" for _, b in bodies))
    else:
        for url, body in bodies:
            _post(str(url), body)
    return {"logs": len(records), "spans": len(spans)}
