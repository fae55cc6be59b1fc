"""Compaction gate: a 1 MB transcript against a 500 MB one (target: ratio <= 1.1).

The PreToolUse hook on a main-thread `Agent` spawn is launched exactly as settings.json launches
it (`sh -c '<command>'` with CLAUDE_PROJECT_DIR set), in interleaved rounds, median of N each.
Both transcripts are real files: the body repeats a block of lines shaped like Claude Code
2.1.329's (attachments, api-request, assistant lines with usage, tool results), and both end with
the same realistic tail, whose last assistant line holds the spawn's tool_use and a usage of 60%
of the window, so the gate reads, decides (allow + log) and exits the same way on both.
Also timed in-process: `spawn.context_window.read_context` alone, without interpreter start-up.

Usage: python bench/bench_compaction.py [--runs 60] [--big-mb 500]
The generated files live in a temporary directory that is removed at the end.
"""

from __future__ import annotations

import argparse
import json
import shutil
import statistics
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

from _common import hook_env, interleaved, make_repo, median_ms, settings_command, timed

CALL = "toolu_0bench0spawn00000000000"
SESSION = "0b3c1d2e-bench-4000-8000-000000000000"


def _assistant(tokens: int, call: str | None = None) -> dict[str, Any]:
    content: list[dict[str, Any]] = [{"type": "text", "text": "Working on it. " * 20}]
    if call:
        spawn = {"description": "Implement", "prompt": "do it", "subagent_type": "backend-developer"}
        content.append({"type": "tool_use", "id": call, "name": "Agent", "input": spawn})
    return {
        "parentUuid": str(uuid.uuid4()), "isSidechain": False, "type": "assistant", "uuid": str(uuid.uuid4()),
        "timestamp": "2026-11-21T05:40:32.362Z", "sessionId": SESSION, "version": "2.1.329",
        "message": {"id": "msg_" + uuid.uuid4().hex[:24], "type": "message", "role": "assistant",
                    "model": "claude-sonnet-4-6", "content": content, "stop_reason": "tool_use",
                    "usage": {"input_tokens": 2_000, "cache_creation_input_tokens": 500,
                              "cache_read_input_tokens": tokens - 2_500, "output_tokens": 300}},
    }  # fmt: skip


def _block(tokens: int) -> bytes:
    """One turn's worth of lines (about 24 KB), as the runtime writes them."""
    lines: list[dict[str, Any]] = [
        {"type": "user", "isSidechain": False, "uuid": str(uuid.uuid4()), "sessionId": SESSION,
         "message": {"role": "user", "content": [{"type": "tool_result", "tool_use_id": "toolu_x",
                                                  "content": "line of tool output\n" * 400}]}},
        {"type": "attachment", "isSidechain": False, "attachment": {"type": "todo", "content": "x" * 1500}},
        {"type": "api-request", "sessionId": SESSION,
         "params": {"model": "claude-sonnet-4-6", "max_tokens": 64000}},
        {"type": "tools-used", "tools": ["Read", "Grep", "Agent"], "sessionId": SESSION},
        _assistant(tokens),
        {"type": "last-prompt", "lastPrompt": "go", "sessionId": SESSION},
        {"type": "atis-latch", "atis": "", "sessionId": SESSION},
    ]  # fmt: skip
    return "".join(json.dumps(x) + "\n" for x in lines).encode()


def write_transcript(path: Path, size: int) -> None:
    """About `size` bytes of whole lines: repeated turns, then the same tail as every other file."""
    block = _block(100_000)
    body = block * 160  # ~4 MB per write
    tail = _block(110_000) + (json.dumps(_assistant(120_000, CALL)) + "\n").encode()
    target = size - len(tail)
    written = 0
    with path.open("wb") as f:
        for chunk in (body, block):
            while written + len(chunk) <= target:
                f.write(chunk)
                written += len(chunk)
        f.write(tail)


def payload(repo: Path, transcript: Path) -> bytes:
    return json.dumps({
        "session_id": SESSION, "transcript_path": str(transcript), "cwd": str(repo),
        "hook_event_name": "PreToolUse", "tool_name": "Agent", "tool_use_id": CALL,
        "tool_input": {"description": "Implement", "prompt": "do it", "subagent_type": "backend-developer",
                       "run_in_background": False},
    }).encode()  # fmt: skip


def in_process(small: Path, big: Path, rounds: int) -> tuple[float, float]:
    from claude_kit_hooks.runtime.hook import Timing
    from claude_kit_hooks.spawn.context_window import read_context

    timing = Timing()  # the hook's defaults; the last line holds the call, so it never waits
    times: dict[Path, list[float]] = {small: [], big: []}
    for _, path in interleaved((small, big), rounds):
        start = time.perf_counter()
        reading = read_context(str(path), CALL, timing)
        times[path].append(time.perf_counter() - start)
        assert reading["tokens"] == 120_000 and reading["current"], reading
    return statistics.median(times[small]), statistics.median(times[big])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=60)
    parser.add_argument("--big-mb", type=int, default=500)
    args = parser.parse_args()

    base = Path(tempfile.mkdtemp(prefix="ck-bench-compaction-"))
    try:
        repo = make_repo(base, files=())
        small, big = base / "small.jsonl", base / "big.jsonl"
        started = time.perf_counter()
        write_transcript(small, 1024 * 1024)
        write_transcript(big, args.big_mb * 1024 * 1024)
        print(f"transcripts: {small.stat().st_size / 2**20:.1f} MB and {big.stat().st_size / 2**20:.1f} MB "
              f"(written in {time.perf_counter() - started:.1f} s)")  # fmt: skip

        command = settings_command(repo)
        env = hook_env(repo, "CLAUDE_CODE_AUTO_COMPACT_WINDOW", "CLAUDE_CODE_MAX_CONTEXT_TOKENS")
        argv = ["sh", "-c", command]
        data = {small: payload(repo, small), big: payload(repo, big)}
        for path in (small, big):  # warm-up: interpreter cache, pycache, page cache of the tails
            timed(argv, env, data[path], silent=True)
        times: dict[Path, list[float]] = {small: [], big: []}
        for _, path in interleaved((small, big), args.runs):
            times[path].append(timed(argv, env, data[path], silent=True))

        med_small, med_big = median_ms(times[small]), median_ms(times[big])
        print(f"hook as launched by settings.json, median of {args.runs} interleaved runs each:")
        print(f"  1 MB transcript     {med_small:7.1f} ms")
        print(f"  {args.big_mb} MB transcript   {med_big:7.1f} ms")
        paired = statistics.median(b / a for a, b in zip(times[small], times[big], strict=True))
        print(f"  ratio big/small     {med_big / med_small:7.3f}   (target <= 1.1)")
        print(f"  median of the per-round ratios {paired:.3f} (each round runs both back to back)")
        log = repo / ".git/claude-kit/log/decisions.jsonl"
        gate = [json.loads(x) for x in log.read_text().splitlines() if '"compaction_gate"' in x]
        print(f"  gate decisions      {sorted({(r['decision'], r.get('context_percent')) for r in gate})}")

        ip_small, ip_big = in_process(small, big, max(args.runs, 50))
        print("read_context in-process (no interpreter start-up):")
        print(f"  1 MB {ip_small * 1e6:8.0f} us   {args.big_mb} MB {ip_big * 1e6:8.0f} us   "
              f"ratio {ip_big / ip_small:.3f}")  # fmt: skip
        return 0
    finally:
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    raise SystemExit(main())
