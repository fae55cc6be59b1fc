"""`claude-kit secrets run NAME... -- COMMAND` as a separate process, inside a Claude Code tool call
(CLAUDECODE=1) as the model runs it: the command gets the secret in its own environment only, its
output comes back redacted, its exit code passes through; a missing secret or a failing provider
stops it before the command runs. `claude-kit secrets list` shows names and providers, never values."""

from __future__ import annotations

import base64
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.hooks.hookrun import BACKEND

TOKEN = "tok_live_5f2b9c81d4e7"
IN_SESSION = {"CLAUDECODE": "1"}


@pytest.fixture
def repo(tmp_repo: Path, tmp_path: Path) -> Path:
    env = tmp_path / "outside" / "acme.env"
    env.parent.mkdir()
    env.write_text(f"API_TOKEN={TOKEN}\n")
    config = BACKEND + (
        f"secrets:\n  API_TOKEN: {{provider: env_file, file: {json.dumps(str(env))}}}\n"
        "  NPM_TOKEN: {provider: op, ref: 'op://dev/npm/token'}\n"
    )
    (tmp_repo / ".claude").mkdir()
    (tmp_repo / ".claude/claude-kit.yaml").write_text(config)
    return tmp_repo


def kit(repo: Path, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, **IN_SESSION, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "claude_kit", *args], cwd=repo, env=full_env, capture_output=True, text=True,
        timeout=60, check=False,
    )  # fmt: skip


PRINTS = (
    "import base64, os, sys\n"
    "t = os.environ['API_TOKEN']\n"
    "print('token:', t)\n"
    "print('b64:', base64.b64encode(t.encode()).decode())\n"
    "print('err:', t.encode().hex(), file=sys.stderr)\n"
    "sys.exit(7)\n"
)


def test_the_command_gets_the_secret_and_its_output_is_redacted(repo: Path) -> None:
    proc = kit(repo, "secrets", "run", "API_TOKEN", "--", sys.executable, "-c", PRINTS)
    assert proc.returncode == 7  # passed through
    assert proc.stdout == "token: [REDACTED:API_TOKEN]\nb64: [REDACTED:API_TOKEN]\n"
    assert proc.stderr == "err: [REDACTED:API_TOKEN]\n"
    b64 = base64.b64encode(TOKEN.encode()).decode()
    assert TOKEN not in proc.stdout + proc.stderr and b64 not in proc.stdout


def test_the_secret_is_in_the_commands_environment_only(repo: Path) -> None:
    check = "import os, sys; sys.exit(0 if os.environ.get('API_TOKEN') == sys.argv[1] else 1)"
    assert kit(repo, "secrets", "run", "API_TOKEN", "--", sys.executable, "-c", check, TOKEN).returncode == 0
    assert "API_TOKEN" not in os.environ


def test_options_after_the_dashes_belong_to_the_command(repo: Path) -> None:
    proc = kit(
        repo,
        "secrets",
        "run",
        "API_TOKEN",
        "--",
        sys.executable,
        "-c",
        "import sys; print(sys.argv[1:])",
        "--help",
        "-x",
    )
    assert proc.returncode == 0 and proc.stdout == "['--help', '-x']\n"


def test_an_unknown_name_runs_nothing(repo: Path, tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    proc = kit(repo, "secrets", "run", "DB_PASSWORD", "--", "touch", str(marker))
    assert proc.returncode == 2 and not marker.exists()
    assert (
        "no secret named DB_PASSWORD (configured: API_TOKEN, NPM_TOKEN); the command was not run"
        in proc.stderr
    )


def test_a_failing_provider_runs_nothing_and_names_the_secret(repo: Path, tmp_path: Path) -> None:
    marker, bin_dir = tmp_path / "ran", tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "git").symlink_to(str(shutil.which("git")))  # git finds the repository; no `op` here
    proc = kit(
        repo,
        "secrets",
        "run",
        "API_TOKEN",
        "NPM_TOKEN",
        "--",
        "touch",
        str(marker),
        env={"PATH": str(bin_dir)},
    )
    assert proc.returncode == 2 and not marker.exists()
    assert (
        "secret NPM_TOKEN (op): the 1Password CLI `op` is not on PATH; the command was not run" in proc.stderr
    )


def test_no_command_after_the_dashes(repo: Path) -> None:
    proc = kit(repo, "secrets", "run", "API_TOKEN", "--")
    assert proc.returncode == 2 and "no command to run" in proc.stderr


def test_list_shows_names_and_providers_never_values(repo: Path) -> None:
    proc = kit(repo, "secrets", "list", "--format", "json")
    assert proc.returncode == 0, proc.stderr
    rows = json.loads(proc.stdout)
    assert [(r["name"], r["provider"]) for r in rows] == [("API_TOKEN", "env_file"), ("NPM_TOKEN", "op")]
    assert TOKEN not in proc.stdout


def _pre_tool_use_matchers(root: Path) -> list[str]:
    settings = json.loads((root / ".claude/settings.json").read_text())
    return [g["matcher"] for g in settings["hooks"]["PreToolUse"]]


def test_read_and_grep_start_the_hook_only_where_secret_files_are_configured(repo: Path) -> None:
    """A Read is the most frequent tool call: without secret files it starts no hook process."""
    outside = {"CLAUDECODE": ""}
    assert kit(repo, "install", env=outside).returncode == 0, "install"
    [matcher] = _pre_tool_use_matchers(repo)
    assert matcher.split("|")[-2:] == ["Read", "Grep"]
    config = repo / ".claude/claude-kit.yaml"
    config.write_text(config.read_text().split("secrets:")[0])
    assert kit(repo, "sync", env=outside).returncode == 0, "sync"
    [matcher] = _pre_tool_use_matchers(repo)
    assert "Read" not in matcher.split("|") and "Edit" in matcher.split("|")
