"""Tiny project hooks for e2e scenarios: written as Python scripts, registered in settings.json.

Every hook written here records its payload first (one JSON line per call in a log outside the
repo), then runs the scenario's own body, so each test can assert both on what the runtime sent
and on what it did with the answer.
"""

from __future__ import annotations

import json
import sys
import textwrap
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

_PRELUDE = """\
import json, os, sys
payload = json.load(sys.stdin)
with open({log!r}, "a", encoding="utf-8") as _log:
    _log.write(json.dumps({{"hook": {name!r}, "payload": payload}}) + "\\n")
"""


class HookLog:
    """Payloads recorded by the hooks of one scenario, in call order."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def entries(self) -> list[dict[str, Any]]:
        if not self.path.exists():
            return []
        return [json.loads(line) for line in self.path.read_text(encoding="utf-8").splitlines() if line]

    def payloads(self, event: str | None = None, *, tool: str | None = None) -> list[dict[str, Any]]:
        found = [e["payload"] for e in self.entries()]
        if event is not None:
            found = [p for p in found if p.get("hook_event_name") == event]
        if tool is not None:
            found = [p for p in found if p.get("tool_name") == tool]
        return found


def write_hook(directory: Path, name: str, log: HookLog, body: str = "") -> str:
    """Write hook script `name` (records, then runs `body`); return its settings.json command."""
    directory.mkdir(parents=True, exist_ok=True)
    script = directory / f"{name}.py"
    source = _PRELUDE.format(log=str(log.path), name=name) + textwrap.dedent(body)
    script.write_text(source, encoding="utf-8")
    # The interpreter running the tests, by absolute path: a fresh HOME can break PATH shims.
    return f'"{sys.executable}" "{script}"'


def configure_hooks(repo: Path, hooks: Mapping[str, Sequence[tuple[str, str]]]) -> Path:
    """Write `.claude/settings.json` with `{event: [(matcher, command), ...]}`."""
    settings: dict[str, Any] = {
        "hooks": {
            event: [
                {"matcher": matcher, "hooks": [{"type": "command", "command": command, "timeout": 30}]}
                for matcher, command in entries
            ]
            for event, entries in hooks.items()
        }
    }
    path = repo / ".claude" / "settings.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(settings, indent=2) + "\n", encoding="utf-8")
    return path


DENY_BODY = """\
if payload.get("tool_name") == {tool!r}:
    print(json.dumps({{"hookSpecificOutput": {{
        "hookEventName": "PreToolUse",
        "permissionDecision": "deny",
        "permissionDecisionReason": {reason!r},
    }}}}))
"""

# Blocks the first Stop only: a flag file next to the script remembers that it already did.
BLOCK_ONCE_BODY = """\
flag = os.path.splitext(__file__)[0] + ".blocked"
if not os.path.exists(flag):
    open(flag, "w").close()
    print(json.dumps({{"decision": "block", "reason": {reason!r}}}))
"""


def deny_body(tool: str, reason: str) -> str:
    return DENY_BODY.format(tool=tool, reason=reason)


def block_once_body(reason: str) -> str:
    return BLOCK_ONCE_BODY.format(reason=reason)
