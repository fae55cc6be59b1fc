"""Detect a repository's domains and checks from the files git knows about and its own manifests.

A domain is a kind of code the repository has: `backend` (Go), `frontend` (JS/TS of a node package,
JSX/TSX anywhere), `python`. Its globs name the top-level homes of its files; vendored and generated
folders and files are left out (`exclude`). Checks come from the manifests (detect_checks.py).
"""

from __future__ import annotations

import fnmatch
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from claude_kit import manifests
from claude_kit.detect_checks import DetectedCheck, LeftOut, detect_checks
from claude_kit.manifests import Manifests
from claude_kit_hooks.runtime import processes

# Without a package.json, JS/TS under these folders is still taken for a frontend.
FRONTEND_DIRS = {"ui", "frontend", "web", "webapp", "client", "components", "pages", "app"}
SKIP_DIRS = {".claude", "node_modules", "vendor", "third_party", ".git", ".venv", "venv", "bower_components"}
# Committed build output or generated code, unless the folder is itself a module or package. (A
# committed build/ or gen/ is usually source: flipt's build/ is a Go module, traefik's cmd/internal/gen
# a generator; generated code is found by its file names instead.)
OUTPUT_DIRS = {"dist", ".next", "coverage", "__generated__", "generated"}
MIGRATION_DIRS = {"migrations"}  # written by Django, Prisma, Alembic ... from the models (Go's are code)
GENERATED_FILES = (
    "*.pb.go", "*.pb.gw.go", "*.pb.validate.go", "*.gen.go", "zz_generated*.go",
    "*_pb2.py", "*_pb2_grpc.py", "*_pb.ts", "*_pb.js", "*.pb.ts", "*.gen.ts", "*.generated.ts",
)  # fmt: skip
MOSTLY_GENERATED = 0.75  # a folder whose code files are mostly generated is generated
MIN_GENERATED_FILES = 3
MAX_TOP_DIRS = 4
EXTENSIONS = {
    "backend": {".go"},
    "python": {".py"},
    "frontend": {
        ".ts",
        ".tsx",
        ".js",
        ".jsx",
        ".mts",
        ".cts",
        ".mjs",
        ".cjs",
        ".css",
        ".scss",
        ".vue",
        ".svelte",
    },
}
VENDORED = "vendored or tool folder"
MIGRATIONS = "migrations generated from the models"
GENERATED = "generated code"
MANIFEST_NAMES = {"go.mod", "go.work", "package.json", "pyproject.toml", "setup.py", "setup.cfg"}


@dataclass(frozen=True)
class Detection:
    domains: dict[str, list[str]]  # name -> globs
    excludes: dict[str, list[str]]  # name -> globs left out of it
    checks: list[DetectedCheck]
    left_out: list[LeftOut]
    manifests: Manifests


def list_files(root: Path) -> list[str]:
    """Tracked and untracked (not ignored) files, relative with `/`; [] outside a git repository."""
    out = processes.git(str(root), ["ls-files", "-co", "--exclude-standard", "-z"], timeout=120)
    return [p for p in (out or b"").decode("utf-8", "replace").split("\0") if p]


def classify(relpath: str, in_package: bool = False) -> str | None:
    """The domain of one file: `in_package` when a package.json at or above it makes JS/TS frontend."""
    p = PurePosixPath(relpath)
    if any(part in SKIP_DIRS for part in p.parts[:-1]):
        return None
    ext = p.suffix.lower()
    if ext == ".go":
        return "backend"
    if ext == ".py":
        return "python"
    if ext in {".tsx", ".jsx"}:
        return "frontend"
    if ext in EXTENSIONS["frontend"] and (in_package or FRONTEND_DIRS & {s.lower() for s in p.parts[:-1]}):
        return "frontend"
    return None


def is_generated_file(relpath: str) -> str | None:
    name = PurePosixPath(relpath).name
    return next((g for g in GENERATED_FILES if fnmatch.fnmatchcase(name, g)), None)


def _gitattributes_skips(root: Path, files: set[str]) -> dict[str, str]:
    """Folders .gitattributes marks linguist-vendored or linguist-generated -> why."""
    if ".gitattributes" not in files:
        return {}
    try:
        text = (root / ".gitattributes").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return {}
    out: dict[str, str] = {}
    for line in text.splitlines():
        m = re.match(r"^\s*(\S+)\s+.*\blinguist-(vendored|generated)\b(?!\s*=\s*false)", line)
        if m:
            folder = m.group(1).strip("/").removesuffix("/**").removesuffix("/*")
            if folder and not any(c in folder for c in "*?["):
                out[folder] = f"linguist-{m.group(2)} in .gitattributes"
    return out


def _skipped_dirs(root: Path, files: list[str]) -> dict[str, str]:
    """Vendored or generated folders -> why (outermost only)."""
    manifest_dirs = {manifests.parent(f) for f in files if PurePosixPath(f).name in MANIFEST_NAMES}
    found: dict[str, str] = _gitattributes_skips(root, set(files))
    code_total: Counter[str] = Counter()
    code_generated: Counter[str] = Counter()
    go_dirs: set[str] = set()
    for rel in files:
        parts = PurePosixPath(rel).parts
        suffix = PurePosixPath(rel).suffix.lower()
        if suffix == ".go":
            go_dirs.add(manifests.parent(rel))
        for i, part in enumerate(parts[:-1]):
            d = "/".join(parts[: i + 1])
            if part in SKIP_DIRS:
                found.setdefault(d, VENDORED)
                break
            if part in OUTPUT_DIRS and d not in manifest_dirs:
                found.setdefault(d, "generated or build output")
                break
            if part in MIGRATION_DIRS or (part == "versions" and i > 0 and parts[i - 1] == "alembic"):
                found.setdefault(d, MIGRATIONS)
                break
        if suffix in _ALL_CODE:
            generated = is_generated_file(rel) is not None
            for i in range(1, len(parts)):
                d = "/".join(parts[:i])
                code_total[d] += 1
                code_generated[d] += generated
    for d in [d for d, why in found.items() if why == MIGRATIONS and d in go_dirs]:
        del found[d]  # Go migrations (pocketbase's) are written by hand
    for d in sorted(code_total, key=lambda x: (x.count("/"), x)):
        n, total = code_generated[d], code_total[d]
        if (
            n >= MIN_GENERATED_FILES
            and n >= MOSTLY_GENERATED * total
            and not any(manifests.is_under(d, s) for s in found)
        ):
            found[d] = f"{GENERATED} ({n} of its {total} code files)"
    outer = {
        d: why for d, why in found.items() if not any(d != s and manifests.is_under(d, s) for s in found)
    }
    return dict(sorted(outer.items()))


_ALL_CODE = set().union(*EXTENSIONS.values())


def detect(root: Path) -> Detection:
    """Domains (globs and exclusions), checks, and what was left out and why."""
    files = list_files(root)
    skipped = _skipped_dirs(root, files)
    # A module or package of generated code is still built and tested: only vendored and output
    # folders hide their manifests.
    hidden = {d for d, why in skipped.items() if not why.startswith((GENERATED, MIGRATIONS))}
    found = manifests.scan(root, files, hidden)
    pkg_dirs = manifests.deepest_first({p.dir for p in found.node_packages})
    homes: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    excluded: dict[str, set[str]] = defaultdict(set)
    loose: Counter[str] = Counter()
    for rel in files:
        in_skipped = next((s for s in skipped if manifests.is_under(rel, s)), None)
        domain = classify(rel, in_package=manifests.owner(rel, pkg_dirs) is not None)
        if domain is None:
            suffix = PurePosixPath(rel).suffix.lower()
            if suffix in EXTENSIONS["frontend"] and in_skipped is None and classify(rel, in_package=True):
                loose[suffix] += 1  # JS/TS outside any package (and outside vendored folders)
            continue
        if in_skipped is not None:
            excluded[domain].add(f"{in_skipped}/**")
            continue
        gen = is_generated_file(rel)
        if gen is not None:
            excluded[domain].add(f"**/{gen}")
            continue
        parts = PurePosixPath(rel).parts
        top = parts[0] if len(parts) > 1 else ""
        homes[domain][top].add(PurePosixPath(rel).suffix.lower())
    domains = _globs(homes)
    left_out = [LeftOut(f"{d}/", why) for d, why in skipped.items()]
    left_out += [LeftOut(rel, "test fixture, not a project") for rel in found.fixtures]
    if loose:
        counts = ", ".join(f"{n} {ext}" for ext, n in sorted(loose.items()))
        left_out.append(LeftOut(f"JS/TS files outside any package.json ({counts})", "not a frontend package"))
    for name in ("backend", "frontend", "python"):
        if name not in domains:
            left_out.append(
                LeftOut(f"domain {name}", f"no {_LANGUAGE[name]} files outside vendored/generated folders")
            )
    checks = detect_checks(found, set(domains), left_out)
    excludes = {d: sorted(excluded[d]) for d in domains if excluded.get(d)}
    return Detection(domains, excludes, checks, left_out, found)


_LANGUAGE = {"backend": "Go", "frontend": "JavaScript/TypeScript package", "python": "Python"}


def _globs(homes: dict[str, dict[str, set[str]]]) -> dict[str, list[str]]:
    """Few top-level homes give `<dir>/**/*.<ext>`, else `**/*.<ext>`."""
    result: dict[str, list[str]] = {}
    for domain in sorted(homes):
        tops = homes[domain]
        exts = sorted({e for es in tops.values() for e in es})
        if "" in tops or len(tops) > MAX_TOP_DIRS:
            result[domain] = [f"**/*{e}" for e in exts]
        else:
            result[domain] = [f"{top}/**/*{e}" for top in sorted(tops) for e in sorted(tops[top])]
    return result


def detect_domains(root: Path) -> dict[str, list[str]]:
    """Domain name -> globs (see `detect` for the whole picture)."""
    return detect(root).domains
