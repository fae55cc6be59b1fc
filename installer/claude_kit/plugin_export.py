"""`claude-kit export plugin <dir>`: the kit's skills, agents and hooks as a Claude Code plugin whose hooks
serve the session's project (`claude-kit sync --plugin` gives a project its compiled config).

The plan is pure (what the folder should hold against what it holds); apply_export is its one writer.
A record of what the last export wrote (`.claude-kit-export.json`) tells an earlier export from a
foreign folder, and which of its files a newer export may remove: only those still as it wrote them.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

import click

from claude_kit import render, settings_merge
from claude_kit._version import __version__
from claude_kit.errors import KitError, file_in_the_way
from claude_kit.fsutil import atomic_write
from claude_kit.payload import payload_root
from claude_kit_hooks.contract.naming import PLUGIN_NAME

MANIFEST = ".claude-plugin/plugin.json"
HOOKS_JSON = "hooks/hooks.json"
README = "README.md"
RECORD = ".claude-kit-export.json"
LAUNCHER = "hooks/run"
# The payload folders a plugin carries, under the same names. The gateways are left out: they route
# to the skill library, which only the repository install writes into a project (`.claude/skill-library/`).
PLUGIN_DIRS = ("hooks", "skills", "agents")
LEFT_OUT_SKILL_PREFIX = "gateway-"

PLUGIN_DESCRIPTION = (
    "claude-kit's governance for Claude Code: agent-first edits, spawn depth, review/test loops and "
    "quality gates at Stop, enforced by hooks that read the project's compiled team config."
)
PLUGIN_README = f"""# {PLUGIN_NAME}: claude-kit's plugin edition

Written by `claude-kit export plugin` (claude-kit {{version}}); regenerate it rather than editing it.

The hooks enforce what a project's team config says, and a project without one is left alone (its
first session says so). To set a project up, in its repository (outside Claude Code, with the
`claude-kit` command installed as claude-kit's README says):

    claude-kit sync --plugin     # writes .claude/claude-kit.yaml (detected) and compiles it

Commit `.claude/claude-kit.yaml` and `.claude/hooks/claude-kit.json`; after editing the YAML run
`claude-kit sync --plugin` again. The repository install (`claude-kit install`) does more: see the
"Plugin or repository install" section of claude-kit's README.
"""


@dataclass(frozen=True)
class PluginFile:
    path: str  # relative to the plugin's root, with `/`
    data: bytes
    mode: int = 0o644


@dataclass(frozen=True)
class ExportPlan:
    """What an export changes in `target`; `kept` are earlier export files the user changed since."""

    target: Path
    files: list[PluginFile]
    writes: list[str] = field(default_factory=list)
    removals: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)


def launcher_command(module: str) -> str:
    """A hooks.json command: the plugin's launcher, found through the runtime's CLAUDE_PLUGIN_ROOT."""
    return settings_merge.command_for(module, "${CLAUDE_PLUGIN_ROOT}/" + LAUNCHER)


def hooks_json() -> bytes:
    """hooks/hooks.json: the repository install's hook entries, each run through the plugin's launcher.

    The Stop timeout is the static maximum: the checks it must leave room for are a project's."""
    settings, _ = settings_merge.merge_hooks({}, render.settings_entries(None, command=launcher_command))
    body = {"description": f"{PLUGIN_NAME}: the kit's hooks; they read the project's compiled config"}
    return _json({**body, **settings})


def plugin_files() -> list[PluginFile]:
    """Every file of the plugin, sorted by path (the record of the export excepted)."""
    root = payload_root()
    files = [
        PluginFile(MANIFEST, _json(_manifest())),
        PluginFile(HOOKS_JSON, hooks_json()),
        PluginFile(README, PLUGIN_README.format(version=__version__).encode()),
    ]
    for _, src, component in render.payload_files():
        rel = src.relative_to(root).as_posix()
        if component not in PLUGIN_DIRS or rel.startswith(f"skills/{LEFT_OUT_SKILL_PREFIX}"):
            continue
        files.append(PluginFile(rel, src.read_bytes(), 0o755 if rel == LAUNCHER else 0o644))
    return sorted(files, key=lambda f: f.path)


def _manifest() -> dict[str, object]:
    return {
        "name": PLUGIN_NAME,
        "version": __version__,
        "description": PLUGIN_DESCRIPTION,
        "author": {"name": "claude-kit authors"},
        "license": "MIT",
        "keywords": ["governance", "hooks", "agents", "code-review", "quality-gates"],
    }


def _json(value: object) -> bytes:
    return (json.dumps(value, indent=2) + "\n").encode()


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _read_record(target: Path) -> dict[str, str] | None:
    """What the last export wrote (path -> sha256), None for a folder no export wrote."""
    path = target / RECORD
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        raise KitError(
            f"{path}: unreadable record of an earlier export ({exc}); nothing was changed",
            hint=f"delete {path} and rerun with --force",
        ) from None
    files = raw.get("files") if isinstance(raw, dict) else None
    if not isinstance(files, dict) or not all(isinstance(v, str) for v in files.values()):
        raise KitError(
            f"{path}: not a record of a claude-kit export (no `files` table); nothing was changed",
            hint=f"delete {path} and rerun with --force",
        )
    return {str(k): v for k, v in files.items()}


def _current(target: Path, rel: str) -> bytes | None:
    path = target / rel
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None
    except IsADirectoryError:
        raise KitError(f"{path}: is a folder where the plugin has a file; nothing was changed") from None
    except NotADirectoryError:
        raise file_in_the_way(target, path) from None


def plan_export(target: Path, files: list[PluginFile], *, force: bool = False) -> ExportPlan:
    """Compare `files` with what `target` holds; refuse a folder that is neither empty nor an export."""
    if target.exists() and not target.is_dir():
        raise KitError(f"{target}: is a file, not a folder; nothing was changed", hint="name a folder")
    record = _read_record(target) if target.is_dir() else None
    if record is None and target.is_dir() and any(target.iterdir()) and not force:
        raise KitError(
            f"{target}: the folder is not empty and no claude-kit export wrote it; nothing was changed",
            hint="name a new or empty folder, or add --force to write the plugin into this one "
            "(its other files are left as they are)",
        )
    plan = ExportPlan(target, files)
    for f in files:
        if _current(target, f.path) != f.data:
            plan.writes.append(f.path)
    wanted = {f.path for f in files}
    for rel, sha in sorted((record or {}).items()):
        if rel in wanted:
            continue
        data = _current(target, rel)
        if data is None:
            continue
        (plan.removals if _sha(data) == sha else plan.kept).append(rel)
    return plan


def apply_export(plan: ExportPlan) -> None:
    """Write the plan: each file atomically, the record last (an interrupted export is rerun as one)."""
    for f in plan.files:
        if f.path in plan.writes:
            atomic_write(plan.target / f.path, f.data, mode=f.mode)
    for rel in plan.removals:
        path = plan.target / rel
        path.unlink(missing_ok=True)
        for parent in path.parents:
            if parent == plan.target or not parent.is_relative_to(plan.target) or any(parent.iterdir()):
                break
            parent.rmdir()
    record = {"kit_version": __version__, "files": {f.path: _sha(f.data) for f in plan.files}}
    atomic_write(plan.target / RECORD, _json(record))


def export_plugin(target: Path, *, force: bool = False, dry_run: bool = False) -> int:
    """`claude-kit export plugin`: plan, print, write; the next steps when something was written."""
    target = target.expanduser().absolute()
    plan = plan_export(target, plugin_files(), force=force)
    if dry_run:
        for rel in plan.writes:
            click.echo(f"write    {rel}")
    for rel in plan.removals:
        click.echo(f"remove   {rel}  (no longer part of the plugin)")
    for rel in plan.kept:
        click.echo(f"keep     {rel}  (an earlier export's file, changed since: yours now)")
    if dry_run:
        click.echo("dry run: nothing was written")
        return 0
    apply_export(plan)
    changed = len(plan.writes) + len(plan.removals)
    click.echo(f"{target}: the {PLUGIN_NAME} plugin, {len(plan.files)} files ({changed} changed)")
    click.echo(
        "\nNext:\n"
        f"  1. Check it: claude plugin validate {target}\n"
        f"  2. Try it: claude --plugin-dir {target}   (or publish it in a marketplace)\n"
        "  3. In each repository it serves: claude-kit sync --plugin"
    )
    return 0
