"""Fixtures for the Stop loop's unit tests (hooks/claude_kit_hooks/stoploop).

A `Kit` is a temporary repository with the kit installed (tests/hooks/hookrun.py's `install`), and
shortcuts that feed the loop's checks payloads through the one hook harness: `Kit.call` runs one
check on a Hook for that root (the same code the installed hooks run), `Kit.run_hook` runs a whole
dispatcher to prove the wiring.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from claude_kit_hooks.contract.layout import KitPaths
from claude_kit_hooks.runtime.hook import Hook
from claude_kit_hooks.stoploop import events
from tests.hooks import hookrun
from tests.hooks.hookrun import BACKEND, FIXTURES

__all__ = ["BACKEND", "SID", "TWO_DOMAINS", "Kit", "allowed", "blocked", "fixture", "limits", "verdict_text"]

TWO_DOMAINS = """\
version: 1
domains:
  backend:
    paths: ["**/*.go"]
  python:
    paths: ["**/*.py"]
"""

SID = "sess-1"


def limits(**values: int) -> str:
    """The backend config with these `limits`."""
    return BACKEND + "limits:\n" + "".join(f"  {k}: {v}\n" for k, v in values.items())


def verdict_text(
    role: str = "review",
    domain: str = "backend",
    verdict: str = "PASS",
    issues: list[dict[str, Any]] | None = None,
    summary: str = "looks fine",
    report: str = "# report\n- result: ok\n",
) -> str:
    if issues is None:
        issues = [] if verdict == "PASS" else [{"file": "cmd/main.go", "line": 3, "problem": "nil deref"}]
    block = {
        "claude_kit": "verdict",
        "role": role,
        "domain": domain,
        "verdict": verdict,
        "issues": issues,
        "summary": summary,
    }
    return f"{report}\n```json\n{json.dumps(block)}\n```\n"


def fixture(name: str, repo: Path) -> dict[str, Any]:
    """A captured payload with its placeholders (/REPO) pointing at `repo`."""
    text = (FIXTURES / f"{name}.json").read_text(encoding="utf-8").replace("/REPO", str(repo))
    data: dict[str, Any] = json.loads(text)
    return data


class Kit:
    """A repository with the kit installed, and shortcuts that feed the loop hooks payloads."""

    def __init__(self, repo: Path) -> None:
        self.repo = repo
        self.paths = KitPaths(str(repo))
        self.sid = SID

    # -- setup ----------------------------------------------------------------------------------
    def install(self, config: str = BACKEND, files: dict[str, str] | None = None) -> Kit:
        """Install the kit (or recompile it in place, keeping the session state)."""
        hookrun.install(self.repo, config, files)
        return self

    def write(self, rel: str, text: str = "x\n") -> Path:
        path = self.repo / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    def remove_agent(self, name: str) -> None:
        (self.repo / ".claude" / "agents" / f"{name}.md").unlink()

    # -- payloads -------------------------------------------------------------------------------
    def payload(self, event: str, **fields: Any) -> dict[str, Any]:
        """What the runtime sends for `event` in this session, plus `fields`."""
        base = {
            "session_id": self.sid,
            "transcript_path": "",
            "cwd": str(self.repo),
            "hook_event_name": event,
        }
        base.update(fields)
        return base

    def hook(self, event: str, **payload: Any) -> Hook:
        """A hook run of `event` for this repository (a new Project each time, as a new process has)."""
        return hookrun.hook_for(self.repo, event, self.payload(event, **payload))

    def call(self, fn: Callable[[Hook], None], event: str, **payload: Any) -> Hook:
        """Run check `fn` on a hook run of `event`; returns the Hook to inspect."""
        return hookrun.run_check(self.repo, fn, event, self.payload(event, **payload))

    def edit(
        self,
        rel: str,
        *,
        agent_type: str | None = "backend-developer",
        agent_id: str | None = "dev1",
        tool: str = "Edit",
        text: str = "package x\n",
    ) -> Hook:
        path = self.write(rel, text)
        payload: dict[str, Any] = {
            "tool_name": tool,
            "tool_input": {"file_path": str(path)},
            "tool_response": {},
        }
        if agent_type is not None:
            payload.update(agent_type=agent_type, agent_id=agent_id)
        return self.call(events.track_modification, "PostToolUse", **payload)

    def verdict(self, agent_type: str, text: str, *, agent_id: str | None = None) -> Hook:
        """The agent finishes: its SubagentStop carries the final message."""
        agent_id = agent_id or f"{agent_type}-{time.perf_counter_ns()}"
        return self.call(
            events.subagent_verdict,
            "SubagentStop",
            agent_type=agent_type,
            agent_id=agent_id,
            last_assistant_message=text,
            stop_hook_active=False,
        )

    def stop(self, message: str = "done", *, active: bool = False, **extra: Any) -> Hook:
        return self.call(
            events.stop_gate, "Stop", stop_hook_active=active, last_assistant_message=message, **extra
        )

    # -- state ----------------------------------------------------------------------------------
    def state(self, name: str = "feedback", sid: str | None = None) -> dict[str, Any]:
        path = Path(self.paths.state(sid or self.sid, name))
        data: dict[str, Any] = json.loads(path.read_text()) if path.exists() else {}
        return data

    def decisions(self, **match: Any) -> list[dict[str, Any]]:
        log = Path(self.paths.decision_log)
        if not log.exists():
            return []
        recs = [json.loads(line) for line in log.read_text().splitlines() if line.strip()]
        return [r for r in recs if all(r.get(k) == v for k, v in match.items())]

    def run_hook(
        self, module: str, payload: dict[str, Any], env: dict[str, str] | None = None
    ) -> dict[str, Any]:
        """Run dispatcher `module` for this repository; returns its JSON answer ({} when silent)."""
        result = hookrun.run_hook(self.repo, module, payload, env=env)
        hookrun.assert_clean(result)
        return result.json


@pytest.fixture
def kit(tmp_repo: Path) -> Kit:
    return Kit(tmp_repo)


def blocked(h: Hook) -> str:
    assert h.decision == "block", f"expected a block, got {h.decision!r}; messages={h.messages}"
    return h.reason


def allowed(h: Hook) -> None:
    assert h.decision is None, f"expected the stop to go through, got a block: {h.reason}"
    assert not h.contexts  # Stop additionalContext would keep the conversation going
