"""Loop-system benchmark: state writes under contention, and what a Stop costs next to the hot path.

1. 16 processes x 200 updates of one session's feedback state through stoploop.events.track_modification
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
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # the shared harness in tests/
from tests.hooks.stoploop.contention import run_contention

from _common import edit_payload, hook_env, interleaved, make_repo, median_ms, settings_command, timed


def contention(repo: Path, workers: int, updates: int) -> None:
    hooks = repo / ".claude/hooks"
    sid = "bench-contention"
    state = repo / f".claude/.claude-kit/local/state/{sid}/feedback.json"
    run = run_contention(hooks, state, repo.parent, sid, workers, updates, files=updates)
    expected = workers * updates
    lost = expected - int(run.state["seq"])
    ok_codes = run.codes == [0] * workers
    print(f"state contention: {workers} processes x {updates} updates of one session's state")
    print(f"  exit codes all 0: {ok_codes}")
    print(f"  updates recorded: {run.state['seq']} of {expected}  -> lost updates: {lost}")
    print(f"  throughput: {expected / run.elapsed:,.0f} updates/s ({run.elapsed:.2f} s, each update fsyncs)")
    print(f"  concurrent reader: {run.reads} reads, {run.torn} torn JSON")
    if lost or run.torn or not ok_codes:
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
