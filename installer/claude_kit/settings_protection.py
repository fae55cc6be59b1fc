"""Merge the kit's runtime-enforced protection (permission deny rules, sandbox keys) into settings.json.

Claude Code enforces these itself, with or without the kit's hooks: `permissions.deny` rules refuse
Edit/Write/NotebookEdit (and a Bash redirection) on the kit's paths, and the opt-in sandbox turns
them into write denies for every shell command. Like the hook entries, the kit adds only what is
not there, records what it added, and takes out exactly that: the user's own rules and keys stay,
in their order, and a value the user changed is theirs.
"""

from __future__ import annotations

import copy
import json
from dataclasses import dataclass, field
from typing import Any

from claude_kit.errors import KitError
from claude_kit_hooks.contract.layout import SETTINGS
from claude_kit_hooks.contract.protected import permission_deny_rules

# With the switch on: shell commands run in the sandbox, and the model cannot ask to run one outside it
# (`dangerouslyDisableSandbox` would otherwise lift it, unasked in bypassPermissions mode).
SANDBOX_KEYS: dict[str, Any] = {"enabled": True, "allowUnsandboxedCommands": False}


@dataclass(frozen=True)
class Protection:
    """What the kit wants in the settings besides its hook entries."""

    deny: tuple[str, ...] = ()
    sandbox: dict[str, Any] = field(default_factory=dict)


def wanted(cfg: dict[str, Any] | None) -> Protection:
    """The protection the team's config asks for (`protection.permission_rules`, `protection.sandbox`);
    without a config, the defaults: the rules, no sandbox."""
    switches = (cfg or {}).get("protection") or {}
    return Protection(
        deny=permission_deny_rules() if switches.get("permission_rules", True) else (),
        sandbox=dict(SANDBOX_KEYS) if switches.get("sandbox", False) else {},
    )


@dataclass
class Merged:
    """Settings with the protection merged in, and what the manifest records about it."""

    settings: dict[str, Any]
    deny: list[str]
    sandbox: dict[str, Any]
    created: list[str]
    warnings: list[str] = field(default_factory=list)


def _container(settings: dict[str, Any], key: str, kind: type, where: str) -> Any:
    value = settings.get(key)
    if value is not None and not isinstance(value, kind):
        raise KitError(
            f"{SETTINGS}: `{where}` is not a{'n object' if kind is dict else ' list'}; nothing was changed",
            hint=f"fix `{where}` (Claude Code ignores it as it is), then rerun",
        )
    return value


def _deny_list(settings: dict[str, Any]) -> list[Any] | None:
    permissions = _container(settings, "permissions", dict, "permissions")
    return None if permissions is None else _container(permissions, "deny", list, "permissions.deny")


def unmerge(
    settings: dict[str, Any], deny: list[str], sandbox: dict[str, Any], created: list[str]
) -> dict[str, Any]:
    """Take out the rules and the sandbox keys the kit added (a sandbox key the user changed since
    stays), and the containers the kit created once they are empty."""
    out = copy.deepcopy(settings)
    rules = _deny_list(out)
    if rules is not None:
        rules[:] = [r for r in rules if r not in deny]
        if not rules and "permissions.deny" in created:
            del out["permissions"]["deny"]
    if out.get("permissions") == {} and "permissions" in created:
        del out["permissions"]
    box = _container(out, "sandbox", dict, "sandbox")
    if box is not None:
        for key, value in sandbox.items():
            if key in box and box[key] == value:
                del box[key]
        if not box and "sandbox" in created:
            del out["sandbox"]
    return out


def merge(
    settings: dict[str, Any], want: Protection, deny: list[str], sandbox: dict[str, Any], created: list[str]
) -> Merged:
    """Every wanted rule and sandbox key present once; what the kit added before and wants no more
    taken out. `deny`, `sandbox` and `created` are the manifest's record of the last merge."""
    stale_deny = [r for r in deny if r not in want.deny]
    stale_box = {k: v for k, v in sandbox.items() if want.sandbox.get(k, object()) != v}
    out = unmerge(settings, stale_deny, stale_box, created)
    result = Merged(out, [r for r in deny if r in want.deny], {}, list(created))
    if want.deny:
        permissions = _container(out, "permissions", dict, "permissions")
        if permissions is None:
            permissions = out["permissions"] = {}
            result.created.append("permissions")
        rules = _deny_list(out)
        if rules is None:
            rules = permissions["deny"] = []
            result.created.append("permissions.deny")
        for rule in want.deny:
            if rule not in rules:
                rules.append(rule)
                result.deny.append(rule)
    if want.sandbox:
        box = _container(out, "sandbox", dict, "sandbox")
        if box is None:
            box = out["sandbox"] = {}
            result.created.append("sandbox")
        for key, value in want.sandbox.items():
            if key not in box:
                box[key] = value
                result.sandbox[key] = value
            elif box[key] == value:
                if key in sandbox:
                    result.sandbox[key] = value
            else:
                result.warnings.append(
                    f"{SETTINGS}: sandbox.{key} is {json.dumps(box[key])}, yours; the kit's "
                    f"protection.sandbox wants {json.dumps(value)}: yours is kept"
                )
    result.deny = list(dict.fromkeys(result.deny))
    result.created = sorted(set(result.created))
    return result
