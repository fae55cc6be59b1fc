# claude-kit: managed, id=hooks/claude_kit_hooks/contract/layout
"""Where everything lives under a repository's `.claude/`, relative to the project root with `/`.

The CLI joins these onto its `Path` root; the hooks build a `KitPaths` for the project they serve.
"""

from __future__ import annotations

import os

CLAUDE_DIR = ".claude"
HOOKS_DIR = ".claude/hooks"
LAUNCHER = f"{HOOKS_DIR}/run"
# A settings.json command that is the kit's (group 2: the module it runs); older form without `|| exit 1`.
KIT_COMMAND_PATTERN = r'(^|["\s/])' + LAUNCHER.replace(".", r"\.") + r'"?\s+([a-z_]+)(\s*\|\|\s*exit 1)?\s*$'
# Under the user's home: `claude-kit user-hooks install` (subdirectory sessions; installer/user_hooks.py).
USER_KIT_DIR = ".claude/claude-kit"
USER_DISPATCHER = f"{USER_KIT_DIR}/dispatch"
COMPILED_CONFIG = f"{HOOKS_DIR}/claude-kit.json"
CONFIG_YAML = ".claude/claude-kit.yaml"
AGENTS_DIR = ".claude/agents"
SKILLS_DIR = ".claude/skills"
SKILL_LIBRARY_DIR = ".claude/skill-library"
SKILL_INDEX = f"{SKILL_LIBRARY_DIR}/index.json"  # the routing index `claude-kit sync` writes
SETTINGS = ".claude/settings.json"
SETTINGS_LOCAL = ".claude/settings.local.json"  # the user's, never the kit's
KIT_DIR = ".claude/.claude-kit"
MANIFEST = f"{KIT_DIR}/manifest.json"
BASE_DIR = f"{KIT_DIR}/base"
LOCAL_DIR = f"{KIT_DIR}/local"  # machine-local, git-ignored
KEPT = f"{KIT_DIR}/kept.json"  # the kit files uninstall kept (edited): the next install adopts them
PYTHON_CACHE = f"{LOCAL_DIR}/python"
# While an install, update, sync or uninstall changes the kit's files: the journal (the launcher runs no
# hook while it exists) and the originals it saved; the next lifecycle command finishes or undoes it.
JOURNAL = f"{LOCAL_DIR}/journal.json"
UNDO_DIR = f"{LOCAL_DIR}/undo"
PYCACHE_DIR = f"{LOCAL_DIR}/pycache"
STATE_DIR = f"{LOCAL_DIR}/state"
# Before the shared folder (below) older kits kept the decision log here, and the locks and feature
# state under the output folder; `claude-kit update` and `doctor --fix` move them (shared_state.py).
LEGACY_DECISION_LOG = f"{LOCAL_DIR}/log/decisions.jsonl"
ERROR_LOG = f"{LOCAL_DIR}/errors.log"
CHECK_CACHE = f"{LOCAL_DIR}/cache/checks.json"  # the quality gate's passes, by content hash
DEFAULT_OUTPUT_DIR = ".claude/.output"
# Where Claude Code puts the git worktrees of `isolation: "worktree"` agents and of EnterWorktree:
# `<root>/.claude/worktrees/<name>/` is a checkout of the whole project.
WORKTREES_DIR = ".claude/worktrees"
CONFLICT_SUFFIX = ".claude-kit-new"  # the kit's version beside a file whose 3-way merge conflicted

# Under the output folder (the config's `output_dir`): the agents' reports of a feature, and escalations.
FEATURES_DIR = "features"
ESCALATIONS_DIR = "escalations"

# The repository's shared state: one folder for every checkout (git worktree) and session of a
# repository, `<git common dir>/claude-kit/` (`.git/claude-kit/` of the main checkout). A project in a
# subfolder of its repository gets `projects/<its path>` below that; a project outside git keeps it in
# its machine-local folder. Under the shared folder:
SHARED_IN_GIT = "claude-kit"
DECISION_LOG = "log/decisions.jsonl"
LOCKS_FILE = "locks/locks.json"
FEATURE_STATE_DIR = "features"  # features/<id>/MANIFEST.yaml, written by `claude-kit feature`
ACTIVE_FEATURE = "features/active.json"  # the feature in progress, for the hooks
SESSIONS_DIR = "sessions"  # sessions/<id>.json: a session's checkout, written at SessionStart


def state_file(session_id: str, name: str) -> str:
    """One session's state file (`feedback`, `loop`, ...) under the machine-local state folder."""
    from claude_kit_hooks.contract.naming import safe_name  # not on the hot path: every import costs

    return f"{STATE_DIR}/{safe_name(session_id)}/{name}.json"


def scratchpad(output_dir: str, session_id: str) -> str:
    """The completion loop's scratchpad for one session."""
    from claude_kit_hooks.contract.naming import safe_name

    return f"{output_dir.rstrip('/')}/loops/{safe_name(session_id)}/scratchpad.md"


def in_output(output_dir: str, rel: str) -> str:
    """A path under the output folder (`rel` is one of the names above)."""
    return f"{output_dir.rstrip('/')}/{rel}"


def output_dir_of(cfg: object) -> str:
    """The config's output folder without a trailing `/` (the default when unset)."""
    value = cfg.get("output_dir") if isinstance(cfg, dict) else None
    return (value if isinstance(value, str) and value else DEFAULT_OUTPUT_DIR).rstrip("/")


def git_common_dir(root: str) -> tuple[str, str] | None:
    """(the git common directory, the root's path inside its checkout with `/`, "" at the top) for a
    project root; None outside git. Read by hand, no `git` process: a checkout's `.git` is a folder,
    a linked worktree's a file `gitdir: <its git dir>`, whose `commondir` file names the common one."""
    here, inner = os.path.abspath(root), ""
    while True:
        dotgit = os.path.join(here, ".git")
        if os.path.isdir(dotgit):  # a stat: the common case costs no open
            return dotgit, inner
        try:
            with open(dotgit, encoding="utf-8") as f:
                line = f.readline(4096).strip()
        except OSError:
            parent = os.path.dirname(here)
            if parent == here:
                return None
            inner = f"{os.path.basename(here)}/{inner}".rstrip("/")
            here = parent
            continue
        if not line.startswith("gitdir:"):
            return None
        gitdir = os.path.join(here, line[len("gitdir:") :].strip())
        try:
            with open(os.path.join(gitdir, "commondir"), encoding="utf-8") as f:
                common = os.path.join(gitdir, f.readline(4096).strip())
        except OSError:  # a submodule's git dir: its own repository
            common = gitdir
        return os.path.normpath(common), inner


def shared_dir(root: str) -> str:
    """The repository's shared state folder for a project root (absolute, native separators)."""
    found = git_common_dir(root)
    if found is None:
        return os.path.join(root, *LOCAL_DIR.split("/"))
    common, inner = found
    if not inner:
        return os.path.join(common, SHARED_IN_GIT)
    return os.path.join(common, SHARED_IN_GIT, "projects", *inner.split("/"))


class KitPaths:
    """Absolute paths for one project root (native separators), computed once per hook process."""

    __slots__ = ("root", "local", "state_dir", "config_json", "config_yaml", "error_log", "_shared")

    def __init__(self, root: str) -> None:
        self.root = root
        self.local = self.abs(LOCAL_DIR)
        self.state_dir = self.abs(STATE_DIR)
        self.config_json = self.abs(COMPILED_CONFIG)
        self.config_yaml = self.abs(CONFIG_YAML)
        self.error_log = self.abs(ERROR_LOG)
        self._shared = ""

    def abs(self, rel: str) -> str:
        return os.path.join(self.root, *rel.split("/"))

    @property
    def shared(self) -> str:
        """The repository's shared state folder, found on first use (one or two small reads)."""
        if not self._shared:
            self._shared = shared_dir(self.root)
        return self._shared

    def shared_file(self, rel: str) -> str:
        """A path under the shared folder (`rel` is one of the names above)."""
        return os.path.join(self.shared, *rel.split("/"))

    @property
    def decision_log(self) -> str:
        return self.shared_file(DECISION_LOG)

    def state(self, session_id: str, name: str) -> str:
        return self.abs(state_file(session_id, name))

    def agent_file(self, name: str) -> str:
        return self.abs(f"{AGENTS_DIR}/{name}.md")
