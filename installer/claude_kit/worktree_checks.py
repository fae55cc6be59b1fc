"""doctor's checks for many sessions on one repository: no state left in the checkout (where other
worktrees do not see it), the kit committed (a new worktree gets only what git tracks, so an
uncommitted kit leaves its sessions ungoverned), and the kit's git-ignored files listed in
`.worktreeinclude` (Claude Code copies the ignored files it lists into the worktrees it creates)."""

from __future__ import annotations

import subprocess
from pathlib import Path
from typing import NamedTuple

from claude_kit import fsutil
from claude_kit.state_migration import Legacy
from claude_kit_hooks.contract.layout import COMPILED_CONFIG, CONFIG_YAML, MANIFEST, SETTINGS, git_common_dir
from claude_kit_hooks.contract.records import Manifest

WORKTREE_INCLUDE = ".worktreeinclude"  # at the top of the checkout Claude Code makes a worktree from
COMMIT_FIX = "git add .claude CLAUDE.md && git commit -m 'claude-kit'"


class Check(NamedTuple):
    ok: bool
    what: str
    fix: str
    warn: bool


def _git(root: Path, *args: str) -> list[str]:
    run = subprocess.run(["git", *args], cwd=root, capture_output=True, text=True, check=False)
    return [p for p in run.stdout.split("\0") if p] if run.returncode == 0 else []


class KitInGit(NamedTuple):
    untracked: list[str]  # kit files git does not know: commit them
    ignored: list[str]  # what `.worktreeinclude` must list (a file, or the ignored folder holding it)
    listed: set[str]  # the lines `.worktreeinclude` has


def kit_in_git(root: Path, rec: Manifest) -> KitInGit | None:
    """Where the kit's files stand in git; None outside git or for a project in a subfolder."""
    found = git_common_dir(str(root))
    if found is None or found[1]:
        return None
    needed = sorted({*rec["files"], SETTINGS, CONFIG_YAML, COMPILED_CONFIG, MANIFEST})
    needed = [rel for rel in needed if (root / rel).is_file()]
    tracked = set(_git(root, "ls-files", "-z", "--", *needed))
    missing = [rel for rel in needed if rel not in tracked]
    if not missing:
        return KitInGit([], [], set())
    # What the runtime itself lists before copying: ignored files, a wholly ignored folder as `dir/`.
    entries = _git(root, "ls-files", "-z", "--others", "--ignored", "--exclude-standard", "--directory")
    ignored: set[str] = set()
    untracked = []
    for rel in missing:
        entry = next((e for e in entries if rel == e or (e.endswith("/") and rel.startswith(e))), None)
        if entry is None:
            untracked.append(rel)
        else:
            ignored.add(entry)
    try:
        text = (root / WORKTREE_INCLUDE).read_text(encoding="utf-8")
    except OSError:
        text = ""
    listed = {line.strip().lstrip("/") for line in text.splitlines() if line.strip()}
    return KitInGit(untracked, sorted(ignored), listed)


def checks(root: Path, rec: Manifest) -> list[Check]:
    out = []
    pending = Legacy(root).pending()
    out.append(
        Check(
            not pending,
            "state in the checkout, not shared by its worktrees: " + ", ".join(pending[:4])
            if pending
            else "locks, feature state and decision log are the repository's (shared by its worktrees)",
            "run `claude-kit doctor --fix` (or `claude-kit update`) to move it",
            False,
        )
    )
    state = kit_in_git(root, rec)
    if state is None:
        return out
    shown = ", ".join(state.untracked[:4]) + (" ..." if len(state.untracked) > 4 else "")
    out.append(
        Check(
            not state.untracked,
            f"the kit is not committed ({shown}): a new worktree would run ungoverned"
            if state.untracked
            else "the kit is committed (every worktree gets it)",
            COMMIT_FIX,
            True,
        )
    )
    unlisted = [e for e in state.ignored if e not in state.listed]
    if state.ignored:
        out.append(
            Check(
                not unlisted,
                f"git-ignored kit files listed in {WORKTREE_INCLUDE} (copied into new worktrees)"
                if not unlisted
                else f"git ignores kit files a worktree needs, and {WORKTREE_INCLUDE} does not list them: "
                + ", ".join(unlisted),
                f"run `claude-kit doctor --fix` (adds them to {WORKTREE_INCLUDE}), or stop ignoring them",
                True,
            )
        )
    return out


def fix_worktree_include(root: Path, rec: Manifest) -> list[str]:
    """Add the git-ignored kit files a worktree needs to `.worktreeinclude`, keeping its lines; returns
    the entries added."""
    state = kit_in_git(root, rec)
    if state is None:
        return []
    unlisted = [e for e in state.ignored if e not in state.listed]
    if not unlisted:
        return []
    path = root / WORKTREE_INCLUDE
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        text = ""
    if text and not text.endswith("\n"):
        text += "\n"
    text += "# claude-kit: files the kit needs in every worktree (git ignores them)\n"
    fsutil.atomic_write(path, (text + "".join(f"{e}\n" for e in unlisted)).encode("utf-8"))
    return unlisted
