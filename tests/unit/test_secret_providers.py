"""The secret providers: an env file outside the repository, the OS keyring (a fake `keyring` module,
a fake `secret-tool`), the 1Password CLI (a fake `op` on PATH); each failure names the secret and its
provider. The config schema's `$defs/secret` and the registry say the same."""

from __future__ import annotations

import json
import stat
import sys
import types
from pathlib import Path

import pytest

from claude_kit import config
from claude_kit.errors import KitError
from claude_kit.secret_providers import PROVIDERS, Secret, SecretUnavailable, parse_env_file, resolve


def fake_program(bin_dir: Path, name: str, body: str) -> None:
    bin_dir.mkdir(exist_ok=True)
    path = bin_dir / name
    path.write_text(f"#!{sys.executable}\nimport sys\n{body}\n")
    path.chmod(path.stat().st_mode | stat.S_IEXEC)


@pytest.fixture
def only_bin(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """PATH holds only a folder of fake programs; no real `keyring` package is importable."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    monkeypatch.setenv("PATH", str(bin_dir))
    monkeypatch.setitem(sys.modules, "keyring", None)  # type: ignore[arg-type]  # import raises
    return bin_dir


def test_env_file_outside_the_repository(tmp_path: Path, tmp_repo: Path) -> None:
    env = tmp_path / "acme.env"
    env.write_text("# deploy\nexport API_TOKEN='tok 123456'\nOTHER=x # note\n")
    assert resolve(Secret("API_TOKEN", "env_file", {"file": str(env)}), tmp_repo) == "tok 123456"
    assert resolve(Secret("T", "env_file", {"file": str(env), "key": "OTHER"}), tmp_repo) == "x"


def test_env_file_under_home_is_found_with_a_tilde(tmp_repo: Path) -> None:
    home = Path.home()  # the test's isolated home
    (home / ".config").mkdir(exist_ok=True)
    (home / ".config/acme.env").write_text("API_TOKEN=abcdef\n")
    assert resolve(Secret("API_TOKEN", "env_file", {"file": "~/.config/acme.env"}), tmp_repo) == "abcdef"


@pytest.mark.parametrize("where", ["secrets.env", "../repo/secrets.env"])
def test_env_file_inside_the_repository_is_refused(tmp_repo: Path, where: str) -> None:
    (tmp_repo / "secrets.env").write_text("API_TOKEN=abcdef\n")
    with pytest.raises(SecretUnavailable) as err:
        resolve(Secret("API_TOKEN", "env_file", {"file": where}), tmp_repo)
    message = str(err.value.message)
    assert message.startswith("secret API_TOKEN (env_file): ")
    assert (
        "is inside the repository, and a secret file must be outside it; the command was not run" in message
    )


def test_env_file_missing_or_without_the_key(tmp_path: Path, tmp_repo: Path) -> None:
    with pytest.raises(SecretUnavailable, match=r"secret API_TOKEN \(env_file\): .*nope.env does not exist"):
        resolve(Secret("API_TOKEN", "env_file", {"file": str(tmp_path / "nope.env")}), tmp_repo)
    (tmp_path / "a.env").write_text("OTHER=1\n")
    with pytest.raises(SecretUnavailable, match="has no `API_TOKEN=` line"):
        resolve(Secret("API_TOKEN", "env_file", {"file": str(tmp_path / "a.env")}), tmp_repo)


def test_parse_env_file_forms() -> None:
    text = 'A=1\nexport B="two words"\n  C = three \n# D=4\nnot a line\nE=x#y\n'
    assert parse_env_file(text) == {"A": "1", "B": "two words", "C": "three", "E": "x#y"}


def test_keyring_package(tmp_repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = {("acme", "deploy"): "kr-secret-1"}
    fake = types.SimpleNamespace(get_password=lambda service, user: store.get((service, user)))
    monkeypatch.setitem(sys.modules, "keyring", fake)  # type: ignore[arg-type]
    secret = Secret("DEPLOY", "keyring", {"service": "acme", "username": "deploy"})
    assert resolve(secret, tmp_repo) == "kr-secret-1"
    with pytest.raises(
        SecretUnavailable, match=r"secret DEPLOY \(keyring\): the keyring has no password for acme/DEPLOY"
    ):
        resolve(Secret("DEPLOY", "keyring", {"service": "acme"}), tmp_repo)


def test_keyring_falls_back_to_secret_tool(tmp_repo: Path, only_bin: Path) -> None:
    lookup = "['lookup', 'service', 'acme', 'username', 'DEPLOY']"
    fake_program(
        only_bin, "secret-tool", f"print('st-secret-2') if sys.argv[1:] == {lookup} else sys.exit(1)"
    )
    assert resolve(Secret("DEPLOY", "keyring", {"service": "acme"}), tmp_repo) == "st-secret-2"
    with pytest.raises(SecretUnavailable, match="secret-tool has no password for other/DEPLOY"):
        resolve(Secret("DEPLOY", "keyring", {"service": "other"}), tmp_repo)


def test_no_keyring_at_all(tmp_repo: Path, only_bin: Path) -> None:
    with pytest.raises(SecretUnavailable) as err:
        resolve(Secret("DEPLOY", "keyring", {"service": "acme"}), tmp_repo)
    assert "neither the `keyring` package nor `secret-tool` is installed" in str(err.value.message)
    assert "pip install 'claude-kit[keyring]'" in str(err.value.message)


def test_one_password_cli(tmp_repo: Path, only_bin: Path) -> None:
    fake_program(
        only_bin,
        "op",
        "if sys.argv[1:] == ['read', '--no-newline', 'op://dev/npm/token']:\n"
        "    sys.stdout.write('op-secret-3')\n"
        "else:\n"
        "    sys.stderr.write('[ERROR] could not read secret: item not found\\n'); sys.exit(1)",
    )
    assert resolve(Secret("NPM_TOKEN", "op", {"ref": "op://dev/npm/token"}), tmp_repo) == "op-secret-3"
    with pytest.raises(SecretUnavailable) as err:
        resolve(Secret("NPM_TOKEN", "op", {"ref": "op://dev/npm/other"}), tmp_repo)
    assert (
        "secret NPM_TOKEN (op): `op read` failed (exit 1): [ERROR] could not read secret: item not found"
        in str(err.value.message)
    )


def test_one_password_cli_absent(tmp_repo: Path, only_bin: Path) -> None:
    with pytest.raises(
        SecretUnavailable, match=r"secret NPM_TOKEN \(op\): the 1Password CLI `op` is not on PATH"
    ):
        resolve(Secret("NPM_TOKEN", "op", {"ref": "op://dev/npm/token"}), tmp_repo)


def test_the_schema_and_the_registry_agree() -> None:
    secret = config.schema()["$defs"]["secret"]
    assert secret["properties"]["provider"]["enum"] == list(PROVIDERS)
    for rule in secret["allOf"]:
        name = rule["if"]["properties"]["provider"]["const"]
        provider = PROVIDERS[name]
        assert rule["then"]["required"] == list(provider.required)
        assert set(rule["then"]["propertyNames"]["enum"]) == {
            "provider",
            *provider.required,
            *provider.optional,
        }
    assert set(secret["properties"]) == {"provider"} | {
        key for p in PROVIDERS.values() for key in (*p.required, *p.optional)
    }


@pytest.mark.parametrize(
    ("entry", "problem"),
    [
        ({"provider": "env_file"}, "$.secrets.API_TOKEN -> 'file' is a required property"),
        ({"provider": "vault", "ref": "x"}, "$.secrets.API_TOKEN.provider -> 'vault' is not one of"),
        ({"provider": "op", "ref": "op://a/b/c", "file": "x"}, "$.secrets.API_TOKEN -> 'file' is not one of"),
        ({"provider": "op", "ref": "vault/item"}, "$.secrets.API_TOKEN.ref -> 'vault/item' does not match"),
    ],
)
def test_a_bad_secret_entry_is_a_path_qualified_config_error(entry: dict[str, str], problem: str) -> None:
    text = "version: 1\nsecrets:\n  API_TOKEN: " + json.dumps(entry) + "\n"
    with pytest.raises(KitError) as err:
        config.parse(text, ".claude/claude-kit.yaml")
    assert f".claude/claude-kit.yaml:3: {problem}" in str(err.value.message)


def test_the_compiled_config_has_names_and_files_never_values(tmp_path: Path) -> None:
    text = (
        "version: 1\nsecrets:\n  API_TOKEN: {provider: env_file, file: ~/.config/acme.env}\n"
        "  NPM_TOKEN: {provider: op, ref: 'op://dev/npm/token'}\n"
    )
    compiled = config.compile_config(config.parse(text, "x"), text.encode())
    assert compiled["secrets"] == {"names": ["API_TOKEN", "NPM_TOKEN"], "files": ["~/.config/acme.env"]}
