"""Install claude-kit into an e2e scenario's repository and read what its hooks recorded."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from claude_kit import lifecycle

BACKEND_CONFIG = """\
version: 1
domains:
  backend:
    paths: ["**/*.go"]
"""


def install_kit(
    repo: Path, *, config: str | None = BACKEND_CONFIG, files: dict[str, str] | None = None
) -> None:
    """Write `files`, then the team `config` (None: let install detect domains), then install the kit."""
    for rel, text in (files or {}).items():
        path = repo / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    if config is not None:
        cfg = repo / ".claude/claude-kit.yaml"
        cfg.parent.mkdir(parents=True, exist_ok=True)
        cfg.write_text(config, encoding="utf-8")
    code = lifecycle.install(repo)
    assert code == 0, f"claude-kit install failed with {code}"


def decisions(repo: Path, **match: Any) -> list[dict[str, Any]]:
    """Decision-log records of the kit's hooks, optionally filtered by field values."""
    log = repo / ".claude/.claude-kit/local/log/decisions.jsonl"
    if not log.exists():
        return []
    records = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [r for r in records if all(r.get(k) == v for k, v in match.items())]
