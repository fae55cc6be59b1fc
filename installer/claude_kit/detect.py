"""Detect a repository's domains from the files git knows about, as editable path globs."""

from __future__ import annotations

import subprocess
from collections import defaultdict
from pathlib import Path, PurePosixPath

FRONTEND_DIRS = {"ui", "frontend", "web", "webapp", "client", "components", "pages", "app"}
SKIP_DIRS = {".claude", "node_modules", "vendor", "third_party", ".git", "dist", "build", ".venv", "venv"}
MAX_TOP_DIRS = 4


def list_files(root: Path) -> list[str]:
    proc = subprocess.run(
        ["git", "ls-files", "-co", "--exclude-standard", "-z"],
        cwd=root,
        capture_output=True,
        check=False,
    )
    if proc.returncode != 0:
        return []
    return [p for p in proc.stdout.decode("utf-8", "replace").split("\0") if p]


def classify(relpath: str) -> str | None:
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
    if ext in {".ts", ".js", ".mts", ".css", ".scss"} and FRONTEND_DIRS & {s.lower() for s in p.parts[:-1]}:
        return "frontend"
    return None


def detect_domains(root: Path) -> dict[str, list[str]]:
    """Domain name -> globs. Few top-level homes give `<dir>/**/*.<ext>`, else `**/*.<ext>`."""
    homes: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))
    for rel in list_files(root):
        domain = classify(rel)
        if domain is None:
            continue
        parts = PurePosixPath(rel).parts
        top = parts[0] if len(parts) > 1 else ""
        homes[domain][top].add(PurePosixPath(rel).suffix.lower())
    result: dict[str, list[str]] = {}
    for domain in sorted(homes):
        tops = homes[domain]
        exts = sorted({e for es in tops.values() for e in es})
        if "" in tops or len(tops) > MAX_TOP_DIRS:
            result[domain] = [f"**/*{e}" for e in exts]
        else:
            result[domain] = [f"{top}/**/*{e}" for top in sorted(tops) for e in sorted(tops[top])]
    return result
