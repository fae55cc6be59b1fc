"""Shell writes on a large repository: what a Bash call and a Stop cost now that Bash writes are denied
(PreToolUse) and the working tree is scanned (SessionStart baseline, one `git status` per
SubagentStop/Stop), side by side with the hooks of another git revision.

A committed repository of --files files (default 100,000: a fifth of them Go files of the backend
domain, the rest elsewhere), the kit installed, each hook launched exactly as settings.json launches
it, interleaved rounds, median of N:
  Bash: read      PreToolUse of `go test ./... 2>&1 | tail -5` (parsed, writes nothing: allowed)
  Bash: sed -i    PreToolUse of `sed -i s/a/b/ cmd/api/main.go` (denied now, a warning before)
  Bash: ls        PreToolUse of `ls -la` (no writing command: not parsed at all)
  SessionStart    a new session (records the baseline now)
  SubagentStop    a developer stops, nothing changed (one `git status` now)
  Stop            the main thread stops, nothing changed (one `git status` now)

--glob sets the backend domain's glob (default `**/*.go`; `internal/**` shows what a directory domain
saves: git then looks only under it).

Usage: python bench/bench_shell.py [--files 100000] [--runs 15] [--baseline REV] [--glob GLOB]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

from _common import (
    GO_CONFIG,
    baseline_repo,
    hook_env,
    interleaved,
    make_repo,
    median_ms,
    settings_command,
    timed,
)

CASES = ("Bash: read", "Bash: sed -i", "Bash: ls", "SessionStart", "SubagentStop", "Stop")
EVENTS = {  # case -> (settings event, dispatcher)
    "Bash: read": ("PreToolUse", "pre_tool_use"), "Bash: sed -i": ("PreToolUse", "pre_tool_use"),
    "Bash: ls": ("PreToolUse", "pre_tool_use"), "SessionStart": ("SessionStart", "session_start"),
    "SubagentStop": ("SubagentStop", "subagent_stop"), "Stop": ("Stop", "stop"),
}  # fmt: skip
COMMANDS = {"Bash: read": "go test ./... 2>&1 | tail -5", "Bash: sed -i": "sed -i s/a/b/ cmd/api/main.go",
            "Bash: ls": "ls -la"}  # fmt: skip


def files(n: int) -> list[str]:
    out = ["cmd/api/main.go"]
    for i in range(1, n):
        folder = f"d{i // 1000:03d}/s{(i // 50) % 20:02d}"
        out.append(f"internal/{folder}/f{i}.go" if i % 5 == 0 else f"web/{folder}/f{i}.txt")
    return out


def commit(repo: Path) -> None:
    for args in (["add", "-A"], ["-c", "user.email=b@x", "-c", "user.name=b", "commit", "-qm", "base"]):
        subprocess.run(["git", "-C", str(repo), *args], check=True, capture_output=True)


def payload(repo: Path, case: str, session: str) -> bytes:
    base = {"session_id": session, "transcript_path": "", "cwd": str(repo)}
    event = EVENTS[case][0]
    if event == "PreToolUse":
        base.update(hook_event_name=event, tool_name="Bash", tool_use_id="toolu_bench",
                    tool_input={"command": COMMANDS[case]})  # fmt: skip
    elif event == "SessionStart":
        base.update(hook_event_name=event, source="startup", session_id=f"bench-{uuid.uuid4().hex}")
    elif event == "SubagentStop":
        base.update(hook_event_name=event, agent_id="a1", agent_type="backend-developer",
                    stop_hook_active=False, last_assistant_message="done")  # fmt: skip
    else:
        base.update(hook_event_name=event, stop_hook_active=False, last_assistant_message="done")
    return json.dumps(base).encode()


def setup(repo: Path) -> dict[str, tuple[list[str], dict[str, str]]]:
    commit(repo)
    env = hook_env(repo)
    cases = {c: (["sh", "-c", settings_command(repo, *EVENTS[c])], env) for c in CASES}
    # The session the Bash and Stop cases run in started here (its baseline, for the hooks that take one).
    argv, _ = cases["SessionStart"]
    start = json.loads(payload(repo, "SessionStart", "x"))
    start["session_id"] = "bench"
    subprocess.run(argv, input=json.dumps(start).encode(), env=env, capture_output=True, check=True)
    return cases


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--files", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--baseline", metavar="REV", help="also time the hooks of this git revision")
    parser.add_argument("--glob", default="**/*.go", help="the backend domain's glob")
    args = parser.parse_args()
    names = files(args.files)
    config = GO_CONFIG.replace("**/*.go", args.glob)
    with tempfile.TemporaryDirectory(prefix="ck-bench-") as tmp, tempfile.TemporaryDirectory() as old_tmp:
        repos = {"now": make_repo(Path(tmp), names, config)}
        if args.baseline:
            repos[args.baseline] = baseline_repo(Path(old_tmp), args.baseline, names, config)
        runs = {label: setup(repo) for label, repo in repos.items()}
        keys = [(label, case) for label in runs for case in CASES]
        for label, case in keys:  # warm-up: bytecode caches, page cache, git's index
            argv, env = runs[label][case]
            for _ in range(2):
                timed(argv, env, payload(repos[label], case, "bench"))
        samples: dict[tuple[str, str], list[float]] = {k: [] for k in keys}
        for _, (label, case) in interleaved(keys, args.runs):
            argv, env = runs[label][case]
            samples[(label, case)].append(timed(argv, env, payload(repos[label], case, "bench")))
        med = {k: median_ms(v) for k, v in samples.items()}
    print(f"{args.files:,} files ({len([n for n in names if n.endswith('.go')]):,} Go files), committed; "
          f"backend domain `{args.glob}`; median of {args.runs} interleaved runs")  # fmt: skip
    head = f"  {'case':<14} {'now':>9}"
    head += f" {args.baseline:>12} {'ratio':>7}" if args.baseline else ""
    print(head)
    for case in CASES:
        now = med[("now", case)]
        line = f"  {case:<14} {now:7.1f} ms"
        if args.baseline:
            then = med[(args.baseline, case)]
            line += f" {then:9.1f} ms {now / then:6.2f}x"
        print(line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
