"""The team config: load and validate `.claude/claude-kit.yaml`, detect domains, compile for the hooks.

Hooks never parse YAML (it costs ~18 ms per call); the CLI compiles the config to
`.claude/hooks/claude-kit.json`, which records the YAML's sha256 so a hook can tell it is stale.
"""

from __future__ import annotations

import copy
import hashlib
import json
import re
from functools import cache
from pathlib import Path
from typing import Any

import yaml

from claude_kit import globs, yaml_strict
from claude_kit._version import __version__
from claude_kit.errors import KitError
from claude_kit_hooks.contract.defaults import (
    AGENT_ROLES,
    CHECK_TIMEOUT_DEFAULT,
    COMPILED_FORMAT,
    DEFAULTS,
    DOC_FILE_RULES,
    EDIT_TOOLS,
    HOOK_NAMES,
    SECRET_READ_TOOLS,
    SHELL_TOOLS,
    SPAWN_TOOLS,
    TEST_FILE_RULES,
    TEST_LEAD,
)
from claude_kit_hooks.contract.layout import COMPILED_CONFIG, CONFIG_YAML, output_dir_of
from claude_kit_hooks.contract.records import CompiledConfig, Domain, ExtraTool, Rule

# The contract's names for the team config and its compiled form, as the tests know them.
CONFIG_REL = CONFIG_YAML
COMPILED_REL = COMPILED_CONFIG


@cache
def schema() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((Path(__file__).parent / "schemas" / "config.schema.json").read_text())
    return data


def _deep_merge(base: dict[str, Any], over: dict[str, Any]) -> dict[str, Any]:
    out = copy.deepcopy(base)
    for key, value in over.items():
        if isinstance(value, dict) and isinstance(out.get(key), dict) and key != "domains":
            out[key] = _deep_merge(out[key], value)
        else:
            out[key] = copy.deepcopy(value)
    return out


def yaml_line_of(text: str, path: list[str | int]) -> int | None:
    """1-based line of the YAML node at `path`, for error messages."""
    try:
        node = yaml.compose(text)
    except yaml.YAMLError:
        return None
    line = node.start_mark.line + 1 if node is not None else None
    for part in path:
        if isinstance(node, yaml.MappingNode):
            pair = next(((k, v) for k, v in node.value if k.value == part), None)
            if pair is None:
                break
            node, line = pair[1], pair[0].start_mark.line + 1  # the key's line
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
            line = node.start_mark.line + 1
        else:
            break
    return line


def error_key_path(err: Any) -> list[str | int]:
    """The YAML path to point at: the offending key itself for unknown or misspelt keys."""
    path: list[str | int] = list(err.path)
    if "propertyNames" in err.relative_schema_path and isinstance(err.instance, str):
        return [*path, err.instance]
    if err.validator == "additionalProperties" and isinstance(err.instance, dict):
        known = err.schema.get("properties", {})
        extra = next((k for k in err.instance if k not in known), None)
        if extra is not None:
            return [*path, extra]
    return path


def schema_problems(text: str, data: Any, json_schema: dict[str, Any], source: str) -> list[str]:
    """Every way the YAML `text` (parsed as `data`) breaks `json_schema`: `source:line: $.path -> why`."""
    from jsonschema import Draft202012Validator

    problems = []
    errors = Draft202012Validator(json_schema).iter_errors(data)
    for err in sorted(errors, key=lambda e: list(map(str, e.path))):
        line = yaml_line_of(text, error_key_path(err))
        where = f"{source}:{line}" if line else source
        problems.append(f"{where}: {err.json_path} -> {err.message}")
    return problems


def load_yaml(text: str, source: str, *, then: str) -> Any:
    """`text` as YAML; a syntax error is a KitError at `source:line:column` whose hint ends in `then`."""
    try:
        return yaml_strict.load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"{source}:{mark.line + 1}:{mark.column + 1}" if mark else source
        problem = getattr(exc, "problem", None) or str(exc)
        raise KitError(f"{where}: invalid YAML: {problem}", hint=f"fix the syntax, then {then}") from None
    except RecursionError:
        raise KitError(f"{source}: invalid YAML: nested too deeply", hint=f"fix it, then {then}") from None


def parse(text: str, source: str) -> dict[str, Any]:
    """Parse and validate config text; every problem is reported with its path and line."""
    data = load_yaml(text, source, then="run `claude-kit sync`")
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise KitError(f"{source}: the config must be a mapping (got {type(data).__name__})")
    problems = schema_problems(text, data, schema(), source)
    if problems:
        raise KitError(
            "invalid config:\n  " + "\n  ".join(problems),
            hint="fix the lines above, then run `claude-kit sync`",
        )
    merged = _deep_merge(DEFAULTS, data)
    comp = merged["compaction"]
    if not comp["warn_percent"] <= comp["must_percent"] <= comp["deny_percent"]:
        line = yaml_line_of(text, ["compaction"])
        problems.append(
            f"{source}:{line}: $.compaction -> warn_percent <= must_percent <= deny_percent must hold "
            f"(got {comp['warn_percent']}, {comp['must_percent']}, {comp['deny_percent']})"
        )
    problems += _extra_tool_problems(text, merged["extra_tools"], source)
    if problems:
        raise KitError(
            "invalid config:\n  " + "\n  ".join(problems),
            hint="fix the lines above, then run `claude-kit sync`",
        )
    return merged


def tool_name_regex(pattern: str) -> str:
    """An extra tool's name or glob (`*` any characters, `?` one) as an unanchored regex, valid in
    Python and as a JavaScript RegExp (the settings matcher): names hold only letters, digits, `_`,
    `-` and `.` (the schema's pattern), of which only `.` needs escaping."""
    return "".join({"*": ".*", "?": ".", ".": r"\."}.get(c, c) for c in pattern)


def tool_regex(pattern: str) -> str | None:
    """The anchored regex the hooks match a glob with; None for an exact name (compared as text)."""
    return "^" + tool_name_regex(pattern) + "$" if any(c in pattern for c in "*?") else None


def _extra_tool_problems(text: str, tools: dict[str, Any], source: str) -> list[str]:
    """A pattern that names one of the tools the kit already checks would route that tool's calls
    through another tool's checks (a Bash call read as a file write); a second field would be
    silently ignored: both are the team's errors."""
    problems = []
    for pattern, spec in tools.items():
        rx = tool_regex(pattern) or "^" + re.escape(pattern) + "$"
        taken = [t for t in EDIT_TOOLS + SPAWN_TOOLS + SHELL_TOOLS + SECRET_READ_TOOLS if re.match(rx, t)]
        if taken:
            line = yaml_line_of(text, ["extra_tools", pattern])
            problems.append(
                f"{source}:{line}: $.extra_tools -> {pattern!r} matches {', '.join(taken)}, which the kit "
                "already checks; name the extra tools only (an MCP tool is mcp__<server>__<tool>)"
            )
        field, other = (
            ("path_field", "command_field") if spec["kind"] == "edit" else ("command_field", "path_field")
        )
        if other in spec:
            line = yaml_line_of(text, ["extra_tools", pattern, other])
            problems.append(
                f"{source}:{line}: $.extra_tools.{pattern}.{other} -> kind {spec['kind']} takes {field}, "
                f"not {other}"
            )
    return problems


def compile_extra_tools(cfg: dict[str, Any]) -> list[ExtraTool]:
    """The extra write tools as the hooks read them: exact names first (a call names one tool, and an
    exact entry is what the team meant for it), then globs in the config's order; the first match wins."""
    out: list[ExtraTool] = []
    for pattern, spec in cfg["extra_tools"].items():
        edit = spec["kind"] == "edit"
        out.append(
            {
                "tool": pattern,
                "regex": tool_regex(pattern),
                "kind": spec["kind"],
                "field": spec["path_field"] if edit else spec["command_field"],
                "root_field": spec.get("root_field"),
                "workdir": spec["workdir"].rstrip("/") or "/" if spec.get("workdir") else None,
            }
        )
    return sorted(out, key=lambda t: t["regex"] is not None)


def load_text(root: Path) -> str:
    path = root / CONFIG_YAML
    try:
        return path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise KitError(f"{path}: no team config", hint="run `claude-kit install` first") from None
    except UnicodeDecodeError as exc:
        raise KitError(
            f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start}); nothing was changed",
            hint="save it as UTF-8, then rerun",
        ) from None
    except OSError as exc:  # a folder, a file in the way, no permission
        raise KitError(f"{path}: cannot be read ({exc.strerror}); nothing was changed") from None


def load(root: Path) -> dict[str, Any]:
    return parse(load_text(root), CONFIG_YAML)


def output_dir(root: Path) -> str:
    """The team config's output folder, without a trailing `/` (the default when there is no config)."""
    return output_dir_of(load(root) if (root / CONFIG_YAML).is_file() else {})


def domain_agents(name: str, domain: dict[str, Any]) -> dict[str, str]:
    agents = {role: f"{name}-{role}" for role in AGENT_ROLES}
    agents.update(domain.get("agents") or {})
    return agents


def _glob_regex(pattern: str) -> str:
    """The hooks compile these with `re`: a glob that yields no valid regex is the team's error."""
    rx = globs.glob_to_regex(pattern)
    try:
        re.compile(rx)
    except re.error as exc:
        raise KitError(
            f"{CONFIG_YAML}: glob {pattern!r} is not valid ({exc})",
            hint="fix the glob (classes like [a-z] need a low-to-high range), then run `claude-kit sync`",
        ) from None
    return rx


def check_dir(check: dict[str, Any]) -> str:
    """A check's folder relative to the project root, `/`-separated, "." for the root (the schema has
    already refused absolute paths and `..`)."""
    parts = [p for p in str(check.get("cwd", ".")).split("/") if p not in ("", ".")]
    return "/".join(parts) or "."


def compile_config(cfg: dict[str, Any], source_bytes: bytes) -> CompiledConfig:
    """The runtime view the hooks read: regexes precompiled as strings, defaults filled in."""
    rules: list[tuple[tuple[int, int], str, str, str]] = []
    domains: dict[str, Domain] = {}
    for name, dom in cfg["domains"].items():
        domains[name] = {
            "paths": list(dom["paths"]),
            "exclude": [_glob_regex(g) for g in dom.get("exclude", [])],
            "agents": domain_agents(name, dom),
            "editors": list(dom.get("editors", [])),
            "test_planning": bool(dom.get("test_planning", False)),
            "checks": [
                {
                    "name": c["name"],
                    "run": c["run"],
                    "timeout": int(c.get("timeout", CHECK_TIMEOUT_DEFAULT)),
                    "cwd": check_dir(c),
                }
                for c in dom.get("checks", [])
            ],
        }
        for pattern in dom["paths"]:
            rules.append((globs.specificity(pattern), name, _glob_regex(pattern), pattern))
    rules.sort(key=lambda r: r[0], reverse=True)
    exempt: list[Rule] = []
    ex = cfg["exemptions"]
    out_dir = cfg["output_dir"].rstrip("/")
    while out_dir.startswith("./"):  # relpaths the hooks compare against never start with ./
        out_dir = out_dir[2:]
    # Each rule ends with its hints (texts of which every path it matches contains one, [] for none
    # known): a hook runs the regex, and imports `re`, only for a path that contains a hint.
    exempt.append(["output_dir", "^" + re.escape(out_dir) + "/", [out_dir + "/"]])
    if ex.get("tests", True):
        exempt += [["tests", r, list(hints)] for r, hints in TEST_FILE_RULES]
    if ex.get("docs", True):
        exempt += [["docs", r, list(hints)] for r, hints in DOC_FILE_RULES]
    exempt += [[f"glob {g}", _glob_regex(g), globs.literal_hints(g)] for g in ex.get("globs", [])]
    return {
        "format": COMPILED_FORMAT,
        "kit_version": __version__,
        "source": CONFIG_YAML,
        "source_sha256": hashlib.sha256(source_bytes).hexdigest(),
        "output_dir": out_dir,
        "domains": domains,
        "domain_rules": [
            [name, regex, pattern, globs.literal_hints(pattern)] for _, name, regex, pattern in rules
        ],
        "exempt_rules": exempt,
        "test_lead": TEST_LEAD,
        "hooks": {h: bool((cfg["hooks"].get(h) or {}).get("enabled", True)) for h in HOOK_NAMES},
        "extra_tools": compile_extra_tools(cfg),
        "spawn": cfg["spawn"],
        "orchestration": cfg["orchestration"],
        "compaction": cfg["compaction"],
        "budget": cfg["budget"],
        "limits": cfg["limits"],
        "advisor": cfg["advisor"],
        "logging": cfg["logging"],
        "secrets": {
            "names": list(cfg["secrets"]),
            "files": sorted({s["file"] for s in cfg["secrets"].values() if s["provider"] == "env_file"}),
        },
    }


def compiled_bytes(cfg: dict[str, Any], source_bytes: bytes) -> bytes:
    return (json.dumps(compile_config(cfg, source_bytes), indent=1, sort_keys=False) + "\n").encode()


def compiled_is_stale(root: Path) -> str | None:
    """Why the compiled JSON no longer reflects the YAML, or None when it is current."""
    src, out = root / CONFIG_YAML, root / COMPILED_CONFIG
    if not out.is_file():
        return f"{COMPILED_CONFIG} is missing"
    if not src.is_file():
        return f"{CONFIG_YAML} is missing"
    try:
        data = json.loads(out.read_text())
    except (ValueError, OSError, RecursionError):
        return f"{COMPILED_CONFIG} is not valid JSON"
    try:
        source = src.read_bytes()
    except OSError as exc:
        return f"{CONFIG_YAML} cannot be read ({exc.strerror})"
    if not isinstance(data, dict):
        return f"{COMPILED_CONFIG} is not a JSON object"
    recorded = data.get("source_sha256")
    if recorded != hashlib.sha256(source).hexdigest():
        return f"{CONFIG_YAML} changed after it was compiled"
    return None
