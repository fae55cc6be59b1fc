# claude-kit: managed, id=hooks/claude_kit_hooks/stoploop/check_runner
"""Run one quality-gate check in its folder and classify the result, for the Stop gate and for
`claude-kit checks run` alike: ok, fail, timeout, or setup (the tool, an interpreter module, a
dependency or `node_modules` is missing: the machine's problem, with the command that fixes it).
"""

from __future__ import annotations

import os
import re

from claude_kit_hooks.runtime import processes

TYPE_CHECKING = False  # typing costs ~14 ms at a hook's start-up; mypy still reads the branch
if TYPE_CHECKING:
    from claude_kit_hooks.contract.records import Check
    from claude_kit_hooks.stoploop.records import CheckResult

TAIL_LINES = 40
TAIL_CHARS = 1500
# A shell that cannot find the program: bash/zsh, dash ("sh: 1: x: not found"), cmd.exe.
_MISSING_TOOL = re.compile(
    r"command not found|Failed to spawn: `(\S+)`|"
    r"^(?:\S*sh|/bin/sh): (?:\d+: )?(?:line \d+: )?(\S+): (?:command )?not found|"
    r"is not recognized as an internal",
    re.M | re.I,
)
# `python3 -m pytest` without pytest prints "…python3: No module named pytest"; an import in the code
# under test prints "ModuleNotFoundError: No module named 'x'".
_NO_MODULE = re.compile(r"No module named '?([A-Za-z_][\w.]*)'?")
SHORT_OUTPUT = 15  # lines: a check that could not start says so in a few
RUNNERS = {"pytest", "tox", "nox", "django", "coverage", "unittest"}
NODE_MANAGERS = ("npm", "pnpm", "yarn", "bun", "npx", "pnpx", "bunx")
PYTHON_TOOLS = {
    "uv": "uv sync",
    "poetry": "poetry install",
    "pdm": "pdm install",
    "hatch": "hatch env create",
}
TOOL_INSTALL = {
    "go": "install Go from https://go.dev/dl/",
    "npm": "install Node.js (it brings npm) from https://nodejs.org/",
    "npx": "install Node.js (it brings npx) from https://nodejs.org/",
    "node": "install Node.js from https://nodejs.org/",
    "pnpm": "`corepack enable pnpm` (or `npm install -g pnpm`)",
    "yarn": "`corepack enable yarn` (or `npm install -g yarn`)",
    "bun": "install Bun from https://bun.sh/",
    "uv": "`pipx install uv` (or see https://docs.astral.sh/uv/)",
    "poetry": "`pipx install poetry`",
    "pdm": "`pipx install pdm`",
    "hatch": "`pipx install hatch`",
    "tox": "`pipx install tox`",
    "nox": "`pipx install nox`",
    "make": "install make with your system's package manager",
}


def check_dir(root: str, check: Check) -> str | None:
    """The absolute folder a check runs in, or None when it is not a folder inside the project."""
    rel = str(check.get("cwd") or ".")
    path = os.path.realpath(os.path.join(root, rel))
    top = os.path.realpath(root)
    if path != top and not path.startswith(top.rstrip(os.sep) + os.sep):
        return None
    return path if os.path.isdir(path) else None


def run_check(root: str, check: Check, limit: int | None = None) -> CheckResult:
    """Run one check in its folder for at most `limit` seconds when given (else its own timeout):
    {status: ok|fail|timeout|missing, code, tail, fix}; `missing` is a setup problem and `fix` says
    how to solve it."""
    where = check_dir(root, check)
    if where is None:
        folder = check.get("cwd") or "."
        return _setup(
            f"the folder {folder!r} does not exist in the project", f"fix the check's cwd ({folder})"
        )
    if _runs_node_script(check["run"]) and not _has_node_modules(root, where):
        manager = check["run"].split()[0]
        folder = os.path.relpath(where, root).replace(os.sep, "/")
        return _setup(
            f"no node_modules in {folder} or above it: the package's dependencies are not installed",
            f"run `{manager} install` in {folder}",
        )
    timeout = max(1, int(check["timeout"]) if limit is None else limit)
    try:
        code, out, timed_out = processes.run_shell(where, check["run"], timeout, merge_stderr=True)
    except OSError as exc:
        return _setup(f"{type(exc).__name__}: {exc}", "check that the shell can start")
    text = out.decode("utf-8", "replace")
    tail = _tail(text)
    if timed_out:
        return {"status": "timeout", "code": code, "tail": tail, "fix": ""}
    if code == 0:
        return {"status": "ok", "code": code, "tail": tail, "fix": ""}
    fix = setup_fix(root, where, check["run"], code, text)
    if fix is not None:
        return {"status": "missing", "code": code, "tail": tail, "fix": fix}
    return {"status": "fail", "code": code, "tail": tail, "fix": ""}


def setup_fix(root: str, where: str, run: str, code: int, text: str) -> str | None:
    """How to fix the setup problem this failed run shows, or None when it is a failure of the code.

    A tool that is missing stops a check before it starts: exit 127, or a short output that says so.
    In a long output (tests ran, then failed) such words are the code's own output, which the model
    could write to get past the gate, so only the test runner's own module missing counts there."""
    short = len(text.strip().splitlines()) <= SHORT_OUTPUT
    missing = _MISSING_TOOL.search(text) if short or code == 127 else None
    if code == 127 or missing:
        first = run.split()[0] if run.split() else ""
        tool = os.path.basename(next((g for g in (missing.groups() if missing else ()) if g), "") or first)
        if tool != first and first in PYTHON_TOOLS:  # `uv run pytest` without pytest in the environment
            folder = os.path.relpath(where, root).replace(os.sep, "/")
            return f"run `{PYTHON_TOOLS[first]}` in {folder} (`{tool}` is not in the project's environment)"
        return TOOL_INSTALL.get(tool, f"install `{tool}` (it is not on PATH)")
    for m in _NO_MODULE.finditer(text):
        module = m.group(1).split(".")[0]
        if (not short and module not in RUNNERS) or _is_project_module(root, where, module):
            continue  # the project's own module: an import the code got wrong
        first = run.split()[0]
        folder = os.path.relpath(where, root).replace(os.sep, "/")
        if first in PYTHON_TOOLS:
            return f"run `{PYTHON_TOOLS[first]}` in {folder} (Python module {module!r} is not installed)"
        return f"run `python3 -m pip install {module}` (Python module {module!r} is not installed)"
    return None


def _is_project_module(root: str, where: str, module: str) -> bool:
    for base in {where, root, os.path.join(where, "src"), os.path.join(root, "src")}:
        if os.path.isdir(os.path.join(base, module)) or os.path.isfile(os.path.join(base, module + ".py")):
            return True
    return False


def _runs_node_script(run: str) -> bool:
    words = run.split()
    return len(words) >= 2 and words[0] in ("npm", "pnpm", "yarn", "bun") and words[1] == "run"


def _has_node_modules(root: str, where: str) -> bool:
    top = os.path.realpath(root)
    d = where
    while True:
        if os.path.isdir(os.path.join(d, "node_modules")) or os.path.isfile(os.path.join(d, ".pnp.cjs")):
            return True
        if d == top or os.path.dirname(d) == d:
            return False
        d = os.path.dirname(d)


def _setup(tail: str, fix: str) -> CheckResult:
    return {"status": "missing", "code": None, "tail": tail, "fix": fix}


def _tail(text: str) -> str:
    lines = text.rstrip("\n").splitlines()[-TAIL_LINES:]
    out = "\n".join(lines)
    return out if len(out) <= TAIL_CHARS else "..." + out[-(TAIL_CHARS - 3) :]
