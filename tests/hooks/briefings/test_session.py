"""The main thread's briefings (briefings/session.py): SessionStart, UserPromptSubmit and PreCompact,
on captured payloads. The SubagentStart briefing: test_subagent.py."""

from __future__ import annotations

import json
import os
import subprocess
import time
import uuid
from pathlib import Path
from typing import Any

import pytest

from tests.hooks.hookrun import FEATURE, assert_clean, fixture, install, log_records, run_hook

STATE = ".claude/.claude-kit/local/state"


@pytest.fixture
def kit(tmp_repo: Path) -> Path:
    return install(tmp_repo)


def payload(repo: Path, name: str, session: str | None = None, **fields: Any) -> dict[str, Any]:
    data = fixture(name, repo)
    data["session_id"] = session or str(uuid.uuid4())
    data.update(fields)
    return data


def write_feature(repo: Path, **fields: Any) -> None:
    path = repo / ".git/claude-kit/features/active.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({**FEATURE, **fields}))


def write_state(repo: Path, session: str, name: str, data: Any) -> Path:
    path = repo / STATE / session / f"{name}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(data if isinstance(data, str) else json.dumps(data))
    return path


def dirty_backend(files: list[str] | None = None, phases: dict[str, Any] | None = None) -> dict[str, Any]:
    # The feedback-loop state as the loop system writes it (stoploop/session_state.py).
    return {
        "iteration": 2,
        "seq": 3,
        "consecutive": {"review": 1, "test_planning": 0, "testing": 0},
        "domains": {
            "backend": {
                "files": files or ["cmd/api/main.go"],
                "changes": len(files or ["x"]),
                "changed_seq": 1,
                "verifier_changes": 0,
                "phases": phases or {},
            }
        },
        "agents": {},
        "reports": {},
        "outloc": {},
        "failures": [],
        "spawns": [],
    }


ARMED_LOOP = {"active": True, "iteration": 3, "max_iterations": 20, "completion_promise": "ALL DONE",
              "prompt": "finish the migration"}  # fmt: skip


# -- SessionStart ----------------------------------------------------------------------------------
def test_session_start_briefs_the_kit_and_stays_short(kit: Path) -> None:
    result = run_hook(kit, "session_start", payload(kit, "SessionStart"))

    assert_clean(result)
    text = result.context
    assert text.startswith("claude-kit is active. You coordinate;")
    assert "backend -> backend-developer" in text
    assert "subagents cannot spawn subagents" in text
    assert (
        f"Sessions started in a subdirectory of {kit} run no kit hook (Claude Code loads no project hooks "
        "there): they are not governed."
    ) in text
    assert "Active feature" not in text and "Open:" not in text
    assert len(text) - len(str(kit)) < 700


def test_session_start_names_the_active_feature_and_open_loops(kit: Path) -> None:
    session = str(uuid.uuid4())
    write_feature(kit)
    write_state(kit, session, "feedback", dirty_backend())
    write_state(kit, session, "loop", ARMED_LOOP)

    text = run_hook(kit, "session_start", payload(kit, "SessionStart", session)).context

    assert ("Active feature: Login rate limit (feature), phase implementation, status in_progress; "
            f"MANIFEST: {FEATURE['dir']}/MANIFEST.yaml.") in text  # fmt: skip
    open_line = next(line for line in text.splitlines() if line.startswith("Open:"))
    assert "backend-reviewer" in open_line and "3/20" in open_line
    assert len(text) < 1000


def test_after_compaction_the_session_is_told_to_resume(kit: Path) -> None:
    write_feature(kit)

    result = run_hook(kit, "session_start", payload(kit, "SessionStart-compact"))

    assert "just compacted: run `claude-kit feature resume`" in result.context
    [record] = log_records(kit, hook="session_context")
    assert record["source"] == "compact" and record["decision"] == "allow"


def test_a_feature_left_untouched_for_days_is_called_possibly_abandoned(kit: Path) -> None:
    write_feature(kit)
    active = kit / ".git/claude-kit/features/active.json"
    assert "may be abandoned" not in run_hook(kit, "session_start", payload(kit, "SessionStart")).context
    three_days_ago = time.time() - 3 * 86400 - 60
    os.utime(active, (three_days_ago, three_days_ago))

    text = run_hook(kit, "session_start", payload(kit, "SessionStart")).context

    line = next(line for line in text.splitlines() if line.startswith("Active feature:"))
    assert line.endswith(
        "No change for 3 days: it may be abandoned; ask the user whether to continue it or close it."
    ), line
    assert "feature mark" not in text  # closing it is the user's call, not a command for the model


@pytest.mark.parametrize("status", ["done", "cancelled"])
def test_a_closed_feature_is_not_announced(kit: Path, status: str) -> None:
    write_feature(kit, status=status)

    assert "Active feature" not in run_hook(kit, "session_start", payload(kit, "SessionStart")).context


def test_session_start_never_touches_other_sessions_state(kit: Path) -> None:
    other = write_state(kit, "other-session", "feedback", dirty_backend())
    before = other.read_bytes()

    for source in ("startup", "resume", "clear", "compact"):
        assert_clean(run_hook(kit, "session_start", payload(kit, "SessionStart", source=source)))

    assert other.read_bytes() == before


@pytest.mark.parametrize(
    ("feature", "feedback", "loop"),
    [
        ("[1, 2]", "not json", "null"),
        ('{"feature_id": 7, "status": ["x"]}', '{"domains": [1]}', '{"active": true, "iteration": "x"}'),
        ("{}", '{"domains": {"backend": "dirty"}}', '{"active": "yes"}'),
    ],
)
def test_malformed_state_files_never_break_the_context_hooks(
    kit: Path, feature: str, feedback: str, loop: str
) -> None:
    session = str(uuid.uuid4())
    path = kit / ".git/claude-kit/features/active.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(feature)
    write_state(kit, session, "feedback", feedback)
    write_state(kit, session, "loop", loop)

    for module, name in (("session_start", "SessionStart"), ("user_prompt_submit", "UserPromptSubmit"),
                         ("pre_compact", "PreCompact-auto")):  # fmt: skip
        result = run_hook(kit, module, payload(kit, name, session))
        assert result.returncode == 0 and "Traceback" not in result.stdout + result.stderr
        assert "systemMessage" not in result.stdout
        assert "claude-kit" in result.stdout


def test_a_broken_loop_module_falls_back_to_the_state_files(kit: Path) -> None:
    session = str(uuid.uuid4())
    broken = "def active_summary(*args, **kwargs):\n    raise KeyError('x')\n"
    (kit / ".claude/hooks/claude_kit_hooks/stoploop/events.py").write_text(broken)
    write_state(kit, session, "feedback", dirty_backend())
    write_state(kit, session, "loop", ARMED_LOOP)

    # A real process: it imports the installed modules, one of which this test broke.
    data = payload(kit, "UserPromptSubmit", session)
    text = run_hook(kit, "user_prompt_submit", data, in_process=False).context

    assert "completion loop iteration 3/20; feedback loop open for backend" in text
    assert log_records(kit, session_id=session, decision="error")[0]["reason"].startswith(
        "stoploop.events.active_summary failed (KeyError"
    )


# -- UserPromptSubmit ------------------------------------------------------------------------------
def test_prompt_reminder_is_one_short_line_without_state(kit: Path) -> None:
    result = run_hook(kit, "user_prompt_submit", payload(kit, "UserPromptSubmit"))

    assert_clean(result)
    assert result.json["hookSpecificOutput"]["hookEventName"] == "UserPromptSubmit"
    assert "delegate" in result.context and "developer agents" in result.context
    assert "\n" not in result.context and len(result.context) < 200


def test_prompt_reminder_adds_the_state_and_stays_under_300_characters(kit: Path) -> None:
    session = str(uuid.uuid4())
    write_feature(kit, name="A feature with a very long name " * 8)
    write_state(kit, session, "feedback", dirty_backend([f"cmd/svc{i}/main.go" for i in range(40)]))
    write_state(kit, session, "loop", ARMED_LOOP)

    text = run_hook(kit, "user_prompt_submit", payload(kit, "UserPromptSubmit", session)).context

    assert len(text) <= 300
    assert "Active feature: A feature with" in text.splitlines()[1]


def test_prompt_reminder_kill_switch(tmp_repo: Path) -> None:
    install(tmp_repo, "version: 1\nhooks: {prompt_reminder: {enabled: false}}\n")

    assert run_hook(tmp_repo, "user_prompt_submit", payload(tmp_repo, "UserPromptSubmit")).stdout == ""


# -- PreCompact ------------------------------------------------------------------------------------
def test_precompact_hands_the_compactor_plain_text_essentials(kit: Path) -> None:
    session = str(uuid.uuid4())
    write_feature(kit)
    phases = {"review": {"role": "review", "verdict": "FAIL", "summary": "missing check"}}
    write_state(kit, session, "feedback", dirty_backend(["cmd/a.go", "cmd/b.go"], phases))
    write_state(kit, session, "loop", ARMED_LOOP)

    result = run_hook(kit, "pre_compact", payload(kit, "PreCompact-auto", session))

    assert result.returncode == 0 and result.stderr == ""
    text = result.stdout
    assert not text.startswith("{")  # plain stdout is appended to the compact instructions
    assert text.startswith("claude-kit: keep these facts verbatim in the summary.")
    assert "- Active feature: Login rate limit (feature), phase implementation" in text
    assert "- Changed in backend: cmd/a.go, cmd/b.go; verdicts so far: review FAIL." in text
    assert "3/20" in text
    assert "- After compaction, run `claude-kit feature resume` before doing anything else." in text
    assert len(text) < 2000


def test_precompact_without_state_still_keeps_the_rules(kit: Path) -> None:
    text = run_hook(kit, "pre_compact", payload(kit, "PreCompact-auto")).stdout

    assert "- Rules: the main thread coordinates" in text
    assert "feature resume" not in text


def test_hooks_are_silent_before_the_kit_is_compiled(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    install(repo)
    (repo / ".claude/hooks/claude-kit.json").unlink()

    for module, name in (("session_start", "SessionStart"), ("subagent_start", "SubagentStart-foreground")):
        assert run_hook(repo, module, payload(repo, name)).stdout == ""


def test_with_the_user_level_hooks_subdirectory_sessions_are_said_to_be_governed(
    kit: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dispatcher = tmp_path / "home/.claude/claude-kit/dispatch"
    dispatcher.parent.mkdir(parents=True)
    dispatcher.write_text("#!/bin/sh\n")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))

    text = run_hook(kit, "session_start", payload(kit, "SessionStart")).context

    assert (
        f"Sessions started in a subdirectory of {kit} are governed too, through claude-kit's "
        "user-level hooks."
    ) in text
    assert "they are not governed" not in text
