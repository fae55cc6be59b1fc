"""State writes under contention (16 processes x 200 updates) and the age-based cleanup."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import ck_state
import ckrt
from tests.loop.conftest import SID, Kit

WRITER = textwrap.dedent("""
    import sys, time
    sys.path.insert(0, sys.argv[1])
    import ckrt, ck_loop
    worker, count = int(sys.argv[2]), int(sys.argv[3])
    for i in range(count):
        h = ckrt.Hook("PostToolUse", {"session_id": sys.argv[4], "agent_id": f"a{worker}",
                      "agent_type": "backend-developer", "tool_name": "Edit",
                      "tool_input": {"file_path": f"{ckrt.ROOT}/w{worker}/f{i % 50}.go"}},
                      time.perf_counter())
        ck_loop.track_modification(h)
""")
READER = textwrap.dedent("""
    import json, sys, time
    path, stop = sys.argv[1], sys.argv[2]
    import os
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


def test_sixteen_processes_lose_no_update_and_never_tear_the_json(kit: Kit, tmp_path: Path) -> None:
    kit.install()
    hooks = str(kit.repo / ".claude" / "hooks")
    state = Path(ckrt.state_path(SID, "feedback"))
    stop_flag = tmp_path / "stop"
    writer, reader = tmp_path / "writer.py", tmp_path / "reader.py"
    writer.write_text(WRITER)
    reader.write_text(READER)
    workers, count = 16, 200

    watcher = subprocess.Popen(
        [sys.executable, "-S", str(reader), str(state), str(stop_flag)], stdout=subprocess.PIPE, text=True
    )
    procs = [
        subprocess.Popen([sys.executable, "-E", "-S", str(writer), hooks, str(w), str(count), SID])
        for w in range(workers)
    ]
    codes = [p.wait(timeout=600) for p in procs]
    stop_flag.write_text("")
    seen = json.loads(watcher.communicate(timeout=60)[0])

    assert codes == [0] * workers
    data = json.loads(state.read_text())
    assert data["seq"] == workers * count
    assert data["domains"]["backend"]["changes"] == workers * count
    assert len(data["domains"]["backend"]["files"]) == ck_state.FILE_CAP
    assert seen["torn"] == 0 and seen["reads"] > 0
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
    base = Path(ckrt.LOCAL) / "state"
    _age(base / "old", 8)
    _age(base / "young", 6)
    _age(base / "current", 30)

    assert ck_state.maybe_cleanup("current") == ["old"]
    assert sorted(p.name for p in base.iterdir() if p.is_dir()) == ["current", "young"]

    _age(base / "young", 8)
    assert ck_state.maybe_cleanup("current") == []  # the stamp says: already done today
    assert ck_state.maybe_cleanup("current", now=time.time() + 86401) == ["young"]


def test_stop_hook_runs_the_cleanup_and_session_start_never_does(kit: Kit) -> None:
    kit.install()
    kit.sid = "old"
    kit.edit("a.go")
    base = Path(ckrt.LOCAL) / "state"
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
