"""Every hook dispatcher imports only a small set of standard-library modules (modelled on click's
tests/test_imports.py). A hook is a new process on every tool call: each import is paid each time.

Each dispatcher in hooks/ runs in a subprocess exactly as the launcher runs it (`-E -S`), with
`-X importtime`, on real captured payloads; what it imports beyond the bare interpreter's start-up
must stay inside ALLOWED. A dispatcher without payloads here fails the coverage test.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from claude_kit.payload import payload_root
from tests.hooks.hookrun import fixture, kit_repo

HOOKS = payload_root() / "hooks"
DISPATCHERS = sorted(p.stem for p in HOOKS.glob("*.py") if 'if __name__ == "__main__"' in p.read_text())

# Top-level module names a dispatcher may import beyond the interpreter's own start-up set.
ALLOWED = {
    # the kit's own hook modules
    "ckrt", "ck_edit", "ck_locks", "ck_spawn", "ck_context", "ck_loop",
    # the loop system, behind ck_loop (each event imports only what it needs)
    "ck_loop_config", "ck_state", "ck_tracking", "ck_reports", "ck_verdicts", "ck_schema", "ck_feedback",
    "ck_decision", "ck_stop", "ck_quality_gate", "ck_output_location", "ck_completion", "ck_loop_detection",
    "ck_advisor", "ck_escalation", "ck_proc",
    # json and what it pulls in (json.decoder imports re)
    "__future__", "json", "_json", "re", "_sre", "sre_compile", "sre_parse", "sre_constants", "enum",
    "types", "operator", "_operator", "functools", "_functools", "collections", "_collections",
    "_collections_abc", "itertools", "keyword", "reprlib", "copyreg", "os", "stat", "_stat",
    "posixpath", "ntpath", "genericpath", "time", "errno",
    # used where needed: locking, hashing, globbing, the clock, error reports, check commands
    "fcntl", "msvcrt", "hashlib", "_hashlib", "_blake2", "_sha256", "_sha2", "_sha1", "_md5", "glob",
    "fnmatch", "math", "bisect", "_bisect", "datetime", "_datetime", "calendar", "locale", "_locale",
    "traceback", "linecache", "tokenize", "token", "contextlib", "textwrap", "string", "_string",
    "weakref", "_weakrefset", "subprocess", "_posixsubprocess", "signal", "select", "selectors",
    "threading", "_thread", "warnings", "shlex", "io", "_io", "struct", "_struct", "binascii", "base64",
    "random", "_random", "_sha512", "difflib", "heapq", "_heapq", "atexit", "codecs", "encodings",
}  # fmt: skip

# What each dispatcher is run with: (fixture, tool_input overrides). /REPO is the test repository.
DOMAIN_FILE = "/REPO/cmd/api/main.go"
PAYLOADS: dict[str, list[tuple[str, dict[str, str]]]] = {
    "pre_tool_use": [
        ("PreToolUse-edit", {"file_path": DOMAIN_FILE}),  # main thread: agent_first denies
        ("PreToolUse-subagent-write", {"file_path": DOMAIN_FILE}),
        ("PreToolUse-notebookedit", {}),
        ("PreToolUse-bash", {"command": "sed -i 's/a/b/' cmd/api/main.go"}),
        ("PreToolUse-agent-foreground", {}),
        ("PreToolUse-read", {}),
    ],
    "post_tool_use": [
        ("PostToolUse-subagent-edit", {"file_path": DOMAIN_FILE}),
        ("PostToolUse-agent-foreground", {}),
        ("PostToolUse-bash", {}),
    ],
    "session_start": [("SessionStart", {}), ("SessionStart-compact", {})],
    "user_prompt_submit": [("UserPromptSubmit", {})],
    "subagent_start": [("SubagentStart-foreground", {})],
    "subagent_stop": [("SubagentStop-foreground", {})],
    "stop": [("Stop", {})],
    "pre_compact": [("PreCompact-auto", {})],
}
# The hot path (every main-thread edit) needs nothing beyond json and the kit's edit checks.
HOT_PATH_FORBIDDEN = {"subprocess", "traceback", "shlex", "glob", "hashlib", "threading", "datetime", "fcntl"}


def _imported(stderr: str) -> list[str]:
    names = []
    for line in stderr.splitlines():
        if line.startswith("import time:") and "|" in line:
            name = line.rsplit("|", 1)[1].strip()
            if name != "imported package":
                names.append(name)
    return names


@pytest.fixture(scope="module")
def baseline() -> set[str]:
    command = [sys.executable, "-E", "-S", "-X", "importtime", "-c", "pass"]
    proc = subprocess.run(command, capture_output=True, text=True, check=True)
    return set(_imported(proc.stderr))


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return kit_repo(tmp_path_factory, "imports", files={"cmd/api/main.go": "package main\n"})


def _run(repo: Path, module: str, name: str, overrides: dict[str, str]) -> tuple[set[str], str]:
    payload = fixture(name, repo, **{k: v.replace("/REPO", str(repo)) for k, v in overrides.items()})
    proc = subprocess.run(
        [sys.executable, "-E", "-S", "-X", "importtime", str(repo / ".claude/hooks" / f"{module}.py")],
        input=json.dumps(payload), capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    errors = [line for line in proc.stderr.splitlines() if not line.startswith("import time:")]
    where = f"{module} on {name}: rc={proc.returncode}\n"
    assert proc.returncode == 0 and not errors, where + "\n".join(errors)
    # The check must have run, not crashed into the runtime's error path (which imports traceback).
    assert "failed open" not in proc.stdout and "could not check" not in proc.stdout, proc.stdout
    return set(_imported(proc.stderr)), proc.stdout


def test_every_dispatcher_is_covered() -> None:
    assert DISPATCHERS, "no dispatchers found"
    assert set(DISPATCHERS) == set(PAYLOADS), "add payloads for new dispatchers to PAYLOADS"


RUNS = [(module, name, overrides) for module, runs in PAYLOADS.items() for name, overrides in runs]


@pytest.mark.parametrize(("module", "name", "overrides"), RUNS)
def test_dispatcher_imports_stay_inside_the_allowed_set(
    repo: Path, baseline: set[str], module: str, name: str, overrides: dict[str, str]
) -> None:
    imported, _ = _run(repo, module, name, overrides)
    extra = {m.split(".")[0] for m in imported - baseline}
    assert extra - ALLOWED == set(), f"{module} imported {sorted(extra - ALLOWED)}"
    for heavy in ("yaml", "jsonschema", "jinja2", "click", "rapidfuzz", "claude_kit", "site", "typing"):
        assert heavy not in extra


def test_the_edit_hot_path_imports_only_json_and_the_edit_checks(repo: Path, baseline: set[str]) -> None:
    imported, stdout = _run(repo, "pre_tool_use", "PreToolUse-edit", {"file_path": DOMAIN_FILE})
    assert json.loads(stdout)["hookSpecificOutput"]["permissionDecision"] == "deny"  # the full check ran
    extra = {m.split(".")[0] for m in imported - baseline}
    assert extra & HOT_PATH_FORBIDDEN == set()
    assert {m for m in extra if m.startswith("ck")} <= {"ckrt", "ck_edit", "ck_locks"}
