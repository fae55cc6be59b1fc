"""Crash safety: install, update and uninstall killed (SIGKILL, SIGINT) before a sample of their writes.

Each command runs as its own process and signals itself before write N (claude_kit.killpoints), N
taken from a log of the same command run to its end: before the first write (the journal), the first
file, a saved original, mid-files, settings.json, CLAUDE.md, the manifest (the commit point), just
after it, and the journal's removal. Then the next command (the same one, or its opposite) must
finish or undo the interrupted one, `doctor` must call an installed repository healthy, and
install + uninstall must give back the original bytes and folders. While the journal is there, the
launcher runs no hook (never a mix of old and new modules) and `doctor` says what the next command
will do.
"""

from __future__ import annotations

import shutil
import signal
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from click.testing import Result

from claude_kit import killpoints, render
from claude_kit_hooks.contract.layout import HOOKS_DIR, LAUNCHER, MANIFEST, SETTINGS
from tests.conftest import build_file_tree, git_repo
from tests.installer import kitproc

CK = Callable[..., Result]
USER_SETTINGS = """{
    "model": "opus",
    "hooks": {
        "PreToolUse": [
            {"matcher": "Bash", "hooks": [{"type": "command", "command": "python3 my_guard.py"}]}
        ]
    }
}
"""
PRISTINE: dict[str, str | bytes] = {
    SETTINGS: USER_SETTINGS,
    "CLAUDE.md": "# Rules\n\nOur own text.\n",
    "cmd/api/main.go": "package main\n\nfunc main() {}\n",
    "ui/src/App.tsx": "export function App() { return null }\n",
}
EXIT = {"KILL": -signal.SIGKILL, "INT": 1}  # SIGINT: rolled back at once, then click's "Aborted!"
OPPOSITE = {"install": "uninstall", "update": "uninstall", "uninstall": "install"}


@dataclass(frozen=True)
class World:
    kit: Path  # the installed release
    next: Path  # the release `update` moves to
    pristine: Path  # the repository before the kit
    installed: Path  # the same with the kit installed
    logs: dict[str, list[tuple[int, str, str]]]  # every write of each command run to its end


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    base = tmp_path_factory.mktemp("crash")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("HOME", str(base / "home"))
        mp.setenv("XDG_CACHE_HOME", str(base / "home" / ".cache"))
        kit = kitproc.small_kit(base / "kit")
        nxt = kitproc.next_release(kit, base / "next")
        pristine = git_repo(base / "pristine")
        build_file_tree(pristine, PRISTINE)
        installed = base / "installed"
        shutil.copytree(pristine, installed, symlinks=True)
        assert kitproc.run(kit, installed, "install").returncode == 0
        logs = {}
        for command, template, release in (
            ("install", pristine, kit),
            ("update", installed, nxt),
            ("uninstall", installed, kit),
        ):
            repo = base / f"log-{command}"
            shutil.copytree(template, repo, symlinks=True)
            logs[command] = kitproc.write_log(release, repo, base / f"{command}.log", command)
        yield World(kit, nxt, pristine, installed, logs)


def kill_point(log: list[tuple[int, str, str]], label: str) -> int:
    """The write to stop before, by what it is."""
    commit = next(n for n, kind, path in log if path == MANIFEST)
    files = [n for n, kind, path in log if kind in ("write", "delete") and n < commit]
    by_label = {
        "journal": 1,
        "first": 2,
        "save": next(n for n, kind, _ in log if kind == "save"),
        "middle": files[len(files) // 2],
        "hooks": [n for n, kind, path in log if path.startswith(HOOKS_DIR)][-3],
        "settings": next((n for n, kind, path in log if path == SETTINGS and kind != "save"), 0),
        "claude-md": next(n for n, kind, path in log if path == "CLAUDE.md" and kind != "save"),
        "commit": commit,
        "after-commit": commit + 1,
        "last": log[-1][0],
    }
    n = by_label[label]
    assert n, f"no {label} write in {log}"
    return n


POINTS = ["journal", "first", "save", "middle", "claude-md", "commit", "after-commit", "last"]
KILLS = {
    "install": [*POINTS[:4], "settings", *POINTS[4:]],
    "update": [*POINTS[:4], "hooks", *POINTS[4:]],  # its settings.json does not change
    "uninstall": [*POINTS[:4], "settings", *POINTS[4:]],
}
INTS = ["first", "middle", "commit"]


def cases(command: str) -> list[tuple[str, str, str]]:
    """(label, signal, next command): SIGKILL at every label, the next command alternating."""
    kills = KILLS[command]
    out = [(label, "KILL", command if i % 2 == 0 else OPPOSITE[command]) for i, label in enumerate(kills)]
    return out + [(label, "INT", command) for label in INTS]


def with_kit(monkeypatch: pytest.MonkeyPatch, kit: Path) -> None:
    monkeypatch.setattr(render, "payload_root", lambda: kit)


def hook_files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*.py"))}


def assert_healthy(ck: CK, repo: Path) -> None:
    res = ck("doctor", str(repo))
    assert res.exit_code == 0, res.output
    assert "all checks passed" in res.output


def assert_original(ck: CK, world: World, repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Installed or not, install + uninstall gives back the repository as it was before the kit."""
    with_kit(monkeypatch, world.kit)
    if not (repo / MANIFEST).exists():
        assert kitproc.snapshot(repo) == kitproc.snapshot(world.pristine)
        res = ck("install", str(repo))
        assert res.exit_code == 0, res.output
        assert_healthy(ck, repo)
    res = ck("uninstall", str(repo))
    assert res.exit_code == 0, res.output
    assert kitproc.snapshot(repo) == kitproc.snapshot(world.pristine)


def crash_then_next(
    ck: CK,
    world: World,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    command: str,
    label: str,
    sig: str,
    next_command: str,
) -> Path:
    """Kill `command` before the labelled write, check the state it left, run the next command."""
    template = world.pristine if command == "install" else world.installed
    release = world.next if command == "update" else world.kit
    repo = tmp_path / "repo"
    shutil.copytree(template, repo, symlinks=True)
    before = kitproc.snapshot(repo)
    n = kill_point(world.logs[command], label)
    done = kitproc.run(release, repo, command, **{killpoints.KILL: f"{n}:{sig}"})
    assert done.returncode == EXIT[sig], (done.stdout, done.stderr)
    interrupted = kitproc.journal_exists(repo)
    if sig == "INT":
        assert not interrupted and "interrupted; " in done.stderr, done.stderr
    if n == 1:
        assert kitproc.snapshot(repo) == before  # killed before its first write: nothing changed
    if interrupted:
        # The hooks run no mix of old and new modules: the launcher refuses, without failing closed.
        if (repo / LAUNCHER).exists():
            hook = kitproc.launch_hook(repo)
            assert hook.returncode == 1, hook
            assert "hooks paused" in hook.stderr and "`claude-kit update`" in hook.stderr
        doctor = ck("doctor", str(repo))
        assert doctor.exit_code == 1
        assert f"`claude-kit {command}`" in doctor.output and "was interrupted" in doctor.output
        assert "rolls it back" in doctor.output or "finishes it" in doctor.output
    elif command == "update":
        old = hook_files(world.installed / HOOKS_DIR)
        assert hook_files(repo / HOOKS_DIR) in (old, hook_files(world.next / "hooks"))  # never mixed
    with_kit(monkeypatch, world.next if next_command == "update" else world.kit)
    res = ck(next_command, str(repo))
    assert res.exit_code == 0, res.output
    if interrupted:
        assert "the interrupted `claude-kit" in res.output
    assert not kitproc.journal_exists(repo)
    if (repo / MANIFEST).exists():
        assert_healthy(ck, repo)
    return repo


KILLED = [(command, *case) for command in ("install", "update", "uninstall") for case in cases(command)]


@pytest.mark.parametrize(("command", "label", "sig", "next_command"), KILLED)
def test_the_next_command_finishes_or_undoes_a_killed_one(
    ck: CK, world: World, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, command: str, label: str, sig: str,
    next_command: str,
) -> None:  # fmt: skip
    repo = crash_then_next(ck, world, tmp_path, monkeypatch, command, label, sig, next_command)
    if (
        command == "update" and next_command == "update"
    ):  # every hook module of the new release, none of the old
        assert hook_files(repo / HOOKS_DIR) == hook_files(world.next / "hooks")
    elif command != "update":  # install and uninstall end where the command that finished them leads
        assert (repo / MANIFEST).exists() == (next_command == "install")
    assert_original(ck, world, repo, monkeypatch)
