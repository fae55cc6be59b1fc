"""`claude-kit replay <transcript.jsonl>`: a recorded session's tool calls (its subagents' too) through the
current hooks and config, without running the tools; print where the PreToolUse decisions now differ.

The hooks run in a copy of the repository (scenario_run.copy_repository), so the replay writes no
decision log or state into the repository itself. Each call's payload carries a transcript that ends
at that call, so checks that read the transcript (the compaction gate) see what they saw then.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import click

from claude_kit.errors import KitError
from claude_kit.repo import find_root
from claude_kit.scenario_file import replace_in_strings
from claude_kit.scenario_run import copy_repository
from claude_kit_hooks.contract.layout import LAUNCHER
from claude_kit_hooks.spawn.transcripts import session_dir, session_transcripts

# How the runtime shows the model a hook's deny: `PreToolUse:<tool> hook error: <reason>`.
_HOOK_DENIAL = ("PreToolUse:", "hook error:")
_HOOK_TIMEOUT = 60  # seconds, as the kit's settings entries give a PreToolUse hook


@dataclass(frozen=True)
class Call:
    """One recorded tool call and what the runtime answered it."""

    transcript: Path
    line: int  # 1-based line of the tool_use in `transcript`
    agent_id: str | None
    agent_type: str | None
    tool_use_id: str
    tool: str
    input: dict[str, Any]
    denied_then: str | None  # the hook's reason when a PreToolUse hook denied it, else None

    @property
    def who(self) -> str:
        return self.agent_type or "main thread"


@dataclass(frozen=True)
class Difference:
    call: Call
    denied_now: str | None

    def describe(self) -> str:
        c = self.call
        target = c.input.get("file_path") or c.input.get("command") or c.input.get("subagent_type") or ""
        head = f"{c.transcript.name}:{c.line}: {c.who} {c.tool} {str(target)[:80]}".rstrip()
        then = f"denied ({_first_line(c.denied_then)})" if c.denied_then is not None else "allowed"
        now = f"denied ({_first_line(self.denied_now)})" if self.denied_now is not None else "allowed"
        return f"{head}\n    then: {then}\n    now:  {now}"


def _first_line(text: str | None, width: int = 140) -> str:
    line = (text or "").strip().splitlines()[0] if (text or "").strip() else ""
    return line if len(line) <= width else line[: width - 1] + "…"


def _lines(path: Path) -> list[dict[str, Any]]:
    try:
        raw = path.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError as exc:
        raise KitError(f"{path}: cannot be read ({exc.strerror})") from None
    out = []
    for line in raw:
        try:
            parsed = json.loads(line)
        except ValueError:
            parsed = None
        out.append(parsed if isinstance(parsed, dict) else {})
    return out


def _blocks(record: dict[str, Any], kind: str) -> Iterator[dict[str, Any]]:
    message = record.get("message")
    content = message.get("content") if isinstance(message, dict) else None
    for block in content if isinstance(content, list) else []:
        if isinstance(block, dict) and block.get("type") == kind:
            yield block


def _result_text(block: dict[str, Any]) -> str:
    content = block.get("content")
    if isinstance(content, list):
        return "\n".join(str(c.get("text", "")) for c in content if isinstance(c, dict))
    return str(content or "")


def _agent_type(transcript: Path) -> str | None:
    meta = transcript.with_name(transcript.name.removesuffix(".jsonl") + ".meta.json")
    try:
        data = json.loads(meta.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return str(data["agentType"]) if isinstance(data, dict) and data.get("agentType") else None


def read_calls(transcript: Path, *, agent: bool) -> list[Call]:
    """The tool calls of one transcript, with the hook denial (if any) its tool_result shows."""
    records = _lines(transcript)
    denials: dict[str, str | None] = {}
    for record in records:
        for block in _blocks(record, "tool_result"):
            text = _result_text(block)
            prefix, marker = _HOOK_DENIAL
            denied = bool(block.get("is_error")) and text.startswith(prefix) and marker in text
            denials[str(block.get("tool_use_id"))] = text.split(marker, 1)[1].strip() if denied else None
    agent_id = transcript.name.removeprefix("agent-").removesuffix(".jsonl") if agent else None
    agent_type = _agent_type(transcript) if agent else None
    return [
        Call(
            transcript,
            number,
            agent_id,
            agent_type,
            str(block.get("id")),
            str(block.get("name")),
            dict(block.get("input") or {}),
            denials.get(str(block.get("id"))),
        )  # fmt: skip
        for number, record in enumerate(records, 1)
        if record.get("type") == "assistant"
        for block in _blocks(record, "tool_use")
    ]


def _recorded_root(transcript: Path) -> str | None:
    return next((str(r["cwd"]) for r in _lines(transcript) if isinstance(r.get("cwd"), str)), None)


def run_installed_hook(repo: Path, module: str, payload: dict[str, Any]) -> subprocess.CompletedProcess[str]:
    """Run the kit's installed dispatcher `module` for `repo` on `payload`, as Claude Code does."""
    env = {**os.environ, "CLAUDE_PROJECT_DIR": str(repo)}
    try:
        return subprocess.run(
            ["sh", str(repo / LAUNCHER), module], input=json.dumps(payload), capture_output=True,
            text=True, env=env, cwd=repo, timeout=_HOOK_TIMEOUT, check=False,
        )  # fmt: skip
    except subprocess.TimeoutExpired:
        late = f"the hook did not answer within {_HOOK_TIMEOUT}s"
        return subprocess.CompletedProcess([module], 1, "", late)


def denial_of(answer: subprocess.CompletedProcess[str]) -> str | None:
    """The deny reason a PreToolUse hook answered with, None when it let the call through."""
    if answer.returncode == 2:
        return answer.stderr.strip()
    try:
        spec = json.loads(answer.stdout).get("hookSpecificOutput") or {} if answer.stdout.strip() else {}
    except (ValueError, AttributeError):
        return None
    if isinstance(spec, dict) and spec.get("permissionDecision") == "deny":
        return str(spec.get("permissionDecisionReason") or "")
    return None


def _stage_session(main: Path, into: Path) -> Path:
    """A copy of the session's files under `into` (subagent transcripts and meta files, which the
    hooks read beside the main transcript); the main transcript itself is written call by call."""
    source = session_dir(str(main))
    staged = into / main.name
    if Path(source).is_dir():
        shutil.copytree(source, session_dir(str(staged)))
    return staged


def replay(transcript: Path, root: Path) -> tuple[list[Call], list[Difference]]:
    """Every recorded call of the session and those whose PreToolUse decision now differs."""
    transcripts = [Path(p) for p in session_transcripts(str(transcript))]
    calls = [c for i, t in enumerate(transcripts) for c in read_calls(t, agent=i > 0)]
    recorded_root = _recorded_root(transcript)
    main_lines = transcript.read_text(encoding="utf-8", errors="replace").splitlines(keepends=True)
    differences = []
    work = Path(tempfile.mkdtemp(prefix="claude-kit-replay-"))
    try:
        copy = copy_repository(root, work)
        staged = _stage_session(transcript, work / "session")
        for call in calls:
            if call.agent_id is None:  # the main transcript as it stood when the call was made
                staged.write_text("".join(main_lines[: call.line]), encoding="utf-8")
            payload = {
                "session_id": staged.stem, "transcript_path": str(staged), "cwd": str(copy),
                "permission_mode": "bypassPermissions", "hook_event_name": "PreToolUse",
                "tool_name": call.tool, "tool_use_id": call.tool_use_id,
                "tool_input": (
                    replace_in_strings(call.input, recorded_root, str(copy)) if recorded_root else call.input
                ),
            }  # fmt: skip
            if call.agent_id is not None:
                payload.update(agent_id=call.agent_id, agent_type=call.agent_type or "general-purpose")
            denied_now = denial_of(run_installed_hook(copy, "pre_tool_use", payload))
            if (denied_now is None) != (call.denied_then is None):
                differences.append(Difference(call, denied_now))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return calls, differences


def replay_command(transcript: Path, target: Path) -> int:
    """`claude-kit replay`: 0 when every decision is the same as recorded, 1 when one differs."""
    if not transcript.is_file():
        raise KitError(
            f"{transcript}: no such transcript", hint="Claude Code writes them under ~/.claude/projects/"
        )
    root = find_root(target)
    calls, differences = replay(transcript.resolve(), root)
    agents = len({c.agent_id for c in calls if c.agent_id})
    click.echo(
        f"Replayed {len(calls)} tool call(s) ({agents} subagent transcript(s)) through the current hooks "
        f"of {root}: {len(differences)} decision(s) differ."
    )
    for difference in differences:
        click.echo(difference.describe())
    return 1 if differences else 0
