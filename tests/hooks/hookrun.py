"""Run the installed kit's hook dispatchers as Claude Code does: one process, JSON on stdin.

Payloads come from tests/fixtures (captured from the real runtime, with /REPO standing for the
repository), adjusted per test.
"""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any, NamedTuple

import pytest

from claude_kit import lifecycle
from tests.conftest import git_repo

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
LOG_REL = ".claude/.claude-kit/local/log/decisions.jsonl"

BACKEND = """\
version: 1
domains:
  backend:
    paths: ["**/*.go"]
"""
TWO_DOMAINS = BACKEND + """\
  frontend:
    paths: ["ui/**"]
"""
# The Stop-time loop (review/test before ending) switched off: appended to a config by tests of
# other features, so that a changed domain file does not keep their sessions running.
LOOP_OFF = """\
hooks:
  track_modifications: {enabled: false}
  feedback_loop: {enabled: false}
  quality_gate: {enabled: false}
"""
# The active feature as `claude-kit feature` records it (.claude/.output/features/active.json).
FEATURE = {
    "feature_id": "20261121-054000-login-rate-limit",
    "dir": ".claude/.output/features/20261121-054000-login-rate-limit",
    "name": "Login rate limit",
    "work_type": "feature",
    "status": "in_progress",
    "current_phase": "implementation",
    "updated_at": "2026-11-21T05:40:00Z",
}


def install(repo: Path, config: str | None = BACKEND, files: dict[str, str] | None = None) -> Path:
    """Write `files`, then the team `config` (None: let install detect domains), then install (or
    recompile) the kit; returns the repo."""
    for rel, text in (files or {}).items():
        path = repo / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    if config is not None:
        cfg = repo / ".claude/claude-kit.yaml"
        cfg.parent.mkdir(parents=True, exist_ok=True)
        cfg.write_text(config, encoding="utf-8")
    code = lifecycle.install(repo)
    assert code == 0, f"claude-kit install failed with {code}"
    return repo


def kit_repo(
    factory: pytest.TempPathFactory, name: str, config: str = BACKEND, files: dict[str, str] | None = None
) -> Path:
    """A fresh git repository with the kit installed, for a module-scoped fixture that many tests share."""
    return install(git_repo(factory.mktemp(name) / "repo"), config, files)


def _replace(node: Any, old: str, new: str) -> Any:
    if isinstance(node, str):
        return node.replace(old, new)
    if isinstance(node, list):
        return [_replace(x, old, new) for x in node]
    if isinstance(node, dict):
        return {k: _replace(v, old, new) for k, v in node.items()}
    return node


def fixture(name: str, repo: Path, **tool_input: Any) -> dict[str, Any]:
    """A captured payload with /REPO pointing at `repo`, a fresh tool_use_id, `tool_input` overrides."""
    data = json.loads((FIXTURES / f"{name}.json").read_text(encoding="utf-8"))
    data = _replace(data, "/REPO", str(repo))
    if tool_input:
        data["tool_input"] = {**copy.deepcopy(data.get("tool_input") or {}), **tool_input}
    if "tool_use_id" in data:  # unique per call, so a test finds its own log records
        data["tool_use_id"] = f"toolu_test_{uuid.uuid4().hex[:16]}"
    return dict(data)


class HookResult(NamedTuple):
    returncode: int
    stdout: str
    stderr: str

    @property
    def json(self) -> dict[str, Any]:
        return dict(json.loads(self.stdout)) if self.stdout.strip() else {}

    @property
    def spec(self) -> dict[str, Any]:
        return dict(self.json.get("hookSpecificOutput") or {})

    @property
    def permission(self) -> str | None:
        return self.spec.get("permissionDecision")

    @property
    def reason(self) -> str:
        return str(self.spec.get("permissionDecisionReason") or "")

    @property
    def context(self) -> str:
        return str(self.spec.get("additionalContext") or "")


def run_hook(
    repo: Path, module: str, payload: dict[str, Any] | bytes | str, *, env: dict[str, str] | None = None,
    timeout: float = 30,
) -> HookResult:  # fmt: skip
    """Run `.claude/hooks/<module>.py` like the launcher does (-E -S), payload on stdin."""
    data = payload if isinstance(payload, bytes) else (
        payload if isinstance(payload, str) else json.dumps(payload)
    ).encode("utf-8", "surrogatepass")  # fmt: skip
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("CLAUDE_KIT_DISABLE")}
    full_env.update(env or {})
    proc = subprocess.run(
        [sys.executable, "-E", "-S", str(repo / ".claude/hooks" / f"{module}.py")],
        input=data, capture_output=True, env=full_env, timeout=timeout, check=False,
    )  # fmt: skip
    return HookResult(proc.returncode, proc.stdout.decode("utf-8"), proc.stderr.decode("utf-8", "replace"))


def launch(argv: list[str], repo: Path, payload: str, *, cwd: Path) -> dict[str, Any]:
    """Run a hook command as Claude Code does (from `cwd`, CLAUDE_PROJECT_DIR=repo, the payload on
    stdin); asserts it exited 0 and returns the JSON it answered."""
    proc = subprocess.run(
        argv, input=payload, capture_output=True, text=True, cwd=cwd,
        env={**os.environ, "CLAUDE_PROJECT_DIR": str(repo)}, check=False, timeout=60,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    return dict(json.loads(proc.stdout))


def log_records(repo: Path, **match: Any) -> list[dict[str, Any]]:
    """Decision-log records (current file only), filtered by field values."""
    path = repo / LOG_REL
    if not path.exists():
        return []
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [r for r in records if all(r.get(k) == v for k, v in match.items())]


def assert_clean(result: HookResult) -> None:
    """Exit 0, stdout empty or exactly one JSON object, no traceback anywhere."""
    assert result.returncode == 0, result
    assert "Traceback" not in result.stdout and "Traceback" not in result.stderr, result
    if result.stdout.strip():
        assert isinstance(json.loads(result.stdout), dict), result.stdout
