"""Where `claude-kit secrets run` gets a secret's value: an env file outside the repository, the OS
keyring, the 1Password CLI.

The team config names each secret and its provider (`secrets:` in .claude/claude-kit.yaml); a provider
turns that entry into the value, at the moment the command runs, and never writes it anywhere. A new
provider is a class with the `SecretProvider` shape added to PROVIDERS (and its options to the
`$defs/secret` of config.schema.json: tests/unit/test_secret_providers.py holds the two together).
"""

from __future__ import annotations

import importlib
import shutil
import subprocess
from collections.abc import Mapping
from pathlib import Path
from typing import NamedTuple, Protocol

from claude_kit.errors import KitError
from claude_kit_hooks.contract.secrets import secret_file_path

PROVIDER_TIMEOUT = 60  # seconds a provider's program (op, secret-tool) may take, unlock prompts included


class Secret(NamedTuple):
    """One `secrets:` entry of the team config: the variable the command gets and where its value is."""

    name: str
    provider: str
    options: Mapping[str, str]

    def option(self, key: str, default: str | None = None) -> str:
        value = self.options.get(key, default)
        if value is None:  # the schema requires it; a hand-built entry may still lack it
            raise SecretUnavailable(self, f"the config gives no `{key}`")
        return value


class SecretUnavailable(KitError):
    """A secret that could not be resolved: names the secret and its provider; the command did not run."""

    def __init__(self, secret: Secret, why: str, *, hint: str | None = None) -> None:
        super().__init__(
            f"secret {secret.name} ({secret.provider}): {why}; the command was not run",
            hint=hint or f"check `secrets.{secret.name}` in .claude/claude-kit.yaml, or ask the user",
        )


class SecretProvider(Protocol):
    """Resolves a configured secret to its value, or raises SecretUnavailable."""

    required: tuple[str, ...]  # options the config must give
    optional: tuple[str, ...]

    def resolve(self, secret: Secret, root: Path) -> str: ...


def env_file_path(file: str, root: Path) -> Path:
    """The env file a config entry names, as the hooks that keep it out of the context see it."""
    return Path(secret_file_path(file, str(root)))


def parse_env_file(text: str) -> dict[str, str]:
    """`KEY=value` lines (an optional `export `, quotes around the value, `#` comments), as a shell's
    `set -a; . file` or docker's `--env-file` read the common cases."""
    out: dict[str, str] = {}
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        line = line.removeprefix("export ").lstrip()
        key, eq, value = line.partition("=")
        if not eq:
            continue
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        elif " #" in value:
            value = value.split(" #", 1)[0].rstrip()
        out[key.strip()] = value
    return out


class EnvFile:
    """`provider: env_file`: a `KEY=value` file outside the repository (one inside it would be one
    `git add` from being shared, and any Read from being in the context)."""

    required: tuple[str, ...] = ("file",)
    optional: tuple[str, ...] = ("key",)

    def resolve(self, secret: Secret, root: Path) -> str:
        path = env_file_path(secret.option("file"), root)
        real = path.resolve()
        if real.is_relative_to(root.resolve()):
            raise SecretUnavailable(
                secret,
                f"{path} is inside the repository, and a secret file must be outside it",
                hint="move the file out of the repository (e.g. to ~/.config/<project>/secrets.env) and "
                f"point `secrets.{secret.name}.file` at it",
            )
        try:
            text = real.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise SecretUnavailable(secret, f"{path} does not exist") from None
        except (OSError, UnicodeDecodeError) as exc:
            raise SecretUnavailable(secret, f"{path} cannot be read ({exc})") from None
        key = secret.option("key", secret.name)
        values = parse_env_file(text)
        if key not in values:
            raise SecretUnavailable(secret, f"{path} has no `{key}=` line")
        return values[key]


class Keyring:
    """`provider: keyring`: the OS keyring through the `keyring` package (`pip install
    'claude-kit[keyring]'`), else the `secret-tool` of libsecret."""

    required: tuple[str, ...] = ("service",)
    optional: tuple[str, ...] = ("username",)

    def resolve(self, secret: Secret, root: Path) -> str:
        service, username = secret.option("service"), secret.option("username", secret.name)
        try:
            keyring = importlib.import_module("keyring")
        except ImportError:
            keyring = None
        if keyring is not None:
            try:
                value = keyring.get_password(service, username)
            except Exception as exc:  # each backend raises its own types (locked, no backend...)
                raise SecretUnavailable(secret, f"the keyring failed: {type(exc).__name__}: {exc}") from None
            if value is None:
                raise SecretUnavailable(secret, f"the keyring has no password for {service}/{username}")
            return str(value)
        tool = shutil.which("secret-tool")
        if tool is None:
            raise SecretUnavailable(
                secret,
                "no keyring: neither the `keyring` package nor `secret-tool` is installed",
                hint="install one: `pip install 'claude-kit[keyring]'` or libsecret's secret-tool",
            )
        proc = _run(secret, [tool, "lookup", "service", service, "username", username])
        if proc.returncode != 0 or not proc.stdout:
            raise SecretUnavailable(secret, f"secret-tool has no password for {service}/{username}")
        return proc.stdout.removesuffix("\n")


class OnePassword:
    """`provider: op`: a 1Password secret reference (`op://vault/item/field`) read with the 1Password
    CLI, `op read`."""

    required: tuple[str, ...] = ("ref",)
    optional: tuple[str, ...] = ()

    def resolve(self, secret: Secret, root: Path) -> str:
        tool = shutil.which("op")
        if tool is None:
            raise SecretUnavailable(
                secret, "the 1Password CLI `op` is not on PATH", hint="install it and sign in (`op signin`)"
            )
        proc = _run(secret, [tool, "read", "--no-newline", secret.option("ref")])
        if proc.returncode != 0:
            said = (proc.stderr.strip().splitlines() or ["no message"])[-1][:300]
            raise SecretUnavailable(secret, f"`op read` failed (exit {proc.returncode}): {said}")
        return proc.stdout


def _run(secret: Secret, argv: list[str]) -> subprocess.CompletedProcess[str]:
    try:
        return subprocess.run(
            argv,
            capture_output=True,
            text=True,
            timeout=PROVIDER_TIMEOUT,
            stdin=subprocess.DEVNULL,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise SecretUnavailable(
            secret, f"`{Path(argv[0]).name}` did not answer in {PROVIDER_TIMEOUT} s"
        ) from None
    except OSError as exc:
        raise SecretUnavailable(secret, f"`{argv[0]}` cannot be run ({exc.strerror})") from None


PROVIDERS: dict[str, SecretProvider] = {"env_file": EnvFile(), "keyring": Keyring(), "op": OnePassword()}


def secrets_of(cfg: Mapping[str, object]) -> dict[str, Secret]:
    """The team config's secrets, by name."""
    entries = cfg.get("secrets")
    if not isinstance(entries, Mapping):
        return {}
    out = {}
    for name, entry in entries.items():
        options = {k: str(v) for k, v in entry.items() if k != "provider"}
        out[name] = Secret(name, str(entry["provider"]), options)
    return out


def resolve(secret: Secret, root: Path) -> str:
    provider = PROVIDERS.get(secret.provider)
    if provider is None:
        raise SecretUnavailable(secret, f"unknown provider (known: {', '.join(PROVIDERS)})")
    return provider.resolve(secret, root)
