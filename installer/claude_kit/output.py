"""What a command prints: the same data as JSON (`--format json`) or as text for a person."""

from __future__ import annotations

import json
from collections.abc import Callable

import click


def emit(data: object, fmt: str, text: Callable[[], object]) -> None:
    """Print `data` as JSON when `fmt` is "json"; otherwise call `text`, which prints the text form."""
    if fmt == "json":
        click.echo(json.dumps(data, indent=1, ensure_ascii=False))
    else:
        text()
