"""Options and arguments several `claude-kit` commands share."""

from __future__ import annotations

from pathlib import Path

import click

TARGET = click.argument(
    "target", type=click.Path(file_okay=False, path_type=Path), default=".", required=False
)
DRY_RUN = click.option(
    "--dry-run", is_flag=True, help="Print the plan (one status word per file); write nothing."
)
FORMAT = click.option(
    "--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True
)
SESSION = click.option(
    "--session", help="Session id (default: $CLAUDE_CODE_SESSION_ID, else the latest logged)."
)
