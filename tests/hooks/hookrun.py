"""The one harness for running claude-kit's hooks in tests.

`run_hook` runs a dispatcher (hooks/<module>.py) on a JSON payload for a repository where the kit is
installed. By default it runs in this process: the dispatcher's `main(root=..., stdin=..., stdout=...,
timing=...)` with in-memory streams, so a test pays no interpreter start-up and may shorten the hook's
waits with a `Timing`. `in_process=False` runs the installed copy as Claude Code does (a new
`python -E -S` process, payload on stdin): for the tests that are about the process itself (what
reaches stderr, concurrent processes, an installed file that was tampered with). The installed
dispatchers are byte for byte the source ones (tests/installer and tests/test_wheel.py prove it), so
both modes run the same code.

`install` installs the kit; on a fresh repository it copies a repository installed once per session
with the same config and files (an install fsyncs ~250 files), which is what an install there writes.
`hook_for` / `run_check` give a unit test a `Hook` for one check function.

Payloads come from tests/fixtures (captured from the real runtime, with /REPO standing for the
repository), adjusted per test.
"""

from __future__ import annotations

import atexit
import contextlib
import copy
import importlib
import io
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, NamedTuple

import pytest

from claude_kit import lifecycle
from claude_kit.payload import payload_root
from claude_kit_hooks.runtime.hook import Hook, Timing
from claude_kit_hooks.runtime.project import Project
from tests.conftest import git_repo

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
LOG_REL = ".git/claude-kit/log/decisions.jsonl"

BACKEND = """\
version: 1
domains:
  backend:
    paths: ["**/*.go"]
"""
TWO_DOMAINS = BACKEND + '  frontend:\n    paths: ["ui/**"]\n'
# The Stop-time loop (review/test before ending) switched off: appended to a config by tests of
# other features, so that a changed domain file does not keep their sessions running.
LOOP_OFF = """\
hooks:
  track_modifications: {enabled: false}
  feedback_loop: {enabled: false}
  quality_gate: {enabled: false}
"""
# The active feature as `claude-kit feature` records it (.git/claude-kit/features/active.json).
FEATURE = {
    "feature_id": "20261121-054000-login-rate-limit",
    "dir": ".claude/.output/features/20261121-054000-login-rate-limit",
    "name": "Login rate limit",
    "work_type": "feature",
    "status": "in_progress",
    "current_phase": "implementation",
    "updated_at": "2026-11-21T05:40:00Z",
}


# The compaction gate still polls for the current response's transcript line, but gives up after
# 50 ms instead of 3 s: for the cases where it never comes.
SHORT_WAIT = Timing(flush_wait=0.05, flush_poll=0.01)


def _write_setup(repo: Path, config: str | None, files: dict[str, str] | None) -> None:
    for rel, text in (files or {}).items():
        path = repo / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    if config is not None:
        cfg = repo / ".claude/claude-kit.yaml"
        cfg.parent.mkdir(parents=True, exist_ok=True)
        cfg.write_text(config, encoding="utf-8")


class _Installed:
    """Repositories installed once per test session, one per (config, files), to copy from."""

    def __init__(self) -> None:
        self.base: Path | None = None
        self.made: dict[tuple[str | None, tuple[tuple[str, str], ...]], Path] = {}

    def get(self, config: str | None, files: dict[str, str] | None) -> Path:
        key = (config, tuple(sorted((files or {}).items())))
        if key not in self.made:
            if self.base is None:
                self.base = Path(tempfile.mkdtemp(prefix="claude-kit-installed-"))
                atexit.register(shutil.rmtree, self.base, True)
            repo = git_repo(self.base / f"t{len(self.made)}")
            _write_setup(repo, config, files)
            assert lifecycle.install(repo) == 0, "claude-kit install failed"
            self.made[key] = repo
        return self.made[key]


_INSTALLED = _Installed()


def install(repo: Path, config: str | None = BACKEND, files: dict[str, str] | None = None) -> Path:
    """Write `files`, then the team `config` (None: let install detect domains), then install (or
    recompile) the kit; returns the repo.

    A repository that holds nothing but `.git` gets a copy of one installed the same way earlier in
    the session (same config, same files, mtimes kept so the staleness check sees what an install
    leaves); any other repository, or one already installed, gets a real `claude-kit install`.
    """
    if [p.name for p in repo.iterdir()] == [".git"]:
        template = _INSTALLED.get(config, files)
        shutil.copytree(
            template, repo, symlinks=True, dirs_exist_ok=True,
            ignore=lambda folder, names: [".git"] if folder == str(template) else [],
        )  # fmt: skip
        return repo
    _write_setup(repo, config, files)
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
    timing: Timing | None = None, in_process: bool = True, timeout: float = 30,
) -> HookResult:  # fmt: skip
    """Run dispatcher `module` for `repo` on `payload` (stdin), with CLAUDE_KIT_DISABLE* cleared and
    `env` applied; in this process by default (see the module docstring), else as a `-E -S` process of
    the installed `.claude/hooks/<module>.py` (`timeout` applies there)."""
    data = payload if isinstance(payload, bytes) else (
        payload if isinstance(payload, str) else json.dumps(payload)
    ).encode("utf-8", "surrogatepass")  # fmt: skip
    if in_process:
        return _run_in_process(repo, module, data, env, timing)
    if timing is not None:
        raise ValueError("a Timing reaches only an in-process hook")
    full_env = {k: v for k, v in os.environ.items() if not k.startswith("CLAUDE_KIT_DISABLE")}
    full_env.update(env or {})
    proc = subprocess.run(
        [sys.executable, "-E", "-S", str(repo / ".claude/hooks" / f"{module}.py")],
        input=data, capture_output=True, env=full_env, timeout=timeout, check=False,
    )  # fmt: skip
    return HookResult(proc.returncode, proc.stdout.decode("utf-8"), proc.stderr.decode("utf-8", "replace"))


def _run_in_process(
    repo: Path, module: str, data: bytes, env: dict[str, str] | None, timing: Timing | None
) -> HookResult:
    dispatcher = importlib.import_module(module)
    # The source dispatcher, never a same-named module from elsewhere on sys.path.
    assert Path(dispatcher.__file__ or "").parent == payload_root() / "hooks", dispatcher
    out, err = io.BytesIO(), io.StringIO()
    streams: dict[str, Any] = {"stdin": io.BytesIO(data), "stdout": out}
    if timing is not None:
        streams["timing"] = timing
    with _environment(env), contextlib.redirect_stderr(err):
        code = dispatcher.main(root=str(repo), **streams)
    return HookResult(code, out.getvalue().decode("utf-8"), err.getvalue())


@contextlib.contextmanager
def _environment(env: dict[str, str] | None) -> Iterator[None]:
    """The hook process's environment for the duration of one call: os.environ less the kit's
    switches, plus `env`. Touches nothing when there is nothing to change (threads may share it)."""
    changes: dict[str, str | None] = {k: None for k in os.environ if k.startswith("CLAUDE_KIT_DISABLE")}
    changes.update(env or {})
    saved = {k: os.environ.get(k) for k in changes}
    _apply(changes)
    try:
        yield
    finally:
        _apply(saved)


def _apply(values: dict[str, str | None]) -> None:
    for key, value in values.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


def hook_for(repo: Path, event: str, payload: dict[str, Any], timing: Timing | None = None) -> Hook:
    """A run of `event` for `repo` (a new Project each time, as each hook process has) for unit tests
    that call one check function and inspect the Hook it leaves."""
    return Hook(event, payload, time.perf_counter(), Project(str(repo)), timing)


def run_check(
    repo: Path,
    check: Callable[[Hook], None],
    event: str,
    payload: dict[str, Any],
    timing: Timing | None = None,
) -> Hook:
    """Call `check` on a fresh hook run of `event` for `repo`; returns the Hook to inspect."""
    h = hook_for(repo, event, payload, timing)
    check(h)
    return h


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


def pre_tool_use_decision(repo: Path, payload: dict[str, Any]) -> tuple[str | None, str]:
    """(permissionDecision or None, its reason) of the PreToolUse dispatcher on `payload`, run cleanly."""
    result = run_hook(repo, "pre_tool_use", payload)
    assert_clean(result)
    return result.permission, result.reason or ""


def assert_clean(result: HookResult) -> None:
    """Exit 0, stdout empty or exactly one JSON object, no traceback anywhere."""
    assert result.returncode == 0, result
    assert "Traceback" not in result.stdout and "Traceback" not in result.stderr, result
    if result.stdout.strip():
        assert isinstance(json.loads(result.stdout), dict), result.stdout
