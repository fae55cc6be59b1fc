# claude-kit: managed, id=hooks/claude_kit_hooks/runtime/extra_tools
"""Extra write tools (team config `extra_tools`): an MCP tool that edits a file or runs a command is
checked as the Write or Bash call it amounts to, so every edit and shell check applies to it unchanged."""

from __future__ import annotations

import os

from claude_kit_hooks.contract.defaults import EXTRA_TOOL_KINDS

TYPE_CHECKING = False  # typing costs ~14 ms at a hook's start-up; mypy still reads the branch
if TYPE_CHECKING:
    from claude_kit_hooks.contract.records import ExtraTool
    from claude_kit_hooks.runtime.hook import Hook


def resolve(h: Hook) -> str | None:
    """The built-in tool (Write, Bash) `h`'s call is checked as, with `h` made that call (Hook.act_as);
    None when the config maps no such tool. The dispatchers ask only about tools they route nowhere
    else, so an ordinary tool call never gets here."""
    spec = _spec(h.config["extra_tools"], h.tool_name)
    if spec is None:
        return None
    given = h.tool_input.get(spec["field"])
    value = given if isinstance(given, str) else ""
    folder = _folder(h, h.tool_input.get(spec["root_field"]) if spec["root_field"] else None)
    tool = EXTRA_TOOL_KINDS[spec["kind"]]
    if spec["kind"] == "edit":
        h.act_as(tool, {"file_path": _path(value, folder, spec["workdir"])}, folder)
    else:
        h.act_as(tool, {"command": value}, folder)
    return tool


def _spec(tools: list[ExtraTool], name: str) -> ExtraTool | None:
    # The CLI lists exact names before globs: the first entry that names the tool wins.
    for spec in tools:
        regex = spec["regex"]
        if regex is None:
            if spec["tool"] == name:
                return spec
            continue
        import re

        if re.match(regex, name):
            return spec
    return None


def _folder(h: Hook, given: object) -> str:
    """The folder the call's paths and command are relative to: its root field's value (itself
    relative to the session's folder when it is relative), or the session's folder."""
    if isinstance(given, str) and given:
        return os.path.normpath(os.path.join(h.cwd, given))
    return h.cwd


def _path(value: str, folder: str, workdir: str | None) -> str:
    """The file an edit writes, as an absolute path on this machine ('' when the call names none).

    A path under `workdir` (the folder as the tool's environment names it, /workdir in container-use)
    is relative to `folder`: otherwise `/workdir/cmd/api/main.go` would pass for a file outside the
    project and go unchecked."""
    if not value:
        return ""
    if workdir and (value == workdir or value.startswith(workdir.rstrip("/") + "/")):
        value = value[len(workdir) :].lstrip("/") or "."
    return os.path.normpath(os.path.join(folder, value))
