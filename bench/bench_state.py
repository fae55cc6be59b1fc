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
import json
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

from _common import edit_payload, hook_env, interleaved, make_repo, median_ms, settings_command, timed

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


def stop_vs_pretooluse(repo: Path, runs: int) -> None:
    env = hook_env(repo)
    edit = edit_payload(repo, subagent=True, session="bench-edit")
    stop = json.dumps({
        "session_id": "bench-stop", "transcript_path": "", "cwd": str(repo), "hook_event_name": "Stop",
        "stop_hook_active": False, "last_assistant_message": "Done.", "background_tasks": [],
        "session_crons": [],
    }).encode()  # fmt: skip
    pre_cmd = settings_command(repo, "PreToolUse", "pre_tool_use")
    stop_cmd = settings_command(repo, "Stop", "stop")
    cases = {"pre": (["sh", "-c", pre_cmd], edit), "stop": (["sh", "-c", stop_cmd], stop)}
    for _ in range(3):  # warm the interpreter cache and the pycache
        for argv, stdin in cases.values():
            timed(argv, env, stdin, silent=True)
    samples: dict[str, list[float]] = {name: [] for name in cases}
    for _, name in interleaved(list(cases), runs):
        argv, stdin = cases[name]
        samples[name].append(timed(argv, env, stdin, silent=True))
    pre_ms, stop_ms = median_ms(samples["pre"]), median_ms(samples["stop"])
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
