"""Fixtures for the Stop loop's unit tests (hooks/claude_kit_hooks/stoploop).

The hook modules are imported from the source tree (hooks/claude_kit_hooks) and run in-process
against a temporary repository where the kit is installed: each hook gets a `Project` for that root,
so the tests call the same code the installed hooks run. `Kit.run_hook` runs a dispatcher as the
runtime does (a new process, `-E -S`, JSON on stdin) to prove the wiring.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from claude_kit import lifecycle
from claude_kit_hooks.contract.layout import KitPaths
from claude_kit_hooks.runtime.hook import Hook
from claude_kit_hooks.runtime.project import Project
from claude_kit_hooks.stoploop import events

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"

BACKEND = """\
version: 1
domains:
  backend:
    paths: ["**/*.go"]
"""

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

    def __init__(self, repo: Path, templates: Templates) -> None:
        self.repo = repo
        self.paths = KitPaths(str(repo))
        self.templates = templates
        self.sid = SID

    # -- setup ----------------------------------------------------------------------------------
    def install(self, config: str = BACKEND, files: dict[str, str] | None = None) -> Kit:
        for rel, text in (files or {}).items():
            self.write(rel, text)
        cfg = self.repo / ".claude/claude-kit.yaml"
        if (self.repo / ".claude" / "hooks").is_dir():
            cfg.write_text(config, encoding="utf-8")
            assert lifecycle.install(self.repo) == 0  # recompile in place, keeping the session state
        else:
            shutil.copytree(self.templates.get(config) / ".claude", self.repo / ".claude")
        return self

    def write(self, rel: str, text: str = "x\n") -> Path:
        path = self.repo / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    def remove_agent(self, name: str) -> None:
        (self.repo / ".claude" / "agents" / f"{name}.md").unlink()

    # -- payloads -------------------------------------------------------------------------------
    def hook(self, event: str, **payload: Any) -> Hook:
        """A hook run of `event` for this repository (a new Project each time, as a new process has)."""
        base = {
            "session_id": self.sid,
            "transcript_path": "",
            "cwd": str(self.repo),
            "hook_event_name": event,
        }
        base.update(payload)
        return Hook(event, base, time.perf_counter(), Project(str(self.repo)))

    def call(self, fn: Callable[[Hook], None], event: str, **payload: Any) -> Hook:
        h = self.hook(event, **payload)
        fn(h)
        return h

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
        """Run an installed dispatcher as Claude Code does; returns its JSON answer ({} when silent)."""
        hook = self.repo / ".claude" / "hooks" / f"{module}.py"
        proc = subprocess.run(
            [sys.executable, "-E", "-S", str(hook)],
            input=json.dumps(payload),
            capture_output=True,
            text=True,
            cwd=self.repo,
            env={**os.environ, **(env or {})},
            timeout=120,
        )
        assert proc.returncode == 0, proc.stderr
        assert "Traceback" not in proc.stdout + proc.stderr
        answer: dict[str, Any] = json.loads(proc.stdout) if proc.stdout.strip() else {}
        return answer


class Templates:
    """One installed repository per config text, copied into each test (an install fsyncs ~400 files)."""

    def __init__(self, base: Path) -> None:
        self.base = base
        self.made: dict[str, Path] = {}

    def get(self, config: str) -> Path:
        if config not in self.made:
            repo = self.base / f"t{len(self.made)}"
            repo.mkdir()
            subprocess.run(["git", "init", "-q"], cwd=repo, check=True)
            (repo / ".claude").mkdir()
            (repo / ".claude/claude-kit.yaml").write_text(config, encoding="utf-8")
            assert lifecycle.install(repo) == 0
            self.made[config] = repo
        return self.made[config]


@pytest.fixture(scope="session")
def templates(tmp_path_factory: pytest.TempPathFactory) -> Templates:
    return Templates(tmp_path_factory.mktemp("kit-templates"))


@pytest.fixture
def kit(tmp_repo: Path, templates: Templates) -> Kit:
    return Kit(tmp_repo, templates)


def blocked(h: Hook) -> str:
    assert h.decision == "block", f"expected a block, got {h.decision!r}; messages={h.messages}"
    return h.reason


def allowed(h: Hook) -> None:
    assert h.decision is None, f"expected the stop to go through, got a block: {h.reason}"
    assert not h.contexts  # Stop additionalContext would keep the conversation going
