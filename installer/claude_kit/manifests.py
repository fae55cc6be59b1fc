"""The repository's own manifests, read into typed records: Go modules (go.mod, go.work), node packages
(package.json, its package manager and scripts) and Python projects (pyproject.toml, setup.cfg, setup.py).

Everything is read from the list of files git knows about plus the manifests' own text: nothing is run.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

# Lockfiles name the package manager of the packages below them (the nearest one wins).
NODE_LOCKFILES = {
    "pnpm-lock.yaml": "pnpm",
    "yarn.lock": "yarn",
    "bun.lock": "bun",
    "bun.lockb": "bun",
    "package-lock.json": "npm",
    "npm-shrinkwrap.json": "npm",
}
NODE_MANAGERS = ("npm", "pnpm", "yarn", "bun")
PYTHON_LOCKS = {"uv.lock": "uv", "poetry.lock": "poetry", "pdm.lock": "pdm"}
# Manifests below these folders are test data (plugin fixtures, sample projects), not projects.
FIXTURE_DIRS = {"fixtures", "testdata", "test-fixtures", "__fixtures__", "examples-fixtures"}
PY_TEST_DIRS = {"tests", "test"}


@dataclass(frozen=True)
class GoModule:
    dir: str  # "." for the root
    workspace: str | None = None  # the go.work dir that uses this module, if any


@dataclass(frozen=True)
class GoWork:
    dir: str
    uses: tuple[str, ...]  # module dirs relative to the root


@dataclass(frozen=True)
class NodePackage:
    dir: str
    manager: str
    manager_source: str  # the lockfile or the packageManager field that named it
    scripts: dict[str, str] = field(default_factory=dict)
    react: bool = False
    workspaces: tuple[str, ...] = ()  # member globs when this package is a workspace root


@dataclass(frozen=True)
class PythonProject:
    dir: str
    tool: str  # uv | poetry | pdm | hatch | pip
    tool_source: str
    manifest: str  # the file that makes it a project
    pytest_config: str | None  # where pytest is configured, if anywhere
    has_tests: bool
    django_manage: str | None = None  # manage.py path when tests run through Django's runner
    tox: bool = False
    nox: bool = False
    make_targets: tuple[str, ...] = ()
    hatch_scripts: tuple[str, ...] = ()


@dataclass(frozen=True)
class Manifests:
    go_modules: tuple[GoModule, ...]
    go_works: tuple[GoWork, ...]
    node_packages: tuple[NodePackage, ...]
    python_projects: tuple[PythonProject, ...]
    fixtures: tuple[str, ...]  # manifests left out as test data


def parent(rel: str) -> str:
    p = str(PurePosixPath(rel).parent)
    return "." if p in ("", ".") else p


def ancestors(d: str) -> list[str]:
    """`d` and every folder above it up to the root ("."), nearest first."""
    out = [d]
    while d != ".":
        d = parent(d)
        out.append(d)
    return out


def is_under(rel: str, d: str) -> bool:
    return d == "." or rel == d or rel.startswith(d + "/")


def is_fixture(rel: str) -> bool:
    return any(part in FIXTURE_DIRS for part in PurePosixPath(rel).parts[:-1])


def _read(root: Path, rel: str, cap: int = 1 << 20) -> str:
    try:
        with (root / rel).open("rb") as f:
            return f.read(cap).decode("utf-8", "replace")
    except OSError:
        return ""


def _go_work(root: Path, rel: str) -> GoWork:
    d = parent(rel)
    text = _read(root, rel)
    uses: list[str] = []
    for block in re.findall(r"^use\s*\((.*?)\)", text, flags=re.S | re.M):
        uses += [
            u.strip().strip('"') for u in block.splitlines() if u.strip() and not u.strip().startswith("//")
        ]
    uses += [u.strip('"') for u in re.findall(r"^use\s+([^\s(][^\s]*)", text, flags=re.M)]
    norm = sorted({str(PurePosixPath(d) / u).replace("/./", "/").removeprefix("./") or "." for u in uses})
    return GoWork(d, tuple(_normalise(n) for n in norm))


def _normalise(path: str) -> str:
    parts: list[str] = []
    for part in PurePosixPath(path).parts:
        if part == "..":
            if parts:
                parts.pop()
        elif part != ".":
            parts.append(part)
    return "/".join(parts) or "."


def _package_json(root: Path, rel: str) -> dict[str, object]:
    try:
        data = json.loads(_read(root, rel))
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _node_manager(d: str, files: set[str], pkgs: dict[str, dict[str, object]]) -> tuple[str, str]:
    """The nearest lockfile's manager, else the nearest `packageManager` field, else npm."""
    for a in ancestors(d):
        for lock, manager in NODE_LOCKFILES.items():
            rel = lock if a == "." else f"{a}/{lock}"
            if rel in files:
                return manager, rel
    for a in ancestors(d):
        field_value = (pkgs.get(a) or {}).get("packageManager")
        if isinstance(field_value, str):
            name = field_value.split("@", 1)[0]
            if name in NODE_MANAGERS:
                where = "package.json" if a == "." else f"{a}/package.json"
                return name, f"packageManager in {where}"
    return "npm", "no lockfile or packageManager field"


def _workspaces(data: dict[str, object], root: Path, d: str, files: set[str]) -> tuple[str, ...]:
    ws = data.get("workspaces")
    if isinstance(ws, dict):
        ws = ws.get("packages")
    globs_: list[str] = [w for w in ws if isinstance(w, str)] if isinstance(ws, list) else []
    pnpm_ws = "pnpm-workspace.yaml" if d == "." else f"{d}/pnpm-workspace.yaml"
    if pnpm_ws in files:
        in_packages = False
        for line in _read(root, pnpm_ws).splitlines():
            if re.match(r"^packages\s*:", line):
                in_packages = True
            elif in_packages and re.match(r"^\s*-\s*", line):
                globs_.append(line.split("-", 1)[1].strip().strip("'\""))
            elif line.strip() and not line.startswith((" ", "\t", "#")):
                in_packages = False
    return tuple(globs_)


def _uses_react(data: dict[str, object]) -> bool:
    for key in ("dependencies", "devDependencies", "peerDependencies"):
        deps = data.get(key)
        if isinstance(deps, dict) and ("react" in deps or "react-dom" in deps):
            return True
    return False


def _toml_tables(text: str) -> set[str]:
    """The table headers of a TOML file (`[tool.poetry]` -> "tool.poetry"): all the detection needs."""
    return {m.strip().strip('"') for m in re.findall(r"^\[\[?\s*([^\]]+?)\s*\]\]?\s*$", text, flags=re.M)}


def _ini_sections(text: str) -> set[str]:
    return set(re.findall(r"^\[([^\]]+)\]", text, flags=re.M))


def _make_targets(root: Path, rel: str) -> tuple[str, ...]:
    return tuple(sorted(set(re.findall(r"^([A-Za-z][\w.-]*)\s*:(?!=)", _read(root, rel), flags=re.M))))


def _python_project(root: Path, d: str, files: set[str], owned: list[str]) -> PythonProject | None:
    def at(name: str) -> str:
        return name if d == "." else f"{d}/{name}"

    pyproject = _read(root, at("pyproject.toml")) if at("pyproject.toml") in files else ""
    tables = _toml_tables(pyproject)
    setup_cfg = _ini_sections(_read(root, at("setup.cfg"))) if at("setup.cfg") in files else set()
    if tables & {"project", "tool.poetry", "tool.uv.workspace"}:
        manifest = at("pyproject.toml")
    elif at("setup.py") in files:
        manifest = at("setup.py")
    elif setup_cfg & {"metadata", "options"}:
        manifest = at("setup.cfg")
    else:
        return None
    tool, source = "pip", "no lockfile or tool table"
    for a in ancestors(d):
        lock = next(
            (f"{a}/{n}" if a != "." else n for n in PYTHON_LOCKS if (f"{a}/{n}" if a != "." else n) in files),
            None,
        )
        if lock:
            tool, source = PYTHON_LOCKS[PurePosixPath(lock).name], lock
            break
    else:
        for table, name in (
            ("tool.poetry", "poetry"),
            ("tool.pdm", "pdm"),
            ("tool.uv", "uv"),
            ("tool.hatch.envs", "hatch"),
        ):
            if any(t == table or t.startswith(table + ".") for t in tables):
                tool, source = name, f"[{table}] in {at('pyproject.toml')}"
                break
    pytest_config = None
    if tables & {"tool.pytest.ini_options", "tool.pytest"}:
        pytest_config = at("pyproject.toml")
    elif at("pytest.ini") in files:
        pytest_config = at("pytest.ini")
    elif "tool:pytest" in setup_cfg:
        pytest_config = at("setup.cfg")
    elif at("tox.ini") in files and "pytest" in _ini_sections(_read(root, at("tox.ini"))):
        pytest_config = at("tox.ini")
    elif at("conftest.py") in files:
        pytest_config = at("conftest.py")
    has_tests = any(_is_python_test(rel) for rel in owned)
    manage = next(
        (
            rel
            for rel in owned
            if PurePosixPath(rel).name == "manage.py" and rel.count("/") <= d.count("/") + 2
        ),
        None,
    )
    hatch_scripts = tuple(sorted({t.split(".")[-1] for t in tables if t.startswith("tool.hatch.envs.")}))
    return PythonProject(
        dir=d,
        tool=tool,
        tool_source=source,
        manifest=manifest,
        pytest_config=pytest_config,
        has_tests=has_tests,
        django_manage=manage if manage and pytest_config is None else None,
        tox=at("tox.ini") in files or "tool.tox" in tables,
        nox=at("noxfile.py") in files,
        make_targets=_make_targets(root, at("Makefile")) if at("Makefile") in files else (),
        hatch_scripts=hatch_scripts,
    )


def _is_python_test(rel: str) -> bool:
    p = PurePosixPath(rel)
    if p.suffix != ".py":
        return False
    return p.name.startswith("test_") or p.stem.endswith("_test") or bool(PY_TEST_DIRS & set(p.parts[:-1]))


def owner(rel: str, dirs: list[str]) -> str | None:
    """The nearest of `dirs` that holds `rel` (dirs sorted deepest first)."""
    return next((d for d in dirs if is_under(rel, d)), None)


def deepest_first(dirs: list[str] | set[str]) -> list[str]:
    return sorted(dirs, key=lambda d: (-(0 if d == "." else d.count("/") + 1), d))


def scan(root: Path, files: list[str], skip: set[str]) -> Manifests:
    """Every manifest among `files` (relative paths), leaving out those under the folders in `skip`
    (vendored or generated) and test fixtures."""
    fileset = set(files)
    fixtures: list[str] = []
    go_mods, go_works, pkg_dirs, py_dirs = [], [], [], []
    for rel in files:
        name = PurePosixPath(rel).name
        if name not in {"go.mod", "go.work", "package.json", "pyproject.toml", "setup.py", "setup.cfg"}:
            continue
        if any(is_under(rel, s) for s in skip) or "node_modules" in PurePosixPath(rel).parts:
            continue
        if is_fixture(rel) or (name in {"pyproject.toml", "setup.py", "setup.cfg"} and _in_test_dir(rel)):
            fixtures.append(rel)
            continue
        d = parent(rel)
        if name == "go.mod":
            go_mods.append(d)
        elif name == "go.work":
            go_works.append(_go_work(root, rel))
        elif name == "package.json":
            pkg_dirs.append(d)
        elif d not in py_dirs:
            py_dirs.append(d)
    used = {u: w.dir for w in go_works for u in w.uses}
    modules = tuple(GoModule(d, used.get(d)) for d in sorted(go_mods))
    pkg_data = {d: _package_json(root, d + "/package.json" if d != "." else "package.json") for d in pkg_dirs}
    packages = []
    for d in sorted(pkg_dirs):
        data = pkg_data[d]
        manager, source = _node_manager(d, fileset, pkg_data)
        scripts = data.get("scripts")
        scripts = (
            {k: v for k, v in scripts.items() if isinstance(v, str)} if isinstance(scripts, dict) else {}
        )
        packages.append(
            NodePackage(
                dir=d,
                manager=manager,
                manager_source=source,
                scripts={k: v for k, v in scripts.items() if isinstance(v, str)}
                if isinstance(scripts, dict)
                else {},
                react=_uses_react(data),
                workspaces=_workspaces(data, root, d, fileset),
            )
        )
    ordered = deepest_first(py_dirs)
    owned: dict[str, list[str]] = {d: [] for d in ordered}
    for rel in files:
        o = owner(rel, ordered)
        if o is not None:
            owned[o].append(rel)
    projects = [p for d in sorted(py_dirs) if (p := _python_project(root, d, fileset, owned[d])) is not None]
    return Manifests(modules, tuple(go_works), tuple(packages), tuple(projects), tuple(sorted(fixtures)))


def _in_test_dir(rel: str) -> bool:
    return bool(PY_TEST_DIRS & set(PurePosixPath(rel).parts[:-1]))
