# claude-kit: managed, id=hooks/claude_kit_hooks/edit/delegation
"""Who should make a change to a domain's file, and how the edit checks say so.

agent_first, coordinator_no_edit and shell_write_warning all end the same way: name the domain's
developer agent and give the one-step spawn call, so these words are written once. read_only_role
says which agents only read (shell_write_warning denies their writes, working_tree reopens them).
"""

from __future__ import annotations

import os

from claude_kit_hooks.contract.layout import CONFIG_YAML

TYPE_CHECKING = False  # typing costs ~14 ms at a hook's start-up; mypy still reads the branch
if TYPE_CHECKING:
    from claude_kit_hooks.contract.records import CompiledConfig

MAX_PATH_IN_MESSAGE = 120


def _q(text: str) -> str:
    from claude_kit_hooks.runtime.jsonio import dumps

    return dumps(text, ensure_ascii=False)


def short_path(rel: str) -> str:
    """A path as messages show it: its tail when it is too long to read."""
    return rel if len(rel) <= MAX_PATH_IN_MESSAGE else "..." + rel[-(MAX_PATH_IN_MESSAGE - 3) :]


def spawn_call(dev: str, rel: str) -> str:
    """The Agent call that hands the change to `dev`, ready to copy."""
    from claude_kit_hooks.runtime.project import spawn_name

    what = rel if len(rel) <= 40 else os.path.basename(rel)
    return (
        f"Agent(subagent_type={_q(spawn_name(dev))}, description={_q('Edit ' + what)}, "
        f"prompt={_q('In ' + short_path(rel) + ': <the change you intended, with acceptance criteria>')})"
    )


def off_switch(name: str) -> str:
    """How the user turns check `name` off."""
    return f"`hooks: {{{name}: {{enabled: false}}}}` in {CONFIG_YAML}"


def developer_for(cfg: CompiledConfig, domain: str) -> str:
    """The domain's developer agent: the config's `agents.developer`, else `<domain>-developer`."""
    dom = cfg["domains"].get(domain)
    return str((dom["agents"].get("developer") if dom else None) or f"{domain}-developer")


def editors_of(cfg: CompiledConfig, domain: str) -> list[str]:
    """The agents besides the developer that may edit the domain's files (`domains.<d>.editors`)."""
    dom = cfg["domains"].get(domain)
    return dom.get("editors", []) if dom else []


def may_edit(cfg: CompiledConfig, domain: str, agent_type: str | None) -> bool:
    """Whether `agent_type` edits the domain's files: its developer or one of its editors."""
    if not agent_type:
        return False
    return agent_type == developer_for(cfg, domain) or agent_type in editors_of(cfg, domain)


READ_ONLY_BUILTINS = ("Explore", "Plan")  # the runtime's own agents that only read


def read_only_role(cfg: CompiledConfig, agent_type: str | None) -> str | None:
    """The role of an agent that must not change code, as messages name it ('backend reviewer',
    'test-lead', 'Explore'); None for developers, testers and agents the config does not name."""
    if not agent_type:
        return None
    if agent_type in READ_ONLY_BUILTINS or agent_type == cfg["test_lead"]:
        return agent_type
    for name, dom in cfg["domains"].items():
        for role in ("reviewer", "lead"):
            if dom["agents"].get(role) == agent_type:
                return f"{name} {role}"
    return None
