"""Audit of the hook wiring and the team config (installed layout): settings.json parses, kit
hook entries point at files that exist, tool matchers name Agent, timeouts are seconds, and
.claude/claude-kit.yaml passes its schema.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from claude_kit.audit_base import Audit
from claude_kit.errors import KitError
from claude_kit_hooks.contract.defaults import HOOK_TIMEOUT_MAX, HOOK_TIMEOUT_MIN, valid_hook_timeout
from claude_kit_hooks.contract.layout import CONFIG_YAML, HOOKS_DIR, LAUNCHER, SETTINGS


def check_settings(a: Audit) -> None:
    path = a.layout.root / SETTINGS
    if not path.is_file():
        return
    a.files_checked += 1
    text = path.read_text(encoding="utf-8", errors="replace")
    try:
        data = json.loads(text) if text.strip() else {}
    except json.JSONDecodeError as exc:
        a.add("SETTINGS_INVALID", path, exc.lineno, f"not valid JSON: {exc.msg}")
        return
    except (ValueError, RecursionError) as exc:  # a number too long to convert, nesting too deep
        why = "nested too deeply" if isinstance(exc, RecursionError) else str(exc)
        a.add("SETTINGS_INVALID", path, None, f"not valid JSON: {why}")
        return
    hooks = data.get("hooks") if isinstance(data, dict) else None
    for event, groups in hooks.items() if isinstance(hooks, dict) else []:
        for group in groups if isinstance(groups, list) else []:
            if isinstance(group, dict):
                check_hook_group(a, path, text, str(event), group)


def check_hook_group(a: Audit, path: Path, text: str, event: str, group: dict[str, Any]) -> None:
    from claude_kit import settings_merge

    matcher = group.get("matcher")
    if isinstance(matcher, str) and re.search(r"\bTask\b", matcher) and not re.search(r"\bAgent\b", matcher):
        a.add(
            "HOOK_MATCHER_TASK",
            path,
            _line_in(text, json.dumps(matcher)),
            f"{event} matcher {matcher!r} names Task but not Agent: the spawn tool is `Agent`",
            f"use {matcher.replace('Task', 'Agent|Task')!r}",
        )
    hooks_dir = a.layout.root / HOOKS_DIR
    for handler in group.get("hooks") or []:
        if not isinstance(handler, dict):
            continue
        timeout = handler.get("timeout")
        if not valid_hook_timeout(timeout):
            a.add(
                "HOOK_TIMEOUT",
                path,
                _line_in(text, f'"timeout": {json.dumps(timeout)}'),
                f"{event} hook timeout {timeout!r} is not whole seconds in {HOOK_TIMEOUT_MIN}.."
                f"{HOOK_TIMEOUT_MAX} (the runtime reads seconds: 5000 would be 83 minutes)",
            )
        if settings_merge.is_kit_handler(handler):
            command = str(handler.get("command", ""))
            for needed in (a.layout.root / LAUNCHER, hooks_dir / f"{settings_merge.module_of(command)}.py"):
                if not needed.is_file():
                    a.add(
                        "HOOK_FILE_MISSING",
                        path,
                        _line_in(text, json.dumps(command)[1:-1]),
                        f"{event} runs {a.layout.rel(needed)}, which does not exist: the hook fails "
                        "on every call and enforces nothing",
                    )


def check_config(a: Audit) -> None:
    from claude_kit import config

    a.files_checked += 1
    try:
        config.load(a.layout.root)
    except KitError as exc:
        m = re.search(r"claude-kit\.yaml:(\d+)", exc.message)
        message = exc.message.split("\n  hint:")[0].replace("\n", " ")
        a.add(
            "CONFIG_INVALID",
            a.layout.root / CONFIG_YAML,
            int(m.group(1)) if m else None,
            message,
        )


def _line_in(text: str, needle: str) -> int | None:
    pos = text.find(needle)
    return text.count("\n", 0, pos) + 1 if pos != -1 else None
