"""decisionlog/writer: concurrent hook processes append whole lines, rotation bounds the log by size
and count, and a log that cannot be written never breaks a hook."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest

from claude_kit_hooks.contract.records import Logging
from claude_kit_hooks.decisionlog.writer import append_log
from tests.hooks.hookrun import kit_repo

# A hook process that only logs: it imports the writer from the installed kit, as the hooks do.
WRITER = textwrap.dedent(
    """\
    import sys
    sys.path.insert(0, sys.argv[1])
    from claude_kit_hooks.decisionlog.writer import append_log
    for i in range(int(sys.argv[4])):
        append_log(sys.argv[2], {"writer": sys.argv[3], "seq": i, "decision": "allow", "reason": "r" * 200},
                   {"max_bytes": int(sys.argv[5]), "keep": 3})
    """
)


@pytest.fixture(scope="module")
def installed_hooks(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return kit_repo(tmp_path_factory, "writer") / ".claude/hooks"


def _writers(hooks: Path, tmp_path: Path, count: int, records: int, max_bytes: int) -> Path:
    log = tmp_path / "log" / "decisions.jsonl"
    script = tmp_path / "writer.py"
    script.write_text(WRITER)
    args = [str(hooks), str(log), "", str(records), str(max_bytes)]
    procs = []
    for n in range(count):
        args[2] = f"w{n}"
        procs.append(subprocess.Popen([sys.executable, "-B", "-E", "-S", str(script), *args]))
    assert all(p.wait(timeout=60) == 0 for p in procs)
    return log


def _lines(paths: list[Path]) -> list[dict[str, Any]]:
    out = []
    for p in paths:
        for line in p.read_text(encoding="utf-8").splitlines():
            out.append(json.loads(line))  # a torn line would raise here
    return out


def test_parallel_writers_lose_no_line(installed_hooks: Path, tmp_path: Path) -> None:
    log = _writers(installed_hooks, tmp_path, count=6, records=200, max_bytes=50_000_000)
    records = _lines([log])
    assert len(records) == 1200
    assert {(r["writer"], r["seq"]) for r in records} == {(f"w{n}", i) for n in range(6) for i in range(200)}


def test_parallel_writers_with_rotation_keep_whole_lines_and_bounded_files(
    installed_hooks: Path, tmp_path: Path
) -> None:
    log = _writers(installed_hooks, tmp_path, count=6, records=200, max_bytes=20_000)
    files = sorted(log.parent.glob("decisions.jsonl*"))
    names = {p.name for p in files}
    assert names <= {"decisions.jsonl", "decisions.jsonl.1", "decisions.jsonl.2", "decisions.jsonl.3",
                     "decisions.jsonl.lock"}  # fmt: skip
    data = [p for p in files if not p.name.endswith(".lock")]
    records = _lines(data)
    assert 0 < len(records) < 1200  # older rotations were dropped: the log is bounded
    line = len(json.dumps(records[0])) + 1
    for p in data:
        assert p.stat().st_size <= 20_000 + 6 * line, p


def test_rotation_follows_max_bytes_and_keep(tmp_path: Path) -> None:
    log = tmp_path / "log" / "decisions.jsonl"
    cfg: Logging = {"max_bytes": 10_000, "keep": 2}
    for i in range(200):
        rec: Any = {"seq": i, "decision": "allow", "reason": "x" * 100}
        append_log(str(log), rec, cfg)
    assert sorted(p.name for p in log.parent.iterdir()) == [
        "decisions.jsonl", "decisions.jsonl.1", "decisions.jsonl.2", "decisions.jsonl.lock"
    ]  # fmt: skip
    oldest_first = [log.with_name("decisions.jsonl.2"), log.with_name("decisions.jsonl.1"), log]
    seqs = [r["seq"] for r in _lines(oldest_first)]
    assert seqs == list(range(seqs[0], 200))  # oldest first, contiguous, newest kept
    assert all(p.stat().st_size <= 10_000 + 200 for p in log.parent.glob("decisions.jsonl*"))


def test_the_log_never_breaks_a_hook(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("")
    # its parent is a file: cannot be created
    append_log(str(blocker / "log" / "decisions.jsonl"), {"decision": "allow"})  # no exception
