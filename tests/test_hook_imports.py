"""Every hook dispatcher imports only a small set of standard-library modules (modelled on click's
tests/test_imports.py). A hook is a new process on every tool call: each import is paid each time.

Each dispatcher in hooks/ runs in a subprocess exactly as the launcher runs it (`-E -S`), with
`-X importtime`, on real captured payloads; what it imports beyond the bare interpreter's start-up
must stay inside ALLOWED, and the kit modules it loads inside its event's KIT_MODULES (only what the
event's checks need). A dispatcher without payloads or kit modules here fails the coverage test.
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

# Top-level standard-library names a dispatcher may import beyond the interpreter's own start-up set
# (the kit's own modules are listed per event in KIT_MODULES below).
ALLOWED = {
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
    # the spawn hook's routing postings (packed integers) and their cache (routing.lexical.cached_state)
    "array", "marshal",
}  # fmt: skip


def _kit(*names: str) -> frozenset[str]:
    """`claude_kit_hooks.<name>` for each name, with the packages above it (imported with it)."""
    out: set[str] = set()
    for name in names:
        parts = f"claude_kit_hooks.{name}".split(".")
        out |= {".".join(parts[:i]) for i in range(1, len(parts) + 1)}
    return frozenset(out)


# The kit modules every dispatcher loads: the entry point and the hook object, the shared contract,
# the state store and the decision log (`runtime.failure` only when a check fails).
RUNTIME = _kit(
    "runtime.entry", "runtime.jsonio", "runtime.hook", "runtime.project", "runtime.answer", "runtime.config",
    "runtime.failure", "contract.defaults", "contract.layout", "contract.naming", "store.jsonfile",
    "decisionlog.redact", "decisionlog.writer",
)  # fmt: skip
EDIT = _kit(
    "edit.kit_files", "contract.protected", "edit.agent_first", "edit.coordinator", "edit.delegation",
    "edit.file_locks",
)  # fmt: skip
SHELL_WRITES = _kit(
    "edit.kit_files", "contract.protected", "edit.shell_writes", "edit.shell_lexer", "edit.shell_programs",
    "edit.shell_paths", "edit.lock_commands", "edit.shell_route", "runtime.processes",
    "edit.secret_exposure", "contract.secrets",
)  # fmt: skip
SPAWN_DEPTH = _kit("spawn.depth", "spawn.transcripts", "spawn.values")
SPAWN_GATES = SPAWN_DEPTH | _kit(
    "spawn.budget", "spawn.compaction_gate", "spawn.context_window", "spawn.usage", "transcript.reader",
    "routing.spawn_skills", "routing.lexical", "routing.terms", "briefings.subagent", "briefings.rules",
)  # fmt: skip
# What a briefing reads of the loops (stoploop.events.active_summary and what it needs).
LOOP_SUMMARY = _kit(
    "stoploop.events", "stoploop.session_state", "stoploop.feedback", "stoploop.decision", "stoploop.roles"
)  # fmt: skip
SESSION_BRIEFINGS = _kit("briefings.session", "briefings.rules", "briefings.state_summary") | LOOP_SUMMARY
# The Stop loop's modules as each event uses them (stoploop/events.py routes the events).
LOOP_TRACKING = _kit(
    "stoploop.events", "stoploop.session_state", "stoploop.tracking", "stoploop.verdicts", "stoploop.reports",
    "runtime.processes", "stoploop.roles", "stoploop.working_tree", "edit.delegation",
)  # fmt: skip
LOOP_SUBAGENT_STOP = _kit(
    "stoploop.events", "stoploop.session_state", "stoploop.verdicts", "stoploop.reports",
    "stoploop.output_location", "runtime.processes", "stoploop.decision", "stoploop.roles",
    "transcript.reader", "stoploop.working_tree", "edit.delegation",
)  # fmt: skip
LOOP_STOP = _kit(
    "stoploop.events", "stoploop.session_state", "stoploop.stop_gate", "stoploop.feedback",
    "stoploop.decision", "stoploop.roles", "stoploop.reports", "stoploop.output_location",
    "runtime.processes", "stoploop.quality_gate", "stoploop.check_budget", "stoploop.check_failures",
    "stoploop.check_runner", "stoploop.check_scope", "stoploop.completion", "transcript.reader",
    "stoploop.working_tree", "edit.delegation", "stoploop.baseline_run",
)  # fmt: skip
# The kit modules each dispatcher may import: the runtime plus what its event's checks need, nothing
# of the other subsystems (a Stop never loads the edit checks, an edit never loads the Stop loop).
KIT_MODULES: dict[str, frozenset[str]] = {
    "pre_tool_use": RUNTIME | EDIT | SHELL_WRITES | SPAWN_GATES | _kit("runtime.extra_tools"),
    "post_tool_use": RUNTIME | SPAWN_DEPTH | _kit("spawn.usage", "runtime.extra_tools") | LOOP_TRACKING,
    "session_start": RUNTIME
    | SESSION_BRIEFINGS
    | _kit(
        "stoploop.working_tree",
        "runtime.processes",
        "stoploop.integrity",
        "contract.protected",
        "store.sessions",
    ),
    "user_prompt_submit": RUNTIME | SESSION_BRIEFINGS,
    "pre_compact": RUNTIME | SESSION_BRIEFINGS,
    "config_change": RUNTIME,
    "pre_skill_shell_command": RUNTIME | SHELL_WRITES | _kit("edit.delegation"),
    "subagent_start": RUNTIME | SPAWN_DEPTH | _kit("briefings.subagent", "briefings.rules"),
    "subagent_stop": RUNTIME | LOOP_SUBAGENT_STOP | _kit("edit.file_locks"),
    "stop": RUNTIME | LOOP_STOP | _kit("stoploop.integrity", "contract.protected"),
}

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
    "config_change": [("ConfigChange", {})],
    "pre_skill_shell_command": [
        ("PreSkillShellCommand", {}),  # writes cmd/api/main.go: refused
        ("PreSkillShellCommand", {"command": "git status --short"}),
    ],
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
    assert set(DISPATCHERS) == set(KIT_MODULES), "list the kit modules of new dispatchers in KIT_MODULES"


def test_the_listed_kit_modules_exist() -> None:
    listed = set().union(*KIT_MODULES.values())
    files = {
        ".".join(p.relative_to(HOOKS).with_suffix("").parts).removesuffix(".__init__")
        for p in (HOOKS / "claude_kit_hooks").rglob("*.py")
    }
    assert listed - files == set()


RUNS = [(module, name, overrides) for module, runs in PAYLOADS.items() for name, overrides in runs]


@pytest.mark.parametrize(("module", "name", "overrides"), RUNS)
def test_dispatcher_imports_stay_inside_the_allowed_set(
    repo: Path, baseline: set[str], module: str, name: str, overrides: dict[str, str]
) -> None:
    imported, _ = _run(repo, module, name, overrides)
    kit = {m for m in imported if m.split(".")[0] == "claude_kit_hooks"}
    extra = {m.split(".")[0] for m in imported - baseline - kit}
    assert extra - ALLOWED == set(), f"{module} imported {sorted(extra - ALLOWED)}"
    for heavy in ("yaml", "jsonschema", "jinja2", "click", "rapidfuzz", "claude_kit", "site", "typing"):
        assert heavy not in extra
    assert kit - KIT_MODULES[module] == set(), f"{module} imported {sorted(kit - KIT_MODULES[module])}"
    assert "claude_kit_hooks.contract.records" not in kit  # typed records are for mypy only (typing)


def test_the_edit_hot_path_imports_only_json_and_the_edit_checks(repo: Path, baseline: set[str]) -> None:
    imported, stdout = _run(repo, "pre_tool_use", "PreToolUse-edit", {"file_path": DOMAIN_FILE})
    assert json.loads(stdout)["hookSpecificOutput"]["permissionDecision"] == "deny"  # the full check ran
    extra = {m.split(".")[0] for m in imported - baseline}
    assert extra & HOT_PATH_FORBIDDEN == set()
    kit = {m for m in imported if m.split(".")[0] == "claude_kit_hooks"}
    assert kit - RUNTIME - EDIT == set(), sorted(kit - RUNTIME - EDIT)


def test_an_edit_no_rule_can_match_imports_no_re(repo: Path, baseline: set[str]) -> None:
    """The compiled rules' hints rule out every domain and exemption regex for this path, so `re` (and
    the enum, functools and collections it pulls in) is never imported."""
    imported, stdout = _run(repo, "pre_tool_use", "PreToolUse-edit", {"file_path": "/REPO/cmd/api/main.rs"})
    assert stdout.strip() == ""  # allowed: outside every domain
    assert "re" not in imported - baseline
