"""docs/architecture.md opens with a module map: one line for every module of the CLI and the hooks,
and no line for a module that does not exist."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def _modules() -> set[str]:
    found: set[str] = set()
    for base in ("hooks", "installer/claude_kit"):
        for path in (ROOT / base).rglob("*.py"):
            if "__pycache__" not in path.parts and path.name != "__init__.py":
                found.add(path.relative_to(ROOT).as_posix())
    return found


def test_the_module_map_lists_every_module_once_and_nothing_else() -> None:
    text = (ROOT / "docs/architecture.md").read_text(encoding="utf-8")
    section = text.split("## Module map", 1)[1].split("\n## ", 1)[0]
    listed = re.findall(r"^- `([^`]+\.py)`: \S", section, flags=re.M)
    assert len(listed) == len(set(listed)), "a module is listed twice"
    assert set(listed) == _modules(), {
        "missing": sorted(_modules() - set(listed)),
        "stale": sorted(set(listed) - _modules()),
    }
