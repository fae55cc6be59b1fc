"""The runtime's files are read without trusting them: a FIFO never blocks a reader (nor the Stop and
SubagentStop hooks), a device or folder is refused, and a file of gigabytes costs what the caller
asked to read, not its size."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import tracemalloc
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from claude_kit_hooks.transcript.reader import (
    head_lines,
    open_regular,
    read_appended,
    read_small_json,
    tail_lines,
)
from tests.hooks.hookrun import BACKEND, fixture, kit_repo

GIB = 1024**3
MIB = 1024**2

READERS: dict[str, Callable[[str], Any]] = {
    "open_regular": open_regular,
    "tail_lines": lambda p: list(tail_lines(p, max_bytes=MIB)),
    "head_lines": lambda p: list(head_lines(p, max_lines=30, max_bytes=MIB)),
    "read_appended": lambda p: read_appended(p, 0, MIB),
    "read_small_json": read_small_json,
}
NOTHING = (None, [])


def _unblocking(fifo: Path, work: Callable[[], Any], timeout: float = 10) -> Any:
    """work() in a thread; should it block on the FIFO, a writer opens it (so the thread ends) and the
    test fails instead of hanging."""
    out: list[Any] = []
    t = threading.Thread(target=lambda: out.append(work()), daemon=True)
    t.start()
    t.join(timeout)
    if t.is_alive():
        fd = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)  # a reader is waiting: this opens at once
        os.close(fd)
        t.join(timeout)
        pytest.fail(f"blocked on the FIFO {fifo}")
    return out[0]


@pytest.fixture
def fifo(tmp_path: Path) -> Path:
    path = tmp_path / "session.jsonl"
    os.mkfifo(path)
    return path


@pytest.fixture
def sparse(tmp_path: Path) -> Iterator[Path]:
    """2 GiB without a single newline, taking no disk space."""
    path = tmp_path / "huge.jsonl"
    with open(path, "wb") as f:
        f.truncate(2 * GIB)
    yield path


@pytest.mark.parametrize("reader", READERS)
def test_no_reader_blocks_on_a_fifo(fifo: Path, reader: str) -> None:
    assert _unblocking(fifo, lambda: READERS[reader](str(fifo))) in NOTHING


@pytest.mark.parametrize("reader", READERS)
def test_devices_folders_missing_files_and_non_text_paths_are_refused(tmp_path: Path, reader: str) -> None:
    for path in ("/dev/zero", "/dev/null", str(tmp_path), str(tmp_path / "missing.jsonl"), "", "a\0b"):
        assert READERS[reader](path) in NOTHING, path
    assert READERS[reader](0) in NOTHING  # an int would name a file descriptor (here stdin)


def test_a_symlink_to_a_regular_file_is_read(tmp_path: Path) -> None:
    (tmp_path / "real.jsonl").write_bytes(b'{"a": 1}\n{"b": 2}\n')
    (tmp_path / "link.jsonl").symlink_to(tmp_path / "real.jsonl")
    assert list(tail_lines(str(tmp_path / "link.jsonl"))) == [b'{"b": 2}', b'{"a": 1}']


@pytest.mark.parametrize(
    ("reader", "limit"),
    [
        ("tail_lines", MIB),
        ("head_lines", MIB),
        ("read_appended", MIB),
        ("read_small_json", MIB),
    ],
)
def test_a_huge_file_costs_only_what_is_read(sparse: Path, reader: str, limit: int) -> None:
    tracemalloc.start()
    try:
        READERS[reader](str(sparse))
        _current, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 3 * limit, f"{reader} held {peak:,} bytes of a 2 GiB file"


def test_tail_lines_reads_lines_last_first_within_the_bound(tmp_path: Path) -> None:
    path = tmp_path / "t.jsonl"
    path.write_bytes(b"one\n\ntwo\nthree")
    assert list(tail_lines(str(path))) == [b"three", b"two", b"one"]
    assert list(tail_lines(str(path), max_bytes=10, chunk=4)) == [b"three", b"two"]
    assert list(tail_lines(str(path), max_bytes=9, chunk=4)) == [b"three"]  # not known to start a line
    assert list(tail_lines(str(tmp_path / "none"))) == []


def test_head_lines_yields_whole_lines_only(tmp_path: Path) -> None:
    path = tmp_path / "h.jsonl"
    path.write_bytes(b"a\nbb\nccc")
    assert list(head_lines(str(path), max_lines=30)) == [b"a\n", b"bb\n", b"ccc"]
    assert list(head_lines(str(path), max_lines=2)) == [b"a\n", b"bb\n"]
    assert list(head_lines(str(path), max_lines=30, max_bytes=4)) == [b"a\n"]  # "bb\n" would pass the bound
    assert list(head_lines(str(path), max_lines=30, max_bytes=5)) == [b"a\n", b"bb\n"]
    assert list(head_lines(str(path), max_lines=30, max_bytes=8)) == [b"a\n", b"bb\n", b"ccc"]  # ends at EOF


def test_read_appended_reads_from_the_offset_and_starts_over_on_a_shorter_file(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    path.write_bytes(b"0123456789")
    assert read_appended(str(path), 4, 100) == (4, b"456789")
    assert read_appended(str(path), 4, 3) == (4, b"456")
    assert read_appended(str(path), 10, 100) == (10, b"")
    assert read_appended(str(path), 50, 100) == (0, b"0123456789")  # replaced or truncated
    assert read_appended(str(path), -1, 100) == (0, b"0123456789")


def test_read_small_json(tmp_path: Path) -> None:
    path = tmp_path / "agent.meta.json"
    path.write_text('{"spawnDepth": 2}')
    assert read_small_json(str(path)) == {"spawnDepth": 2}
    assert read_small_json(str(path), max_bytes=5) is None  # larger than allowed: not parsed
    path.write_text("{not json")
    assert read_small_json(str(path)) is None


# -- the hooks that read transcripts -----------------------------------------------------------------
@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return kit_repo(tmp_path_factory, "transcripts", BACKEND)


# Runs a hook as Claude Code does, under a 1 GiB address-space limit (a reader that loads a huge file
# fails fast instead of swapping), and reports its answer and its peak memory.
_MEASURED = """\
import json, resource, subprocess, sys
resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))
proc = subprocess.run(sys.argv[1:], input=sys.stdin.buffer.read(), capture_output=True, timeout=30)
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps({"rc": proc.returncode, "stdout": proc.stdout.decode(), "stderr": proc.stderr.decode(),
                  "peak_kib": peak}))
"""


def _run_measured(repo: Path, module: str, payload: dict[str, Any]) -> dict[str, Any]:
    hook = repo / ".claude/hooks" / f"{module}.py"
    proc = subprocess.run(
        [sys.executable, "-c", _MEASURED, sys.executable, "-E", "-S", "-B", str(hook)],
        input=json.dumps(payload).encode(), capture_output=True, timeout=60, check=True,
    )  # fmt: skip
    out: dict[str, Any] = json.loads(proc.stdout)
    return out


def _stop_payloads(repo: Path, transcript: Path) -> list[tuple[str, dict[str, Any]]]:
    subagent_stop = fixture("SubagentStop-foreground", repo)
    subagent_stop["agent_transcript_path"] = str(transcript)
    stop = fixture("Stop", repo)
    stop["transcript_path"] = str(transcript)
    # A session with state: the Stop gates run, and the output-location backstop reads the transcript.
    state = repo / ".claude/.claude-kit/local/state" / stop["session_id"] / "feedback.json"
    state.parent.mkdir(parents=True, exist_ok=True)
    state.write_text("{}")
    return [("subagent_stop", subagent_stop), ("stop", stop)]


def test_stop_hooks_do_not_hang_on_a_fifo_transcript(repo: Path, fifo: Path) -> None:
    for module, payload in _stop_payloads(repo, fifo):
        try:
            result = _run_measured(repo, module, payload)
        except subprocess.TimeoutExpired:
            pytest.fail(f"{module} hung on a FIFO transcript")
        except subprocess.CalledProcessError as exc:  # the wrapper's own timeout: the hook hung
            pytest.fail(f"{module} hung on a FIFO transcript: {exc.stderr.decode()[-300:]}")
        assert result["rc"] == 0 and "failed open" not in result["stdout"], result


def test_stop_hooks_read_a_huge_transcript_in_bounded_memory(repo: Path, sparse: Path) -> None:
    for module, payload in _stop_payloads(repo, sparse):
        result = _run_measured(repo, module, payload)
        assert result["rc"] == 0 and "failed open" not in result["stdout"], result
        assert result["peak_kib"] < 100 * 1024, f"{module} peaked at {result['peak_kib']:,} KiB"
