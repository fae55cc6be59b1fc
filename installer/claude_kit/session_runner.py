"""Run one real Claude Code session (`claude -p`) against the scripted fake Messages API.

Used by the e2e tests and by `claude-kit demo`: both need the same isolated environment (fresh
HOME, no network, permissions skipped) and the same view of what happened afterwards.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from claude_kit.fakeapi import FakeAnthropicAPI, Request, Script

# Passed through so that the CLI, git and hook interpreters behave as in the caller's shell;
# everything else (ANTHROPIC_*, CLAUDE_*, a real HOME) is dropped so a session cannot reach out.
_PASSTHROUGH_ENV = ("PATH", "LANG", "LC_ALL", "LC_CTYPE", "SYSTEMROOT", "COMSPEC", "PATHEXT", "WINDIR")


class ToolError(NamedTuple):
    """A tool_result with is_error that some conversation's model was shown."""

    conversation: str  # "main" or "agent:<marker>#<n>"
    tool: str  # name of the tool call it answers ("" if not found)
    tool_use_id: str
    text: str


@dataclass
class SessionResult:
    returncode: int
    events: list[dict[str, Any]]  # stream-json stdout, one object per line
    stderr: str
    requests: list[Request]  # the fake API log, in arrival order
    transcript_path: Path | None
    home: Path
    repo: Path
    stdout_noise: list[str] = field(default_factory=list)  # stdout lines that were not JSON

    @property
    def session_id(self) -> str | None:
        for event in self.events:
            if event.get("type") == "system" and event.get("subtype") == "init":
                return str(event.get("session_id"))
        return None

    def main_requests(self) -> list[Request]:
        return [r for r in self.requests if r.kind == "main"]

    def subagent_requests(self, marker: str | None = None) -> list[Request]:
        return [r for r in self.requests if r.kind == "subagent" and marker in (None, r.marker)]

    def side_requests(self) -> list[Request]:
        return [r for r in self.requests if r.kind == "side"]

    def request_texts(self, requests: Iterable[Request] | None = None) -> str:
        """All text the model was shown (system + messages), one string, for `in` assertions.

        Defaults to every main and subagent request. Conversations resend their history, so a
        text appears once per later request; count occurrences on a single request instead.
        """
        chosen = self.requests if requests is None else requests
        return "\n".join(r.text() for r in chosen if r.kind in ("main", "subagent"))

    def tool_errors(self) -> list[ToolError]:
        """Error tool results (hook denials, failed tools) as shown to the model, deduplicated."""
        names = {
            str(block.get("id")): str(block.get("name"))
            for r in self.requests
            for block in r.response.get("content") or []
            if block.get("type") == "tool_use"
        }
        errors: dict[str, ToolError] = {}
        for r in self.requests:
            for block in _tool_results(r.body):
                tool_use_id = str(block.get("tool_use_id"))
                if block.get("is_error") and tool_use_id not in errors:
                    text = "\n".join(_texts(block.get("content")))
                    errors[tool_use_id] = ToolError(
                        r.conversation, names.get(tool_use_id, ""), tool_use_id, text
                    )
        return list(errors.values())

    def last_result(self) -> dict[str, Any]:
        """The final stream-json `result` event; raises with the session's output when missing."""
        for event in reversed(self.events):
            if event.get("type") == "result":
                return dict(event)
        raise AssertionError(f"no result event in the session output\n{self.describe()}")

    def transcript(self) -> list[dict[str, Any]]:
        """The main session transcript lines (empty if none was written)."""
        if self.transcript_path is None or not self.transcript_path.exists():
            return []
        lines = self.transcript_path.read_text(encoding="utf-8").splitlines()
        return [json.loads(line) for line in lines if line.strip()]

    def describe(self) -> str:
        """A compact account of the run, for assertion messages."""
        routed = ", ".join(f"{r.conversation}[{r.step}]" for r in self.requests)
        return (
            f"returncode={self.returncode} transcript={self.transcript_path}\n"
            f"requests: {routed or '(none)'}\n"
            f"tool errors: {[(e.conversation, e.tool, e.text[:300]) for e in self.tool_errors()]}\n"
            f"stderr tail: {self.stderr[-2000:]}\n"
            f"last events: {json.dumps(self.events[-3:])[:3000]}"
        )


class SessionTimeout(TimeoutError):
    def __init__(self, timeout: float, result: SessionResult) -> None:
        super().__init__(f"claude did not finish within {timeout:g}s\n{result.describe()}")
        self.result = result


def _tool_results(body: Mapping[str, Any]) -> Iterator[dict[str, Any]]:
    for message in body.get("messages") or []:
        content = message.get("content") if isinstance(message, dict) else None
        for block in content if isinstance(content, list) else []:
            if isinstance(block, dict) and block.get("type") == "tool_result":
                yield block


def _texts(node: Any) -> list[str]:
    if isinstance(node, str):
        return [node]
    if isinstance(node, list):
        return [t for item in node for t in _texts(item)]
    if isinstance(node, dict) and isinstance(node.get("text"), str):
        return [node["text"]]
    return []


def session_env(
    home: Path, base_url: str, extra_env: Mapping[str, str] | None = None, *, tmpdir: Path | None = None
) -> dict[str, str]:
    env = {key: os.environ[key] for key in _PASSTHROUGH_ENV if key in os.environ}
    if tmpdir is not None:
        # The runtime keeps background-agent output and sockets under $TMPDIR/claude-<uid>.
        env.update(TMPDIR=str(tmpdir), TEMP=str(tmpdir), TMP=str(tmpdir))
    env.update(
        HOME=str(home),
        USERPROFILE=str(home),  # Windows reads the home directory from here
        ANTHROPIC_BASE_URL=base_url,
        ANTHROPIC_API_KEY="sk-ant-fake-offline",
        CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC="1",
        DISABLE_AUTOUPDATER="1",
        # Needed when running as root, otherwise --dangerously-skip-permissions is refused.
        IS_SANDBOX="1",
    )
    env.update(extra_env or {})
    return env


def find_transcript(home: Path, session_id: str | None) -> Path | None:
    if not session_id:
        return None
    # Globbed rather than rebuilt from cwd: the runtime may resolve symlinks (/tmp on macOS).
    matches = sorted((home / ".claude" / "projects").glob(f"*/{session_id}.jsonl"))
    return matches[0] if matches else None


def _parse_stdout(stdout: str) -> tuple[list[dict[str, Any]], list[str]]:
    events: list[dict[str, Any]] = []
    noise: list[str] = []
    for line in stdout.splitlines():
        try:
            parsed = json.loads(line)
        except ValueError:
            parsed = None
        if isinstance(parsed, dict):
            events.append(parsed)
        elif line.strip():
            noise.append(line)
    return events, noise


def _kill_tree(process: subprocess.Popen[str]) -> None:
    # The CLI spawns hooks and shells; killing only the CLI would leave them holding the pipes.
    if sys.platform == "win32":
        subprocess.run(["taskkill", "/F", "/T", "/PID", str(process.pid)], capture_output=True, check=False)
    else:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)


def run_session(
    repo: Path,
    prompt: str,
    script: Script,
    *,
    home: Path,
    extra_env: dict[str, str] | None = None,
    timeout: float = 120,
    claude_bin: Path,
    extra_args: Iterable[str] = (),
    tmpdir: Path | None = None,
    skip_permissions: bool = True,
) -> SessionResult:
    """Run `claude -p prompt` in `repo` against `script`; raise SessionTimeout after `timeout` s.

    `tmpdir` becomes the session's TMPDIR (kept afterwards); by default a private one is made
    and removed when the session ends. `skip_permissions=False` leaves permissions to `extra_args`
    (a `--permission-mode`, as the CI workflow's session has).
    """
    home.mkdir(parents=True, exist_ok=True)
    api = FakeAnthropicAPI(script)
    command = [
        str(claude_bin),
        "-p",
        prompt,
        "--output-format",
        "stream-json",
        "--verbose",
        *(["--dangerously-skip-permissions"] if skip_permissions else []),
        *extra_args,
    ]
    # Short on purpose (unix socket paths are capped near 104 bytes) and private to this session.
    own_tmpdir = tmpdir is None
    session_tmp = Path(tempfile.mkdtemp(prefix="cc-")) if tmpdir is None else tmpdir
    try:
        with api as base_url:
            env = session_env(home, base_url, extra_env, tmpdir=session_tmp)
            returncode, stdout, stderr, timed_out = _launch(command, repo, env, timeout)
            requests = api.requests
    finally:
        if own_tmpdir:
            shutil.rmtree(session_tmp, ignore_errors=True)
    events, noise = _parse_stdout(stdout)
    result = SessionResult(returncode, events, stderr, requests, None, home, repo, noise)
    result.transcript_path = find_transcript(home, result.session_id)
    if timed_out:
        raise SessionTimeout(timeout, result)
    return result


def _launch(command: list[str], cwd: Path, env: dict[str, str], timeout: float) -> tuple[int, str, str, bool]:
    """Run the CLI to completion or until `timeout`; returns (returncode, stdout, stderr, timed_out)."""
    with subprocess.Popen(
        command,
        cwd=cwd,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        encoding="utf-8",
        errors="replace",
        # Its own process group, so that a timeout can take down hooks and shells with it.
        start_new_session=sys.platform != "win32",
    ) as process:
        try:
            stdout, stderr = process.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill_tree(process)
            stdout, stderr = process.communicate()
            return process.returncode, stdout, stderr, True
    return process.returncode, stdout, stderr, False
