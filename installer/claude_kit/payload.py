"""Where the kit's payload (hooks, skills, library, agents, template) lives.

A wheel carries it inside the package (`claude_kit/payload/`); a source checkout or an editable
install reads it from the top of the source tree, where the design card puts it.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

PAYLOAD_DIRS = ("hooks", "skills", "skill-library", "agents")
TEMPLATE = "CLAUDE.md.template"


@cache
def payload_root() -> Path:
    here = Path(__file__).resolve().parent
    for candidate in (here / "payload", here.parent.parent):
        if (candidate / "hooks").is_dir() and (candidate / TEMPLATE).is_file():
            return candidate
    raise RuntimeError(f"claude-kit payload not found next to {here}; reinstall the package")
