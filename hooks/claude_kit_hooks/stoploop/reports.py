# claude-kit: managed, id=hooks/claude_kit_hooks/stoploop/reports
"""Which Markdown files are agent reports written in the wrong place, and how to find new ones.

Allowed places: the output folder, docs/, READMEs and similar names, knowledge folders, and the
config's exemption globs. Everything else that is Markdown and new to git (untracked or newly staged)
is a report out of place. Files written with Write/Edit are recorded by stoploop.tracking; files written
with Bash are found by their mtime since the session or agent started (the transcript's first
timestamp).
"""

from __future__ import annotations

import json
import os
import time

from claude_kit_hooks.contract.layout import output_dir_of
from claude_kit_hooks.runtime import processes
from claude_kit_hooks.runtime.project import EXEMPT_HINTS, ruled_out

TYPE_CHECKING = False  # typing costs ~14 ms at a hook's start-up; mypy still reads the branch
if TYPE_CHECKING:
    import re
    from collections.abc import Iterable

    from claude_kit_hooks.contract.records import CompiledConfig
    from claude_kit_hooks.runtime.project import Project

# Compiled on first use (re costs a few ms); the same for every project.
_ALLOWED_MD_RX: re.Pattern[str] | None = None


def is_markdown(rel: str) -> bool:
    return rel.lower().endswith((".md", ".markdown", ".mdx"))


def allowed_markdown(cfg: CompiledConfig, rel: str) -> bool:
    """Markdown that is not an agent report: output folder, docs, READMEs, knowledge, exemption globs."""
    global _ALLOWED_MD_RX
    import re

    if rel.startswith(output_dir_of(cfg) + "/"):
        return True
    if _ALLOWED_MD_RX is None:
        _ALLOWED_MD_RX = re.compile(
            r"(^|/)(README|CHANGELOG|CHANGES|HISTORY|CONTRIBUTING|CLAUDE|AGENTS|LICENSE|COPYING|SECURITY"
            r"|CODE_OF_CONDUCT|NOTICE|AUTHORS|SUPPORT)([.-][^/]*)?$"
            r"|(^|/)docs?/|^\.github/|(^|/)\.claude/(skills|skill-library|agents|commands|rules|output-styles)/"
            r"|(^|/)(skills|skill-library|agents)/",
            re.I,
        )
    if _ALLOWED_MD_RX.search(rel):
        return True
    return any(
        rule[0].startswith("glob ") and not ruled_out(rule, EXEMPT_HINTS, rel) and re.search(rule[1], rel)
        for rule in cfg["exempt_rules"]
    )


def offending_reports(
    project: Project, cfg: CompiledConfig, candidates: Iterable[str]
) -> list[tuple[str, str]]:
    """[(rel, "??"|"A")] of candidates that still exist, are new to git and are not allowed."""
    keep = [
        rel
        for rel in sorted(set(candidates))
        if not allowed_markdown(cfg, rel) and os.path.isfile(project.abspath(rel))
    ]
    status = _new_in_git(project.root, keep)
    return [(rel, status[rel]) for rel in keep if rel in status]


def _new_in_git(root: str, paths: list[str]) -> dict[str, str]:
    """{path: "??" untracked | "A" staged new} for those of `paths` not committed."""
    if not paths:
        return {}
    out = processes.git(root, ["status", "--porcelain=v1", "-z", "--untracked-files=all", "--", *paths])
    found: dict[str, str] = {}
    if not out:
        return found
    for entry in out.decode("utf-8", "replace").split("\0"):
        if len(entry) > 3:
            code, rel = entry[:2], entry[3:]
            if code == "??":
                found[rel] = "??"
            elif code[0] == "A":
                found[rel] = "A"
    return found


def recent_untracked_markdown(project: Project, cfg: CompiledConfig, since: float | None) -> list[str]:
    """Untracked (or newly staged) Markdown outside the allowed places, modified at or after `since`."""
    if since is None:
        return []
    names: set[str] = set()
    for args in (
        ["ls-files", "-z", "-o", "--exclude-standard"],
        ["diff", "--cached", "--name-only", "-z", "--diff-filter=A"],
    ):
        out = processes.git(project.root, args)
        if out:
            names.update(n for n in out.decode("utf-8", "replace").split("\0") if n)
    found: list[str] = []
    for rel in sorted(names):
        if not is_markdown(rel) or allowed_markdown(cfg, rel):
            continue
        try:
            if os.stat(project.abspath(rel)).st_mtime >= since - 1:
                found.append(rel)
        except OSError:
            continue
    return found


def first_timestamp(path: str | None) -> float | None:
    """Start of a session or subagent: the first `timestamp` in its transcript."""
    if not path:
        return None
    from claude_kit_hooks.transcript.reader import head_lines  # only a stop reads a transcript

    for line in head_lines(path, max_lines=30):
        try:
            rec = json.loads(line)
        except ValueError:
            continue
        if isinstance(rec, dict) and isinstance(rec.get("timestamp"), str):
            return _parse_iso(rec["timestamp"])
    return None


def _parse_iso(ts: str) -> float | None:
    import calendar

    try:
        base = calendar.timegm(time.strptime(ts[:19], "%Y-%m-%dT%H:%M:%S"))
    except ValueError:
        return None
    frac = "".join(c for c in ts[19:].lstrip(".") if c.isdigit())
    return base + (float("0." + frac) if frac else 0.0)
