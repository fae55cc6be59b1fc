# claude-kit: managed, id=hooks/claude_kit_hooks/edit/shell_paths
"""Which project files a path a shell command writes stands for: `~`, globs (bounded, so a deep
glob cannot outlast the hook), a folder as the files under it, and without what git ignores."""

from __future__ import annotations

import os

TYPE_CHECKING = False  # typing costs ~14 ms at a hook's start-up; mypy still reads the branch
if TYPE_CHECKING:
    Target = tuple[str, str]  # (path, how it is written)
    Found = dict[str, tuple[str, list[Target]]]  # {domain: (developer, [(relpath, how)])}

MAX_GLOB_WILDCARDS = 4  # path segments with a wildcard that are expanded; more could take minutes


def expand(path: str, cwd: str, root: str) -> list[str]:
    """Absolute paths for one written path: `~` expanded, globs expanded (or kept when they match
    nothing), a folder as the files under it (bounded). Only paths under the project root are
    expanded: a deep glob elsewhere (`/*/*/*/*/*/x`) would outlast the hook's timeout."""
    if "$" in path or "`" in path:
        return []  # a variable or command substitution: unknown until the shell runs
    path = os.path.expanduser(path)
    full = os.path.normpath(path if os.path.isabs(path) else os.path.join(cwd, path))
    if full != root and not full.startswith(root.rstrip(os.sep) + os.sep):
        return [full]  # outside the project (or through a symlink: relpath resolves it)
    if any(ch in full[len(root) :] for ch in "*?["):
        import glob
        import itertools

        if sum(any(ch in part for ch in "*?[") for part in full.split(os.sep)) > MAX_GLOB_WILDCARDS:
            return [full]
        return list(itertools.islice(glob.iglob(full), 50)) or [full]
    if os.path.isdir(full):
        from claude_kit_hooks.edit.shell_programs import walk

        return [full, *walk(full)[:200]]  # `rm -rf cmd/api`, `git checkout -- .`: what is under it
    return [full]


def without_ignored(root: str, found: Found) -> Found:
    """Drop the files git ignores (build output, `node_modules`, `.env` under a folder domain): the
    working-tree scan ignores them too, and deleting `ui/dist` is housekeeping, not a change to
    review. One `git check-ignore` for the whole command, only on the way to a deny."""
    from claude_kit_hooks.runtime.processes import git

    rels = sorted({rel for _dev, files in found.values() for rel, _how in files})
    listed = git(root, ["check-ignore", "--stdin", "-z"], timeout=5, stdin="\0".join(rels).encode() + b"\0")
    # None: exit 1 (nothing ignored), 128 (not a git repository), or no git at all
    ignored = set(listed.decode("utf-8", "surrogateescape").split("\0")) if listed else set()
    if not ignored:
        return found
    out: Found = {}
    for domain, (dev, files) in found.items():
        kept = [(rel, how) for rel, how in files if rel not in ignored]
        if kept:
            out[domain] = (dev, kept)
    return out
