"""Merge the kit's hook entries into `.claude/settings.json` as pure data, and take them out again.

An entry is (event, matcher, handler). The kit appends its own matcher groups and never edits the
user's groups, so unmerging removes exactly what was added. Key order is preserved by `json`.
"""

from __future__ import annotations

import copy
import json
import re
from typing import Any

from claude_kit_hooks.contract.layout import LAUNCHER
from claude_kit_hooks.contract.records import SettingsEntry

# Recognisable as the kit's: every kit command runs the launcher (older form: without `|| exit 1`).
KIT_COMMAND_RE = re.compile(r'(^|["\s/])' + re.escape(LAUNCHER) + r'"?\s+([a-z_]+)(\s*\|\|\s*exit 1)?\s*$')


def command_for(module: str) -> str:
    # No path of the installing machine: CLAUDE_PROJECT_DIR is set by Claude Code for every hook.
    # `|| exit 1`: a missing launcher makes `sh` exit 2, which Claude Code reads as "block" on every
    # tool call and stop; the kit itself never exits 2, so any failure becomes a visible, non-blocking
    # hook error instead of a trapped session.
    return f'sh "${{CLAUDE_PROJECT_DIR}}/{LAUNCHER}" {module} || exit 1'


def module_of(command: str) -> str | None:
    """The hook module a kit command runs (`pre_tool_use`), or None for a command that is not the kit's."""
    m = KIT_COMMAND_RE.search(command)
    return m.group(2) if m else None


def is_kit_handler(handler: Any) -> bool:
    return isinstance(handler, dict) and bool(KIT_COMMAND_RE.search(str(handler.get("command", ""))))


def _group_matches(group: Any, matcher: str | None) -> bool:
    return isinstance(group, dict) and group.get("matcher") == matcher


def merge_hooks(settings: dict[str, Any], entries: list[SettingsEntry]) -> tuple[dict[str, Any], list[str]]:
    """Return (settings with every entry present exactly once, containers the merge created).

    The input is not modified. Created containers ("hooks", "hooks.<Event>") are recorded so that
    unmerging removes them again only when the kit created them.
    """
    out = copy.deepcopy(settings)
    created: list[str] = []
    for entry in entries:
        if "hooks" not in out:
            created.append("hooks")
        hooks = out.setdefault("hooks", {})
        if entry["event"] not in hooks:
            created.append(f"hooks.{entry['event']}")
        groups = hooks.setdefault(entry["event"], [])
        if any(
            _group_matches(g, entry["matcher"]) and entry["handler"] in (g.get("hooks") or []) for g in groups
        ):
            continue
        group: dict[str, Any] = {} if entry["matcher"] is None else {"matcher": entry["matcher"]}
        group["hooks"] = [copy.deepcopy(entry["handler"])]
        groups.append(group)
    return out, created


def unmerge_hooks(
    settings: dict[str, Any], entries: list[SettingsEntry], created: list[str] | tuple[str, ...] = ()
) -> tuple[dict[str, Any], list[str]]:
    """Remove recorded entries and the containers the kit created once they are empty.

    Returns the new settings and warnings about kit entries the user edited by hand.
    """
    out = copy.deepcopy(settings)
    warnings: list[str] = []
    hooks = out.get("hooks")
    if not isinstance(hooks, dict):
        return out, warnings
    for entry in entries:
        groups = hooks.get(entry["event"])
        if not isinstance(groups, list):
            continue
        found = False
        for group in list(groups):
            if not _group_matches(group, entry["matcher"]):
                continue
            handlers = group.get("hooks")
            if isinstance(handlers, list) and entry["handler"] in handlers:
                handlers.remove(entry["handler"])
                found = True
                if not handlers:
                    groups.remove(group)
                break
        if not found:
            stray = [
                h for g in groups if isinstance(g, dict) for h in (g.get("hooks") or []) if is_kit_handler(h)
            ]
            if stray:
                warnings.append(
                    f"hooks.{entry['event']}: a kit hook entry was edited by hand and was left in place"
                )
        if not groups and f"hooks.{entry['event']}" in created:
            del hooks[entry["event"]]
    if not hooks and "hooks" in created:
        del out["hooks"]
    return out, warnings


def detect_indent(text: str) -> int | str:
    for line in text.splitlines()[1:]:
        stripped = line.lstrip(" \t")
        if stripped and len(stripped) != len(line):
            ws = line[: len(line) - len(stripped)]
            return "\t" if ws.startswith("\t") else len(ws)
    return 2


def dumps(settings: dict[str, Any], like: str | None = None) -> str:
    indent = detect_indent(like) if like else 2
    return json.dumps(settings, indent=indent, ensure_ascii=False) + "\n"
