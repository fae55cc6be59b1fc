"""`claude-kit demo`: a sample repository, the kit installed, and a scripted session that shows the hooks.

The session is the real Claude Code CLI driven by the same scripted fake Messages API the e2e tests
use, so what the demo prints is what the runtime did with the kit's answers. Without the CLI the demo
replays the same tool calls through the installed hooks directly and says how to get the CLI.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import tempfile
import textwrap
from pathlib import Path
from typing import Any

import click

from claude_kit import lifecycle, shared_state
from claude_kit.claude_runtime import PINNED_VERSION, ClaudeRuntimeError, find_claude, install_claude
from claude_kit_hooks.contract.layout import CLAUDE_DIR, CONFIG_YAML, DECISION_LOG

MAIN_GO = """\
package main

import (
\t"fmt"
\t"net/http"
)

func health(w http.ResponseWriter, _ *http.Request) {
\tfmt.Fprintln(w, "ok")
}

func main() {
\thttp.HandleFunc("/health", health)
\t_ = http.ListenAndServe(":8080", nil)
}
"""
FIXED_GO = MAIN_GO.replace(
    'fmt.Fprintln(w, "ok")', 'w.Header().Set("Content-Type", "text/plain")\n\tfmt.Fprintln(w, "ok")'
)
CONFIG = """\
version: 1
domains:
  backend:
    paths: ["**/*.go"]
    checks:
      - name: handler sets a content type
        run: grep -q Content-Type cmd/api/main.go
        timeout: 30
  frontend:
    paths: ["ui/**/*.tsx"]
"""


def _verdict(role: str, verdict: str, summary: str) -> str:
    block = {
        "claude_kit": "verdict",
        "role": role,
        "domain": "backend",
        "verdict": verdict,
        "issues": [],
        "summary": summary,
    }
    return f"{summary}\n\n```json\n{json.dumps(block)}\n```"


TASK = "Make the health endpoint declare its content type."


def _free_repo_path(root: Path) -> Path:
    """`root/sample-service`, or the first free `sample-service-N`: a second demo in the same
    folder gets a fresh repository and leaves the first one as it was."""
    repo = root / "sample-service"
    n = 2
    while repo.exists():
        repo = root / f"sample-service-{n}"
        n += 1
    return repo


def make_sample_repo(root: Path) -> Path:
    repo = _free_repo_path(root)
    (repo / "cmd/api").mkdir(parents=True)
    (repo / "ui/src").mkdir(parents=True)
    (repo / "cmd/api/main.go").write_text(MAIN_GO)
    (repo / "ui/src/App.tsx").write_text("export function App() {\n  return <h1>status</h1>\n}\n")
    (repo / "README.md").write_text("# sample-service\n\nA tiny Go service with a React status page.\n")
    (repo / CLAUDE_DIR).mkdir()
    (repo / CONFIG_YAML).write_text(CONFIG)
    for args in (
        ["init", "-q"],
        ["add", "-A"],
        ["-c", "user.name=demo", "-c", "user.email=demo@example.invalid", "commit", "-qm", "sample service"],
    ):
        subprocess.run(["git", *args], cwd=repo, check=True, capture_output=True)
    return repo


def script_for(repo: Path) -> Any:
    from claude_kit.fakeapi import Script, Text, Turn, agent_call, call, say

    main_go = str(repo / "cmd/api/main.go")
    edit = {
        "file_path": main_go,
        "old_string": 'fmt.Fprintln(w, "ok")',
        "new_string": 'w.Header().Set("Content-Type", "text/plain")\n\tfmt.Fprintln(w, "ok")',
    }
    return Script(
        main=[
            call("Edit", edit),
            Turn(
                [
                    Text("The kit wants a backend developer for this."),
                    agent_call(
                        "DEV",
                        "set a Content-Type on the health handler in cmd/api/main.go",
                        subagent_type="backend-developer",
                        description="Fix health handler",
                    ),
                ]
            ),
            say("The handler is fixed. Done."),
            Turn(
                [
                    agent_call(
                        "REVIEW",
                        "review the change to cmd/api/main.go",
                        subagent_type="backend-reviewer",
                        description="Review health handler",
                    )
                ]
            ),
            Turn(
                [
                    agent_call(
                        "TEST",
                        "test the health handler in cmd/api/main.go",
                        subagent_type="backend-tester",
                        description="Test health handler",
                    )
                ]
            ),
            say("Reviewed and tested. Done."),
        ],
        agents={
            "DEV": [call("Edit", edit), say("Set Content-Type in cmd/api/main.go; verified with grep.")],
            "REVIEW": [say(_verdict("review", "PASS", "The header is set before the body is written."))],
            "TEST": [say(_verdict("testing", "PASS", "GET /health returns text/plain and ok."))],
        },
    )


# Allow decisions worth showing: the rest (context lines, depth and compaction checks) are routine.
NARRATED_ALLOWS = {"agent_first", "verdicts", "quality_gate", "stop_gate", "feedback_loop"}


def narrate(repo: Path, *, live: bool = True) -> None:
    log = shared_state.path(repo, DECISION_LOG)
    records = (
        [json.loads(line) for line in log.read_text().splitlines() if line.strip()] if log.exists() else []
    )
    click.echo(click.style("\nWhat the kit decided (claude-kit log):", bold=True))
    for r in records:
        if r["decision"] == "allow" and r["hook"] not in NARRATED_ALLOWS:
            continue
        who = r.get("agent_type") or "main thread"
        head = r["reason"].strip().splitlines()[0] if r["reason"].strip() else ""
        color = {"deny": "red", "block": "yellow", "warn": "cyan", "escalate": "magenta"}.get(r["decision"])
        click.echo(
            f"  {r['event']:<13} {click.style(r['decision'].upper(), fg=color):<6} "
            f"{r['hook']:<16} {who:<18} {textwrap.shorten(head, 90)}"
        )
    if not live:
        click.echo(
            click.style("\nReplay:", bold=True) + " these were the hooks' answers; a replay edits no file."
        )
        return
    changed = (repo / "cmd/api/main.go").read_text() == FIXED_GO
    outcome = (
        " cmd/api/main.go was changed by backend-developer, reviewed and tested before the session could end."
        if changed
        else " the file is unchanged."
    )
    click.echo(click.style("\nResult:", bold=True) + outcome)


# How Claude Code 2.1.x shows the model a PreToolUse deny: `PreToolUse:Edit hook error: <reason>`.
RUNTIME_DENY_PREFIX = re.compile(r"^(?:\w+):(\w+) hook error: ")


def explain_tool_error(conversation: str, tool: str, text: str) -> tuple[str, str]:
    """(the demo's sentence, what the model read): a deny is the kit's decision, not a failure,
    although the runtime words it as a hook error."""
    who = "the main thread" if conversation == "main" else f"a subagent ({conversation})"
    match = RUNTIME_DENY_PREFIX.match(text)
    if match is None:
        return f"A {tool or 'tool'} call of {who} failed; the model was told:", text
    said = text[match.end() :]
    sentence = (
        f"The kit refused {who}'s {match.group(1)} before it ran (nothing was changed) and told the "
        "model why, and what to do instead:"
    )
    return sentence, said


def run_live(repo: Path, claude: Path) -> int:
    from claude_kit.session_runner import run_session

    click.echo(f"Running a scripted Claude Code {PINNED_VERSION} session in {repo} ...")
    _print_task()
    # The session's HOME holds only the runtime's own files for this one run: removed with it.
    with tempfile.TemporaryDirectory(prefix="claude-kit-demo-home-", ignore_cleanup_errors=True) as home:
        result = run_session(repo, TASK, script_for(repo), home=Path(home), claude_bin=claude, timeout=180)
    for err in result.tool_errors():
        sentence, said = explain_tool_error(err.conversation, err.tool, err.text)
        click.echo(click.style(f"\n{sentence}", fg="yellow"))
        click.echo(textwrap.indent(textwrap.shorten(said, 600), "  "))
    narrate(repo)
    return 0 if result.returncode == 0 else 1


def _print_task() -> None:
    click.echo(click.style("The task given to the session: ", bold=True) + TASK)


def replay(repo: Path) -> int:
    """No CLI: send the same tool calls through the installed hooks, as the runtime would."""
    from claude_kit.replay import run_installed_hook

    _print_task()
    base = {"session_id": "demo-replay", "transcript_path": "", "cwd": str(repo)}
    calls: list[tuple[str, dict[str, Any]]] = [
        (
            "pre_tool_use",
            {
                **base,
                "hook_event_name": "PreToolUse",
                "tool_name": "Edit",
                "tool_use_id": "t1",
                "tool_input": {
                    "file_path": str(repo / "cmd/api/main.go"),
                    "old_string": "a",
                    "new_string": "b",
                },
            },
        ),
        (
            "pre_tool_use",
            {
                **base,
                "hook_event_name": "PreToolUse",
                "tool_name": "Edit",
                "tool_use_id": "t2",
                "agent_id": "a1",
                "agent_type": "backend-developer",
                "tool_input": {
                    "file_path": str(repo / "cmd/api/main.go"),
                    "old_string": "a",
                    "new_string": "b",
                },
            },
        ),
        (
            "post_tool_use",
            {
                **base,
                "hook_event_name": "PostToolUse",
                "tool_name": "Edit",
                "tool_use_id": "t2",
                "agent_id": "a1",
                "agent_type": "backend-developer",
                "tool_response": {},
                "tool_input": {"file_path": str(repo / "cmd/api/main.go")},
            },
        ),
        (
            "stop",
            {**base, "hook_event_name": "Stop", "stop_hook_active": False, "last_assistant_message": "Done."},
        ),
    ]
    for module, payload in calls:
        proc = run_installed_hook(repo, module, payload)
        who = payload.get("agent_type", "main thread")
        answer = proc.stdout.strip() or "(allowed: no output)"
        click.echo(
            f"\n{payload['hook_event_name']} {payload.get('tool_name', '')} by {who}:\n  {answer[:700]}"
        )
    narrate(repo, live=False)
    return 0


def demo(directory: Path | None, *, install_runtime: bool, force_replay: bool) -> int:
    root = Path(tempfile.mkdtemp(prefix="claude-kit-demo-")) if directory is None else directory
    root.mkdir(parents=True, exist_ok=True)
    repo = make_sample_repo(root)
    click.echo(click.style(f"Sample repository: {repo}", bold=True))
    lifecycle.install(repo, show_next=False)
    claude = None if force_replay else find_claude()
    if claude is None and install_runtime and not force_replay:
        try:
            claude = install_claude(progress=click.echo)
        except ClaudeRuntimeError as exc:
            click.echo(f"could not install Claude Code {PINNED_VERSION}: {exc.message}", err=True)
    if claude is None:
        if not force_replay:
            click.echo(
                f"Claude Code {PINNED_VERSION} was not found. Get it with "
                f"`claude-kit demo --install-runtime` (needs npm) or "
                f"`npm install -g @anthropic-ai/claude-code@{PINNED_VERSION}`.\n"
                "Meanwhile, replaying the session's tool calls through the installed hooks:"
            )
        return replay(repo)
    return run_live(repo, claude)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(demo(None, install_runtime=False, force_replay=False))
