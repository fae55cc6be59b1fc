"""Install claude-kit into an e2e scenario's repository, run the scenario, read what its hooks recorded.

Installing and reading the decision log are the hook unit tests' helpers (tests/hooks/hookrun.py),
under the names the scenarios use.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from claude_kit.fakeapi import Script, Turn, agent_call, call, say
from claude_kit.session_runner import SessionResult, run_session
from tests.hooks.hookrun import BACKEND as BACKEND_CONFIG
from tests.hooks.hookrun import LOOP_OFF, TWO_DOMAINS
from tests.hooks.hookrun import install as install_kit
from tests.hooks.hookrun import log_records as decisions

__all__ = [
    "BACKEND_CONFIG", "LOOP_OFF", "TWO_DOMAINS", "decisions", "delegated_edit", "install_kit", "main_edit",
    "main_texts", "run_ok", "spawn", "verdict",
]  # fmt: skip


def run_ok(
    repo: Path,
    home: Path,
    claude_bin: Path,
    script: Script,
    *,
    prompt: str = "go",
    timeout: float = 120,
    extra_args: tuple[str, ...] | list[str] = (),
) -> SessionResult:
    """One `claude -p <prompt>` session against the scripted fake API; asserts it ended in success."""
    result = run_session(
        repo, prompt, script, home=home, claude_bin=claude_bin, timeout=timeout, extra_args=extra_args
    )
    assert result.returncode == 0, result.describe()
    assert result.last_result()["subtype"] == "success", result.describe()
    return result


def verdict(role: str, result: str, summary: str, issues: list[dict[str, Any]] | None = None) -> str:
    """A backend reviewer's or tester's final message carrying the kit's verdict block."""
    block = {
        "claude_kit": "verdict",
        "role": role,
        "domain": "backend",
        "verdict": result,
        "issues": issues or [],
        "summary": summary,
    }
    return f"# backend {role}\n- result: {result}\n\n```json\n{json.dumps(block)}\n```"


def spawn(marker: str, agent: str, task: str) -> Turn:
    """A foreground spawn of `agent` whose subagent runs the script keyed by `marker`."""
    return Turn([agent_call(marker, task, subagent_type=agent, background=False)])


def review_and_test(what: str) -> tuple[list[Turn], dict[str, list[Turn]]]:
    """The main thread's spawns of backend-reviewer and backend-tester on `what` (one after the other,
    in the foreground), and their scripts: each passes with its verdict block."""
    turns = [
        spawn("REVIEW", "backend-reviewer", f"review {what}"),
        spawn("TEST", "backend-tester", f"test {what}"),
    ]
    agents = {
        "REVIEW": [say(verdict("review", "PASS", "ok"))],
        "TEST": [say(verdict("testing", "PASS", "ok"))],
    }
    return turns, agents


def main_texts(result: SessionResult) -> list[str]:
    """What the main thread was shown, one text per request to the fake API."""
    return [r.text() for r in result.main_requests()]


def main_edit(target: Path) -> dict[str, str]:
    """An Edit's input that changes `main() {}` in `target` to `main() { run() }`."""
    return {"file_path": str(target), "old_string": "main() {}", "new_string": "main() { run() }"}


def delegated_edit(target: Path, *before: Turn) -> Script:
    """The main thread (after `before`) spawns backend-developer, which makes main_edit(target)."""
    spawn = agent_call("DEVTASK", "add run() to main", subagent_type="backend-developer", background=False)
    developer = [
        call("Read", {"file_path": str(target)}),
        call("Edit", main_edit(target)),
        say("edited main.go"),
    ]
    return Script(
        main=[*before, Turn([spawn]), say("the developer changed it")], agents={"DEVTASK": developer}
    )
