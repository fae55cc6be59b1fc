"""Atomic writes: the old or the new bytes, mode kept, symlinks written through, no temp files left."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from claude_kit.fsutil import atomic_write, directory_is_locked, directory_lock, exclusive_lock


def test_creates_parents_and_default_mode(tmp_path: Path) -> None:
    target = tmp_path / "a" / "b" / "f.txt"
    atomic_write(target, b"x")
    assert target.read_bytes() == b"x"
    assert stat.S_IMODE(target.stat().st_mode) == 0o644
    assert os.listdir(target.parent) == ["f.txt"]


def test_keeps_the_existing_mode_unless_told(tmp_path: Path) -> None:
    target = tmp_path / "run"
    target.write_bytes(b"old")
    target.chmod(0o750)
    atomic_write(target, b"new")
    assert (target.read_bytes(), stat.S_IMODE(target.stat().st_mode)) == (b"new", 0o750)
    atomic_write(target, b"newer", mode=0o755)
    assert stat.S_IMODE(target.stat().st_mode) == 0o755


def test_writes_through_a_symlink(tmp_path: Path) -> None:
    (tmp_path / "AGENTS.md").write_text("# Agents\n")
    link = tmp_path / "CLAUDE.md"
    link.symlink_to("AGENTS.md")
    atomic_write(link, b"# Agents\n\nkit block\n")
    assert link.is_symlink()
    assert (tmp_path / "AGENTS.md").read_bytes() == b"# Agents\n\nkit block\n"


def test_failure_leaves_the_old_bytes_and_no_temp_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "f"
    target.write_bytes(b"old")

    def boom(src: object, dst: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError, match="No space"):
        atomic_write(target, b"new")
    assert target.read_bytes() == b"old"
    assert os.listdir(tmp_path) == ["f"]


TRY_LOCK = """import fcntl, sys
f = open(sys.argv[1], "a+b")
try:
    fcntl.flock(f.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
except BlockingIOError:
    sys.exit(1)
"""


@pytest.mark.skipif(sys.platform == "win32", reason="flock")
def test_exclusive_lock_excludes_other_processes_until_released(tmp_path: Path) -> None:
    lock = tmp_path / "state" / "install.lock"

    def other_process_gets_it() -> bool:
        return subprocess.run([sys.executable, "-c", TRY_LOCK, str(lock)], check=False).returncode == 0

    with exclusive_lock(lock):
        assert lock.exists()
        assert not other_process_gets_it()
    assert other_process_gets_it()


HOLD_DIR_LOCK = """import fcntl, os, sys
fd = os.open(sys.argv[1], os.O_RDONLY)
fcntl.flock(fd, fcntl.LOCK_EX)
print("held", flush=True)
sys.stdin.readline()
"""


@pytest.mark.skipif(sys.platform == "win32", reason="flock")
def test_directory_lock_creates_nothing_and_makes_a_second_command_wait(tmp_path: Path) -> None:
    root = tmp_path / "repo"
    root.mkdir()
    argv = [sys.executable, "-c", HOLD_DIR_LOCK, str(root)]
    with subprocess.Popen(argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True) as holder:
        assert holder.stdin is not None and holder.stdout is not None
        stdin = holder.stdin
        assert holder.stdout.readline() == "held\n"
        assert directory_is_locked(root)
        waits: list[int] = []

        def release() -> None:  # runs once the lock is found taken: then the holder lets go
            waits.append(holder.pid)
            stdin.write("go\n")
            stdin.flush()

        with directory_lock(root, on_wait=release):
            assert waits == [holder.pid]
            assert directory_is_locked(root)
        assert holder.wait(timeout=60) == 0
    assert list(root.iterdir()) == []  # no lock file, no folder: uninstall gives every byte back
    assert not directory_is_locked(root)
