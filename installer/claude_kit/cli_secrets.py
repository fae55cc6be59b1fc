"""`claude-kit secrets run | list`: commands get the team's secrets in their own environment; the
values never reach the output."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from claude_kit.cli_options import FORMAT


class _CommandAfterDashes(click.Command):
    """Keeps what follows `--` as the command to run (click would drop the `--` and mix the two)."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if "--" in args:
            cut = args.index("--")
            ctx.meta["secrets_command"] = args[cut + 1 :]
            args = args[:cut]
        return super().parse_args(ctx, args)


@click.group()
def secrets() -> None:
    """Run a command with secrets from the team config in its environment only.

    \b
    Examples:
      claude-kit secrets list
      claude-kit secrets run API_TOKEN -- ./scripts/deploy.sh staging
    """


@secrets.command("run", cls=_CommandAfterDashes)
@click.argument("names", nargs=-1, required=True, metavar="NAME...")
@click.pass_context
def secrets_run(ctx: click.Context, names: tuple[str, ...]) -> None:
    """Run COMMAND (after `--`) with each secret NAME in its environment.

    Every secret value, and its base64, hex, URL-encoded and JSON-escaped forms, is replaced by
    [REDACTED:NAME] in what the command prints; its exit code is passed through.

    \b
    Examples:
      claude-kit secrets run API_TOKEN -- curl -fsS -H "Authorization: Bearer $API_TOKEN" https://api.example.com
      claude-kit secrets run NPM_TOKEN GH_TOKEN -- sh -c 'npm publish && gh release create v1.2.0'
    """
    from claude_kit import secrets_run as run_mod

    command: list[Any] = ctx.meta.get("secrets_command", [])
    sys.exit(run_mod.run(Path.cwd(), list(names), [str(word) for word in command]))


@secrets.command("list")
@FORMAT
def secrets_list(fmt: str) -> None:
    """The configured secrets: name, provider and where each value is kept (never the value).

    \b
    Examples:
      claude-kit secrets list --format json
    """
    from claude_kit import secrets_run as run_mod

    sys.exit(run_mod.listing(Path.cwd(), fmt))


COMMANDS = (secrets,)
