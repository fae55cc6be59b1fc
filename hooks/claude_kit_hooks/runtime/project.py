# claude-kit: managed, id=hooks/claude_kit_hooks/runtime/project
"""The project a hook serves: its root, project-relative paths, and which domain or exemption a path
falls under. One instance per hook process; the resolved root is computed once, and a rule's regex
only for a path its hints do not rule out."""

from __future__ import annotations

import os

from claude_kit_hooks.contract.layout import WORKTREES_DIR, KitPaths
from claude_kit_hooks.contract.naming import PLUGIN_ROOT_ENV

TYPE_CHECKING = False  # typing costs ~14 ms at a hook's start-up; mypy still reads the branch
if TYPE_CHECKING:
    from claude_kit_hooks.contract.records import CompiledConfig, Rule

# Where a rule's hints are: [name, regex, glob, hints] and [label, regex, hints].
DOMAIN_HINTS, EXEMPT_HINTS = 3, 2
_WORKTREES = WORKTREES_DIR + "/"


def split_worktree(relpath: str) -> tuple[str, str]:
    """(the worktree's folder, the path inside it) for a path under `.claude/worktrees/<name>/`, whose
    files are matched as the same files at the project root; ("", relpath) for any other path."""
    if not relpath.startswith(_WORKTREES):
        return "", relpath
    name, sep, inner = relpath[len(_WORKTREES) :].partition("/")
    if not name or not sep or not inner:
        return "", relpath
    return _WORKTREES + name, inner


def ruled_out(rule: Rule, at: int, relpath: str) -> bool:
    """The rule's hints (item `at`) show that its regex cannot match: the path contains none of them.
    This saves compiling the regex, and on most edits importing `re` at all. A rule without usable
    hints (a file compiled before them, [] for a glob without a literal, a hand edit) is never ruled
    out: a wrong skip would let an edit through that a rule denies."""
    hints = rule[at] if len(rule) > at else None
    if not hints or not isinstance(hints, list):
        return False
    return all(isinstance(hint, str) and hint not in relpath for hint in hints)


class Project:
    def __init__(self, root: str) -> None:
        self.root = root
        self.paths = KitPaths(root)
        self._real_root: str | None = None
        self._real_claude: str | None = None

    @property
    def real_root(self) -> str:
        if self._real_root is None:
            self._real_root = os.path.realpath(self.root)
        return self._real_root

    @property
    def real_claude(self) -> str:
        """Where `<root>/.claude` really is when it is a symlink (into the repository or out of it);
        "" when it is a plain folder, or a link to the root or above it (nothing to map then)."""
        if self._real_claude is None:
            link = os.path.join(self.root, ".claude")
            target = os.path.realpath(link) if os.path.islink(link) else ""
            real_root = self.real_root
            if target == real_root or real_root.startswith(target + os.sep):
                target = ""
            self._real_claude = target
        return self._real_claude

    def relpath(self, path: str) -> str | None:
        """Path relative to the project root with `/`, symlinks resolved; None when outside the root.

        A file behind a symlinked `.claude` is named `.claude/...` wherever the link points, as the
        config and the kit's paths name it."""
        if not path:
            return None
        real_root = self.real_root
        try:
            full = os.path.realpath(path if os.path.isabs(path) else os.path.join(self.root, path))
        except ValueError:  # embedded NUL or a lone surrogate: no file can have this name
            return None
        claude = self.real_claude
        if claude and (full == claude or full.startswith(claude + os.sep)):
            return ".claude" + full[len(claude) :].replace(os.sep, "/")
        if full != real_root and not full.startswith(real_root + os.sep):
            return None
        return os.path.relpath(full, real_root).replace(os.sep, "/")

    def abspath(self, rel: str) -> str:
        """A project-relative path (with `/`) as an absolute path under the root."""
        return os.path.join(self.root, rel)

    def domain_of(self, cfg: CompiledConfig, relpath: str) -> str | None:
        """The most specific domain whose globs match (the CLI sorts the rules); in a worktree, the
        path relative to the worktree's root is matched."""
        relpath = split_worktree(relpath)[1]
        for rule in cfg["domain_rules"]:
            if ruled_out(rule, DOMAIN_HINTS, relpath):
                continue
            import re

            if re.match(rule[1], relpath):
                name: str = rule[0]
                dom = cfg["domains"].get(name)
                if dom and any(re.match(x, relpath) for x in dom["exclude"]):
                    continue
                return name
        return None

    def exemption_of(self, cfg: CompiledConfig, relpath: str) -> str | None:
        """The first exemption whose rule matches (its label); relative to a worktree's root in one."""
        relpath = split_worktree(relpath)[1]
        for rule in cfg["exempt_rules"]:
            if ruled_out(rule, EXEMPT_HINTS, relpath):
                continue
            import re

            if re.search(rule[1], relpath):
                label: str = rule[0]
                return label
        return None

    def agent_exists(self, name: str) -> bool:
        """A project agent of that name, or one the kit's plugin ships (when these hooks are the plugin's)."""
        if os.path.isfile(self.paths.agent_file(name)):
            return True
        if not os.environ.get(PLUGIN_ROOT_ENV):
            return False
        from claude_kit_hooks.runtime.plugin import shipped_agent

        return shipped_agent(name) is not None


def spawn_name(name: str) -> str:
    """The `subagent_type` a message tells the model to spawn agent `name` with (the plugin edition
    qualifies its own agents: runtime/plugin.py); the plugin module loads only in a plugin's hooks."""
    if not os.environ.get(PLUGIN_ROOT_ENV):
        return name
    from claude_kit_hooks.runtime import plugin

    return plugin.spawn_name(name)
