"""Many processes updating one session's state at once, watched by a concurrent reader.

Shared by tests/hooks/stoploop/test_session_state.py (asserts zero lost updates and no torn JSON) and
bench/bench_state.py (reports the same figures with throughput).
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# Each update goes through the real PostToolUse tracking path: lock + read + write + atomic replace.
# The child imports the installed hooks (argv[1] = <repo>/.claude/hooks) and serves that repository.
WRITER = textwrap.dedent("""
    import os, sys, time
    sys.path.insert(0, sys.argv[1])
    from claude_kit_hooks.runtime.entry import project_root_of
    from claude_kit_hooks.runtime.hook import Hook
    from claude_kit_hooks.runtime.project import Project
    from claude_kit_hooks.stoploop import events
    root = project_root_of(os.path.join(sys.argv[1], "stop.py"))
    worker, count, sid, files = int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], int(sys.argv[5])
    for i in range(count):
        payload = {"session_id": sid, "agent_id": f"a{worker}", "agent_type": "backend-developer",
                   "tool_name": "Edit", "tool_input": {"file_path": f"{root}/w{worker}/f{i % files}.go"}}
        events.track_modification(Hook("PostToolUse", payload, time.perf_counter(), Project(root)))
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


@dataclass(frozen=True)
class Contention:
    codes: list[int]  # writers' exit codes
    reads: int  # whole JSON documents the reader parsed meanwhile
    torn: int  # reads that found partial JSON
    state: dict[str, Any]  # the state file once every writer finished
    elapsed: float  # seconds the writers took


def run_contention(
    hooks_dir: Path, state_file: Path, work_dir: Path, session: str, workers: int, updates: int, files: int
) -> Contention:
    """`workers` processes each track `updates` edits (over `files` distinct files) in `session`."""
    writer, reader, stop = work_dir / "writer.py", work_dir / "reader.py", work_dir / "stop-reader"
    writer.write_text(WRITER)
    reader.write_text(READER)
    watcher = subprocess.Popen(
        [sys.executable, "-S", str(reader), str(state_file), str(stop)], stdout=subprocess.PIPE, text=True
    )
    argv = [sys.executable, "-E", "-S", str(writer), str(hooks_dir)]
    start = time.perf_counter()
    procs = [subprocess.Popen([*argv, str(w), str(updates), session, str(files)]) for w in range(workers)]
    codes = [p.wait(timeout=600) for p in procs]
    elapsed = time.perf_counter() - start
    stop.write_text("")
    seen = json.loads(watcher.communicate(timeout=60)[0])
    return Contention(codes, seen["reads"], seen["torn"], json.loads(state_file.read_text()), elapsed)
