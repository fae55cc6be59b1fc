"""Test-only: stop the lifecycle before its Nth write, so crash and race tests are exact, not timed.

Every change `apply` and the journal's recovery make to a repository (the journal, a saved
original, a file written, renamed or deleted, the manifest, a folder of bookkeeping removed) first
calls `before_write`. Three environment variables, read only by the test suite's subprocesses and
never to be set otherwise, act on that count:

- `CLAUDE_KIT_TEST_WRITE_LOG=<file>`: append `N<TAB>kind<TAB>path` for every write;
- `CLAUDE_KIT_TEST_KILL_BEFORE_WRITE=N:KILL` (or `N:INT`): before write N, send this process the
  signal (SIGKILL ends it on the spot; SIGINT raises KeyboardInterrupt, as Ctrl-C does);
- `CLAUDE_KIT_TEST_PAUSE_BEFORE_WRITE=N:<file>`: before write N, create `<file>.paused` and wait
  (at most 120 s) until `<file>` exists, holding the repository's lock meanwhile.
"""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path

WRITE_LOG = "CLAUDE_KIT_TEST_WRITE_LOG"
KILL = "CLAUDE_KIT_TEST_KILL_BEFORE_WRITE"
PAUSE = "CLAUDE_KIT_TEST_PAUSE_BEFORE_WRITE"
PAUSE_LIMIT = 120.0

_count = 0


def before_write(kind: str, path: object) -> None:
    """Count one write; do what the test asked for at this count (nothing when no variable is set)."""
    global _count
    _count += 1
    env = os.environ
    if WRITE_LOG in env:
        with open(env[WRITE_LOG], "a", encoding="utf-8") as log:
            log.write(f"{_count}\t{kind}\t{path}\n")
    if KILL in env:
        n, _, sig = env[KILL].partition(":")
        if int(n) == _count:
            os.kill(os.getpid(), getattr(signal, f"SIG{sig or 'KILL'}"))
    if PAUSE in env:
        n, _, flag = env[PAUSE].partition(":")
        if int(n) == _count:
            Path(f"{flag}.paused").touch()
            deadline = time.monotonic() + PAUSE_LIMIT
            while not Path(flag).exists() and time.monotonic() < deadline:
                time.sleep(0.01)
