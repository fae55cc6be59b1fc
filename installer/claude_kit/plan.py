"""A pure plan of file actions for install/update and sync (uninstall: plan_uninstall). Nothing here
writes.

Each action carries one status word (create, identical, update, conflict, skip, remove), so
`--dry-run` is just printing the plan, and `apply.apply_plan` is the only writer.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from claude_kit import claude_md, settings_merge, settings_protection
from claude_kit.errors import KitError, file_in_the_way
from claude_kit.manifest import base_path, empty, sha256
from claude_kit.merge3 import merge3
from claude_kit_hooks.contract.layout import CONFLICT_SUFFIX, HOOKS_DIR, KEPT, LAUNCHER, SETTINGS
from claude_kit_hooks.contract.records import (
    Manifest,
    ManifestClaudeMd,
    ManifestFile,
    ManifestSettings,
    SettingsEntry,
)

SETTINGS_REL = SETTINGS  # the contract's name, as the tests know it
CLAUDE_MD_REL = "CLAUDE.md"
ASIDE_SUFFIX = ".pre-claude-kit"
STATUSES = ("create", "identical", "update", "conflict", "skip", "remove")


@dataclass(frozen=True)
class Desired:
    path: str
    data: bytes
    component: str
    mode: int = 0o644
    user_owned: bool = False  # created once, then the team's (the config): never updated


@dataclass(frozen=True)
class Action:
    status: str
    path: str
    component: str
    write: bytes | None = None
    mode: int | None = None
    beside: bytes | None = None
    move_aside: bool = False
    delete: bool = False
    restore: str | None = None
    note: str = ""


@dataclass
class Plan:
    actions: list[Action] = field(default_factory=list)
    manifest: Manifest | None = None
    base_files: dict[str, bytes] = field(default_factory=dict)
    remove_paths: list[str] = field(default_factory=list)  # kit bookkeeping removed on uninstall
    prune_dirs: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        out = dict.fromkeys(STATUSES, 0)
        for a in self.actions:
            out[a.status] += 1
        return out

    @property
    def changes(self) -> bool:
        return any(a.status not in ("identical", "skip") for a in self.actions) or any(
            a.beside is not None for a in self.actions
        )


def read_bytes(root: Path, rel: str) -> bytes | None:
    try:
        return (root / rel).read_bytes()
    except FileNotFoundError:
        return None
    except IsADirectoryError:
        return b""
    except NotADirectoryError:
        raise file_in_the_way(root, root / rel) from None
    except OSError as exc:
        raise KitError(f"{root / rel}: cannot be read ({exc.strerror}); nothing was changed") from None


def _plan_file(
    root: Path, d: Desired, old: Manifest, manifest: Manifest, force: bool, plan: Plan, kept: frozenset[str]
) -> None:
    disk = read_bytes(root, d.path)
    rec = old["files"].get(d.path)
    digest = sha256(d.data)
    new_rec: ManifestFile = {"sha256": digest, "base_sha256": digest, "component": d.component}
    if d.user_owned:
        new_rec["user_owned"] = True

    def keep(status: str, written: bytes, note: str = "", **kw: Any) -> None:
        plan.actions.append(Action(status, d.path, d.component, note=note, mode=d.mode, **kw))
        manifest["files"][d.path] = {**new_rec, "sha256": sha256(written)}
        if status == "identical" and rec is not None and rec.get("preexisting"):
            manifest["files"][d.path]["preexisting"] = True
        plan.base_files[base_path(d.path)] = d.data

    if rec is None:
        if disk is None:
            keep("create", d.data, write=d.data)
        elif disk == d.data:
            # Already there with the kit's bytes (the team's own config, say): uninstall leaves it.
            keep("identical", d.data)
            manifest["files"][d.path]["preexisting"] = True
        elif d.path in kept:
            # A kit file the user edited, which the last uninstall left in place: still their edit.
            plan.actions.append(
                Action("skip", d.path, d.component, note="yours, kept at uninstall; still yours")
            )
            manifest["files"][d.path] = new_rec
            plan.base_files[base_path(d.path)] = d.data
        elif force and (root / (d.path + ASIDE_SUFFIX)).exists():
            plan.actions.append(Action("conflict", d.path, d.component, note="not the kit's file"))
            plan.errors.append(
                f"{d.path}: exists and was not installed by claude-kit, and {d.path}{ASIDE_SUFFIX} is "
                "taken too; move one of them away by hand, then rerun"
            )
        elif force:
            keep(
                "update",
                d.data,
                "foreign file moved aside to " + d.path + ASIDE_SUFFIX,
                write=d.data,
                move_aside=True,
            )
            manifest["moved_aside"][d.path] = d.path + ASIDE_SUFFIX
        else:
            plan.actions.append(Action("conflict", d.path, d.component, note="not the kit's file"))
            plan.errors.append(
                f"{d.path}: exists and was not installed by claude-kit; rerun with --force to move it aside "
                f"to {d.path}{ASIDE_SUFFIX} (uninstall puts it back)"
            )
        return

    if disk is None:
        # The user deleted a kit file: it stays deleted.
        plan.actions.append(Action("skip", d.path, d.component, note="deleted by you; left deleted"))
        manifest["files"].pop(d.path, None)
        if d.path not in manifest["deleted"]:
            manifest["deleted"].append(d.path)
        return
    if d.user_owned:
        plan.actions.append(
            Action("skip" if disk != d.data else "identical", d.path, d.component, note="yours to edit")
        )
        manifest["files"][d.path] = {**rec}
        return
    base_sha = rec.get("base_sha256", rec.get("sha256"))
    if disk == d.data:
        keep("identical", d.data)
    elif sha256(disk) == base_sha:
        keep("update", d.data, write=d.data)
    elif _pending_conflict(root, d, rec, plan):
        manifest["files"][d.path] = {**rec}
        base = read_bytes(root, base_path(d.path))
        if base is not None:
            plan.base_files[base_path(d.path)] = base
    elif rec.get("pending_sha256") == digest:
        # The user merged the version the last conflict offered and deleted the new file, as told:
        # their merge is the edit now, and the version they merged is its base.
        plan.actions.append(Action("skip", d.path, d.component, note="kept your merge of the kit's version"))
        manifest["files"][d.path] = new_rec
        plan.base_files[base_path(d.path)] = d.data
    else:
        base = read_bytes(root, base_path(d.path))
        if base is not None and sha256(base) == new_rec["base_sha256"]:
            # The kit did not change this file: the user's edit stands as it is.
            plan.actions.append(Action("skip", d.path, d.component, note="kept your edit"))
            manifest["files"][d.path] = {**rec}
            plan.base_files[base_path(d.path)] = d.data
            return
        merged, clean = merge3(disk, base if base is not None else b"", d.data)
        if clean:
            # Recorded as the kit's version, not as written: the merged file holds the user's edit,
            # so status shows it as modified and uninstall keeps it.
            keep("update", d.data, "merged your edit with the new kit version", write=merged)
        else:
            plan.actions.append(
                Action(
                    "conflict",
                    d.path,
                    d.component,
                    beside=d.data,
                    note=f"your edit conflicts with the new kit version: see {d.path}{CONFLICT_SUFFIX}",
                )
            )
            # Keep the old base so the next update can still merge against it, and remember what
            # was offered: once its file is gone, the user's file is their merge of it.
            manifest["files"][d.path] = {**rec, "pending_sha256": digest}
            if base is not None:
                plan.base_files[base_path(d.path)] = base


def _pending_conflict(root: Path, d: Desired, rec: ManifestFile, plan: Plan) -> bool:
    """Whether the kit's version of `d` still waits beside it, unmerged, exactly as offered: then the
    update names that conflict again and writes nothing (a newer offer goes through the merge)."""
    beside = read_bytes(root, d.path + CONFLICT_SUFFIX)
    if beside is None or beside != d.data or rec.get("pending_sha256") != sha256(d.data):
        return False
    plan.actions.append(
        Action(
            "conflict",
            d.path,
            d.component,
            note=f"not merged yet: merge {d.path}{CONFLICT_SUFFIX} into yours, then delete it",
        )
    )
    return True


def _plan_settings(
    root: Path,
    entries: list[SettingsEntry],
    protection: settings_protection.Protection | None,
    old: Manifest,
    manifest: Manifest,
    plan: Plan,
) -> None:
    disk = read_bytes(root, SETTINGS)
    text = disk.decode("utf-8") if disk is not None else ""
    current: dict[str, Any] = json.loads(text) if text.strip() else {}
    rec: ManifestSettings = old["settings"] or {
        "existed": disk is not None,
        "original_text": text if disk is not None else None,
        "entries": [],
        "created": [],
    }
    # No entry may run a file that will not be there: a dispatcher the user deleted is not wired.
    exists = _exists_after(root, plan)

    def present(module: str) -> bool:
        return exists(LAUNCHER) and exists(f"{HOOKS_DIR}/{module}.py")

    wired = [e for e in entries if present(str(settings_merge.module_of(e["handler"]["command"])))]
    stale = [e for e in rec["entries"] if e not in wired]
    cleaned = settings_merge.unmerge_hooks(current, stale, rec.get("created", []))
    for e in settings_merge.edited_entries(cleaned, wired):
        plan.warnings.append(
            f"{SETTINGS}: hooks.{e['event']}: you edited the kit's entry; yours is kept, the kit's would be "
            + json.dumps({"matcher": e["matcher"], **e["handler"]}, ensure_ascii=False)
        )
    merged, created = settings_merge.merge_hooks(cleaned, wired)
    created_all = sorted(set(rec.get("created", [])) | set(created))
    merged, removed = settings_merge.drop_kit_handlers(merged, present, created_all)
    plan.warnings += [f"{SETTINGS}: removed a kit hook entry whose file is not there: {r}" for r in removed]
    guarded = settings_protection.merge(
        merged,
        protection or settings_protection.wanted(None),
        rec.get("deny", []),
        rec.get("sandbox", {}),
        created_all,
    )
    merged = guarded.settings
    plan.warnings += guarded.warnings
    manifest["settings"] = {
        **rec,
        "entries": wired,
        "created": guarded.created,
        "deny": guarded.deny,
        "sandbox": guarded.sandbox,
    }
    if merged == current and disk is not None:
        plan.actions.append(Action("identical", SETTINGS, "settings"))
    else:
        data = settings_merge.dumps(merged, like=text or None).encode()
        plan.actions.append(
            Action(
                "create" if disk is None else "update",
                SETTINGS,
                "settings",
                write=data,
                note="kit hook entries and permission rules merged; your keys, hooks and rules kept",
            )
        )


def _exists_after(root: Path, plan: Plan) -> Callable[[str], bool]:
    """Whether a file will be there once the plan's file actions are applied."""
    last = {a.path: a for a in plan.actions}

    def exists(rel: str) -> bool:
        a = last.get(rel)
        if a is not None and a.delete:
            return False
        if a is not None and (a.write is not None or a.restore is not None):
            return True
        return (root / rel).is_file()

    return exists


def _plan_claude_md(root: Path, body: str, old: Manifest, manifest: Manifest, plan: Plan) -> None:
    disk = read_bytes(root, CLAUDE_MD_REL)
    text = disk.decode("utf-8") if disk is not None else ""
    rec: ManifestClaudeMd | None = old["claude_md"]
    if rec is not None and disk is None:
        plan.actions.append(Action("skip", CLAUDE_MD_REL, "claude_md", note="deleted by you; left deleted"))
        manifest["claude_md"] = rec
        return
    if rec is not None and disk is not None and not claude_md.has_block(text):
        plan.actions.append(
            Action("skip", CLAUDE_MD_REL, "claude_md", note="you removed the kit block; left out")
        )
        manifest["claude_md"] = rec
        return
    if rec is None:
        rec = {"existed": disk is not None, "separator": claude_md.separator_for(text)}
    new = claude_md.insert_block(text, body, rec["separator"])
    manifest["claude_md"] = rec
    if new == text:
        plan.actions.append(Action("identical", CLAUDE_MD_REL, "claude_md"))
    else:
        plan.actions.append(
            Action(
                "create" if disk is None else "update",
                CLAUDE_MD_REL,
                "claude_md",
                write=new.encode("utf-8"),
                note="kit block only; your text kept",
            )
        )


def _plan_desired(
    root: Path,
    desired: list[Desired],
    old: Manifest,
    manifest: Manifest,
    force: bool,
    plan: Plan,
    kept: frozenset[str] = frozenset(),
) -> None:
    for d in desired:
        if d.path in old["deleted"]:
            note = "yours since you deleted the kit's; kept" if (root / d.path).exists() else ""
            plan.actions.append(
                Action("skip", d.path, d.component, note=note or "deleted by you; left deleted")
            )
            continue
        _plan_file(root, d, old, manifest, force, plan, kept)


def plan_install(
    root: Path,
    desired: list[Desired],
    settings_entries: list[SettingsEntry],
    claude_md_body: str,
    old_manifest: Manifest | None,
    kit_version: str,
    *,
    force: bool = False,
    protection: settings_protection.Protection | None = None,
) -> Plan:
    """Install or update: every kit file in `desired`; kit files no longer desired are removed."""
    old = old_manifest or empty()
    manifest = empty()
    manifest["kit_version"] = kit_version
    manifest["moved_aside"] = dict(old["moved_aside"])
    wanted = {d.path for d in desired}
    # Deleted kit files stay the user's decision; a file they later put there themselves is theirs.
    manifest["deleted"] = [p for p in old["deleted"] if p in wanted]
    manifest["existing_dirs"] = list(old["existing_dirs"]) if old_manifest else _existing_dirs(root, desired)
    plan = Plan(manifest=manifest)
    kept = frozenset() if old_manifest else kept_by_uninstall(root)
    _plan_desired(root, desired, old, manifest, force, plan, kept)
    if kept:
        plan.actions.append(Action("remove", KEPT, "kept", delete=True, note="its files are the kit's again"))
    for rel, rec in sorted(old["files"].items()):
        if rel in wanted:
            continue
        disk = read_bytes(root, rel)
        if disk is None:
            continue
        if rec.get("preexisting") and sha256(disk) == rec.get("sha256"):
            plan.actions.append(
                Action("skip", rel, rec.get("component", "?"), note="no longer in the kit; yours, kept")
            )
        elif sha256(disk) in (rec.get("sha256"), rec.get("base_sha256")):
            plan.actions.append(
                Action("remove", rel, rec.get("component", "?"), delete=True, note="no longer in the kit")
            )
        else:
            plan.actions.append(
                Action("skip", rel, rec.get("component", "?"), note="no longer in the kit; kept your edit")
            )
    _plan_settings(root, settings_entries, protection, old, manifest, plan)
    _plan_claude_md(root, claude_md_body, old, manifest, plan)
    return plan


def kept_by_uninstall(root: Path) -> frozenset[str]:
    """The kit files the last uninstall kept because the user had edited them (none when unreadable:
    then such a file is refused like any other, which loses nothing)."""
    try:
        data = json.loads((root / KEPT).read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):
        return frozenset()
    files = data.get("files") if isinstance(data, dict) else None
    return frozenset(p for p in files if isinstance(p, str)) if isinstance(files, list) else frozenset()


def plan_sync(
    root: Path,
    generated: list[Desired],
    settings_entries: list[SettingsEntry],
    claude_md_body: str,
    old_manifest: Manifest,
    *,
    protection: settings_protection.Protection | None = None,
) -> Plan:
    """Sync: only the files generated from the team's config and library (`generated`), the settings
    entries and the CLAUDE.md block. Every other kit file, and its record, stays as it is."""
    plan, manifest = _plan_files(root, generated, old_manifest, force=False, outside=False)
    _plan_settings(root, settings_entries, protection, old_manifest, manifest, plan)
    _plan_claude_md(root, claude_md_body, old_manifest, manifest, plan)
    return plan


def plan_files(
    root: Path, files: list[Desired], old_manifest: Manifest, *, force: bool = False, outside: bool = False
) -> Plan:
    """Just `files` (`sync`'s generated files, `ci init`'s workflow), added to the installed kit's
    record; every other kit file, and its record, stays as it is. `outside`: the files live outside
    the kit's folders, so the folders that hold them now, before the kit first writes there, are the
    user's and stay at uninstall even when empty."""
    return _plan_files(root, files, old_manifest, force=force, outside=outside)[0]


def _plan_files(
    root: Path, files: list[Desired], old_manifest: Manifest, *, force: bool, outside: bool
) -> tuple[Plan, Manifest]:
    manifest = copy.deepcopy(old_manifest)
    if outside:
        new = [d for d in files if d.path not in old_manifest["files"]]
        manifest["existing_dirs"] = sorted(set(manifest["existing_dirs"]) | set(_existing_dirs(root, new)))
    plan = Plan(manifest=manifest)
    _plan_desired(root, files, old_manifest, manifest, force, plan)
    return plan, manifest


def _existing_dirs(root: Path, desired: list[Desired]) -> list[str]:
    dirs: set[str] = set()
    for d in desired:
        parent = Path(d.path).parent
        while str(parent) not in (".", ""):
            if (root / parent).is_dir():
                dirs.add(parent.as_posix())
            parent = parent.parent
    return sorted(dirs)
