"""The corpus of real repositories' layouts (tests/fixtures/corpus, vendored from the shared corpus; see
its README.md): recreate one as a git repository, and stub tools that only check where they started.

A layout is every tracked path of the original (tree.txt), the manifests' recorded contents, and
facts.json: what an engineer reads from it (Go modules, node packages with their scripts, Python
projects with their tests).
"""

from __future__ import annotations

import gzip
import json
import os
import sys
from pathlib import Path
from typing import Any

from tests.conftest import git_repo

CORPUS = Path(__file__).parent / "fixtures" / "corpus"
NAMES = sorted(p.name for p in CORPUS.iterdir() if (p / "facts.json").is_file())


def facts(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((CORPUS / name / "facts.json").read_text())
    return data


def materialize(name: str, dest: Path) -> Path:
    """`dest` as a git repository with every path of the layout (manifests with their contents, `.go`
    files with a package clause, `.ts`/`.tsx` with `export {}`, the rest empty), left uncommitted."""
    layout = CORPUS / name
    paths = gzip.decompress((layout / "tree.txt.gz").read_bytes()).decode("utf-8", "surrogateescape")
    git_repo(dest)
    for rel in filter(None, paths.split("\n")):
        target = dest / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        recorded = layout / "files" / rel
        if recorded.is_file():
            target.write_bytes(recorded.read_bytes())
        elif rel.endswith(".go"):
            target.write_text("package x\n")  # detection reads no Go source
        elif rel.endswith((".ts", ".tsx")):
            target.write_text("export {}\n")
        else:
            target.touch()
    return dest


# Each stub appends "<tool> <cwd relative to REPO> <args>" to $STUB_LOG and fails, the way the real tool
# would, when it was started in the wrong place.
_STUB = """#!{python}
import json, os, sys
tool, args, cwd = os.path.basename(sys.argv[0]), sys.argv[1:], os.getcwd()
rel = os.path.relpath(cwd, os.environ["STUB_REPO"]).replace(os.sep, "/")
with open(os.environ["STUB_LOG"], "a") as log:
    log.write(json.dumps([tool, rel, args]) + "\\n")

def need(ok, why):
    if not ok:
        print(f"{{tool}} (stub): {{why}} in {{rel}}", file=sys.stderr)
        sys.exit(1)

PY_CONFIG = ("pyproject.toml", "setup.cfg", "setup.py", "pytest.ini", "tox.ini", "conftest.py")
if tool == "go":
    module = os.path.isfile("go.mod") or os.path.isfile("go.work")
    need(args[-1:] == ["./..."] and module, "no go.mod or go.work")
elif tool in ("npm", "pnpm", "yarn", "bun"):
    need(args[:1] == ["run"] and len(args) > 1, "not `run <script>`")
    scripts = json.load(open("package.json")).get("scripts", {{}}) if os.path.isfile("package.json") else {{}}
    need(args[1] in scripts, f"no package.json with script {{args[1]!r}}")
elif tool in ("uv", "poetry", "pdm", "hatch") or (tool.startswith("python") and args[:2] == ["-m", "pytest"]):
    rest = args[1:] if tool in ("uv", "poetry", "pdm", "hatch") else args[2:]
    if "manage.py" in rest:
        need(os.path.isfile("manage.py"), "no manage.py")
    else:
        need(any(os.path.isfile(f) for f in PY_CONFIG), "no Python project config")
elif tool.startswith("python"):
    if args[:1] == ["manage.py"]:
        need(os.path.isfile("manage.py"), "no manage.py")
    else:
        os.execv({python!r}, [{python!r}, *args])
elif tool == "make":
    need(os.path.isfile("Makefile"), "no Makefile")
"""
STUB_TOOLS = ("go", "npm", "pnpm", "yarn", "bun", "uv", "poetry", "pdm", "hatch", "python3", "python", "make")


def stub_tools(bin_dir: Path, repo: Path, log: Path) -> dict[str, str]:
    """Write the stubs into `bin_dir`; the environment that puts them first on PATH."""
    bin_dir.mkdir(parents=True, exist_ok=True)
    for tool in STUB_TOOLS:
        path = bin_dir / tool
        path.write_text(_STUB.format(python=sys.executable))
        path.chmod(0o755)
    return {
        "PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}",
        "STUB_REPO": str(repo.resolve()),
        "STUB_LOG": str(log),
    }


def stub_calls(log: Path) -> list[tuple[str, str, list[str]]]:
    if not log.is_file():
        return []
    return [tuple(json.loads(line)) for line in log.read_text().splitlines()]  # type: ignore[misc]
