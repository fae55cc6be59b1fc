"""A small MCP server (stdio, newline-delimited JSON-RPC 2.0) for e2e scenarios: the file and command
tools of container-use, by the same names and fields, working on the repository itself.

`environment_file_write` writes `contents` to `target_file` (relative to `environment_source`, or
absolute), `environment_run_cmd` runs `command` with `sh -c` in `environment_source`. Claude Code
starts it from the `--mcp-config` file that `mcp_config` writes; registered as server
`container-use`, its tools reach hooks as `mcp__container-use__environment_file_write` and
`mcp__container-use__environment_run_cmd`.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

SERVER = "container-use"
WRITE_TOOL = f"mcp__{SERVER}__environment_file_write"
RUN_TOOL = f"mcp__{SERVER}__environment_run_cmd"
_SOURCE = {"type": "string", "description": "Absolute path to the source git repository."}
TOOLS = [
    {
        "name": "environment_file_write",
        "description": "Write the contents of a file.",
        "inputSchema": {
            "type": "object",
            "properties": {
                "environment_source": _SOURCE,
                "target_file": {"type": "string", "description": "Path of the file to write."},
                "contents": {"type": "string"},
            },
            "required": ["environment_source", "target_file", "contents"],
        },
    },
    {
        "name": "environment_run_cmd",
        "description": "Run a terminal command in the environment.",
        "inputSchema": {
            "type": "object",
            "properties": {"environment_source": _SOURCE, "command": {"type": "string"}},
            "required": ["environment_source", "command"],
        },
    },
]


def mcp_config(path: Path) -> Path:
    """Write the `--mcp-config` file that starts this server with the running interpreter."""
    server = {"type": "stdio", "command": sys.executable, "args": [os.path.abspath(__file__)]}
    path.write_text(json.dumps({"mcpServers": {SERVER: server}}), encoding="utf-8")
    return path


def _call(name: str, args: dict[str, Any]) -> str:
    source = str(args.get("environment_source") or ".")
    if name == "environment_file_write":
        target = os.path.join(source, str(args["target_file"]))
        os.makedirs(os.path.dirname(target) or ".", exist_ok=True)
        with open(target, "w", encoding="utf-8") as f:
            f.write(str(args.get("contents", "")))
        return f"wrote {args['target_file']}"
    if name == "environment_run_cmd":
        done = subprocess.run(
            ["sh", "-c", str(args["command"])], cwd=source, capture_output=True, text=True, timeout=30
        )
        return f"exit {done.returncode}\n{done.stdout}{done.stderr}"
    raise ValueError(f"unknown tool {name}")


def _answer(request: dict[str, Any]) -> dict[str, Any] | None:
    method, rid = request.get("method"), request.get("id")
    if rid is None:
        return None  # a notification (notifications/initialized, cancelled): no answer
    result: dict[str, Any]
    if method == "initialize":
        version = (request.get("params") or {}).get("protocolVersion") or "2025-06-18"
        result = {
            "protocolVersion": version,
            "capabilities": {"tools": {}},
            "serverInfo": {"name": SERVER, "version": "1.0.0"},
        }
    elif method == "tools/list":
        result = {"tools": TOOLS}
    elif method == "tools/call":
        params = request.get("params") or {}
        try:
            text, failed = _call(str(params.get("name")), params.get("arguments") or {}), False
        except (OSError, ValueError, KeyError, subprocess.SubprocessError) as exc:
            text, failed = f"error: {exc}", True
        result = {"content": [{"type": "text", "text": text}], "isError": failed}
    elif method == "ping":
        result = {}
    else:
        return {"jsonrpc": "2.0", "id": rid, "error": {"code": -32601, "message": f"no method {method}"}}
    return {"jsonrpc": "2.0", "id": rid, "result": result}


def main() -> None:
    for line in sys.stdin:
        if not line.strip():
            continue
        answer = _answer(json.loads(line))
        if answer is not None:
            sys.stdout.write(json.dumps(answer) + "\n")
            sys.stdout.flush()


if __name__ == "__main__":
    main()
