# claude-kit: managed, id=hooks/claude_kit_hooks/runtime/project
"""The project a hook serves: its root, project-relative paths, and which domain or exemption a path
falls under. One instance per hook process; regexes and the resolved root are computed once."""

from __future__ import annotations

import os

from claude_kit_hooks.contract.layout import KitPaths

TYPE_CHECKING = False  # typing costs ~14 ms at a hook's start-up; mypy still reads the branch
if TYPE_CHECKING:
    import re

    from claude_kit_hooks.contract.records import CompiledConfig


class Project:
    def __init__(self, root: str) -> None:
        self.root = root
        self.paths = KitPaths(root)
        self._real_root: str | None = None
        self._rules: list[tuple[str, re.Pattern[str]]] | None = None

    @property
    def real_root(self) -> str:
        if self._real_root is None:
            self._real_root = os.path.realpath(self.root)
        return self._real_root

    def relpath(self, path: str) -> str | None:
        """Path relative to the project root with `/`, symlinks resolved; None when outside the root."""
        if not path:
            return None
        real_root = self.real_root
        try:
            full = os.path.realpath(path if os.path.isabs(path) else os.path.join(self.root, path))
        except ValueError:  # embedded NUL or a lone surrogate: no file can have this name
            return None
        if full != real_root and not full.startswith(real_root + os.sep):
            return None
        return os.path.relpath(full, real_root).replace(os.sep, "/")

    def abspath(self, rel: str) -> str:
        """A project-relative path (with `/`) as an absolute path under the root."""
        return os.path.join(self.root, rel)

    def domain_of(self, cfg: CompiledConfig, relpath: str) -> str | None:
        """The most specific domain whose globs match (the CLI sorts the rules)."""
        import re

        if self._rules is None:
            self._rules = [(rule[0], re.compile(rule[1])) for rule in cfg["domain_rules"]]
        for name, rx in self._rules:
            if rx.match(relpath):
                dom = cfg["domains"].get(name)
                if dom and any(re.match(x, relpath) for x in dom["exclude"]):
                    continue
                return name
        return None

    def exemption_of(self, cfg: CompiledConfig, relpath: str) -> str | None:
        import re

        for label, rx in cfg["exempt_rules"]:
            if re.search(rx, relpath):
                return label
        return None

    def agent_exists(self, name: str) -> bool:
        return os.path.isfile(self.paths.agent_file(name))
