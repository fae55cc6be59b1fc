"""`claude-kit new skill|agent`: starter files from jinja2 templates that already pass the audit.

A scaffold carries author instructions in `claude-kit:scaffold` comments; the audit warns
(SCAFFOLD_UNEDITED) until they are gone. Nothing is ever overwritten. After writing, the same code
as `claude-kit sync` runs, so the routing index, the gateway tables and CLAUDE.md include the new file.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import click

from claude_kit.errors import KitError
from claude_kit_hooks.contract.defaults import AGENT_ROLES
from claude_kit_hooks.contract.layout import AGENTS_DIR, CONFIG_YAML, SKILL_LIBRARY_DIR, SKILLS_DIR

SKILL_NAME_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
DOMAIN_RE = re.compile(r"^[a-z][a-z0-9-]{0,40}$")
LIBRARY_GUIDE = f"{SKILL_LIBRARY_DIR}/kit/writing-library-skills/SKILL.md"
AGENT_GUIDE = f"{SKILL_LIBRARY_DIR}/kit/writing-thin-agents/SKILL.md"

ROLE_SPEC: dict[str, dict[str, str]] = {
    "lead": {
        "tools": "Read, Grep, Glob, Bash",
        "model": "opus",
        "color": "purple",
        "tools_rule": "a coordinator: never Edit, Write or NotebookEdit (the audit fails on them)",
        "description": "a {d} change needs design before coding - new modules, APIs or data changes - "
        "to get design decisions and an ordered plan of {developer} tasks.",
    },
    "developer": {
        "tools": "Read, Grep, Glob, Bash, Edit, Write",
        "model": "sonnet",
        "color": "blue",
        "tools_rule": "a worker: never Agent or Task (only the main thread spawns agents)",
        "description": "{d} code must be written or changed - to implement one planned task and "
        "verify it with the domain's build, lint and tests.",
    },
    "reviewer": {
        "tools": "Read, Grep, Glob, Bash",
        "model": "sonnet",
        "color": "red",
        "tools_rule": "a worker: never Agent or Task; keep Edit/Write off so it reports instead of fixing",
        "description": "changed {d} code needs review before it ships - correctness, security, "
        "contracts - to get a PASS/FAIL verdict with file:line issues.",
    },
    "tester": {
        "tools": "Read, Grep, Glob, Bash, Edit, Write",
        "model": "sonnet",
        "color": "green",
        "tools_rule": "a worker: never Agent or Task",
        "description": "changed {d} code needs tests written and run - unit and integration tests "
        "for the planned behaviours - to get a PASS/FAIL testing verdict.",
    },
}


def _env() -> Any:
    import jinja2

    return jinja2.Environment(
        loader=jinja2.PackageLoader("claude_kit", "templates"),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def _installed_root(cwd: Path) -> Path:
    from claude_kit import manifest, repo

    root = repo.find_root(cwd)
    if manifest.load(root) is None:
        raise KitError(f"{root}: claude-kit is not installed here", hint="run `claude-kit install` first")
    return root


def _sync(root: Path, created: Path) -> int:
    from claude_kit import lifecycle

    try:
        return lifecycle.sync(root)
    except KitError as exc:
        click.echo(f"created {created.relative_to(root)}, but `claude-kit sync` failed:", err=True)
        raise exc


def render_skill(name: str, category: str, root: Path) -> str:
    words = name.replace("-", " ")
    return str(
        _env()
        .get_template("skill.md.j2")
        .render(
            name=name,
            category=category,
            title=words[:1].upper() + words[1:],
            situation=f"working on {words}",
            triggers=[words],
            guide=LIBRARY_GUIDE if (root / LIBRARY_GUIDE).is_file() else None,
        )
    )


def new_skill(cwd: Path, name: str, category: str) -> int:
    if not SKILL_NAME_RE.match(name) or not 3 <= len(name) <= 64:
        raise KitError(
            f"invalid skill name {name!r}: use 3-64 lowercase letters, digits and single hyphens",
            hint="e.g. `kafka-consumer-retries`: it becomes the directory name and the `name:` field",
        )
    root = _installed_root(cwd)
    skills_dir, library = root / SKILLS_DIR, root / SKILL_LIBRARY_DIR
    gateways = sorted(p.parent.name.removeprefix("gateway-") for p in skills_dir.glob("gateway-*/SKILL.md"))
    if category not in gateways:
        raise KitError(
            f"unknown category {category!r}: a category needs a gateway ({SKILLS_DIR}/gateway-{category}/)",
            hint=f"use one of: {', '.join(gateways) or '(no gateways installed)'}",
        )
    taken = {p.parent.name: p for p in library.glob("*/*/SKILL.md")}
    taken |= {p.parent.name: p for p in skills_dir.glob("*/SKILL.md")}
    if name in taken:
        raise KitError(
            f"a skill named {name!r} already exists: {taken[name].relative_to(root)}",
            hint="names are unique across the library and the core skills; pick another or edit that one",
        )
    target = library / category / name / "SKILL.md"
    if target.parent.exists():
        raise KitError(f"{target.parent.relative_to(root)} already exists; refusing to overwrite it")
    from claude_kit.fsutil import atomic_write

    atomic_write(target, render_skill(name, category, root).encode("utf-8"))
    click.echo(f"created  {target.relative_to(root)}")
    code = _sync(root, target)
    click.echo(
        f"next: fill the sections marked `claude-kit:scaffold` and delete those comments, then\n"
        f'  claude-kit sync && claude-kit route "<an intent for it>" --gateway {category} && claude-kit audit'
    )
    return code


def render_agent(name: str, domain: str, role: str, root: Path, cfg: dict[str, Any]) -> str:
    spec = ROLE_SPEC[role]
    core = {p.parent.name for p in (root / SKILLS_DIR).glob("*/SKILL.md")}
    # No gateway is preloaded: the spawn hook appends the library skills routed for each task.
    gateway = f"gateway-{domain}" if f"gateway-{domain}" in core else None
    paths = ", ".join(cfg["domains"][domain]["paths"])
    from claude_kit.config import domain_agents

    developer = domain_agents(domain, cfg["domains"][domain])["developer"]  # the configured name
    return str(
        _env()
        .get_template("agent.md.j2")
        .render(
            name=name,
            domain=domain,
            role=role,
            description=spec["description"].format(d=domain, developer=developer),
            developer=developer,
            tools=spec["tools"],
            model=spec["model"],
            color=spec["color"],
            tools_rule=spec["tools_rule"],
            gateway=gateway,
            paths=paths,
            output_dir=cfg["output_dir"],
            max_lines=250 if role == "lead" else 150,
            verdict_role={"reviewer": "review"}.get(role, "testing"),
            guide=AGENT_GUIDE if (root / AGENT_GUIDE).is_file() else None,
        )
    )


def new_agent(cwd: Path, domain: str, role: str) -> int:
    if role not in AGENT_ROLES:
        raise KitError(f"unknown role {role!r}", hint=f"use one of: {', '.join(AGENT_ROLES)}")
    if not DOMAIN_RE.match(domain):
        raise KitError(
            f"invalid domain {domain!r}: lowercase letters, digits and hyphens, starting with a letter"
        )
    from claude_kit import config

    root = _installed_root(cwd)
    cfg = config.load(root)
    if domain not in cfg["domains"]:
        known = ", ".join(cfg["domains"]) or "(none yet)"
        raise KitError(
            f"domain {domain!r} is not in {CONFIG_YAML} (domains: {known})",
            hint="add it under `domains:` with its path globs, run `claude-kit sync`, then rerun this",
        )
    name = config.domain_agents(domain, cfg["domains"][domain])[role]
    target = root / AGENTS_DIR / f"{name}.md"
    if target.exists():
        raise KitError(
            f"{target.relative_to(root)} already exists; refusing to overwrite it",
            hint="edit that file, or delete it first to start from the template",
        )
    from claude_kit.fsutil import atomic_write

    atomic_write(target, render_agent(name, domain, role, root, cfg).encode("utf-8"))
    click.echo(f"created  {target.relative_to(root)}")
    code = _sync(root, target)
    click.echo(
        "next: replace the `claude-kit:scaffold` comments with this domain's specifics, "
        "then `claude-kit audit`"
    )
    return code
