"""Merge the kit's hook entries into `.claude/settings.json` as pure data, and take them out again.

An entry is (event, matcher, handler). The kit appends its own matcher groups and never edits the
user's groups, so unmerging removes exactly what was added. Key order is preserved by `json`.

A kit handler the user edited (another timeout or matcher, say) is theirs: merging does not add the
kit's copy beside it. Any kit handler whose files are gone, edited or not, is taken out
(`drop_kit_handlers`), so no entry is left running a file that is not there.
"""

from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable
from typing import Any

from claude_kit_hooks.contract.layout import KIT_COMMAND_PATTERN, LAUNCHER
from claude_kit_hooks.contract.records import SettingsEntry

# Recognisable as the kit's: every kit command runs the launcher (older form: without `|| exit 1`).
KIT_COMMAND_RE = re.compile(KIT_COMMAND_PATTERN)


def command_for(module: str, launcher: str = f"${{CLAUDE_PROJECT_DIR}}/{LAUNCHER}") -> str:
    # No path of the installing machine: CLAUDE_PROJECT_DIR is set by Claude Code for every hook (a
    # plugin's hooks name theirs through CLAUDE_PLUGIN_ROOT, plugin_export.py).
    # `|| exit 1`: a missing launcher makes `sh` exit 2, which Claude Code reads as "block" on every
    # tool call and stop; the kit itself never exits 2, so any failure becomes a visible, non-blocking
    # hook error instead of a trapped session.
    return f'sh "{launcher}" {module} || exit 1'


def module_of(command: str) -> str | None:
    """The hook module a kit command runs (`pre_tool_use`), or None for a command that is not the kit's."""
    m = KIT_COMMAND_RE.search(command)
    return m.group(2) if m else None


def is_kit_handler(handler: Any) -> bool:
    return isinstance(handler, dict) and bool(KIT_COMMAND_RE.search(str(handler.get("command", ""))))


def _handler_module(handler: Any) -> str | None:
    command = handler.get("command") if isinstance(handler, dict) else None
    return module_of(command) if isinstance(command, str) else None


def _kit_modules(groups: Any) -> set[str]:
    """The modules that the kit handlers in one event's groups run."""
    if not isinstance(groups, list):
        return set()
    handlers = [
        h for g in groups if isinstance(g, dict) and isinstance(g.get("hooks"), list) for h in g["hooks"]
    ]
    return {m for m in map(_handler_module, handlers) if m is not None}


def _present(groups: Any, entry: SettingsEntry) -> bool:
    return isinstance(groups, list) and any(
        _group_matches(g, entry["matcher"])
        and isinstance(g.get("hooks"), list)
        and entry["handler"] in g["hooks"]
        for g in groups
    )


def edited_entries(settings: dict[str, Any], entries: list[SettingsEntry]) -> list[SettingsEntry]:
    """The entries not present as the kit writes them while the event has a kit handler running the
    same module: the user edited the kit's entry, and merging leaves their version alone."""
    hooks = settings.get("hooks")
    if not isinstance(hooks, dict):
        return []
    return [
        e
        for e in entries
        if not _present(hooks.get(e["event"]), e)
        and module_of(e["handler"]["command"]) in _kit_modules(hooks.get(e["event"]))
    ]


def _group_matches(group: Any, matcher: str | None) -> bool:
    return isinstance(group, dict) and group.get("matcher") == matcher


def merge_hooks(settings: dict[str, Any], entries: list[SettingsEntry]) -> tuple[dict[str, Any], list[str]]:
    """Return (settings with every entry present exactly once, containers the merge created).

    The input is not modified. Created containers ("hooks", "hooks.<Event>") are recorded so that
    unmerging removes them again only when the kit created them.
    """
    out = copy.deepcopy(settings)
    created: list[str] = []
    edited = edited_entries(settings, entries)
    for entry in entries:
        if entry in edited:
            continue
        if "hooks" not in out:
            created.append("hooks")
        hooks = out.setdefault("hooks", {})
        if entry["event"] not in hooks:
            created.append(f"hooks.{entry['event']}")
        groups = hooks.setdefault(entry["event"], [])
        if _present(groups, entry):
            continue
        group: dict[str, Any] = {} if entry["matcher"] is None else {"matcher": entry["matcher"]}
        group["hooks"] = [copy.deepcopy(entry["handler"])]
        groups.append(group)
    return out, created


def unmerge_hooks(
    settings: dict[str, Any], entries: list[SettingsEntry], created: list[str] | tuple[str, ...] = ()
) -> dict[str, Any]:
    """Remove the recorded entries as the kit wrote them, and the containers the kit created once
    they are empty. A kit entry the user edited stays: `drop_kit_handlers` decides about those."""
    out = copy.deepcopy(settings)
    hooks = out.get("hooks")
    if not isinstance(hooks, dict):
        return out
    for entry in entries:
        groups = hooks.get(entry["event"])
        if not isinstance(groups, list):
            continue
        for group in list(groups):
            if not _group_matches(group, entry["matcher"]):
                continue
            handlers = group.get("hooks")
            if isinstance(handlers, list) and entry["handler"] in handlers:
                handlers.remove(entry["handler"])
                if not handlers:
                    groups.remove(group)
                break
        if not groups and f"hooks.{entry['event']}" in created:
            del hooks[entry["event"]]
    if not hooks and "hooks" in created:
        del out["hooks"]
    return out


def drop_kit_handlers(
    settings: dict[str, Any], keep: Callable[[str], bool], created: list[str] | tuple[str, ...] = ()
) -> tuple[dict[str, Any], list[str]]:
    """Remove every kit handler whose module `keep` rejects, edited or not, and the groups and the
    containers the kit created that this leaves empty. Returns the new settings and one line per
    removed handler (`hooks.Stop: {...}`), so the user can tell what was taken out."""
    out = copy.deepcopy(settings)
    removed: list[str] = []
    hooks = out.get("hooks")
    if not isinstance(hooks, dict):
        return out, removed
    for event, groups in list(hooks.items()):
        if not isinstance(groups, list):
            continue
        for group in list(groups):
            handlers = group.get("hooks") if isinstance(group, dict) else None
            if not isinstance(handlers, list):
                continue
            gone = [h for h in handlers if (m := _handler_module(h)) is not None and not keep(m)]
            for h in gone:
                handlers.remove(h)
                removed.append(f"hooks.{event}: {json.dumps(h, ensure_ascii=False)}")
            if gone and not handlers:
                groups.remove(group)
        if not groups and f"hooks.{event}" in created:
            del hooks[event]
    if not hooks and "hooks" in created:
        del out["hooks"]
    return out, removed


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
