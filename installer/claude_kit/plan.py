"""A pure plan of file actions for install/update/sync/uninstall. Nothing here writes.

Each action carries one status word (create, identical, update, conflict, skip, remove), so
`--dry-run` is just printing the plan, and `apply.apply_plan` is the only writer.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from claude_kit import claude_md, settings_merge
from claude_kit.manifest import LOCAL_DIR, MANIFEST_REL, base_path, empty, sha256
from claude_kit.merge3 import merge3

SETTINGS_REL = ".claude/settings.json"
CLAUDE_MD_REL = "CLAUDE.md"
ASIDE_SUFFIX = ".pre-claude-kit"
NEW_SUFFIX = ".claude-kit-new"
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
    manifest: dict[str, Any] | None = None
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


def _read(root: Path, rel: str) -> bytes | None:
    try:
        return (root / rel).read_bytes()
    except FileNotFoundError:
        return None
    except IsADirectoryError:
        return b""


def _plan_file(
    root: Path, d: Desired, old: dict[str, Any], manifest: dict[str, Any], force: bool, plan: Plan
) -> None:
    disk = _read(root, d.path)
    rec = old["files"].get(d.path)
    digest = sha256(d.data)
    new_rec: dict[str, Any] = {"sha256": digest, "base_sha256": digest, "component": d.component}
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
    else:
        base = _read(root, base_path(d.path))
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
                    note=f"your edit conflicts with the new kit version: see {d.path}{NEW_SUFFIX}",
                )
            )
            # Keep the old base so the next update can still merge against it.
            manifest["files"][d.path] = {**rec}
            if base is not None:
                plan.base_files[base_path(d.path)] = base


def _plan_settings(
    root: Path, entries: list[dict[str, Any]], old: dict[str, Any], manifest: dict[str, Any], plan: Plan
) -> None:
    disk = _read(root, SETTINGS_REL)
    text = disk.decode("utf-8") if disk is not None else ""
    current: dict[str, Any] = json.loads(text) if text.strip() else {}
    rec = old.get("settings") or {
        "existed": disk is not None,
        "original_text": text if disk is not None else None,
        "entries": [],
        "created": [],
    }
    stale = [e for e in rec["entries"] if e not in entries]
    cleaned, warns = settings_merge.unmerge_hooks(current, stale, rec.get("created", []))
    plan.warnings += [f"{SETTINGS_REL}: {w}" for w in warns]
    merged, created = settings_merge.merge_hooks(cleaned, entries)
    manifest["settings"] = {
        **rec,
        "entries": entries,
        "created": sorted(set(rec.get("created", [])) | set(created)),
    }
    if merged == current and disk is not None:
        plan.actions.append(Action("identical", SETTINGS_REL, "settings"))
    else:
        data = settings_merge.dumps(merged, like=text or None).encode()
        plan.actions.append(
            Action(
                "create" if disk is None else "update",
                SETTINGS_REL,
                "settings",
                write=data,
                note="kit hook entries merged; your keys and hooks kept",
            )
        )


def _plan_claude_md(root: Path, body: str, old: dict[str, Any], manifest: dict[str, Any], plan: Plan) -> None:
    disk = _read(root, CLAUDE_MD_REL)
    text = disk.decode("utf-8") if disk is not None else ""
    rec = old.get("claude_md")
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


def plan_install(
    root: Path,
    desired: list[Desired],
    settings_entries: list[dict[str, Any]],
    claude_md_body: str,
    old_manifest: dict[str, Any] | None,
    kit_version: str,
    *,
    force: bool = False,
) -> Plan:
    old = old_manifest or empty()
    manifest = empty()
    manifest["kit_version"] = kit_version
    manifest["moved_aside"] = dict(old["moved_aside"])
    wanted = {d.path for d in desired}
    # Deleted kit files stay the user's decision; a file they later put there themselves is theirs.
    manifest["deleted"] = [p for p in old["deleted"] if p in wanted]
    manifest["existing_dirs"] = list(old["existing_dirs"]) if old_manifest else _existing_dirs(root, desired)
    plan = Plan(manifest=manifest)
    for d in desired:
        if d.path in old["deleted"]:
            note = "yours since you deleted the kit's; kept" if (root / d.path).exists() else ""
            plan.actions.append(
                Action("skip", d.path, d.component, note=note or "deleted by you; left deleted")
            )
            continue
        _plan_file(root, d, old, manifest, force, plan)
    for rel, rec in sorted(old["files"].items()):
        if rel in wanted:
            continue
        disk = _read(root, rel)
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
    _plan_settings(root, settings_entries, old, manifest, plan)
    _plan_claude_md(root, claude_md_body, old, manifest, plan)
    return plan


def _existing_dirs(root: Path, desired: list[Desired]) -> list[str]:
    dirs: set[str] = set()
    for d in desired:
        parent = Path(d.path).parent
        while str(parent) not in (".", ""):
            if (root / parent).is_dir():
                dirs.add(parent.as_posix())
            parent = parent.parent
    return sorted(dirs)


def plan_uninstall(root: Path, manifest: dict[str, Any] | None) -> Plan:
    plan = Plan(manifest=None)
    if manifest is None:
        return plan
    kept: set[str] = set()
    for rel, rec in sorted(manifest["files"].items()):
        disk = _read(root, rel)
        comp = rec.get("component", "?")
        if disk is None:
            continue
        if rec.get("preexisting") and sha256(disk) == rec.get("sha256"):
            kept.add(rel)
            plan.actions.append(Action("skip", rel, comp, note="was there before the kit; kept"))
        elif sha256(disk) in (rec.get("sha256"), rec.get("base_sha256")):
            plan.actions.append(Action("remove", rel, comp, delete=True))
        else:
            kept.add(rel)
            plan.actions.append(
                Action("skip", rel, comp, note="you edited it; kept (delete it by hand if unwanted)")
            )
    for rel, aside in sorted(manifest["moved_aside"].items()):
        if not (root / aside).exists():
            continue
        if rel in kept:
            # Never replace the user's edited file with the one moved aside: both stay.
            plan.warnings.append(f"{rel}: your original stays at {aside} (the file here has your edits)")
            continue
        plan.actions.append(
            Action("update", rel, "restore", restore=aside, note=f"your file restored from {aside}")
        )
    srec = manifest.get("settings")
    disk = _read(root, SETTINGS_REL)
    if srec is not None and disk is not None:
        text = disk.decode("utf-8")
        current = json.loads(text) if text.strip() else {}
        unmerged, warns = settings_merge.unmerge_hooks(current, srec["entries"], srec.get("created", []))
        plan.warnings += [f"{SETTINGS_REL}: {w}" for w in warns]
        original = srec.get("original_text")
        if srec.get("existed") and original is not None and _loads(original) == unmerged:
            new: bytes | None = original.encode("utf-8")
        elif not srec.get("existed") and unmerged == {}:
            new = None
        else:
            new = settings_merge.dumps(unmerged, like=text).encode()
        if new is None:
            plan.actions.append(Action("remove", SETTINGS_REL, "settings", delete=True))
        elif new != disk:
            plan.actions.append(
                Action("update", SETTINGS_REL, "settings", write=new, note="kit hook entries removed")
            )
    crec = manifest.get("claude_md")
    disk = _read(root, CLAUDE_MD_REL)
    if crec is not None and disk is not None:
        text = disk.decode("utf-8")
        stripped = claude_md.remove_block(text, crec["separator"])
        if not crec.get("existed") and not stripped.strip():
            plan.actions.append(Action("remove", CLAUDE_MD_REL, "claude_md", delete=True))
        elif stripped != text:
            plan.actions.append(
                Action(
                    "update",
                    CLAUDE_MD_REL,
                    "claude_md",
                    write=stripped.encode("utf-8"),
                    note="kit block removed",
                )
            )
    plan.remove_paths = [MANIFEST_REL, LOCAL_DIR, ".claude/.claude-kit/base"]
    kit_dirs: set[str] = set()
    for rel in manifest["files"]:
        parent = Path(rel).parent
        while parent.as_posix() not in (".", ""):
            kit_dirs.add(parent.as_posix())
            parent = parent.parent
    keep = set(manifest.get("existing_dirs", []))
    plan.prune_dirs = sorted(
        (d for d in kit_dirs | {".claude/.claude-kit", ".claude"} if d not in keep),
        key=lambda d: (d.count("/"), d),
        reverse=True,
    )
    return plan


def _loads(text: str) -> Any:
    try:
        return json.loads(text) if text.strip() else {}
    except ValueError:
        return None
