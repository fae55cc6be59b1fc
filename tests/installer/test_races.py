"""Two lifecycle commands at once: install with uninstall, and two installs.

Each command takes the repository's lock before it reads anything and plans under it, so the second
waits (and says so) and then plans against what the first finished. The interleavings that broke
(the second planning while the first is halfway) are made exact: the first pauses before a write in
its middle (claude_kit.killpoints) while holding the lock, the second starts and must report that it
waits, then the first goes on. Free-running pairs check the same end states without a pause.
"""

from __future__ import annotations

import queue
import shutil
import subprocess
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import Result

from claude_kit import killpoints, render
from claude_kit_hooks.contract.layout import MANIFEST
from tests.conftest import build_file_tree, git_repo
from tests.installer import kitproc
from tests.installer.test_crash_safety import PRISTINE

CK = Callable[..., Result]
WAITING = "another claude-kit command is changing the kit's files; waiting for it"
DEADLINE = 60.0


@dataclass(frozen=True)
class World:
    kit: Path
    pristine: Path
    installed: Path
    middle: dict[str, int]  # a write halfway through each command


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    base = tmp_path_factory.mktemp("races")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("HOME", str(base / "home"))
        mp.setenv("XDG_CACHE_HOME", str(base / "home" / ".cache"))
        kit = kitproc.small_kit(base / "kit")
        pristine = git_repo(base / "pristine")
        build_file_tree(pristine, PRISTINE)
        installed = base / "installed"
        shutil.copytree(pristine, installed, symlinks=True)
        assert kitproc.run(kit, installed, "install").returncode == 0
        middle = {}
        for command, template in (("install", pristine), ("uninstall", installed)):
            repo = base / f"log-{command}"
            shutil.copytree(template, repo, symlinks=True)
            middle[command] = len(kitproc.write_log(kit, repo, base / f"{command}.log", command)) // 2
        yield World(kit, pristine, installed, middle)


@pytest.fixture
def repo_of(world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[[Path], Path]:
    monkeypatch.setattr(render, "payload_root", lambda: world.kit)

    def copy(template: Path) -> Path:
        repo = tmp_path / "repo"
        shutil.copytree(template, repo, symlinks=True)
        return repo

    return copy


def wait_for(path: Path) -> None:
    deadline = time.monotonic() + DEADLINE
    while not path.exists():
        assert time.monotonic() < deadline, f"{path} never appeared"
        time.sleep(0.01)


def first_stderr_line(proc: subprocess.Popen[str]) -> str:
    """The first line the process writes to stderr (it waits for the lock: that line says so)."""
    lines: queue.Queue[str] = queue.Queue()
    assert proc.stderr is not None
    stream = proc.stderr
    threading.Thread(target=lambda: lines.put(stream.readline()), daemon=True).start()
    return lines.get(timeout=DEADLINE)


def finish(proc: subprocess.Popen[str]) -> tuple[int, str]:
    out, _ = proc.communicate(timeout=kitproc.TIMEOUT)
    return proc.returncode, out


def interleave(world: World, repo: Path, first: str, second: str, tmp_path: Path) -> tuple[str, str]:
    """`first` pauses halfway holding the lock; `second` starts and must wait; then both run to the end."""
    flag = tmp_path / "go"
    a = kitproc.popen(world.kit, repo, first, **{killpoints.PAUSE: f"{world.middle[first]}:{flag}"})
    wait_for(Path(f"{flag}.paused"))
    b = kitproc.popen(world.kit, repo, second)
    assert WAITING in first_stderr_line(b)
    flag.touch()
    code_a, out_a = finish(a)
    code_b, out_b = finish(b)
    assert (code_a, code_b) == (0, 0), (out_a, out_b)
    return out_a, out_b


def assert_installed_and_healthy(ck: CK, repo: Path) -> None:
    res = ck("doctor", str(repo))
    assert res.exit_code == 0 and "all checks passed" in res.output, res.output
    st = ck("status", str(repo), "--format", "json")
    assert '"missing": 0' in st.output and '"modified": 0' in st.output, st.output


class TestOneWaitsForTheOther:
    """The first pauses halfway, holding the lock; the second must wait, then see its whole work."""

    def test_uninstall_started_during_an_install_waits_then_uninstalls(
        self, ck: CK, world: World, repo_of: Callable[[Path], Path], tmp_path: Path
    ) -> None:
        repo = repo_of(world.pristine)
        _, out = interleave(world, repo, "install", "uninstall", tmp_path)
        assert "remove" in out  # it saw the whole install, and removed it
        assert kitproc.snapshot(repo) == kitproc.snapshot(world.pristine)

    def test_install_started_during_an_uninstall_waits_then_installs(
        self, ck: CK, world: World, repo_of: Callable[[Path], Path], tmp_path: Path
    ) -> None:
        repo = repo_of(world.installed)
        _, out = interleave(world, repo, "uninstall", "install", tmp_path)
        assert "create" in out
        assert_installed_and_healthy(ck, repo)
        assert ck("uninstall", str(repo)).exit_code == 0
        assert kitproc.snapshot(repo) == kitproc.snapshot(world.pristine)

    def test_second_install_waits_for_the_first_and_changes_nothing(
        self, ck: CK, world: World, repo_of: Callable[[Path], Path], tmp_path: Path
    ) -> None:
        repo = repo_of(world.pristine)
        _, out = interleave(world, repo, "install", "install", tmp_path)
        assert "create" not in out and "update" not in out, out
        assert_installed_and_healthy(ck, repo)
        assert ck("uninstall", str(repo)).exit_code == 0
        assert kitproc.snapshot(repo) == kitproc.snapshot(world.pristine)


class TestStartedTogether:
    """No pause: whichever gets the lock first, the end is whole."""

    @pytest.mark.parametrize("round_", range(2))
    @pytest.mark.parametrize(
        ("start", "commands"),
        [
            ("pristine", ("install", "uninstall")),
            ("installed", ("uninstall", "install")),
            ("pristine", ("install", "install")),
        ],
    )
    def test_started_together_end_fully_installed_or_fully_uninstalled(
        self,
        ck: CK,
        world: World,
        repo_of: Callable[[Path], Path],
        start: str,
        commands: tuple[str, str],
        round_: int,
    ) -> None:
        repo = repo_of(world.pristine if start == "pristine" else world.installed)
        procs = [kitproc.popen(world.kit, repo, c) for c in commands]
        results = [(c, *finish(p)) for c, p in zip(commands, procs, strict=True)]
        assert [code for _, code, _ in results] == [0, 0], results
        uninstall = next((out for c, _, out in results if c == "uninstall"), None)
        if (repo / MANIFEST).exists():
            assert_installed_and_healthy(ck, repo)
            # The uninstall ran first: it found nothing, or removed the whole kit before the install.
            assert uninstall is None or "nothing to do" in uninstall or "remove" in uninstall, uninstall
            assert ck("uninstall", str(repo)).exit_code == 0
        else:
            assert uninstall is not None and "remove" in uninstall  # it ran last, on a whole install
        assert kitproc.snapshot(repo) == kitproc.snapshot(world.pristine)
