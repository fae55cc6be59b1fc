"""`claude-kit route | audit | new`: the knowledge layer (skills, library, agents)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from claude_kit.cli_options import FORMAT, TARGET
from claude_kit_hooks.contract.defaults import AGENT_ROLES


@click.command()
@click.argument("intent")
@click.option("--gateway", help="Only skills routed from this gateway (backend, frontend, python, ...).")
@click.option("--limit", type=click.IntRange(min=1), default=5, show_default=True, help="Skills to print.")
@FORMAT
@click.option("--index", type=click.Path(dir_okay=False, path_type=Path), hidden=True)
def route(intent: str, gateway: str | None, limit: int, fmt: str, index: Path | None) -> None:
    """Rank the skill library for INTENT and print the SKILL.md paths to Read, best first.

    \b
    Uses .claude/skill-library/index.json of the repository you are in (the packaged library
    when the kit is not installed here).

    \b
    Examples:
      claude-kit route "postgres migration add non-null column" --gateway backend
      claude-kit route "flaky test in ci" --limit 3 --format json
    """
    from claude_kit import route as route_mod

    sys.exit(route_mod.route(intent, gateway=gateway, limit=limit, fmt=fmt, index=index))


@click.command()
@TARGET
@click.option("--source", is_flag=True, help="TARGET is a kit source tree: skills/, skill-library/, agents/.")
@FORMAT
@click.option("--strict", is_flag=True, help="Warnings fail too (exit 1).")
def audit(target: Path, source: bool, fmt: str, strict: bool) -> None:
    """Check skills, agents, hooks wiring and config for defects; exit 1 on errors.

    \b
    Exit codes: 0 clean (warnings allowed), 1 errors (or warnings with --strict), 2 usage.

    \b
    Examples:
      claude-kit audit                    # the installed .claude/ of this repository
      claude-kit audit --strict --format json
      claude-kit audit --source .         # the kit's own source tree (CI)
    """
    from claude_kit import audit as audit_mod

    sys.exit(audit_mod.audit(target, source=source, fmt=fmt, strict=strict))


@click.group()
def new() -> None:
    """Scaffold a library skill or an agent into this repository's .claude/ (never overwrites).

    \b
    Examples:
      claude-kit new skill kafka-consumer-retries --category backend
      claude-kit new agent payments reviewer
    """


@new.command("skill")
@click.argument("name")
@click.option("--category", required=True, help="Library category = gateway domain (backend, python, ...).")
def new_skill(name: str, category: str) -> None:
    """Create .claude/skill-library/CATEGORY/NAME/SKILL.md and re-index the library.

    \b
    Examples:
      claude-kit new skill kafka-consumer-retries --category backend
    """
    from claude_kit import scaffold

    sys.exit(scaffold.new_skill(Path.cwd(), name, category))


@new.command("agent")
@click.argument("domain")
@click.argument("role", type=click.Choice(AGENT_ROLES))
def new_agent(domain: str, role: str) -> None:
    """Create .claude/agents/DOMAIN-ROLE.md for a domain of .claude/claude-kit.yaml.

    \b
    Examples:
      claude-kit new agent payments developer
    """
    from claude_kit import scaffold

    sys.exit(scaffold.new_agent(Path.cwd(), domain, role))


COMMANDS = (route, audit, new)
