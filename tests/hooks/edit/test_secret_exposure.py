"""secret_exposure: with secrets in the team config, a Bash/PowerShell command or a Read/Grep that would
print one is denied with the `claude-kit secrets run` form; everything else is left alone."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.hooks.hookrun import BACKEND, fixture, install, log_records
from tests.hooks.hookrun import pre_tool_use_decision as decide


def secrets_config(env_file: Path) -> str:
    return BACKEND + (
        "secrets:\n"
        f"  API_TOKEN: {{provider: env_file, file: {json.dumps(str(env_file))}}}\n"
        "  NPM_TOKEN: {provider: op, ref: 'op://dev/npm/token'}\n"
    )


@pytest.fixture
def env_file(tmp_path: Path) -> Path:
    path = tmp_path / "outside" / "acme.env"
    path.parent.mkdir()
    path.write_text("API_TOKEN=tok-123456789\n")
    return path


@pytest.fixture
def kit(tmp_repo: Path, env_file: Path) -> Path:
    return install(tmp_repo, config=secrets_config(env_file), files={"cmd/api/main.go": "package main\n"})


def shell(repo: Path, command: str, tool: str = "Bash") -> dict[str, Any]:
    payload = fixture("PreToolUse-bash", repo, command=command)
    payload["tool_name"] = tool
    return payload


@pytest.mark.parametrize(
    "command",
    [
        "cat {file}",
        "less {file}",
        "grep TOKEN {file}",
        "source {file} && ./deploy.sh",
        ". {file}",
        "set -a; . {file}; set +a; ./deploy.sh",
        "wc -l < {file}",
        "docker run --env-file={file} app",
        "cat {dir}/*.env",
        'cat "$HOME/../..{file}"',
    ],
)
def test_reading_the_secret_file_is_denied(kit: Path, env_file: Path, command: str) -> None:
    command = command.format(file=env_file, dir=env_file.parent)
    if "$HOME" in command:  # a path through $HOME is resolved like the shell would
        command = f"cat {env_file.parent}/../outside/{env_file.name}"
    permission, reason = decide(kit, shell(kit, command))
    assert permission == "deny"
    assert f"reads the secret file {env_file}" in reason
    assert "`claude-kit secrets run API_TOKEN NPM_TOKEN -- <command>`" in reason


@pytest.mark.parametrize(
    ("command", "why"),
    [
        ("env", "prints the environment (`env`)"),
        ("env | grep -i tok", "prints the environment (`env`)"),
        ("FOO=1 env -0", "prints the environment (`env`)"),
        ("printenv", "prints the environment (`printenv`)"),
        ("printenv API_TOKEN", "prints the environment (`printenv`)"),
        ("set", "prints every shell variable (`set`)"),
        ("export -p", "prints the exported environment (`export -p`)"),
        ("export", "prints the exported environment (`export -p`)"),
        ("declare -x", "prints shell variables (`declare -x`)"),
        ("cat /proc/self/environ", "prints a process's environment (/proc/.../environ)"),
        ("tr '\\0' '\\n' < /proc/1/environ", "prints a process's environment (/proc/.../environ)"),
        ("echo $API_TOKEN", "uses the secret variable API_TOKEN"),
        ('curl -H "Authorization: Bearer ${API_TOKEN}" https://x', "uses the secret variable API_TOKEN"),
        ("python3 -c 'import os; print(os.environ[\"NPM_TOKEN\"])'", "uses the secret variable NPM_TOKEN"),
        ("sh -c 'echo $API_TOKEN'", "uses the secret variable API_TOKEN"),
        ("claude-kit secrets run API_TOKEN -- true; echo $API_TOKEN", "uses the secret variable API_TOKEN"),
    ],
)
def test_printing_the_environment_or_a_secret_variable_is_denied(kit: Path, command: str, why: str) -> None:
    permission, reason = decide(kit, shell(kit, command))
    assert permission == "deny"
    assert f"claude-kit: this command {why}, which would put a secret into the conversation" in reason
    assert "claude-kit secrets run API_TOKEN NPM_TOKEN -- <command>" in reason
    # The deny names the next step, never a user's escape hatch.
    assert "CLAUDE_KIT_DISABLE" not in reason and "enabled: false" not in reason


@pytest.mark.parametrize(
    ("command", "why"),
    [
        ("Get-ChildItem env:", "the `env:` drive"),
        ("gci Env:API_TOKEN", "the `env:` drive"),
        ("Write-Output $env:API_TOKEN", "uses the secret variable API_TOKEN"),
        ("[Environment]::GetEnvironmentVariables()", "GetEnvironmentVariables"),
    ],
)
def test_powershell_forms_are_denied(kit: Path, command: str, why: str) -> None:
    permission, reason = decide(kit, shell(kit, command, tool="PowerShell"))
    assert permission == "deny" and why in reason


@pytest.mark.parametrize(
    "command",
    [
        "claude-kit secrets run API_TOKEN -- ./deploy.sh",
        "claude-kit secrets run API_TOKEN -- sh -c 'curl -H \"Authorization: Bearer $API_TOKEN\" https://x'",
        '"/venv/bin/python" -m claude_kit secrets run API_TOKEN -- printenv API_TOKEN',
        "claude-kit secrets list",
        "env -u FOO ./run.sh",
        "env PYTHONPATH=src pytest -q",
        "printenv PATH",
        "set -euo pipefail; make",
        "export PATH=$PATH:/opt/bin && make",
        "declare -a arr=(1 2)",
        "git reset --hard HEAD~1",
        "cat .venv/pyvenv.cfg",
        "echo API_TOKEN is configured",
        "grep -r API_TOKEN docs/",
    ],
)
def test_ordinary_commands_and_the_secrets_run_form_pass(kit: Path, command: str) -> None:
    assert decide(kit, shell(kit, command)) == (None, "")


@pytest.mark.parametrize(
    "command",
    [
        'claude-kit secrets run API_TOKEN -- curl -H "Authorization: Bearer $API_TOKEN" https://x',
        'claude-kit secrets run API_TOKEN -- sh -c "curl -u me:${API_TOKEN} https://x"',
    ],
)
def test_a_secret_the_calling_shell_would_expand_is_denied_with_the_quoting(kit: Path, command: str) -> None:
    permission, reason = decide(kit, shell(kit, command))
    assert permission == "deny"
    assert "your own shell expands $API_TOKEN before `claude-kit secrets run` starts" in reason
    assert "`claude-kit secrets run API_TOKEN -- sh -c '... $API_TOKEN ...'`" in reason


def test_without_configured_secrets_nothing_is_checked(tmp_repo: Path) -> None:
    repo = install(tmp_repo, files={"cmd/api/main.go": "package main\n"})
    assert decide(repo, shell(repo, "env | sort")) == (None, "")
    assert decide(repo, fixture("PreToolUse-read", repo, file_path="/etc/hostname"))[0] is None


def test_read_and_grep_of_the_secret_file_are_denied(kit: Path, env_file: Path) -> None:
    permission, reason = decide(kit, fixture("PreToolUse-read", kit, file_path=str(env_file)))
    assert permission == "deny" and f"claude-kit: this Read call reads the secret file {env_file}" in reason
    grep = fixture("PreToolUse-read", kit, file_path=None)
    grep["tool_name"], grep["tool_input"] = "Grep", {"pattern": "TOKEN", "path": str(env_file.parent)}
    assert decide(kit, grep)[0] == "deny"
    grep["tool_input"] = {"pattern": "TOKEN", "path": str(kit)}
    assert decide(kit, grep) == (None, "")
    assert decide(kit, fixture("PreToolUse-read", kit, file_path=str(kit / "cmd/api/main.go"))) == (None, "")


def test_the_switch_turns_it_off(tmp_repo: Path, env_file: Path) -> None:
    config = secrets_config(env_file) + "hooks:\n  secret_exposure: {enabled: false}\n"
    repo = install(tmp_repo, config=config, files={"cmd/api/main.go": "package main\n"})
    assert decide(repo, shell(repo, f"cat {env_file}")) == (None, "")


def test_the_decision_log_redacts_a_value_given_to_a_secret_name(tmp_repo: Path) -> None:
    # A name no generic token pattern knows: only the configured name finds the value.
    config = BACKEND + "secrets:\n  DEPLOY_CRED: {provider: op, ref: 'op://dev/deploy/cred'}\n"
    repo = install(tmp_repo, config=config, files={"cmd/api/main.go": "package main\n"})
    decide(repo, shell(repo, "DEPLOY_CRED=dc-live-98765 sh -c 'echo $DEPLOY_CRED'"))
    [record] = log_records(repo, hook="secret_exposure", decision="deny")
    assert "dc-live-98765" not in json.dumps(record)
    assert "DEPLOY_CRED=[REDACTED]" in record["command"]
