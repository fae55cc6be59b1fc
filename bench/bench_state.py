"""Loop-system benchmark: state writes under contention, and what a Stop costs next to the hot path.

1. 16 processes x 200 updates of one session's feedback state through ck_loop.track_modification
   (each update = lock + read + write + fsync + atomic replace): lost updates (must be 0),
   updates per second, and whether a concurrent reader ever saw torn JSON.
2. The Stop hook with no loop active (a session with nothing tracked) against the hot-path
   PreToolUse hook on a subagent's Edit of a domain file, both launched exactly as settings.json
   launches them (`sh -c '<command from .claude/settings.json>'`, CLAUDE_PROJECT_DIR set), rounds
   interleaved, median of N each. Target: the ratio Stop / PreToolUse at or below ~1.0x.

Usage: python bench/bench_state.py [--runs 40] [--workers 16] [--updates 200]
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

from claude_kit import lifecycle

CONFIG = 'version: 1\ndomains:\n  backend:\n    paths: ["**/*.go"]\n'
WRITER = textwrap.dedent("""
    import sys, time
    sys.path.insert(0, sys.argv[1])
    import ckrt, ck_loop
    worker, count, sid = int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
    for i in range(count):
        payload = {"session_id": sid, "agent_id": f"a{worker}", "agent_type": "backend-developer",
                   "tool_name": "Edit", "tool_input": {"file_path": f"{ckrt.ROOT}/w{worker}/f{i}.go"}}
        h = ckrt.Hook("PostToolUse", payload, time.perf_counter())
        ck_loop.track_modification(h)
""")
READER = textwrap.dedent("""
    import json, os, sys
    path, stop = sys.argv[1], sys.argv[2]
    reads = torn = 0
    while not os.path.exists(stop):
        try:
            with open(path, encoding="utf-8") as f:
                json.load(f)
            reads += 1
        except FileNotFoundError:
            pass
        except ValueError:
            torn += 1
    print(json.dumps({"reads": reads, "torn": torn}))
""")


def make_repo(base: Path) -> Path:
    repo = base / "repo"
    (repo / "cmd/api").mkdir(parents=True)
    (repo / "cmd/api/main.go").write_text("package main\n")
    (repo / ".claude").mkdir()
    (repo / ".claude/claude-kit.yaml").write_text(CONFIG)
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    with contextlib.redirect_stdout(io.StringIO()):
        assert lifecycle.install(repo) == 0
    return repo


def contention(repo: Path, workers: int, updates: int) -> None:
    hooks = repo / ".claude/hooks"
    sid = "bench-contention"
    state = repo / f".claude/.claude-kit/local/state/{sid}/feedback.json"
    tmp = repo.parent
    (tmp / "writer.py").write_text(WRITER)
    (tmp / "reader.py").write_text(READER)
    stop = tmp / "stop-reader"
    reader = subprocess.Popen([sys.executable, "-S", str(tmp / "reader.py"), str(state), str(stop)],
                              stdout=subprocess.PIPE, text=True)  # fmt: skip
    start = time.perf_counter()
    writer = [sys.executable, "-E", "-S", str(tmp / "writer.py"), str(hooks)]
    procs = [subprocess.Popen([*writer, str(w), str(updates), sid]) for w in range(workers)]
    codes = [p.wait() for p in procs]
    elapsed = time.perf_counter() - start
    stop.write_text("")
    seen = json.loads(reader.communicate()[0])
    data = json.loads(state.read_text())
    expected = workers * updates
    lost = expected - int(data["seq"])
    print(f"state contention: {workers} processes x {updates} updates of one session's state")
    print(f"  exit codes all 0: {codes == [0] * workers}")
    print(f"  updates recorded: {data['seq']} of {expected}  -> lost updates: {lost}")
    print(f"  throughput: {expected / elapsed:,.0f} updates/s ({elapsed:.2f} s, each update fsyncs)")
    print(f"  concurrent reader: {seen['reads']} reads, {seen['torn']} torn JSON")
    if lost or seen["torn"] or codes != [0] * workers:
        raise SystemExit("FAILED: lost updates or torn JSON")


def settings_command(repo: Path, event: str, module: str) -> str:
    settings = json.loads((repo / ".claude/settings.json").read_text())
    for group in settings["hooks"][event]:
        for handler in group["hooks"]:
            if module in handler.get("command", ""):
                return str(handler["command"])
    raise SystemExit(f"no claude-kit {event} entry in settings.json")


def timed(command: str, env: dict[str, str], stdin: bytes) -> float:
    start = time.perf_counter()
    proc = subprocess.run(["sh", "-c", command], input=stdin, env=env, capture_output=True, check=False)
    elapsed = time.perf_counter() - start
    if proc.returncode != 0 or proc.stdout.strip():
        raise SystemExit(f"{command} answered {proc.returncode} {proc.stdout[:300]!r} {proc.stderr[:300]!r}")
    return elapsed


def stop_vs_pretooluse(repo: Path, runs: int) -> None:
    env = {**os.environ, "CLAUDE_PROJECT_DIR": str(repo)}
    env.pop("CLAUDE_KIT_DISABLE", None)
    edit = json.dumps({
        "session_id": "bench-edit", "transcript_path": "", "cwd": str(repo), "hook_event_name": "PreToolUse",
        "tool_name": "Edit", "tool_use_id": "toolu_bench", "agent_id": "a1",
        "agent_type": "backend-developer",
        "tool_input": {"file_path": str(repo / "cmd/api/main.go"), "old_string": "main", "new_string": "app"},
    }).encode()  # fmt: skip
    stop = json.dumps({
        "session_id": "bench-stop", "transcript_path": "", "cwd": str(repo), "hook_event_name": "Stop",
        "stop_hook_active": False, "last_assistant_message": "Done.", "background_tasks": [],
        "session_crons": [],
    }).encode()  # fmt: skip
    pre_cmd = settings_command(repo, "PreToolUse", "pre_tool_use")
    stop_cmd = settings_command(repo, "Stop", "stop")
    for _ in range(3):  # warm the interpreter cache and the pycache
        timed(pre_cmd, env, edit)
        timed(stop_cmd, env, stop)
    pre, stp = [], []
    for _ in range(runs):
        pre.append(timed(pre_cmd, env, edit))
        stp.append(timed(stop_cmd, env, stop))
    pre_ms, stop_ms = statistics.median(pre) * 1000, statistics.median(stp) * 1000
    print(f"\nhook cost, median of {runs} interleaved runs (launched as settings.json does):")
    print(f"  PreToolUse on a subagent's Edit (hot path): {pre_ms:7.1f} ms   `{pre_cmd}`")
    print(f"  Stop, no loop active:                        {stop_ms:7.1f} ms   `{stop_cmd}`")
    print(f"  ratio Stop / PreToolUse: {stop_ms / pre_ms:.2f}x (target <= ~1.0x)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=40)
    parser.add_argument("--workers", type=int, default=16)
    parser.add_argument("--updates", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="ck-bench-state-") as tmp:
        repo = make_repo(Path(tmp))
        contention(repo, args.workers, args.updates)
        stop_vs_pretooluse(repo, args.runs)


if __name__ == "__main__":
    main()
