"""The one user-facing error type, rendered in one place (cli.main)."""

from __future__ import annotations

import click


class KitError(click.ClickException):
    """A problem the user can fix: the message names the file and what to do next."""

    exit_code = 2

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message if hint is None else f"{message}\n  hint: {hint}")
