# claude-kit: managed, id=hooks/claude_kit_hooks/contract/protected
"""The kit's protected paths: what the model may not change (the kit's files, the settings that wire
it, the team config, the agents, the state and control files), one definition for the Edit and Bash
checks, the Stop integrity check and `claude-kit doctor`/`audit`.

Paths are project-relative with `/`. A path that holds protected files (`.claude`, the project root
itself) counts as protected too: `rm -rf .claude` removes the kit.
"""

from __future__ import annotations

from claude_kit_hooks.contract.layout import (
    ACTIVE_FEATURE,
    AGENTS_DIR,
    BASE_DIR,
    CONFIG_YAML,
    HOOKS_DIR,
    KIT_DIR,
    LOCKS_FILE,
    MANIFEST,
    PYTHON_CACHE,
    SETTINGS,
    SETTINGS_LOCAL,
    SHARED_IN_GIT,
    in_output,
)

SHARED_STATE_KIND = "the repository's shared kit state (locks, features, decision log)"
# (path or folder prefix ending in `/`, what it is), in the words the deny and the Stop report use.
_KIT_PATHS = (
    (f"{HOOKS_DIR}/", "the kit's hooks"),
    (f"{KIT_DIR}/", "the kit's own files and state"),
    (SETTINGS, "Claude Code's project settings (they wire the hooks)"),
    (SETTINGS_LOCAL, "Claude Code's local settings (they can switch the hooks off)"),
    (CONFIG_YAML, "the team config"),
    (f"{AGENTS_DIR}/", "the team's agent definitions"),
    # The shared state as the main checkout names it; a linked worktree's is outside its root.
    (f".git/{SHARED_IN_GIT}/", SHARED_STATE_KIND),
)

# What the Stop integrity check fingerprints (stoploop.integrity) and doctor compares with the manifest:
# the protected files that stay put while the kit works (its state, logs and byte code change).
INTEGRITY_FILES = (SETTINGS, SETTINGS_LOCAL, CONFIG_YAML, MANIFEST, PYTHON_CACHE)
INTEGRITY_TREES = (HOOKS_DIR, AGENTS_DIR)


def permission_deny_rules() -> tuple[str, ...]:
    """Claude Code permission rules that deny its file tools the kit's own paths (`/` anchors a rule at
    the project root). The runtime enforces them itself, also in `bypassPermissions` mode and on a
    Bash redirection, and its sandbox turns them into write denies for every shell command.

    Of the kit's own folder only what stays put is named (the manifest, the pristine copies, the
    interpreter cache): the session state and logs, the repository's shared state (`.git/claude-kit/`)
    and the output folder's control files are left to the `kit_files` check, since the model's own
    `claude-kit loop`, `feature` and `lock` commands write them, which a sandbox deny would break."""
    changing = (f"{KIT_DIR}/", f".git/{SHARED_IN_GIT}/")  # state, locks and logs the kit writes as it works
    paths = [p for p, _ in _KIT_PATHS if p not in changing] + [MANIFEST, f"{BASE_DIR}/", PYTHON_CACHE]
    return tuple(f"Edit(/{p}**)" if p.endswith("/") else f"Edit(/{p})" for p in paths)


def _output_paths(output_dir: str) -> tuple[tuple[str, str], ...]:
    """Where kits before the shared folder kept these, until `claude-kit update` moves them."""
    locks_dir = in_output(output_dir, LOCKS_FILE).rsplit("/", 1)[0] + "/"
    return (
        (in_output(output_dir, ACTIVE_FEATURE), "the active feature's control file"),
        (locks_dir, "the file locks of parallel agents"),
    )


def protected_kind(rel: str, output_dir: str) -> str | None:
    """What the project-relative path `rel` is, when the model may not change it; None otherwise."""
    rel = rel.strip("/")
    if rel in ("", "."):
        return "the project root (it holds the kit)"
    for path, kind in _KIT_PATHS + _output_paths(output_dir):
        if path.endswith("/"):
            if rel.startswith(path) or rel == path[:-1]:
                return kind
        elif rel == path:
            return kind
        if path.startswith(rel + "/"):  # a folder that holds protected files
            return f"a folder holding {kind}"
    return None
