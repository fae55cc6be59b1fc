"""What the kit wants on disk for a repository: payload files, generated files, settings entries."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jinja2

from claude_kit import ci, knowledge, settings_merge
from claude_kit import config as config_mod
from claude_kit._version import __version__
from claude_kit.detect import Detection
from claude_kit.detect_checks import DetectedCheck
from claude_kit.payload import TEMPLATE, payload_root
from claude_kit.plan import Desired
from claude_kit_hooks.contract.defaults import (
    AGENT_ROLES,
    CHECK_TIMEOUT_DEFAULT,
    DEFAULTS,
    HOOK_EVENTS,
    TEST_LEAD,
    pre_tool_use_matcher,
    stop_timeout,
)
from claude_kit_hooks.contract.layout import (
    ACTIVE_FEATURE,
    AGENTS_DIR,
    COMPILED_CONFIG,
    CONFIG_YAML,
    HOOKS_DIR,
    LAUNCHER,
    LOCAL_DIR,
    LOCKS_FILE,
    SKILL_LIBRARY_DIR,
    SKILLS_DIR,
    output_dir_of,
)
from claude_kit_hooks.contract.records import ExtraTool, Manifest, SettingsEntry

# Payload folder -> where it is installed.
TARGETS = {"hooks": HOOKS_DIR, "skills": SKILLS_DIR, "skill-library": SKILL_LIBRARY_DIR, "agents": AGENTS_DIR}
SKIP_NAMES = {"__pycache__", ".DS_Store", ".pytest_cache", ".mypy_cache"}
EXECUTABLE = {LAUNCHER}
# The output folder holds the team's records (feature manifests, reports) and this machine's runtime
# state, which `git add .claude` must not stage: the active-feature pointer, the file locks, the
# loops' scratchpads and every lock file.
OUTPUT_GITIGNORE = (
    "# claude-kit: this machine's runtime state; the feature manifests and reports are the team's\n"
    f"/{ACTIVE_FEATURE}\n/{LOCKS_FILE.split('/')[0]}/\n/loops/\n*.lock\n"
).encode()


def payload_files() -> list[tuple[str, Path, str]]:
    """(installed rel path, source file, component) for every payload file, sorted."""
    root = payload_root()
    out: list[tuple[str, Path, str]] = []
    for src_dir, target in TARGETS.items():
        base = root / src_dir
        for f in sorted(base.rglob("*")):
            if not f.is_file() or SKIP_NAMES & set(f.relative_to(base).parts) or f.suffix == ".pyc":
                continue
            out.append((f"{target}/{f.relative_to(base).as_posix()}", f, src_dir))
    return out


def left_out_agents(cfg: dict[str, Any]) -> list[str]:
    """The kit's agents for a kind of code the repository does not have: `<domain>-<role>` where the
    config has no such domain and names none of them (as an editor or a domain's agent). Adding the
    domain to the config and running `claude-kit update` installs them."""
    named = {
        a
        for dom in cfg["domains"].values()
        for a in [*dom.get("editors", []), *(dom.get("agents") or {}).values()]
    }
    out = []
    for path in sorted((payload_root() / "agents").glob("*.md")):
        domain, _, role = path.stem.rpartition("-")
        if path.stem == TEST_LEAD or role not in AGENT_ROLES or not domain:
            continue  # the test lead serves every domain
        if domain not in cfg["domains"] and path.stem not in named:
            out.append(path.stem)
    return out


# The dispatchers that check an extra write tool's calls, and the kinds each one gets: PostToolUse
# records edits only (a shell command's changes are found in the working tree, as for Bash).
EXTRA_TOOL_EVENTS = {"pre_tool_use": ("edit", "shell"), "post_tool_use": ("edit",)}


def tool_matcher(matcher: str, extra: list[ExtraTool]) -> str:
    """`matcher` (exact names joined by `|`) with the extra write tools added. Names of letters,
    digits, `_` and `-` keep it an exact-name list; a glob or a `.` makes it one anchored regex (the
    runtime tests any other matcher as an unanchored JavaScript RegExp)."""
    if not extra:
        return matcher
    if all(re.fullmatch(r"[A-Za-z0-9_-]+", t["tool"]) for t in extra):
        return "|".join([matcher, *(t["tool"] for t in extra)])
    return "^(?:" + "|".join([matcher, *(config_mod.tool_name_regex(t["tool"]) for t in extra)]) + ")$"


def settings_entries(
    cfg: dict[str, Any] | None = None, command: Callable[[str], str] = settings_merge.command_for
) -> list[SettingsEntry]:
    """One entry per event dispatcher in the payload, each running `command(module)`; the Stop timeout
    leaves room for `cfg`'s checks (the static maximum without a config), and the tool calls' matchers
    name `cfg`'s extra write tools."""
    hooks_dir = payload_root() / "hooks"
    entries: list[SettingsEntry] = []
    checks = None
    secret_files = False
    extra = config_mod.compile_extra_tools(cfg) if cfg is not None else []
    if cfg is not None:
        secret_files = any(s.get("provider") == "env_file" for s in cfg.get("secrets", {}).values())
        domains = cfg["domains"].values()
        checks = [int(c.get("timeout", CHECK_TIMEOUT_DEFAULT)) for d in domains for c in d.get("checks", [])]
    for module, (event, matcher, timeout) in HOOK_EVENTS.items():
        if not (hooks_dir / f"{module}.py").is_file():
            continue
        if module == "pre_tool_use":
            matcher = pre_tool_use_matcher(secret_files)
        if module in EXTRA_TOOL_EVENTS and matcher is not None:
            matcher = tool_matcher(matcher, [t for t in extra if t["kind"] in EXTRA_TOOL_EVENTS[module]])
        entries.append(
            {
                "event": event,
                "matcher": matcher,
                "handler": {
                    "type": "command",
                    "command": command(module),
                    "timeout": stop_timeout(checks) if module == "stop" else timeout,
                },
            }
        )
    return entries


def claude_md_body(cfg: dict[str, Any], root: Path) -> str:
    env = jinja2.Environment(
        undefined=jinja2.StrictUndefined, keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True
    )
    template = env.from_string((payload_root() / TEMPLATE).read_text(encoding="utf-8"))
    agent_names = {p.stem for p in (payload_root() / "agents").glob("*.md")} - set(left_out_agents(cfg))
    agent_names |= {p.stem for p in (root / AGENTS_DIR).glob("*.md")}
    domains = []
    for name, dom in cfg["domains"].items():
        agents = {r: a for r, a in config_mod.domain_agents(name, dom).items() if a in agent_names}
        domains.append({"name": name, "paths": list(dom["paths"]), "agents": agents})
    gateways = sorted(p.name for p in (payload_root() / "skills").glob("gateway-*") if p.is_dir())
    return template.render(
        kit_version=__version__,
        output_dir=cfg["output_dir"],
        domains=domains,
        test_lead=TEST_LEAD if TEST_LEAD in agent_names else "",
        gateways=gateways,
        limits={
            "max_feedback_iterations": cfg["limits"]["max_feedback_iterations"],
            "compaction_deny_percent": cfg["compaction"]["deny_percent"],
        },
    )


def initial_config_text(found: Detection) -> str:
    """The team config a first install writes: the detected domains, their exclusions and checks."""
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("claude_kit", "templates"),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["yaml_str"] = lambda v: json.dumps(str(v), ensure_ascii=False)  # a JSON string is YAML
    checks: dict[str, list[DetectedCheck]] = {}
    for c in found.checks:
        checks.setdefault(c.domain, []).append(c)
    text = env.get_template("claude-kit.yaml.j2").render(
        output_dir=DEFAULTS["output_dir"], domains=found.domains, excludes=found.excludes, checks=checks
    )
    config_mod.parse(text, CONFIG_YAML)  # a kit bug must never write an invalid config
    return text


def compiled_file(cfg: dict[str, Any], config_text: str) -> Desired:
    return Desired(COMPILED_CONFIG, config_mod.compiled_bytes(cfg, config_text.encode("utf-8")), "generated")


def desired_files(
    root: Path, cfg: dict[str, Any], config_text: str, manifest: Manifest | None
) -> list[Desired]:
    """Every file an install or update wants: the payload, the generated files, the config."""
    files: list[Desired] = []
    generated = knowledge.generated(payload_root(), root, manifest)
    skipped = {f"{AGENTS_DIR}/{name}.md" for name in left_out_agents(cfg)}
    for rel, src, component in payload_files():
        if rel in skipped:
            continue
        data = generated.get(rel, src.read_bytes())
        files.append(Desired(rel, data, component, mode=0o755 if rel in EXECUTABLE else 0o644))
    known = {d.path for d in files}
    files += [Desired(rel, data, "generated") for rel, data in generated.items() if rel not in known]
    files.append(Desired(CONFIG_YAML, config_text.encode("utf-8"), "config", user_owned=True))
    files.append(compiled_file(cfg, config_text))
    files.append(output_gitignore(cfg))
    # The .gitignore itself is committed (the manifest records it), so a teammate's clone ignores
    # the folder too; everything else in it stays machine-local.
    files.append(
        Desired(
            f"{LOCAL_DIR}/.gitignore",
            b"# claude-kit: machine-local state, never committed\n*\n!.gitignore\n",
            "state",
        )
    )
    files += ci.recorded(cfg, manifest)
    return sorted(files, key=lambda d: d.path)


def output_gitignore(cfg: dict[str, Any]) -> Desired:
    return Desired(f"{output_dir_of(cfg)}/.gitignore", OUTPUT_GITIGNORE, "state")


def generated_files(root: Path, cfg: dict[str, Any], config_text: str, manifest: Manifest) -> list[Desired]:
    """What a sync rewrites: the compiled config, the routing index and the gateways' routing tables,
    from the library as it is on disk, the output folder's .gitignore (the config names the folder)
    and the CI files `ci init` wrote (the config's budget is in the workflow)."""
    generated = knowledge.generated(payload_root(), root, manifest, installed_only=True)
    component = {rel: comp for rel, _, comp in payload_files() if rel in generated}
    files = [Desired(rel, data, component.get(rel, "generated")) for rel, data in generated.items()]
    files += [compiled_file(cfg, config_text), output_gitignore(cfg), *ci.recorded(cfg, manifest)]
    return sorted(files, key=lambda d: d.path)
