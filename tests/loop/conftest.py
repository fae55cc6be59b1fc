"""Fixtures for the loop system's unit tests.

The hook modules are imported from the source tree (hooks/) and pointed at a temporary repository
where the kit is installed (`ckrt`'s path globals are patched), so the tests call the same code the
installed hooks run, in-process. `Kit.run_hook` runs a dispatcher as the runtime does (a new
process, `-E -S`, JSON on stdin) to prove the wiring.
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

HOOKS_SRC = Path(__file__).resolve().parents[2] / "hooks"
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
if str(HOOKS_SRC) not in sys.path:
    sys.path.insert(0, str(HOOKS_SRC))

import ck_loop  # noqa: E402
import ckrt  # noqa: E402

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

    def __init__(self, repo: Path, monkeypatch: pytest.MonkeyPatch, templates: Templates) -> None:
        self.repo = repo
        self.mp = monkeypatch
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
        hooks = self.repo / ".claude" / "hooks"
        local = self.repo / ".claude" / ".claude-kit" / "local"
        for name, value in {
            "HOOKS_DIR": str(hooks),
            "ROOT": str(self.repo),
            "LOCAL": str(local),
            "CONFIG_JSON": str(hooks / "claude-kit.json"),
            "CONFIG_YAML": str(cfg),
            "LOG_PATH": str(local / "log" / "decisions.jsonl"),
            "ERROR_LOG": str(local / "errors.log"),
            "_REAL_ROOT": None,
            "_RULES": None,
        }.items():
            self.mp.setattr(ckrt, name, value)
        return self

    def write(self, rel: str, text: str = "x\n") -> Path:
        path = self.repo / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        return path

    def remove_agent(self, name: str) -> None:
        (self.repo / ".claude" / "agents" / f"{name}.md").unlink()

    # -- payloads -------------------------------------------------------------------------------
    def hook(self, event: str, **payload: Any) -> ckrt.Hook:
        base = {
            "session_id": self.sid,
            "transcript_path": "",
            "cwd": str(self.repo),
            "hook_event_name": event,
        }
        base.update(payload)
        return ckrt.Hook(event, base, time.perf_counter())

    def call(self, fn: Callable[[ckrt.Hook], None], event: str, **payload: Any) -> ckrt.Hook:
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
    ) -> ckrt.Hook:
        path = self.write(rel, text)
        payload: dict[str, Any] = {
            "tool_name": tool,
            "tool_input": {"file_path": str(path)},
            "tool_response": {},
        }
        if agent_type is not None:
            payload.update(agent_type=agent_type, agent_id=agent_id)
        return self.call(ck_loop.track_modification, "PostToolUse", **payload)

    def verdict(self, agent_type: str, text: str, *, agent_id: str | None = None) -> ckrt.Hook:
        """The agent finishes: its SubagentStop carries the final message."""
        agent_id = agent_id or f"{agent_type}-{time.perf_counter_ns()}"
        return self.call(
            ck_loop.subagent_verdict,
            "SubagentStop",
            agent_type=agent_type,
            agent_id=agent_id,
            last_assistant_message=text,
            stop_hook_active=False,
        )

    def stop(self, message: str = "done", *, active: bool = False, **extra: Any) -> ckrt.Hook:
        return self.call(
            ck_loop.stop_gate, "Stop", stop_hook_active=active, last_assistant_message=message, **extra
        )

    # -- state ----------------------------------------------------------------------------------
    def state(self, name: str = "feedback", sid: str | None = None) -> dict[str, Any]:
        path = Path(ckrt.state_path(sid or self.sid, name))
        data: dict[str, Any] = json.loads(path.read_text()) if path.exists() else {}
        return data

    def decisions(self, **match: Any) -> list[dict[str, Any]]:
        log = Path(ckrt.LOG_PATH)
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
def kit(tmp_repo: Path, monkeypatch: pytest.MonkeyPatch, templates: Templates) -> Kit:
    return Kit(tmp_repo, monkeypatch, templates)


def blocked(h: ckrt.Hook) -> str:
    assert h.decision == "block", f"expected a block, got {h.decision!r}; messages={h.messages}"
    return h.reason


def allowed(h: ckrt.Hook) -> None:
    assert h.decision is None, f"expected the stop to go through, got a block: {h.reason}"
    assert not h.contexts  # Stop additionalContext would keep the conversation going
