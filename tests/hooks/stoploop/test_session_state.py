"""State writes under contention (16 processes x 200 updates) and the age-based cleanup."""

from __future__ import annotations

import os
import time
from pathlib import Path

from claude_kit_hooks.stoploop import session_state
from tests.hooks.stoploop.conftest import SID, Kit
from tests.hooks.stoploop.contention import run_contention


def test_sixteen_processes_lose_no_update_and_never_tear_the_json(kit: Kit, tmp_path: Path) -> None:
    kit.install()
    state = Path(kit.paths.state(SID, "feedback"))
    workers, count = 16, 200

    run = run_contention(kit.repo / ".claude/hooks", state, tmp_path, SID, workers, count, files=50)

    assert run.codes == [0] * workers
    data = run.state
    assert data["seq"] == workers * count
    assert data["domains"]["backend"]["changes"] == workers * count
    assert len(data["domains"]["backend"]["files"]) == session_state.FILE_CAP
    assert run.torn == 0 and run.reads > 0
    leftovers = [p.name for p in state.parent.iterdir() if p.name.endswith(".tmp")]
    assert leftovers == []


def _age(path: Path, days: float) -> None:
    when = time.time() - days * 86400
    for folder, _dirs, files in os.walk(path):
        for name in [folder, *(os.path.join(folder, f) for f in files)]:
            os.utime(name, (when, when))


def test_cleanup_removes_only_old_sessions_at_most_once_a_day(kit: Kit) -> None:
    kit.install()
    for sid in ("old", "young", "current"):
        kit.sid = sid
        kit.edit("a.go")
    base = Path(kit.paths.state_dir)
    _age(base / "old", 8)
    _age(base / "young", 6)
    _age(base / "current", 30)

    assert session_state.maybe_cleanup(kit.paths, "current") == ["old"]
    assert sorted(p.name for p in base.iterdir() if p.is_dir()) == ["current", "young"]

    _age(base / "young", 8)
    assert session_state.maybe_cleanup(kit.paths, "current") == []  # the stamp says: already done today
    assert session_state.maybe_cleanup(kit.paths, "current", now=time.time() + 86401) == ["young"]


def test_stop_hook_runs_the_cleanup_and_session_start_never_does(kit: Kit) -> None:
    kit.install()
    kit.sid = "old"
    kit.edit("a.go")
    base = Path(kit.paths.state_dir)
    _age(base / "old", 10)
    start = {
        "session_id": "new",
        "hook_event_name": "SessionStart",
        "source": "startup",
        "cwd": str(kit.repo),
    }
    kit.run_hook("session_start", start)
    assert (base / "old").is_dir()

    kit.run_hook(
        "stop",
        {
            "session_id": "new",
            "hook_event_name": "Stop",
            "stop_hook_active": False,
            "last_assistant_message": "bye",
        },
    )

    assert not (base / "old").exists()
    assert (base / ".cleanup-stamp").is_file()
