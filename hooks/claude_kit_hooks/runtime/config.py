# claude-kit: managed, id=hooks/claude_kit_hooks/runtime/config
"""The compiled config (.claude/hooks/claude-kit.json): load it, fill what it lacks from the shared
defaults, and tell when the team's YAML changed after it was compiled."""

from __future__ import annotations

import os

from claude_kit_hooks.contract.layout import COMPILED_CONFIG, CONFIG_YAML
from claude_kit_hooks.runtime.jsonio import loads

TYPE_CHECKING = False  # typing costs ~14 ms at a hook's start-up; mypy still reads the branch
if TYPE_CHECKING:
    from typing import Any

    from claude_kit_hooks.contract.layout import KitPaths
    from claude_kit_hooks.contract.records import CompiledConfig

# Sections the CLI always writes; a compiled file from another kit version or a hand edit may lack
# some, and the hooks then use the shared defaults instead of guessing per call site.
_SECTIONS = ("spawn", "orchestration", "compaction", "budget", "limits", "advisor", "logging")


def load(paths: KitPaths) -> CompiledConfig | None:
    """The compiled config, completed with defaults; None when it does not exist (not installed)."""
    try:
        with open(paths.config_json, encoding="utf-8") as f:
            raw = loads(f.read())
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        raise RuntimeError(f"{COMPILED_CONFIG} is unreadable ({exc}); run `claude-kit sync`") from None
    if not isinstance(raw, dict):
        raise RuntimeError(f"{COMPILED_CONFIG} is not a JSON object; run `claude-kit sync`")
    return complete(raw)


def complete(raw: dict[str, Any]) -> CompiledConfig:
    from claude_kit_hooks.contract.defaults import DEFAULTS, TEST_LEAD

    cfg: dict[str, Any] = dict(raw)
    for key in _SECTIONS:
        section = _copy(DEFAULTS[key])
        given = raw.get(key)
        if isinstance(given, dict):
            section.update(given)
        cfg[key] = section
    domains = raw.get("domains")
    cfg["domains"] = {
        name: _domain(dom) for name, dom in (domains.items() if isinstance(domains, dict) else ())
    }
    for key in ("domain_rules", "exempt_rules"):
        value = raw.get(key)
        cfg[key] = [r for r in value if _is_rule(r)] if isinstance(value, list) else []
    hooks = raw.get("hooks")
    cfg["hooks"] = hooks if isinstance(hooks, dict) else {}
    extra = raw.get("extra_tools")
    cfg["extra_tools"] = [t for t in extra if _is_extra_tool(t)] if isinstance(extra, list) else []
    cfg["output_dir"] = _text(raw.get("output_dir"), DEFAULTS["output_dir"]).rstrip("/")
    cfg["test_lead"] = _text(raw.get("test_lead"), TEST_LEAD)
    secrets = raw.get("secrets")
    secrets = secrets if isinstance(secrets, dict) else {}
    cfg["secrets"] = {"names": _strings(secrets.get("names")), "files": _strings(secrets.get("files"))}
    return cfg  # type: ignore[return-value]  # completed to the CompiledConfig shape above


def _copy(value: Any) -> Any:
    # Nested, so that a check changing its config (budget prices) never changes the shared DEFAULTS
    # that the next hook run in the same process (tests) completes from.
    return {k: _copy(v) for k, v in value.items()} if isinstance(value, dict) else value


def _text(value: Any, default: str) -> str:
    return value if isinstance(value, str) and value else default


def _is_rule(rule: Any) -> bool:
    # [name or label, regex, ...]: the checks compile item 1 and report item 0, so both must be text.
    # The hints that end a rule are optional (a file compiled before them has none) and kept as they
    # are: runtime.project.ruled_out trusts only a list of texts, so no rule is copied on every run.
    return isinstance(rule, list) and len(rule) >= 2 and isinstance(rule[0], str) and isinstance(rule[1], str)


def _strings(value: Any) -> list[str]:
    # A hand edit may put one string or a number where a list of strings belongs: keep what fits.
    return [x for x in value if isinstance(x, str)] if isinstance(value, list) else []


def _domain(dom: Any) -> dict[str, Any]:
    dom = dom if isinstance(dom, dict) else {}
    agents = dom.get("agents")
    checks = dom.get("checks")
    return {
        "paths": _strings(dom.get("paths")),
        "exclude": _strings(dom.get("exclude")),
        "agents": {k: v for k, v in agents.items() if isinstance(v, str)} if isinstance(agents, dict) else {},
        "editors": _strings(dom.get("editors")),
        "test_planning": bool(dom.get("test_planning", False)),
        "checks": [_check(c) for c in checks if _is_check(c)] if isinstance(checks, list) else [],
    }


def _is_extra_tool(tool: Any) -> bool:
    # The routing reads every key: an entry a hand edit broke is dropped rather than crash each call.
    from claude_kit_hooks.contract.defaults import EXTRA_TOOL_KINDS

    return (
        isinstance(tool, dict)
        and tool.get("kind") in EXTRA_TOOL_KINDS
        and all(isinstance(tool.get(k), str) and tool[k] for k in ("tool", "field"))
        and all(tool.get(k) is None or isinstance(tool[k], str) for k in ("regex", "root_field", "workdir"))
    )


def _is_check(check: Any) -> bool:
    return isinstance(check, dict) and all(isinstance(check.get(k), str) for k in ("name", "run"))


def _check(check: dict[str, Any]) -> dict[str, Any]:
    from claude_kit_hooks.contract.defaults import CHECK_TIMEOUT_DEFAULT

    timeout = check.get("timeout")
    if not isinstance(timeout, int) or isinstance(timeout, bool) or timeout <= 0:
        timeout = CHECK_TIMEOUT_DEFAULT
    cwd = check.get("cwd")
    return {**check, "timeout": timeout, "cwd": cwd if isinstance(cwd, str) and cwd else "."}


def stale_reason(paths: KitPaths, cfg: CompiledConfig) -> str | None:
    """The YAML changed after it was compiled? mtime first (one stat), hash only when it suggests so."""
    try:
        if os.stat(paths.config_yaml).st_mtime <= os.stat(paths.config_json).st_mtime:
            return None
        import hashlib

        with open(paths.config_yaml, "rb") as f:
            digest = hashlib.sha256(f.read()).hexdigest()
    except OSError:
        return None
    if digest == cfg.get("source_sha256"):
        return None
    return f"{CONFIG_YAML} changed after it was compiled, so the last compiled rules apply"
