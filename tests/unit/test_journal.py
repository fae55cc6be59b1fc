"""The journal: a command stopped before any one of its writes is rolled back or finished, exactly.

In-process and exhaustive: a kill is simulated by raising from `killpoints.before_write` at write N
with the in-process rollback switched off (as SIGKILL would leave it), for every N of a small install
(a symlinked CLAUDE.md, the user's settings.json, a foreign file moved aside) and of its uninstall;
then the recovery, itself killed at every write once, must end in the state before the command
(not committed) or after it (committed): bytes, modes, symlinks and folders. The real signals are
in tests/installer/test_crash_safety.py.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
from collections.abc import Callable
from functools import partial
from pathlib import Path

import pytest

from claude_kit import apply, journal, killpoints, manifest, render
from claude_kit.errors import KitError
from claude_kit.fsutil import directory_lock
from claude_kit.plan import Desired, Plan, plan_install
from claude_kit.plan_uninstall import plan_uninstall
from claude_kit_hooks.contract.layout import JOURNAL, MANIFEST, SETTINGS, UNDO_DIR
from tests.conftest import build_file_tree


class Killed(BaseException):
    """Stands for SIGKILL: nothing after it runs in the process."""


def snapshot(root: Path) -> dict[str, str]:
    out = {}
    for p in sorted(root.rglob("*")):
        rel = p.relative_to(root).as_posix()
        if p.is_symlink():
            out[rel] = "-> " + os.readlink(p)
        elif p.is_dir():
            out[rel] = f"dir {stat.S_IMODE(p.stat().st_mode):o}"
        else:
            out[rel] = f"{stat.S_IMODE(p.stat().st_mode):o} {p.read_bytes()!r}"
    return out


def make_repo(root: Path) -> Path:
    build_file_tree(root, {
        "AGENTS.md": "# Agents\n\nour text\n",
        SETTINGS: '{"model": "opus"}\n',
        ".claude/agents/a1.md": "the team's own agent\n",  # foreign: moved aside with --force
        "src/main.go": "package main\n",
    })  # fmt: skip
    (root / "CLAUDE.md").symlink_to("AGENTS.md")
    (root / "src/main.go").chmod(0o600)
    (root / SETTINGS).chmod(0o640)
    return root


def install_plan(root: Path) -> Plan:
    desired = [Desired(f".claude/agents/a{i}.md", f"agent {i}\n".encode(), "agents") for i in range(4)]
    desired.append(Desired(".claude/hooks/run", b"#!/bin/sh\n", "hooks", mode=0o755))
    desired.append(Desired(".claude/hooks/session_start.py", b"# hook\n", "hooks"))
    entries = [e for e in render.settings_entries() if e["event"] == "SessionStart"]
    return plan_install(root, desired, entries, "kit block", manifest.load(root), "1.0", force=True)


@pytest.fixture(autouse=True)
def no_fsync(monkeypatch: pytest.MonkeyPatch) -> None:
    """Durability is not what a simulated kill tests; hundreds of fsyncs only cost time."""
    monkeypatch.setattr(os, "fsync", lambda fd: None)


def uninstall_plan(root: Path) -> Plan:
    return plan_uninstall(root, manifest.load(root))


def writes_of(monkeypatch: pytest.MonkeyPatch, run: Callable[[], object]) -> list[tuple[str, str]]:
    """(kind, path) of every write `run` makes."""
    writes: list[tuple[str, str]] = []
    with monkeypatch.context() as mp:
        mp.setattr(killpoints, "before_write", lambda kind, path: writes.append((kind, str(path))))
        run()
    return writes


def killed_at(monkeypatch: pytest.MonkeyPatch, n: int, run: Callable[[], object]) -> bool:
    """Run until write n, then stop dead (no in-process rollback); False if it ended first."""
    writes = {"n": 0}

    def kill(kind: str, path: object) -> None:
        writes["n"] += 1
        if writes["n"] == n:
            raise Killed

    with monkeypatch.context() as mp:
        mp.setattr(killpoints, "before_write", kill)
        mp.setattr(apply, "_abandon", lambda root, record, exc: None)
        try:
            run()
        except Killed:
            return True
    return False


@pytest.fixture
def states(tmp_path: Path) -> dict[str, dict[str, str]]:
    """The snapshots before and after a whole install."""
    root = make_repo(tmp_path / "whole")
    before = snapshot(root)
    apply.apply_plan(root, install_plan(root))
    return {"before": before, "after": snapshot(root)}


@pytest.mark.parametrize("command", ["install", "uninstall"])
def test_a_kill_before_any_write_is_undone_or_finished_even_if_the_recovery_is_killed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, states: dict[str, dict[str, str]], command: str
) -> None:
    def fresh(name: str) -> Path:
        root = make_repo(tmp_path / name)
        if command == "uninstall":
            apply.apply_plan(root, install_plan(root))
        return root

    def run(root: Path) -> Callable[[], None]:
        plan = install_plan(root) if command == "install" else uninstall_plan(root)
        return lambda: apply.apply_plan(root, plan, command=command)

    start, end = ("before", "after") if command == "install" else ("after", "before")
    probe = fresh("probe")
    writes = writes_of(monkeypatch, run(probe))
    assert snapshot(probe) == states[end]
    commit = 1 + next(i for i, (kind, path) in enumerate(writes) if path == MANIFEST and kind != "save")
    assert writes[0] == ("journal", JOURNAL) and writes[-1] == ("journal", JOURNAL)
    total = len(writes)
    for n in range(1, total + 1):
        root = fresh(f"kill-{n}")
        assert killed_at(monkeypatch, n, run(root))
        record = journal.load(root)
        assert (record is None) == (n == 1), n
        if record is not None:
            # Kill the recovery too, at one of its writes, then let the next command recover.
            copy = tmp_path / f"copy-{n}"
            shutil.copytree(root, copy, symlinks=True)
            recovery = len(writes_of(monkeypatch, partial(journal.recover, copy, record)))
            if recovery:
                assert killed_at(monkeypatch, n % recovery + 1, partial(journal.recover, root, record))
            again = journal.load(root)
            if again is not None:
                journal.recover(root, again)
        expected = end if n > commit else start
        assert snapshot(root) == states[expected], f"killed before write {n} of {total}"


def test_the_journal_is_on_disk_before_the_first_change_and_lists_every_path(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_repo(tmp_path / "repo")
    before = snapshot(root)
    assert killed_at(monkeypatch, 2, lambda: apply.apply_plan(root, install_plan(root)))
    record = json.loads((root / JOURNAL).read_text())
    assert {k: v for k, v in snapshot(root).items() if not k.startswith(".claude/.claude-kit")} == before
    touched = {t["path"]: t["existed"] for t in record["touched"]}
    assert touched["AGENTS.md"] is True  # the symlink's target is what changes
    assert touched[SETTINGS] is True and touched[MANIFEST] is False
    assert touched[".claude/agents/a1.md"] is True and touched[".claude/agents/a1.md.pre-claude-kit"] is False
    assert record["commits"] and record["command"] == "install"


def test_ctrl_c_rolls_back_at_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    root = make_repo(tmp_path / "repo")
    before = snapshot(root)
    plan = install_plan(root)
    calls = {"n": 0}

    def interrupt(kind: str, path: object) -> None:
        calls["n"] += 1
        if calls["n"] == 6:
            raise KeyboardInterrupt

    monkeypatch.setattr(killpoints, "before_write", interrupt)
    with pytest.raises(KeyboardInterrupt):
        apply.apply_plan(root, plan)
    assert snapshot(root) == before
    assert "interrupted; the changes made so far were rolled back" in capsys.readouterr().err


def test_a_failing_rollback_leaves_the_journal_to_the_next_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_repo(tmp_path / "repo")
    before = snapshot(root)
    calls = {"n": 0}

    def full_disk(kind: str, path: object) -> None:
        calls["n"] += 1
        if calls["n"] == 8:
            raise OSError(28, "No space left on device", str(path))
        if calls["n"] > 8 and kind == "restore":
            raise OSError(5, "Input/output error", str(path))

    with monkeypatch.context() as mp:
        mp.setattr(killpoints, "before_write", full_disk)
        with pytest.raises(KitError, match="No space left on device; the next claude-kit command finishes"):
            apply.apply_plan(root, install_plan(root))
    assert (root / JOURNAL).exists()
    assert "rolls it back (its manifest was not written)" in (journal.describe(root) or "")
    with apply.locked(root):
        pass
    assert snapshot(root) == before


def test_interrupted_atomic_writes_leave_no_temp_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_repo(tmp_path / "repo")
    before = snapshot(root)
    assert killed_at(monkeypatch, 5, lambda: apply.apply_plan(root, install_plan(root)))
    (root / ".claude/agents/.a3.md.x1y2z3.tmp").write_text("half")  # what a kill inside a write leaves
    record = journal.load(root)
    assert record is not None
    journal.recover(root, record)
    assert snapshot(root) == before


def test_status_and_doctor_say_what_the_next_command_does(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_repo(tmp_path / "repo")
    assert killed_at(monkeypatch, 5, lambda: apply.apply_plan(root, install_plan(root), command="update"))
    text = journal.describe(root) or ""
    assert text.startswith("`claude-kit update` (pid ")
    assert (
        "was interrupted; hooks are paused, and the next install, update, sync or uninstall rolls it back"
        in text
    )
    with directory_lock(root):  # a command holds the lock: it is running, not interrupted
        assert "is changing the kit's files right now" in (journal.describe(root) or "")


def test_a_dry_run_with_an_unfinished_journal_changes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = make_repo(tmp_path / "repo")
    assert killed_at(monkeypatch, 5, lambda: apply.apply_plan(root, install_plan(root)))
    before = snapshot(root)
    with (
        pytest.raises(KitError, match="`claude-kit install` was interrupted; nothing was changed"),
        apply.locked(root, dry_run=True),
    ):
        pass
    assert snapshot(root) == before


@pytest.mark.parametrize(
    ("content", "message"),
    [("{not json", "cannot be read"), ('{"format": 99}', "a journal of another claude-kit version")],
)
def test_an_unreadable_journal_is_a_clear_error(tmp_path: Path, content: str, message: str) -> None:
    build_file_tree(tmp_path, {JOURNAL: content})
    with pytest.raises(KitError, match=message), apply.locked(tmp_path):
        pass
    assert message in (journal.describe(tmp_path) or "")
    assert (tmp_path / JOURNAL).read_text() == content


def test_nothing_to_change_writes_no_journal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = make_repo(tmp_path / "repo")
    apply.apply_plan(root, install_plan(root))
    assert writes_of(monkeypatch, lambda: apply.apply_plan(root, install_plan(root))) == []
    assert not (root / UNDO_DIR).exists() and not (root / JOURNAL).exists()


def test_without_hard_links_the_originals_are_copied(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def no_links(*args: object, **kwargs: object) -> None:
        raise OSError(1, "Operation not permitted")

    monkeypatch.setattr(os, "link", no_links)
    root = make_repo(tmp_path / "repo")
    before = snapshot(root)
    assert killed_at(monkeypatch, 12, lambda: apply.apply_plan(root, install_plan(root)))
    record = journal.load(root)
    assert record is not None
    journal.recover(root, record)
    assert snapshot(root) == before
