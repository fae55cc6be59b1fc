"""What the kit wants on disk for a repository: payload files, generated files, settings entries."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jinja2

from claude_kit import config as config_mod
from claude_kit import settings_merge
from claude_kit._version import __version__
from claude_kit.manifest import LOCAL_DIR
from claude_kit.payload import TEMPLATE, payload_root
from claude_kit.plan import Desired

# module -> (event, matcher, timeout seconds). One dispatcher process per event keeps the hot path cheap.
HOOK_EVENTS: dict[str, tuple[str, str | None, int]] = {
    "session_start": ("SessionStart", None, 10),
    "user_prompt_submit": ("UserPromptSubmit", None, 10),
    "pre_tool_use": ("PreToolUse", "Edit|Write|NotebookEdit|Agent|Task|Bash|PowerShell", 10),
    "post_tool_use": ("PostToolUse", "Edit|Write|NotebookEdit|Agent|Task", 10),
    "subagent_start": ("SubagentStart", None, 10),
    "subagent_stop": ("SubagentStop", None, 60),
    "stop": ("Stop", None, 600),
    "pre_compact": ("PreCompact", None, 10),
}
TARGETS = {
    "hooks": ".claude/hooks",
    "skills": ".claude/skills",
    "skill-library": ".claude/skill-library",
    "agents": ".claude/agents",
}
SKIP_NAMES = {"__pycache__", ".DS_Store", ".pytest_cache", ".mypy_cache"}
EXECUTABLE = {".claude/hooks/run"}


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


def settings_entries(cfg: dict[str, Any] | None = None) -> list[dict[str, Any]]:
    hooks_dir = payload_root() / "hooks"
    entries = []
    stop_timeout = 600
    if cfg is not None:
        total = sum(int(c.get("timeout", 300)) for d in cfg["domains"].values() for c in d.get("checks", []))
        stop_timeout = max(60, min(600, 30 + total))
    for module, (event, matcher, timeout) in HOOK_EVENTS.items():
        if not (hooks_dir / f"{module}.py").is_file():
            continue
        handler = {
            "type": "command",
            "command": settings_merge.command_for(module),
            "timeout": stop_timeout if module == "stop" else timeout,
        }
        entries.append({"event": event, "matcher": matcher, "handler": handler})
    return entries


def claude_md_body(cfg: dict[str, Any], root: Path) -> str:
    env = jinja2.Environment(
        undefined=jinja2.StrictUndefined, keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True
    )
    template = env.from_string((payload_root() / TEMPLATE).read_text(encoding="utf-8"))
    agent_names = {p.stem for p in (payload_root() / "agents").glob("*.md")}
    agent_names |= (
        {p.stem for p in (root / ".claude/agents").glob("*.md")}
        if (root / ".claude/agents").is_dir()
        else set()
    )
    domains = []
    for name, dom in cfg["domains"].items():
        agents = {r: a for r, a in config_mod.domain_agents(name, dom).items() if a in agent_names}
        domains.append({"name": name, "paths": list(dom["paths"]), "agents": agents})
    gateways = sorted(p.name for p in (payload_root() / "skills").glob("gateway-*") if p.is_dir())
    return template.render(
        kit_version=__version__,
        output_dir=cfg["output_dir"],
        domains=domains,
        test_lead=config_mod.TEST_LEAD if config_mod.TEST_LEAD in agent_names else "",
        gateways=gateways,
        limits={
            "max_feedback_iterations": cfg["limits"]["max_feedback_iterations"],
            "compaction_deny_percent": cfg["compaction"]["deny_percent"],
        },
    )


def default_checks(root: Path, domains: dict[str, list[str]]) -> dict[str, list[dict[str, Any]]]:
    checks: dict[str, list[dict[str, Any]]] = {}
    if "backend" in domains:
        checks["backend"] = [
            {"name": "go vet", "run": "go vet ./...", "timeout": 300},
            {"name": "go test", "run": "go test ./...", "timeout": 600},
        ]
    if "frontend" in domains and (root / "tsconfig.json").is_file():
        checks["frontend"] = [{"name": "typecheck", "run": "npx --no-install tsc --noEmit", "timeout": 300}]
    if "python" in domains and any((root / p).exists() for p in ("tests", "pytest.ini", "conftest.py")):
        checks["python"] = [{"name": "pytest", "run": "python3 -m pytest -q -x", "timeout": 600}]
    return checks


def initial_config_text(root: Path, domains: dict[str, list[str]]) -> str:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("claude_kit", "templates"),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    text = env.get_template("claude-kit.yaml.j2").render(
        output_dir=config_mod.DEFAULTS["output_dir"], domains=domains, checks=default_checks(root, domains)
    )
    config_mod.parse(text, config_mod.CONFIG_REL)  # a kit bug must never write an invalid config
    return text


def desired_files(root: Path, cfg: dict[str, Any], config_text: str) -> list[Desired]:
    from claude_kit import knowledge

    files: list[Desired] = []
    generated = knowledge.generated(payload_root(), root)
    for rel, src, component in payload_files():
        data = generated.get(rel, src.read_bytes())
        files.append(Desired(rel, data, component, mode=0o755 if rel in EXECUTABLE else 0o644))
    known = {d.path for d in files}
    files += [Desired(rel, data, "generated") for rel, data in generated.items() if rel not in known]
    files.append(Desired(config_mod.CONFIG_REL, config_text.encode("utf-8"), "config", user_owned=True))
    files.append(
        Desired(
            config_mod.COMPILED_REL, config_mod.compiled_bytes(cfg, config_text.encode("utf-8")), "generated"
        )
    )
    # The .gitignore itself is committed (the manifest records it), so a teammate's clone ignores
    # the folder too; everything else in it stays machine-local.
    files.append(
        Desired(
            f"{LOCAL_DIR}/.gitignore",
            b"# claude-kit: machine-local state, never committed\n*\n!.gitignore\n",
            "state",
        )
    )
    return sorted(files, key=lambda d: d.path)
