"""The checks a repository already runs, from its manifests: each node package's own lint/test/typecheck
scripts with its package manager, `go vet`/`go test` per Go module (or go.work), pytest (or the project's
tox, nox, Django runner or Makefile target) through the Python project's tool. Each runs where its
manifest is."""

from __future__ import annotations

import re
from dataclasses import dataclass

from claude_kit.manifests import GoWork, Manifests, NodePackage, PythonProject

GO_TIMEOUTS = {"go vet": 300, "go test": 600}
NODE_TIMEOUT = {"lint": 300, "typecheck": 300, "test": 600}
PYTHON_TIMEOUT = 600
# A script that hands the work to the workspace members' own scripts: the members' checks cover it.
_DELEGATES = re.compile(
    r"\bturbo\s+(run\s+)?\w|\bnx\s+(run-many|affected)|\blerna\s+run|--filter\b|\s-F\s|"
    r"\bpnpm\s+(-r|--recursive)\b|\byarn\s+workspaces\s+(foreach|run)|--workspaces\b|\s-ws\b"
)
# Tests that need a running application, a browser or services: not a check to run at every stop.
_END_TO_END = re.compile(r"\b(playwright|cypress|e2e|wdio|nightwatch|detox|integration)\b", re.I)
_WATCHERS = re.compile(r"(--watch(?!=false)|\bwatch\b)")
EXACT_NAMES = {"lint": ("lint",), "test": ("test",), "typecheck": ("typecheck", "type-check", "types")}
_PLACEHOLDER = re.compile(r'^\s*echo\s+("[^"]*"|\'[^\']*\'|\S+)?\s*(&&\s*exit\s+\d+)?\s*$', re.I)


@dataclass(frozen=True)
class DetectedCheck:
    domain: str
    name: str
    run: str
    cwd: str
    timeout: int
    why: str


@dataclass(frozen=True)
class LeftOut:
    what: str
    why: str


def script_kind(name: str) -> str | None:
    """lint | typecheck | test for a script name the repo uses for one of them, else None."""
    tokens = set(re.split(r"[:_\-.]", name.lower()))
    if tokens & {
        "watch",
        "dev",
        "fix",
        "coverage",
        "cov",
        "ui",
        "update",
        "debug",
        "ci",
        "all",
        "gen",
        "generate",
        "build",
        "format",
    }:
        return None
    if (
        tokens & {"typecheck", "tsc", "types", "type", "typings"}
        or "type:check" in name
        or "check:types" in name
    ):
        return "typecheck"
    if "lint" in tokens:
        return "lint"
    if "test" in tokens or "tests" in tokens:
        if tokens & {"visual", "perf", "bench", "load"}:
            return None
        # "test:code" / "test:typecheck" are lint and typecheck under another name (handled above).
        return "test" if not tokens & {"code"} else "lint"
    return None


def node_checks(pkg: NodePackage, members: set[str], left_out: list[LeftOut]) -> list[DetectedCheck]:
    where = "package.json" if pkg.dir == "." else f"{pkg.dir}/package.json"
    chosen: dict[str, list[tuple[str, str]]] = {}
    for script, command in pkg.scripts.items():
        kind = script_kind(script)
        if kind is None:
            continue
        label = f'{where} script "{script}"'
        if _PLACEHOLDER.match(command):
            left_out.append(LeftOut(label, f"a placeholder (`{command}`)"))
        elif _END_TO_END.search(command) or _END_TO_END.search(script):
            left_out.append(
                LeftOut(label, f"end-to-end or integration tests need the running system (`{command}`)")
            )
        elif pkg.workspaces and members and _DELEGATES.search(command):
            left_out.append(
                LeftOut(label, f"runs the workspace members' own scripts (`{command}`), checked per package")
            )
        elif _WATCHERS.search(command):
            left_out.append(LeftOut(label, f"starts a watcher (`{command}`)"))
        else:
            chosen.setdefault(kind, []).append((script, command))
    out: list[DetectedCheck] = []
    for kind, scripts in chosen.items():
        exact = [(s, c) for s, c in scripts if s in EXACT_NAMES[kind]]
        for script, command in exact[:1] or scripts:  # `test` runs what `test:unit` and friends would
            run = f"{pkg.manager} run {script}"
            if kind == "test" and re.search(r"\bng\s+test\b", command):
                run += " -- --watch=false"  # the Angular CLI watches by default
            why = f'{where} script "{script}" ({kind}: `{command}`); {pkg.manager} from {pkg.manager_source}'
            out.append(DetectedCheck("frontend", script, run, pkg.dir, NODE_TIMEOUT[kind], why))
    return out


def go_checks(dir_: str, why: str) -> list[DetectedCheck]:
    return [DetectedCheck("backend", name, f"{name} ./...", dir_, t, why) for name, t in GO_TIMEOUTS.items()]


def _tool_run(p: PythonProject, command: str) -> str:
    prefix = {"uv": "uv run ", "poetry": "poetry run ", "pdm": "pdm run ", "hatch": "hatch run "}.get(
        p.tool, ""
    )
    if not prefix and command.startswith("pytest"):
        return "python3 -m " + command
    return prefix + command


def python_checks(p: PythonProject, left_out: list[LeftOut]) -> list[DetectedCheck]:
    where = p.manifest
    via = f"{p.tool} from {p.tool_source}"
    if not p.has_tests:
        left_out.append(LeftOut(f"Python project {where}", "no tests found (test_*.py, *_test.py, tests/)"))
        return []
    if p.pytest_config is not None:
        return [
            DetectedCheck("python", "pytest", _tool_run(p, "pytest -q -x"), p.dir, PYTHON_TIMEOUT,
                          f"pytest configured in {p.pytest_config}; {via}")
        ]  # fmt: skip
    if p.django_manage is not None:
        manage_dir, manage = (
            p.django_manage.rsplit("/", 1) if "/" in p.django_manage else (".", p.django_manage)
        )
        return [
            DetectedCheck("python", "django test", _tool_run(p, f"python3 {manage} test"), manage_dir,
                          PYTHON_TIMEOUT, f"Django project ({p.django_manage}), tests use its runner; {via}")
        ]  # fmt: skip
    if p.tool == "hatch" and "test" in p.hatch_scripts:
        return [
            DetectedCheck(
                "python", "test", "hatch run test", p.dir, PYTHON_TIMEOUT, f"hatch env script; {via}"
            )
        ]
    if p.tox:
        return [
            DetectedCheck(
                "python", "tox", _tool_run(p, "tox"), p.dir, PYTHON_TIMEOUT, f"tox config in {p.dir}"
            )
        ]
    if p.nox:
        return [
            DetectedCheck(
                "python", "nox", _tool_run(p, "nox"), p.dir, PYTHON_TIMEOUT, f"noxfile.py in {p.dir}"
            )
        ]
    if "test" in p.make_targets:
        return [
            DetectedCheck("python", "make test", "make test", p.dir, PYTHON_TIMEOUT, "Makefile target `test`")
        ]
    return [
        DetectedCheck("python", "pytest", _tool_run(p, "pytest -q -x"), p.dir, PYTHON_TIMEOUT,
                      f"tests found, no other runner configured; {via}")
    ]  # fmt: skip


def _work_why(w: GoWork) -> str:
    where = "go.work" if w.dir == "." else f"{w.dir}/go.work"
    return f"{where} (modules {', '.join(w.uses) or 'none'})"


def detect_checks(m: Manifests, domains: set[str], left_out: list[LeftOut]) -> list[DetectedCheck]:
    """The checks for the detected domains, in manifest order; what was passed over goes to left_out."""
    out: list[DetectedCheck] = []
    if "backend" in domains:
        for w in m.go_works:
            out += go_checks(w.dir, _work_why(w))
        for mod in m.go_modules:
            if mod.workspace is None:
                out += go_checks(mod.dir, "go.mod" if mod.dir == "." else f"{mod.dir}/go.mod")
    if "frontend" in domains:
        member_dirs = {p.dir for p in m.node_packages}
        for pkg in m.node_packages:
            out += node_checks(pkg, member_dirs - {pkg.dir}, left_out)
    if "python" in domains:
        for p in m.python_projects:
            out += python_checks(p, left_out)
    return out
