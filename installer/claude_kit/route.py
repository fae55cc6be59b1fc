"""`claude-kit route "<intent>"`: rank the skill library for an intent and print the paths to Read.

The entries come from the routing index of the repository you are in
(`.claude/skill-library/index.json`, generated from the skills' frontmatter by install, update and
sync), else from the packaged library. route_terms, route_index and route_scoring do the ranking
(docs/knowledge.md, "How ranking works").
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import click

from claude_kit.errors import KitError
from claude_kit.output import emit
from claude_kit.route_index import gateways_of
from claude_kit.route_scoring import load_router
from claude_kit_hooks.contract.layout import SKILL_INDEX

INDEX_REL = SKILL_INDEX  # the contract's name, as the tests know it


def find_index(start: Path) -> Path | None:
    """The installed index of the repository containing `start` (walks up; no git call)."""
    here = start.resolve()
    for d in (here, *here.parents):
        candidate = d / SKILL_INDEX
        if candidate.is_file():
            return candidate
        if (d / ".git").exists():
            return None
    return None


def load_entries(index: Path | None) -> tuple[list[dict[str, Any]], str]:
    """(entries, where they came from): the given/installed index, else the packaged library."""
    if index is not None:
        try:
            data = json.loads(index.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise KitError(f"{index}: no such index", hint="run `claude-kit sync` to regenerate it") from None
        except (ValueError, UnicodeDecodeError) as exc:
            msg = f"{index}: not a valid routing index ({exc})"
            raise KitError(msg, hint="run `claude-kit sync`") from None
        skills = data.get("skills") if isinstance(data, dict) else None
        if not isinstance(skills, list):
            raise KitError(f"{index}: no `skills` list in the routing index", hint="run `claude-kit sync`")
        return [s for s in skills if isinstance(s, dict)], str(index)
    from claude_kit import knowledge
    from claude_kit.payload import payload_root

    lib = payload_root() / "skill-library"
    return knowledge.library_entries(lib), f"{lib} (packaged library; the kit is not installed here)"


def normalize_gateway(gateway: str | None) -> str | None:
    if not gateway:
        return None
    return gateway.removeprefix("gateway-")


def route(
    intent: str,
    *,
    gateway: str | None = None,
    limit: int = 5,
    fmt: str = "text",
    index: Path | None = None,
    cwd: Path | None = None,
) -> int:
    if not intent.strip():
        raise KitError("the intent is empty", hint='describe the task in 3-8 words: "postgres add column"')
    if limit < 1:
        raise KitError(f"--limit must be at least 1 (got {limit})")
    index_path = index if index is not None else find_index(cwd or Path(os.getcwd()))
    entries, source = load_entries(index_path)
    gw = normalize_gateway(gateway)
    if gw is not None:
        known = sorted({g for e in entries for g in gateways_of(e)})
        if gw not in known:
            raise KitError(f"unknown gateway {gateway!r}", hint=f"use one of: {', '.join(known)}")
    hits = load_router(entries, index_path).rank(intent, gateway=gw, limit=limit)

    def text() -> None:
        if not hits:
            scope = f" in gateway {gw}" if gw else ""
            click.echo(f"no library skill matches {intent!r}{scope}.")
            click.echo(
                "Rephrase with the words a developer would type (API names, tools), try another --gateway, "
                "or say in your output that no library skill covers it."
            )
            return
        for h in hits:
            click.echo(f"{h.rank}. {h.score:6.2f}  {h.path}")
            click.echo(f"   {h.description}")
        click.echo("Read the paths that fit (usually the first 1-3) before writing code.")

    data = {"intent": intent, "gateway": gw, "index": source, "results": [h._asdict() for h in hits]}
    emit(data, fmt, text)
    return 0 if hits else 1
