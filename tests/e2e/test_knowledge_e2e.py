"""The knowledge layer in real Claude Code sessions: the Tier-1 listing's size, and file locks.

(a) The runtime lists the kit's core skills in the main thread's system prompt; their lines are
    measured in the real request body and must fit the kit's 4,000-character budget.
(b) A lock held by one agent type denies another subagent's Edit of that file: the file is
    unchanged and the denial reaches that subagent; the holder's own edit goes through.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from claude_kit import audit, locks
from claude_kit.fakeapi import Script, Turn, agent_call, call, say
from claude_kit.payload import payload_root
from tests.e2e.kitrepo import LOOP_OFF, TWO_DOMAINS, decisions, install_kit, run_ok

pytestmark = pytest.mark.e2e

LISTING_HEADER = "The following skills are available for use with the Skill tool"
MAIN_GO = "package main\n\nfunc main() {}\n"
# The Stop-time loop (review/test before ending) has its own scenarios; off here so that a changed
# backend file does not keep this session running.
CONFIG = TWO_DOMAINS + LOOP_OFF


def skill_listing(system_text: str) -> list[str]:
    """The `- name: description` lines under the runtime's skills header."""
    start = system_text.index(LISTING_HEADER)
    lines = []
    for line in system_text[start:].splitlines()[1:]:
        if line.startswith("- "):
            lines.append(line)
        elif lines and not line.strip():
            break
    return lines


def test_the_runtime_lists_the_kits_core_skills_within_budget(
    tmp_repo: Path, isolated_home: Path, claude_bin: Path
) -> None:
    install_kit(tmp_repo, files={"main.go": "package main\n"})
    result = run_ok(tmp_repo, isolated_home, claude_bin, Script(main=[say("hello")]), prompt="hi")

    system = "\n".join(result.main_requests()[0].texts())
    listing = skill_listing(system)
    core = sorted(p.parent.name for p in (payload_root() / "skills").glob("*/SKILL.md"))
    kit_lines = [line for line in listing if line[2:].split(":", 1)[0] in core]
    assert sorted(line[2:].split(":", 1)[0] for line in kit_lines) == core  # every core skill, once
    size = sum(len(line) for line in kit_lines)
    whole = sum(len(line) + 1 for line in listing)
    print(
        f"\nTier-1 listing in the real request: {len(kit_lines)} kit skills = {size} characters "
        f"(budget {audit.TIER1_BUDGET}); whole listing incl. built-in skills: {whole}"
    )
    assert size <= audit.TIER1_BUDGET
    # The audit's arithmetic (name + description + 4 per skill) is the runtime's line length.
    assert size == audit.run_audit(tmp_repo).tier1_chars


def test_a_lock_held_by_one_agent_denies_another_subagents_edit(
    tmp_repo: Path, isolated_home: Path, claude_bin: Path
) -> None:
    # frontend-developer is named an editor of backend, so agent-first lets its edit through and the
    # lock is what denies it.
    editors = TWO_DOMAINS.replace('["**/*.go"]\n', '["**/*.go"]\n    editors: ["frontend-developer"]\n', 1)
    install_kit(tmp_repo, config=editors + LOOP_OFF, files={"cmd/api/main.go": MAIN_GO})
    target = tmp_repo / "cmd/api/main.go"
    assert locks.acquire(tmp_repo, ["cmd/api/main.go"], "backend-developer", ttl_minutes=30) == 0
    expires = locks.Store(tmp_repo).read()["cmd/api/main.go"]["expires_at"]
    edit = {"file_path": str(target), "old_string": "main() {}", "new_string": "main() { run() }"}
    script = Script(
        main=[
            Turn(
                [agent_call("UITASK", "touch main.go", subagent_type="frontend-developer", background=False)]
            ),
            Turn([agent_call("APITASK", "add run()", subagent_type="backend-developer", background=False)]),
            say("done"),
        ],
        agents={
            "UITASK": [call("Read", {"file_path": str(target)}), call("Edit", edit), say("could not edit")],
            "APITASK": [call("Read", {"file_path": str(target)}), call("Edit", edit), say("edited main.go")],
        },
    )

    result = run_ok(tmp_repo, isolated_home, claude_bin, script)

    # The frontend-developer's edit was denied and it was told who holds the lock and what to do.
    [denied] = [e for e in result.tool_errors() if e.conversation.startswith("agent:UITASK")]
    assert denied.tool == "Edit"
    assert f"cmd/api/main.go is locked by backend-developer until {expires}" in denied.text
    assert "A lock is released only by its holder or by the user." in denied.text
    after = result.subagent_requests("UITASK")[-1].text()
    assert "PreToolUse:Edit hook error" in after and "this edit by frontend-developer (agent " in after
    [rec] = decisions(tmp_repo, hook="file_locks", decision="deny")
    assert (rec["agent_type"], rec["file"], rec["holder"]) == (
        "frontend-developer",
        "cmd/api/main.go",
        "backend-developer",
    )
    assert rec["agent_id"] and rec["session_id"] == result.session_id
    # The holder's edit went through: the file changed exactly once, by backend-developer.
    assert target.read_text() == "package main\n\nfunc main() { run() }\n"
    assert not [e for e in result.tool_errors() if e.conversation.startswith("agent:APITASK")]
