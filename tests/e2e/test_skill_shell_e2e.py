"""A skill's `` !`cmd` `` shell lines in real sessions: PreSkillShellCommand (Claude Code 2.1.332+).

The lines run while the skill is expanded, before the model reads it; PreToolUse never sees them.
The kit registers PreSkillShellCommand for them; 2.1.329 ignores that entry, which must stay harmless.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from claude_kit.fakeapi import Script, call, say
from tests.e2e.hookkit import HookLog, configure_hooks, write_hook
from tests.e2e.kitrepo import BACKEND_CONFIG, LOOP_OFF, decisions, install_kit, run_ok

pytestmark = pytest.mark.e2e

MAIN_GO = "package main\n\nfunc main() {}\n"
SKILL = """\
---
name: tidy-main
description: Tidies cmd/api/main.go. Use when asked to tidy the api.
---
Greeting: !`echo SKILL-LINE-RAN`
Tidying: !`sed -i 's/main() {}/main() { }/' cmd/api/main.go && echo TIDIED`
Done.
"""
SPAWN = 'Agent(subagent_type="backend-developer", description="Edit cmd/api/main.go"'


def _setup(repo: Path) -> Path:
    files = {"cmd/api/main.go": MAIN_GO, ".claude/skills/tidy-main/SKILL.md": SKILL}
    install_kit(repo, config=BACKEND_CONFIG + LOOP_OFF, files=files)
    return repo / "cmd/api/main.go"


def _skill_text(result_text: str) -> str:
    """The expanded skill as the model was shown it (the runtime's 'Base directory for this skill')."""
    return result_text.split("Base directory for this skill:", 1)[1]


@pytest.mark.claude_min("2.1.332")
def test_a_skill_shell_line_that_writes_a_domain_file_is_not_run(
    tmp_repo: Path, isolated_home: Path, claude_bin: Path
) -> None:
    target = _setup(tmp_repo)
    script = Script(main=[call("Skill", {"skill": "tidy-main"}), say("ok")])

    result = run_ok(tmp_repo, isolated_home, claude_bin, script, prompt="tidy the api")

    assert target.read_text() == MAIN_GO
    shown = _skill_text(result.main_requests()[1].text())
    assert "Greeting: SKILL-LINE-RAN" in shown  # a harmless line still runs
    assert "TIDIED" not in shown
    assert (
        "[not run: blocked by hook: claude-kit: this skill shell line was not run: it writes backend "
        "files (cmd/api/main.go), which backend-developer changes. Delegate the change: " + SPAWN
    ) in shown
    [denied] = decisions(tmp_repo, event="PreSkillShellCommand", decision="deny")  # logged once
    assert denied["hook"] == "shell_write_warning"
    assert denied["tool"] == "Bash" and denied["session_id"] == result.session_id
    assert denied["agent"] == "backend-developer" and denied["file"] == "cmd/api/main.go"
    assert denied["command"].startswith("sed -i ")


@pytest.mark.claude_max("2.1.329")
def test_on_older_runtimes_the_registered_event_is_harmless(
    tmp_repo: Path, isolated_home: Path, claude_bin: Path
) -> None:
    target = _setup(tmp_repo)
    settings = json.loads((tmp_repo / ".claude/settings.json").read_text())
    assert "PreSkillShellCommand" in settings["hooks"]
    edit = {"file_path": str(target), "old_string": "main() { }", "new_string": "main() { run() }"}
    script = Script(main=[call("Skill", {"skill": "tidy-main"}), call("Edit", edit), say("ok")])

    result = run_ok(tmp_repo, isolated_home, claude_bin, script, prompt="tidy the api")

    # 2.1.329 has no such event: the skill's lines run unchecked (docs/enforcement.md says so) ...
    shown = _skill_text(result.main_requests()[1].text())
    assert "Greeting: SKILL-LINE-RAN" in shown and "TIDIED" in shown
    assert target.read_text() == "package main\n\nfunc main() { }\n"
    assert decisions(tmp_repo, event="PreSkillShellCommand") == []
    # ... and every other kit hook still runs: the same session's Edit is denied as always.
    assert "PreToolUse:Edit hook error" in result.main_requests()[2].text()
    assert [e.tool for e in result.tool_errors()] == ["Edit"]
    assert "hook error" not in _skill_text(result.main_requests()[1].text()).split("Done.")[0]


@pytest.mark.claude_min("2.1.332")
def test_the_runtime_fires_pre_skill_shell_command_per_line_and_no_pretooluse(
    tmp_repo: Path, isolated_home: Path, claude_bin: Path, hook_dir: Path
) -> None:
    """The runtime fact the kit's dispatcher relies on, checked without the kit."""
    log = HookLog(hook_dir / "payloads.jsonl")
    record = write_hook(hook_dir, "record", log)
    configure_hooks(tmp_repo, {"PreSkillShellCommand": [("Bash", record)], "PreToolUse": [("", record)]})
    skill = tmp_repo / ".claude/skills/tidy-main/SKILL.md"
    skill.parent.mkdir(parents=True)
    skill.write_text(SKILL)
    (tmp_repo / "cmd/api").mkdir(parents=True)
    (tmp_repo / "cmd/api/main.go").write_text(MAIN_GO)
    script = Script(main=[call("Skill", {"skill": "tidy-main"}), say("ok")])

    run_ok(tmp_repo, isolated_home, claude_bin, script, prompt="tidy the api")

    # The lines may be checked in either order (the runtime runs their hooks side by side).
    lines = sorted(log.payloads("PreSkillShellCommand"), key=lambda p: str(p["tool_use_id"]))
    assert [p["tool_input"]["command"] for p in lines] == [
        "echo SKILL-LINE-RAN",
        "sed -i 's/main() {}/main() { }/' cmd/api/main.go && echo TIDIED",
    ]
    first = lines[0]
    assert first["tool_name"] == "Bash" and first["command_name"] == "tidy-main"
    assert first["invoked_by"] == "claude" and "agent_id" not in first
    assert [p["tool_name"] for p in log.payloads("PreToolUse")] == ["Skill"]
