"""Secrets never touch the context (issue 15), in real Claude Code sessions: the model runs a command
that needs a token through `claude-kit secrets run` from Bash; the command gets the token and prints
it (and its base64), and yet no request the runtime sends to the model, no line of the transcript and
no decision-log record holds the token in either form. Reading the env file (`cat`, the Read tool)
or printing the environment is denied with the `secrets run` form.
"""

from __future__ import annotations

import base64
import hashlib
import json
import sys
from pathlib import Path

import pytest

from claude_kit.fakeapi import Script, call, say
from claude_kit.session_runner import SessionResult
from claude_kit_hooks.contract.layout import KitPaths
from tests.e2e.kitrepo import BACKEND_CONFIG, LOOP_OFF, decisions, install_kit, run_ok

pytestmark = pytest.mark.e2e

TOKEN = "tok_e2e_7Qm4Zr9Wx2Lp8Vn3"
ENCODED = base64.b64encode(TOKEN.encode()).decode()
KIT = f'"{sys.executable}" -m claude_kit'
# Checks the token it got (by its hash: the repository never holds the value), then prints it as a
# careless tool would.
CHECK = """\
import base64, hashlib, os, sys
token = os.environ.get("API_TOKEN", "")
if hashlib.sha256(token.encode()).hexdigest() != sys.argv[1]:
    sys.exit("token rejected")
print("token ok:", token)
print("as base64:", base64.b64encode(token.encode()).decode())
"""


@pytest.fixture
def repo(tmp_repo: Path, tmp_path: Path) -> tuple[Path, Path]:
    env_file = tmp_path / "outside" / "acme.env"
    env_file.parent.mkdir()
    env_file.write_text(f"API_TOKEN={TOKEN}\n")
    config = (
        BACKEND_CONFIG
        + LOOP_OFF
        + f"secrets:\n  API_TOKEN: {{provider: env_file, file: {json.dumps(str(env_file))}}}\n"
    )
    install_kit(
        tmp_repo, config=config, files={"cmd/api/main.go": "package main\n", "tools/check_token.py": CHECK}
    )
    return tmp_repo, env_file


def everything_sent(result: SessionResult) -> str:
    """Every request body the runtime sent to the (fake) Messages API, as sent."""
    return "\n".join(json.dumps(r.body) for r in result.requests)


def test_a_command_uses_the_token_and_the_model_never_sees_it(
    repo: tuple[Path, Path], isolated_home: Path, claude_bin: Path
) -> None:
    root, env_file = repo
    digest = hashlib.sha256(TOKEN.encode()).hexdigest()
    run_with_token = f'{KIT} secrets run API_TOKEN -- "{sys.executable}" tools/check_token.py {digest}'
    script = Script(
        main=[
            call("Bash", {"command": run_with_token}),
            call("Bash", {"command": f"cat {env_file}"}),
            call("Bash", {"command": "printenv | grep -i token"}),
            call("Read", {"file_path": str(env_file)}),
            say("The token works."),
        ]
    )

    result = run_ok(root, isolated_home, claude_bin, script, prompt="check the api token")

    mains = [r.text() for r in result.main_requests()]
    # The command ran with the token and succeeded; its output came back redacted.
    assert "token ok: [REDACTED:API_TOKEN]" in mains[1]
    assert "as base64: [REDACTED:API_TOKEN]" in mains[1]
    # Reading the env file and printing the environment were denied with the form to use.
    assert f"claude-kit: this command reads the secret file {env_file}" in mains[2]
    assert "claude-kit: this command prints the environment (`printenv`)" in mains[3]
    assert "`claude-kit secrets run API_TOKEN -- <command>`" in mains[3]
    assert f"claude-kit: this Read call reads the secret file {env_file}" in mains[4]
    assert [e.tool for e in result.tool_errors()] == ["Bash", "Bash", "Read"]
    denies = decisions(root, session_id=result.session_id, hook="secret_exposure", decision="deny")
    assert [d["tool"] for d in denies] == ["Bash", "Bash", "Read"]
    # Nowhere the model or a log could show it: request bodies, the transcript, the decision log.
    sent = everything_sent(result)
    assert TOKEN not in sent and ENCODED not in sent
    assert result.transcript_path is not None
    transcript = result.transcript_path.read_text()
    assert "token ok: [REDACTED:API_TOKEN]" in transcript
    assert TOKEN not in transcript and ENCODED not in transcript
    log = Path(KitPaths(str(root)).decision_log).read_text()
    assert TOKEN not in log and ENCODED not in log
