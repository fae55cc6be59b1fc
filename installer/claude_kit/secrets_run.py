"""`claude-kit secrets run NAME... -- COMMAND` and `claude-kit secrets list`: a command gets the team's
secrets in its own environment, and what it prints reaches the caller redacted.

This is the model's command (it runs inside a Claude Code tool call on purpose): the values are read
from their providers here, put into the child's environment only, and never printed, logged or
passed back; the child's stdout and stderr are streamed through a Redactor each.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from pathlib import Path
from typing import IO, Any

import click

from claude_kit import config, output
from claude_kit.errors import KitError
from claude_kit.repo import find_root
from claude_kit.secret_providers import Secret, SecretUnavailable, env_file_path, resolve, secrets_of
from claude_kit.secret_redaction import MIN_VALUE, Redactor

CHUNK = 65536


def configured(root: Path) -> dict[str, Secret]:
    return secrets_of(config.load(root))


def resolve_all(root: Path, names: list[str]) -> dict[str, str]:
    """Every named secret's value, or a KitError before anything runs."""
    known = configured(root)
    unknown = [n for n in names if n not in known]
    if unknown:
        listed = ", ".join(known) or "none"
        raise KitError(
            f"{config.CONFIG_REL}: no secret named {', '.join(unknown)} (configured: {listed}); the command "
            "was not run",
            hint="use a configured name (`claude-kit secrets list`), or ask the user to add it to the config",
        )
    values = {}
    for name in dict.fromkeys(names):
        value = resolve(known[name], root)
        if len(value) < MIN_VALUE:
            raise SecretUnavailable(known[name], f"the value is shorter than {MIN_VALUE} characters")
        values[name] = value
    return values


def _pump(source: IO[bytes], sink: IO[bytes], redactor: Redactor) -> None:
    for chunk in iter(lambda: source.read1(CHUNK), b""):  # type: ignore[attr-defined]
        sink.write(redactor.feed(chunk))
        sink.flush()
    sink.write(redactor.close())
    sink.flush()


def run(cwd: Path, names: list[str], command: list[str]) -> int:
    """Run `command` with the named secrets in its environment; its exit code, 128+N for signal N."""
    if not command:
        raise KitError("no command to run", hint="give it after `--`: claude-kit secrets run NAME -- COMMAND")
    root = find_root(cwd)
    values = resolve_all(root, names)
    env = {**os.environ, **values}
    try:
        child = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    except OSError as exc:
        raise KitError(f"{command[0]}: cannot be run ({exc.strerror})") from None
    assert child.stdout is not None and child.stderr is not None
    pumps = [
        threading.Thread(target=_pump, args=(stream, sink, Redactor(values)), daemon=True)
        for stream, sink in ((child.stdout, sys.stdout.buffer), (child.stderr, sys.stderr.buffer))
    ]
    for pump in pumps:
        pump.start()
    try:
        code = child.wait()
    except KeyboardInterrupt:
        child.send_signal(signal.SIGINT)
        code = child.wait()
    for pump in pumps:
        pump.join()
    return 128 - code if code < 0 else code


def listing(cwd: Path, fmt: str) -> int:
    """The configured secrets: name, provider and where the value is (never the value)."""
    root = find_root(cwd)
    rows: list[dict[str, Any]] = []
    for secret in configured(root).values():
        where = dict(secret.options)
        if "file" in where:
            where["file"] = str(env_file_path(where["file"], root))
        rows.append({"name": secret.name, "provider": secret.provider, **where})

    def text() -> None:
        if not rows:
            click.echo(f"no secrets configured (add them under `secrets:` in {config.CONFIG_REL})")
        for row in rows:
            details = ", ".join(f"{k}={v}" for k, v in row.items() if k not in ("name", "provider"))
            click.echo(f"{row['name']}: {row['provider']} ({details})")

    output.emit(rows, fmt, text)
    return 0
