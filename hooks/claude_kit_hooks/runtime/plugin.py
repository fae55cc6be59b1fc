# claude-kit: managed, id=hooks/claude_kit_hooks/runtime/plugin
"""The plugin edition (`claude-kit export plugin`): a dispatcher started from the plugin's folder serves
the session's project, and in a project with no compiled config it tells the user, once, how to set up."""

from __future__ import annotations

import os

from claude_kit_hooks.contract.naming import PLUGIN_NAME, PLUGIN_ROOT_ENV

TYPE_CHECKING = False  # typing costs ~14 ms at a hook's start-up; mypy still reads the branch
if TYPE_CHECKING:
    from collections.abc import Mapping

    from claude_kit_hooks.runtime.hook import Hook

SETUP_NOTICE = (
    "claude-kit plugin: this project has no compiled team config (.claude/hooks/claude-kit.json), so "
    "the plugin's hooks enforce nothing here. To govern it, run `claude-kit sync --plugin` in the "
    "repository (outside Claude Code, with claude-kit installed: see its README), then commit "
    ".claude/claude-kit.yaml and .claude/hooks/claude-kit.json."
)


def plugin_project(hooks_dir: str, env: Mapping[str, str]) -> str | None:
    """The project a dispatcher in `hooks_dir` serves when that folder is the plugin's hooks folder
    (the session's CLAUDE_PROJECT_DIR, else the working directory); None for a repository install."""
    plugin = env.get(PLUGIN_ROOT_ENV)
    if not plugin:
        return None
    try:
        if not os.path.samefile(os.path.join(plugin, "hooks"), hooks_dir):
            return None
    except (OSError, ValueError):
        return None
    return os.path.abspath(env.get("CLAUDE_PROJECT_DIR") or os.getcwd())


def _loaded_from(env: Mapping[str, str]) -> str | None:
    """The plugin's root when these very modules were loaded from its hooks folder, else None."""
    package_hooks = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    return env[PLUGIN_ROOT_ENV] if plugin_project(package_hooks, env) is not None else None


def shipped_agent(name: str, env: Mapping[str, str] | None = None) -> str | None:
    """The file of agent `name` in the plugin these hooks were loaded from; None when they are not a
    plugin's (a repository install's agents are the project's) or it ships no such agent."""
    plugin = _loaded_from(os.environ if env is None else env)
    if plugin is None:
        return None
    path = os.path.join(plugin, "agents", f"{name}.md")
    return path if os.path.isfile(path) else None


def plugin_file(path: str, root: str, env: Mapping[str, str] | None = None) -> str | None:
    """`path` (relative to project `root` unless absolute) relative to the plugin these hooks were loaded
    from, links resolved; None when it lies outside it or these hooks are not a plugin's."""
    plugin = _loaded_from(os.environ if env is None else env)
    if not path or plugin is None:
        return None
    plugin = os.path.realpath(plugin)
    full = os.path.realpath(os.path.join(root, path))
    if full != plugin and not full.startswith(plugin.rstrip(os.sep) + os.sep):
        return None
    return os.path.relpath(full, plugin).replace(os.sep, "/")


def spawn_name(name: str) -> str:
    """The `subagent_type` that spawns agent `name`: the runtime knows a plugin's agents only as
    `<plugin>:<name>` (an unqualified name is "not found"), so the plugin's hooks name theirs so."""
    return name if shipped_agent(name) is None else f"{PLUGIN_NAME}:{name}"


def setup_notice(hook: Hook) -> None:
    """SessionStart in a project the plugin serves without a compiled config: one message to the user
    when the session starts or resumes (not again after /clear or a compaction), nothing to the model."""
    if hook.payload.get("source") in ("startup", "resume", None):
        hook.messages.append(SETUP_NOTICE)
