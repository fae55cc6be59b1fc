"""What the kit adds to the model's context, measured from the requests the real Claude Code sends.

One scripted session with the real CLI against the fake Messages API on a three-domain sample
repository (Go backend, React-TS frontend, Python tools), run twice side by side: without the kit
and with it installed. The main thread spawns one agent of each role; a spawn without the kit is a
`general-purpose` agent with the same prompt. Printed per conversation: the characters of its first
request (every text the model is shown, system prompt and messages, plus the tool definitions as
JSON) without and with the kit, the difference, and ~tokens (characters / 4). The skills listing
(the runtime's built-in skills and the kit's core skills) is shown to an agent that has the Skill
tool; the kit's role agents do not have it (they Read skills by path), so their "texts add" nets the
built-in listing a general-purpose spawn carries: the listing column shows both sides, and "own
text" is the texts the kit adds with the listings left out of both (agent body, CLAUDE.md block,
briefing, routed paths). Both "adds" and "own text" must meet the goal.

Goal (issue 13): the kit adds at most 8,000 characters to the main thread's first request and to
each spawn's.

Usage: python bench/bench_context.py [--claude PATH]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import subprocess
import sys
import tempfile
from pathlib import Path

from claude_kit import lifecycle
from claude_kit.claude_runtime import find_claude, reported_version
from claude_kit.fakeapi import Script, Turn, agent_call, say
from claude_kit.fakeapi_requests import Request
from claude_kit.session_runner import run_session

GOAL = 8_000
CONFIG = """\
version: 1
domains:
  backend:
    paths: ["**/*.go"]
  frontend:
    paths: ["ui/**/*.ts", "ui/**/*.tsx"]
  python:
    paths: ["tools/**/*.py"]
"""
FILES = {
    "cmd/api/main.go": "package main\n\nfunc main() {}\n",
    "ui/src/App.tsx": "export function App() {\n  return <h1>status</h1>\n}\n",
    "tools/report.py": "def main() -> None:\n    print('report')\n",
    "README.md": "# sample-service\n\nA Go service, a React status page and Python tools.\n",
}
TASK = "the orders endpoint returns 500 when postgres says too many clients already; fix the pool settings"
# (marker, agent type): one spawn per role. A marker keys a subagent's scripted turns, so none may
# contain another.
SPAWNS = (
    ("LEADX", "backend-lead"),
    ("DEVX", "backend-developer"),
    ("REVIEWX", "backend-reviewer"),
    ("TESTX", "backend-tester"),
    ("PLANX", "test-lead"),
    ("FRONTX", "frontend-developer"),
    ("PYX", "python-developer"),
)


def sample_repo(base: Path, *, kit: bool) -> Path:
    repo = base / ("kit" if kit else "plain")
    for rel, text in FILES.items():
        (repo / rel).parent.mkdir(parents=True, exist_ok=True)
        (repo / rel).write_text(text)
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    if kit:
        (repo / ".claude").mkdir()
        (repo / ".claude/claude-kit.yaml").write_text(CONFIG)
        with contextlib.redirect_stdout(io.StringIO()):
            assert lifecycle.install(repo) == 0
    return repo


def script(*, kit: bool) -> Script:
    # Without the kit there are no role agents: the same prompt goes to a general-purpose agent.
    spawns = [
        Turn([agent_call(marker, TASK, subagent_type=agent if kit else "general-purpose")])
        for marker, agent in SPAWNS
    ]
    return Script(main=[*spawns, say("done")], agents={m: [say(f"{m} done")] for m, _ in SPAWNS})


LISTING = "The following skills are available for use with the Skill tool:"


def request_chars(request: Request) -> tuple[int, int, int]:
    """(texts, tools, listing): characters of every text the model is shown by one request (system
    prompt and messages), of its tool definitions as JSON, and of the skills listing among the texts."""
    tools = request.body.get("tools") or []
    texts = request.texts()
    listing = sum(len(t) - t.index(LISTING) for t in texts if LISTING in t)
    return sum(len(t) for t in texts), len(json.dumps(tools, separators=(",", ":"))), listing


def first_requests(repo: Path, home: Path, claude: Path, *, kit: bool) -> dict[str, tuple[int, int, int]]:
    result = run_session(repo, TASK, script(kit=kit), home=home, claude_bin=claude, timeout=300)
    if result.returncode != 0:
        raise SystemExit(f"session {'with' if kit else 'without'} the kit failed:\n{result.describe()}")
    out = {"main thread": request_chars(result.main_requests()[0])}
    for marker, agent in SPAWNS:
        requests = result.subagent_requests(marker)
        out[agent] = request_chars(requests[0]) if requests else (-1, 0, 0)
    return out


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--claude", type=Path, help="the Claude Code binary (default: the pinned one)")
    args = parser.parse_args()
    claude = args.claude or find_claude()
    if claude is None:
        raise SystemExit("no Claude Code CLI found: run `claude-kit demo --install-runtime` once")
    with tempfile.TemporaryDirectory() as tmp:
        base = Path(tmp)
        plain = first_requests(sample_repo(base, kit=False), base / "home-plain", claude, kit=False)
        kit = first_requests(sample_repo(base, kit=True), base / "home-kit", claude, kit=True)
    print(f"first request of each conversation, characters shown to the model, {reported_version(claude)}")
    print("texts = system prompt + messages; tools = tool definitions (a role agent has fewer tools)")
    header = f"{'conversation':<20}{'no kit':>9}{'kit':>9}{'adds':>8}{'~tokens':>8}"
    header += f"{'texts add':>11}{'tools add':>11}{'listing':>16}{'own text':>10}"
    print(f"{header}  goal <= {GOAL:,}")
    over = 0
    for name, (plain_texts, plain_tools, plain_listing) in plain.items():
        kit_texts, kit_tools, kit_listing = kit[name]
        if kit_texts < 0:
            print(f"{name:<20}{plain_texts + plain_tools:>9,}{'(none)':>9}  the spawn never started")
            over += 1
            continue
        before, after = plain_texts + plain_tools, kit_texts + kit_tools
        added = after - before
        texts, tools = kit_texts - plain_texts, kit_tools - plain_tools
        own = texts - kit_listing + plain_listing
        over += max(added, own) > GOAL
        verdict = "OK" if max(added, own) <= GOAL else "OVER"
        listing = f"{plain_listing:,} -> {kit_listing:,}"
        print(
            f"{name:<20}{before:>9,}{after:>9,}{added:>8,}{added // 4:>8,}{texts:>11,}{tools:>11,}"
            f"{listing:>16}{own:>10,}  {verdict}"
        )
    return 0 if over == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
