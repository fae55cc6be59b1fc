"""Capture real hook payloads from Claude Code into tests/fixtures/<event>[-<variant>].json.

Usage: python tests/e2e/capture_fixtures.py

Runs two scripted sessions of the pinned CLI against the fake Messages API with a recording hook
on every event the kit uses, then writes the first payload of each kind with the machine-specific
paths replaced by /REPO, /HOME and /TMP. The kit's unit tests feed these to the hooks, so what
they test is what the runtime really sends.
"""

from __future__ import annotations

import datetime
import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

# Run as a script from a checkout: make `tests.e2e` importable, and the package too if it is not
# installed.
sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
try:
    import claude_kit  # noqa: F401
except ImportError:
    sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "installer"))

from claude_kit.claude_runtime import PINNED_VERSION, find_claude, install_claude
from claude_kit.fakeapi import Script, Turn, Usage, agent_call, call, say, tool_use
from claude_kit.session_runner import SessionResult, run_session
from tests.e2e.hookkit import HookLog, block_once_body, configure_hooks, write_hook

EVENTS = [
    "PreToolUse",
    "PostToolUse",
    "SubagentStart",
    "SubagentStop",
    "Stop",
    "UserPromptSubmit",
    "SessionStart",
    "PreCompact",
]
FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
STOP_REASON = "claude-kit capture: one more step before stopping"
# Above the auto-compact threshold of the default model's 1M window (observed between 966K and 968K).
FULL_CONTEXT = Usage(input_tokens=20_000, cache_read_input_tokens=960_000, output_tokens=200)


def rich_script(repo: Path) -> Script:
    """Main-thread Write/Edit/Bash/Read/NotebookEdit, a foreground and a background subagent."""
    return Script(
        main=[
            call("Write", {"file_path": str(repo / "notes.md"), "content": "# Notes\n"}),
            call("Edit", {"file_path": str(repo / "app.py"), "old_string": "1", "new_string": "2"}),
            call("Bash", {"command": "git status --short", "description": "Show working tree status"}),
            # NotebookEdit is refused (before any hook) on a notebook the session has not read.
            call("Read", {"file_path": str(repo / "analysis.ipynb")}),
            call(
                "NotebookEdit",
                {"notebook_path": str(repo / "analysis.ipynb"), "cell_id": "c1", "new_source": "print(2)\n"},
            ),
            Turn([agent_call("FOREGROUND", "update app.py", background=False)]),
            Turn([agent_call("BACKGROUND", "update lib.py", background=True)]),
            say("Main thread finished."),
            say("Finished after the Stop hook asked for one more step."),
        ],
        agents={
            "FOREGROUND": [
                call("Edit", {"file_path": str(repo / "app.py"), "old_string": "2", "new_string": "3"}),
                # Not report.md: the runtime refuses subagent writes to REPORT|SUMMARY|FINDINGS|ANALYSIS*.md.
                call("Write", {"file_path": str(repo / "util.py"), "content": "y = 1\n"}),
                say("Foreground subagent report."),
            ],
            # The sleep keeps it running while the main thread stops, as in real sessions.
            "BACKGROUND": [
                call("Bash", {"command": "sleep 1", "description": "Wait a moment"}),
                call("Edit", {"file_path": str(repo / "lib.py"), "old_string": "a", "new_string": "b"}),
                say("Background subagent report."),
            ],
        },
    )


def compaction_script() -> Script:
    # The usage written into the transcript makes the runtime auto-compact before the next call.
    return Script(
        main=[Turn([tool_use("Bash", {"command": "true"})], FULL_CONTEXT), say("After compaction.")]
    )


def prepare_repo(repo: Path) -> None:
    repo.mkdir(parents=True)
    (repo / "app.py").write_text("x = 1\n", encoding="utf-8")
    (repo / "lib.py").write_text("a = 0\n", encoding="utf-8")
    notebook = {
        "cells": [
            {
                "cell_type": "code",
                "execution_count": None,
                "id": "c1",
                "metadata": {},
                "outputs": [],
                "source": ["print(1)\n"],
            }
        ],
        "metadata": {},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    (repo / "analysis.ipynb").write_text(json.dumps(notebook, indent=1) + "\n", encoding="utf-8")
    for args in (["init", "-q"], ["config", "user.name", "capture"], ["config", "user.email", "c@invalid"]):
        subprocess.run(["git", *args], cwd=repo, check=True)
    subprocess.run(["git", "add", "."], cwd=repo, check=True)
    subprocess.run(["git", "commit", "-qm", "seed"], cwd=repo, check=True)


def variant(payload: dict[str, Any], agent_modes: dict[str, str], seen: dict[str, int]) -> str:
    """The fixture name for a payload: event, then what makes this payload kind distinct."""
    event = str(payload["hook_event_name"])
    parts: list[str] = []
    if event in ("PreToolUse", "PostToolUse"):
        if "agent_id" in payload:
            parts.append("subagent")
        tool = str(payload["tool_name"]).lower()
        if tool == "agent":
            background = payload["tool_input"].get("run_in_background")
            tool += "-background" if background else "-foreground"
        parts.append(tool)
    elif event in ("SubagentStart", "SubagentStop"):
        # Auto-compaction runs as a forked agent that has an agent_id but an empty agent_type.
        fallback = "compaction-fork" if payload.get("agent_type") == "" else "unknown"
        parts.append(agent_modes.get(str(payload.get("agent_id")), fallback))
    elif event == "Stop":
        count = seen[event] = seen.get(event, 0) + 1
        if payload.get("stop_hook_active"):
            parts.append("hook-active")
        elif count > 1:
            parts.append("after-background-task")
    elif event == "UserPromptSubmit" and str(payload.get("prompt", "")).startswith("<task-notification>"):
        parts.append("task-notification")
    elif event == "SessionStart" and payload.get("source") != "startup":
        parts.append(str(payload.get("source")))
    elif event == "PreCompact":
        parts.append(str(payload.get("trigger")))
    return "-".join([event, *parts])


def agent_modes(payloads: list[dict[str, Any]]) -> dict[str, str]:
    """agent_id -> "foreground"/"background", read from PostToolUse(Agent) responses."""
    modes: dict[str, str] = {}
    for p in payloads:
        if p.get("hook_event_name") == "PostToolUse" and p.get("tool_name") == "Agent":
            mode = "background" if p["tool_input"].get("run_in_background") else "foreground"
            modes[str(p["tool_response"].get("agentId"))] = mode
    return modes


def slug(path: Path) -> str:
    # How the runtime names a project's folder under ~/.claude/projects.
    return "".join(c if c.isalnum() else "-" for c in str(path))


def scrub(node: Any, replacements: list[tuple[str, str]]) -> Any:
    if isinstance(node, str):
        for old, new in replacements:
            node = node.replace(old, new)
        return node
    if isinstance(node, list):
        return [scrub(item, replacements) for item in node]
    if isinstance(node, dict):
        return {key: scrub(value, replacements) for key, value in node.items()}
    return node


def replacements(repo: Path, home: Path, tmp: Path) -> list[tuple[str, str]]:
    pairs: list[tuple[str, str]] = []
    for real, placeholder in ((repo, "/REPO"), (home, "/HOME"), (tmp, "/TMP")):
        for variant_path in dict.fromkeys([real, real.resolve()]):
            pairs.append((slug(variant_path), slug(Path(placeholder))))
            pairs.append((str(variant_path), placeholder))
    # Longest first, so the repo (inside the capture folder) is replaced before any parent.
    return sorted(pairs, key=lambda pair: len(pair[0]), reverse=True)


def check(result: SessionResult, label: str) -> None:
    if result.returncode != 0 or result.tool_errors():
        raise SystemExit(f"{label} session failed: {result.tool_errors()}\n{result.describe()}")


def main() -> int:
    claude_bin = find_claude() or install_claude()
    with tempfile.TemporaryDirectory(prefix="ckcap-") as workdir:
        base = Path(workdir)
        repo, home, hooks, tmp = base / "repo", base / "home", base / "hooks", base / "tmp"
        prepare_repo(repo)
        tmp.mkdir()
        log = HookLog(base / "payloads.jsonl")
        recorder = write_hook(hooks, "record", log)
        stop = write_hook(hooks, "stop", log, block_once_body(STOP_REASON))
        configure_hooks(repo, {e: [("", stop if e == "Stop" else recorder)] for e in EVENTS})

        rich = run_session(
            repo, "Capture hook payloads.", rich_script(repo), home=home, claude_bin=claude_bin, tmpdir=tmp
        )
        check(rich, "rich")
        compact = run_session(
            repo, "Fill the context.", compaction_script(), home=home, claude_bin=claude_bin, tmpdir=tmp
        )
        check(compact, "compaction")

        payloads = log.payloads()
        modes = agent_modes(payloads)
        subs = replacements(repo, home, tmp)
        seen: dict[str, int] = {}
        written: dict[str, dict[str, Any]] = {}
        for payload in payloads:
            name = variant(payload, modes, seen)
            written.setdefault(name, scrub(payload, subs))

    FIXTURES.mkdir(parents=True, exist_ok=True)
    for name, payload in sorted(written.items()):
        (FIXTURES / f"{name}.json").write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    missing = [e for e in EVENTS if not any(n.split("-")[0] == e for n in written)]
    write_readme(sorted(written), missing)
    print(f"wrote {len(written)} fixtures to {FIXTURES}: {', '.join(sorted(written))}")
    if missing:
        print(f"not captured: {', '.join(missing)}", file=sys.stderr)
        return 1
    return 0


README = """\
# Hook payload fixtures (captured, not hand-written)

Every `<Event>[-<variant>].json` here is a hook payload that the real Claude Code {version} sent
to a recording project hook (`.claude/settings.json`, matcher `""`, one command hook per event).

- Captured: {date}, Claude Code `{version} (Claude Code)` (npm `@anthropic-ai/claude-code@{version}`,
  native binary), offline against the scripted fake Messages API (`claude_kit.fakeapi`).
- Command: `python tests/e2e/capture_fixtures.py` (PYTHONPATH=installer if the package is not
  installed). It overwrites these files; review the diff before committing.
- Placeholders: the temporary repository is `/REPO`, the session's HOME is `/HOME`, its TMPDIR is
  `/TMP` (also inside the `~/.claude/projects/<slug>` folder names, slug `-REPO`). Session ids,
  tool-use ids, agent ids and prompt ids are the random ones of that run.

Scenarios (`rich_script` and `compaction_script` in the capture script):
1. Main thread: Write, Edit, Bash, Read, NotebookEdit; a foreground `Agent` spawn
   (`run_in_background: false`, the subagent does Edit + Write), a background spawn (the subagent
   runs Bash `sleep 1`, then Edit); the Stop hook blocks once (`{{"decision": "block"}}`), so
   `Stop-hook-active` is the continuation; the background agent's completion then arrives as a
   new prompt (`UserPromptSubmit-task-notification`, `Stop-after-background-task`).
2. A turn whose `usage` reports 980K context tokens (the default model has a 1M window): the
   runtime auto-compacts before the next model call (`PreCompact-auto`, `SessionStart-compact`).
   No `/compact` is needed. The summary is written by a forked agent, which fires
   `SubagentStop-compaction-fork` with an `agent_id` and `agent_type: ""`.

`PreSkillShellCommand.json` is not written by this script: it was captured from Claude Code 2.1.332
(the event is new there) by `tests/e2e/test_skill_shell_e2e.py`'s recording hook, placeholders alike.

Variant names: `subagent-` = fired inside a subagent (payload has `agent_id`, `agent_type`);
`agent-foreground` / `agent-background` = the `Agent` tool with `run_in_background` false / true;
`SubagentStart|Stop-foreground|background` = the subagent of that spawn.

Files:
{files}
{missing}"""


def write_readme(names: list[str], missing: list[str]) -> None:
    text = README.format(
        version=PINNED_VERSION,
        date=datetime.date.today().isoformat(),
        files="".join(f"- `{n}.json`\n" for n in names),
        missing=f"\nNot captured: {', '.join(missing)}.\n" if missing else "",
    )
    (FIXTURES / "README.md").write_text(text, encoding="utf-8")


if __name__ == "__main__":
    raise SystemExit(main())
