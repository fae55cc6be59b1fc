"""The pure plan of an uninstall: remove what the kit owns as it wrote it, keep what the user edited,
restore the files moved aside, and give settings.json and CLAUDE.md back as they were. Nothing here
writes; `apply.apply_plan` does.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from claude_kit import claude_md, settings_merge, settings_protection
from claude_kit.manifest import sha256
from claude_kit.plan import CLAUDE_MD_REL, Action, Plan, read_bytes
from claude_kit_hooks.contract.layout import (
    BASE_DIR,
    CLAUDE_DIR,
    KEPT,
    KIT_DIR,
    LOCAL_DIR,
    MANIFEST,
    SETTINGS,
)
from claude_kit_hooks.contract.records import Manifest


def plan_uninstall(root: Path, manifest: Manifest | None) -> Plan:
    plan = Plan(manifest=None)
    if manifest is None:
        return plan
    kept: set[str] = set()
    for rel, rec in sorted(manifest["files"].items()):
        disk = read_bytes(root, rel)
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
    edited = sorted(a.path for a in plan.actions if a.note.startswith("you edited it"))
    if edited:
        # Without this record the next install would take the user's edits for a stranger's files.
        record = json.dumps({"files": edited}, indent=1) + "\n"
        plan.actions.append(
            Action("create", KEPT, "kept", write=record.encode(), note="the next install keeps them as yours")
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
    disk = read_bytes(root, SETTINGS)
    if srec is not None and disk is not None:
        text = disk.decode("utf-8")
        current = json.loads(text) if text.strip() else {}
        created = srec.get("created", [])
        unmerged = settings_merge.unmerge_hooks(current, srec["entries"], created)
        # Every kit file goes, so an entry the user edited could only fail: it goes too, and is shown.
        unmerged, removed = settings_merge.drop_kit_handlers(unmerged, lambda _module: False, created)
        unmerged = settings_protection.unmerge(
            unmerged, srec.get("deny", []), srec.get("sandbox", {}), created
        )
        why = "removed a kit hook entry not as the kit wrote it (it would run removed kit files)"
        plan.warnings += [f"{SETTINGS}: {why}: {r}" for r in removed]
        original = srec.get("original_text")
        if srec.get("existed") and original is not None and _loads(original) == unmerged:
            new: bytes | None = original.encode("utf-8")
        elif not srec.get("existed") and unmerged == {}:
            new = None
        else:
            new = settings_merge.dumps(unmerged, like=text).encode()
        if new is None:
            plan.actions.append(Action("remove", SETTINGS, "settings", delete=True))
        elif new != disk:
            plan.actions.append(
                Action("update", SETTINGS, "settings", write=new, note="kit hook entries removed")
            )
    crec = manifest.get("claude_md")
    disk = read_bytes(root, CLAUDE_MD_REL)
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
    plan.remove_paths = [MANIFEST, LOCAL_DIR, BASE_DIR]
    kit_dirs: set[str] = set()
    for rel in manifest["files"]:
        parent = Path(rel).parent
        while parent.as_posix() not in (".", ""):
            kit_dirs.add(parent.as_posix())
            parent = parent.parent
    keep = set(manifest.get("existing_dirs", []))
    plan.prune_dirs = sorted(
        (d for d in kit_dirs | {KIT_DIR, CLAUDE_DIR} if d not in keep),
        key=lambda d: (d.count("/"), d),
        reverse=True,
    )
    return plan


def _loads(text: str) -> Any:
    try:
        return json.loads(text) if text.strip() else {}
    except ValueError:
        return None
