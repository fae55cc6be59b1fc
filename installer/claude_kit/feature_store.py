"""The features of one repository: find, load, save and resolve feature manifests (`features/<id>/
MANIFEST.yaml` in the repository's shared folder, one for every worktree), and mirror the feature in
progress to `features/active.json` there for the hooks (which read JSON only; it is removed when no
feature is in progress). The agents' reports of a feature go to `<output_dir>/features/<id>/` in the
checkout. Writes are atomic, under the folder's lock.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from claude_kit.errors import KitError
from claude_kit.feature_manifest import MANIFEST_NAME, validate
from claude_kit_hooks.contract.layout import ACTIVE_FEATURE, FEATURE_STATE_DIR, FEATURES_DIR, in_output
from claude_kit_hooks.contract.records import ActiveFeature


class Features:
    """The features folder of one repository."""

    def __init__(self, cwd: Path) -> None:
        from claude_kit import config, repo, shared_state

        self.root = repo.find_root(cwd)
        self.dir = shared_state.path(self.root, FEATURE_STATE_DIR)
        self.active_path = shared_state.path(self.root, ACTIVE_FEATURE)
        self.reports = self.root / in_output(config.output_dir(self.root), FEATURES_DIR)

    def rel(self, path: Path) -> str:
        """Project-relative under the root; a linked worktree's shared folder is outside it."""
        from claude_kit.shared_state import shown_path

        return shown_path(self.root, path)

    def folder(self, feature_id: str) -> Path:
        """Where the agents write the feature's reports, in this checkout."""
        return self.reports / feature_id

    def lock(self) -> Any:
        from claude_kit.fsutil import exclusive_lock

        return exclusive_lock(self.dir / ".lock")

    def ids(self) -> list[str]:
        if not self.dir.is_dir():
            return []
        return sorted(p.parent.name for p in self.dir.glob(f"*/{MANIFEST_NAME}"))

    def path(self, feature_id: str) -> Path:
        return self.dir / feature_id / MANIFEST_NAME

    def load(self, feature_id: str) -> dict[str, Any]:
        from claude_kit.knowledge import yaml_load

        path = self.path(feature_id)
        try:
            data = yaml_load(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise KitError(f"{self.rel(path)}: no such feature manifest") from None
        except Exception as exc:  # yaml.YAMLError and decoding errors alike
            raise KitError(f"{self.rel(path)}: unreadable ({exc})", hint="restore it from git") from None
        if not isinstance(data, dict):
            raise KitError(f"{self.rel(path)}: not a mapping", hint="restore it from git")
        validate(data, self.rel(path))
        return data

    def save(self, data: dict[str, Any]) -> None:
        import yaml

        from claude_kit.fsutil import atomic_write

        path = self.path(data["feature_id"])
        validate(data, self.rel(path))  # a kit bug must never write an invalid manifest
        text = "# Written by `claude-kit feature ...`; do not edit by hand.\n" + yaml.safe_dump(
            data, sort_keys=False, allow_unicode=True, default_flow_style=False, width=100
        )
        atomic_write(path, text.encode("utf-8"))

    def resolve(self, ref: str) -> str:
        ids = self.ids()
        if ref == "active":
            active = self.active_id()
            if active is None:
                raise KitError(
                    "no feature is in progress",
                    hint='start one: claude-kit feature start "<name>" --type small',
                )
            return active
        if ref in ids:
            return ref
        by_slug = [i for i in ids if i[16:] == ref]
        matches = by_slug or [i for i in ids if i.startswith(ref)]
        if len(matches) == 1:
            return matches[0]
        listing = ", ".join(ids[-8:]) or "(none)"
        if not matches:
            raise KitError(
                f"no feature matches {ref!r}", hint=f"features: {listing} (see `claude-kit feature status`)"
            )
        raise KitError(f"{ref!r} matches several features: {', '.join(matches)}", hint="give more of the id")

    def all(self) -> list[dict[str, Any]]:
        return [self.load(i) for i in self.ids()]

    def active_id(self) -> str | None:
        live = [m for m in self.all() if m["status"] == "in_progress"]
        if not live:
            return None
        return str(max(live, key=lambda m: (m["updated_at"], m["feature_id"]))["feature_id"])

    def write_active(self) -> None:
        """active.json for the hooks: the most recently updated feature in progress, or no file."""
        from claude_kit import logrecord
        from claude_kit.fsutil import atomic_write

        path = self.active_path
        before = logrecord.task_of(path)
        active = self.active_id()
        if active is None:
            path.unlink(missing_ok=True)
            logrecord.log_task_change(self.root, before, ("", ""))
            return
        m = self.load(active)
        data: ActiveFeature = {
            "feature_id": m["feature_id"],
            "dir": self.rel(self.folder(active)),
            "manifest": self.rel(self.path(active)),
            "name": m["name"],
            "work_type": m["work_type"],
            "status": m["status"],
            "current_phase": m["current_phase"],
            "updated_at": m["updated_at"],
        }
        atomic_write(path, (json.dumps(data, indent=1) + "\n").encode())
        logrecord.log_task_change(self.root, before, (data["feature_id"], data["current_phase"] or ""))
