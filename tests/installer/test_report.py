"""`claude-kit report`: the records collected from a log, a feedback state and transcripts; the page
rendered from them (escaped, redacted, nothing fetched); and the page in a real headless browser."""

from __future__ import annotations

import json
import os
import re
import shutil
import struct
import subprocess
from pathlib import Path
from typing import Any

import pytest

from claude_kit.errors import KitError
from claude_kit.report_data import collect
from claude_kit.report_html import render
from claude_kit_hooks.contract.layout import COMPILED_CONFIG, KitPaths, state_file
from claude_kit_hooks.contract.records import TASK_EVENT

SID = "5e55a0e1-0000-4000-8000-000000000001"
OTHER = "0be7a1e2-0000-4000-8000-000000000002"
DEV, REV = "a1dev000000000001", "b2rev000000000002"
INJECTED = '<script>alert("x")</script>'


def _rec(ts: str, hook: str, decision: str, reason: str, **extra: Any) -> dict[str, Any]:
    return {"ts": f"2026-12-03T10:{ts}Z", "session_id": SID, "event": "PreToolUse", "hook": hook,
            "decision": decision, "reason": reason, **extra}  # fmt: skip


def _assistant(ts: str, mid: str, inp: int, out: int) -> dict[str, Any]:
    usage = {"input_tokens": inp, "output_tokens": out}
    message = {"id": mid, "model": "claude-sonnet-4-5", "usage": usage}
    return {"type": "assistant", "timestamp": f"2026-12-03T10:{ts}Z", "message": message}


def _jsonl(path: Path, rows: list[dict[str, Any]]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))


@pytest.fixture
def logged(tmp_path: Path) -> tuple[Path, Path]:
    """A repository whose log holds one session (a deny, a developer, a reviewer's PASS, an
    escalation) and a second session; the first session's transcripts under a HOME."""
    root, home = tmp_path / "repo", tmp_path / "home"
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    _jsonl(
        Path(KitPaths(str(root)).decision_log),
        [
            _rec("00:00", "agent_first", "deny", f"main may not edit. {INJECTED} password=hunter2secret",
                 tool="Edit", file="cmd/api/main.go"),
            _rec("00:05", "spawn_depth", "allow", "main thread spawns backend-developer", tool="Agent"),
            _rec("00:10", "agent_first", "allow", "developer", tool="Edit", file="cmd/api/main.go",
                 agent_id=DEV, agent_type="backend-developer"),
            _rec("01:10", "file_locks", "allow", "released", agent_id=DEV, agent_type="backend-developer"),
            _rec("01:20", "verdicts", "allow", "backend-reviewer -> backend review PASS",
                 event="SubagentStop", agent_id=REV, agent_type="backend-reviewer"),
            _rec("02:00", "feedback_loop", "escalate", "3 FAILs in a row: the user decides", event="Stop"),
            {**_rec("05:00", "agent_first", "deny", "other session"), "session_id": OTHER},
            "torn line",  # a writer killed mid-line: skipped
        ],
    )  # fmt: skip
    (root / COMPILED_CONFIG).parent.mkdir(parents=True, exist_ok=True)
    (root / COMPILED_CONFIG).write_text(json.dumps({"budget": {
        "session_tokens": 10_000, "session_usd": None,
        "prices": {"claude-sonnet": {"input": 3.0, "output": 15.0}}}}))  # fmt: skip
    feedback = {
        "iteration": 2,
        "domains": {"backend": {"changes": 1, "files": ["cmd/api/main.go"], "phases": {
            "review": {"role": "review", "agent": "backend-reviewer", "verdict": "PASS"}}}},
        "agents": {REV: {"type": "backend-reviewer", "verdict": "PASS", "seq": 2}},
        "failures": [{"domain": "backend", "verdict": "FAIL"}],
    }  # fmt: skip
    (root / state_file(SID, "feedback")).parent.mkdir(parents=True)
    (root / state_file(SID, "feedback")).write_text(json.dumps(feedback))
    main = home / ".claude/projects/-repo" / f"{SID}.jsonl"
    _jsonl(main, [_assistant("00:00", "m1", 1000, 200), _assistant("02:00", "m2", 500, 100)])
    _jsonl(main.with_suffix("") / "subagents" / f"agent-{DEV}.jsonl", [_assistant("00:06", "d1", 3000, 1000)])
    _jsonl(main.with_suffix("") / "subagents" / f"agent-{REV}.jsonl", [_assistant("01:15", "r1", 2000, 500)])
    return root, home


def test_collect_builds_the_session_from_log_feedback_and_transcripts(logged: tuple[Path, Path]) -> None:
    root, home = logged
    report = collect(root, session=SID[:8], home=home)
    [s] = report.sessions
    assert s.session_id == SID and s.decisions == 6
    assert [(r.label, r.verdict) for r in s.runs] == [
        ("main", None),
        (f"backend-developer:{DEV[:8]}", None),
        (f"backend-reviewer:{REV[:8]}", "PASS"),
    ]
    main, dev, rev = s.runs
    # A thread lasts from its first to its last sign of life in the log or its transcript.
    assert main.seconds == 120 and dev.seconds == 64 and rev.seconds == 5
    assert main.usage and main.usage.tokens == 1800 and dev.usage and dev.usage.tokens == 4000
    assert dev.usage.usd == pytest.approx((3000 * 3 + 1000 * 15) / 1e6)
    assert s.usage and s.usage.tokens == 1800 + 4000 + 2500 and s.budget.tokens == 10_000
    [block] = s.blocks
    assert (block.decision, block.hook, block.caller, block.target) == ("deny", "agent_first", "main",
                                                                        "Edit cmd/api/main.go")  # fmt: skip
    [esc] = s.escalations
    assert esc.hook == "feedback_loop" and "user decides" in esc.reason
    [loop] = s.loops
    assert (loop.domain, loop.changes, loop.phases, loop.failures) == (
        "backend", 1, (("review", "PASS", "backend-reviewer"),), 1)  # fmt: skip
    assert s.iteration == 2


def test_collect_every_session_or_one_and_the_errors(logged: tuple[Path, Path]) -> None:
    root, home = logged
    assert [s.session_id for s in collect(root, home=home).sessions] == [SID, OTHER]
    other = collect(root, session=OTHER, home=home).sessions[0]
    assert other.usage is None and [r.usage for r in other.runs] == [None]  # no transcript on this machine
    with pytest.raises(KitError, match="no session in the decision log matches"):
        collect(root, session="ffff", home=home)
    with pytest.raises(KitError, match="choose one"):
        collect(root, session=SID, feature="x", home=home)


def test_a_feature_report_covers_the_records_while_it_was_the_task(logged: tuple[Path, Path]) -> None:
    root, home = logged
    # `claude-kit feature` marks the task in the log; the records after the mark belong to it.
    records = [
        json.loads(line)
        for line in (Path(KitPaths(str(root)).decision_log)).read_text().splitlines()
        if line.startswith("{")
    ]
    task = {"event": TASK_EVENT, "hook": "feature", "decision": "allow", "session_id": ""}
    records.insert(
        3, {**task, "ts": "2026-12-03T10:00:30Z", "feature": "20261203-100030-api", "phase": "impl"}
    )
    records.insert(7, {**task, "ts": "2026-12-03T10:03:00Z", "feature": "", "phase": ""})
    _jsonl(Path(KitPaths(str(root)).decision_log), records)
    report = collect(root, feature="100030-api", home=home)
    [s] = report.sessions
    assert report.title == "claude-kit report: feature 100030-api"
    assert s.session_id == SID and s.decisions == 3 and s.blocks == () and len(s.escalations) == 1
    with pytest.raises(KitError, match="--feature other: no session"):
        collect(root, feature="other", home=home)


def test_the_page_escapes_and_redacts_what_the_log_holds(logged: tuple[Path, Path]) -> None:
    root, home = logged
    page = render(collect(root, home=home))
    assert INJECTED not in page and "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in page
    assert "hunter2secret" not in page and "password=[REDACTED]" in page
    # Self-contained: no script at all, nothing to fetch, the charts inline.
    assert "<script" not in page and not re.search(r"(src|href)=|https?://", page)
    assert page.count('<svg class="chart timeline"') == 2 and page.count('<svg class="chart tokens"') == 1
    assert "budget 10,000 tokens" in page and "no transcript" in page


def _chromium() -> str | None:
    return next(
        (p for name in ("chromium", "chromium-browser", "google-chrome") if (p := shutil.which(name))), None
    )


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_the_page_in_a_real_headless_browser(logged: tuple[Path, Path], tmp_path: Path) -> None:
    browser = _chromium()
    if browser is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is missing: scripts/test installs it with apt-get")
        pytest.skip("no chromium (scripts/test installs it with apt-get)")
    root, home = logged
    page, shot = tmp_path / "report.html", tmp_path / "shot.png"
    page.write_text(render(collect(root, home=home)))
    # One run: the screenshot, the DOM after layout, and the console on stderr.
    run = subprocess.run(
        [browser, "--headless", "--no-sandbox", "--disable-gpu", "--enable-logging=stderr", "--v=0",
         f"--user-data-dir={tmp_path / 'profile'}", "--window-size=1000,1400",
         f"--screenshot={shot}", "--dump-dom", page.as_uri()],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr[-3000:]
    assert shot.stat().st_size > 10_000 and _png_size(shot.read_bytes()) == (1000, 1400)
    assert ":CONSOLE" not in run.stderr, [line for line in run.stderr.splitlines() if ":CONSOLE" in line]
    dom = run.stdout
    charts = re.findall(r'<svg class="chart (\w+)" width="(\d+)" height="(\d+)"', dom)
    assert [c[0] for c in charts] == ["timeline", "tokens", "timeline"]
    assert all(int(w) > 0 and int(h) > 0 for _, w, h in charts)
    bars = re.findall(r'<rect class="(main|pass|fail|agent|over|mark)"[^>]* width="([\d.]+)"', dom)
    assert len(bars) >= 8 and all(float(w) > 0 for _, w in bars)
    assert '<rect class="pass"' in dom  # the reviewer's PASS drawn in its colour


def test_the_command_writes_the_page_or_nothing(
    logged: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from click.testing import CliRunner

    from claude_kit.cli import cli

    root, home = logged
    monkeypatch.setenv("HOME", str(home))
    out = tmp_path / "out/report.html"
    res = CliRunner().invoke(cli, ["report", str(root), "--session", SID[:4], "-o", str(out)])
    assert res.exit_code == 0, res.output
    assert f"Session {SID}" in out.read_text() and "1,800" in out.read_text()  # the transcripts under HOME
    missing = tmp_path / "missing.html"
    res = CliRunner().invoke(cli, ["report", str(root), "--session", "ffff", "-o", str(missing)])
    assert res.exit_code != 0 and "--session ffff: no session" in res.output and not missing.exists()
