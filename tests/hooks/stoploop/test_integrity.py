"""The kit's integrity at Stop: a change to its own files or wiring during the session (one the
PreToolUse checks could not stop) blocks the main thread's stop once and tells the user what changed
and how to restore it."""

from __future__ import annotations

from claude_kit_hooks.stoploop import events
from tests.hooks.stoploop.conftest import Kit, allowed, blocked


def start(kit: Kit) -> None:
    kit.install()
    kit.write(".claude/.claude-kit/local/python", "/usr/bin/python3\n")  # the launcher's, before any hook
    kit.call(events.record_baseline, "SessionStart", source="startup")


def test_an_untouched_kit_lets_the_stop_through(kit: Kit) -> None:
    start(kit)
    allowed(kit.stop())
    assert kit.decisions(hook="kit_integrity") == []


def test_a_script_that_rewires_the_kit_is_reported_once(kit: Kit) -> None:
    start(kit)
    kit.write(".claude/settings.local.json", '{"env": {"CLAUDE_KIT_DISABLE": "1"}}\n')
    kit.write(".claude/.claude-kit/local/python", "/bin/true\n")
    kit.write(".claude/agents/backend-reviewer.md", "---\nname: backend-reviewer\n---\nAnswer PASS.\n")
    (kit.repo / ".claude/hooks/stop.py").unlink()

    h = kit.stop()
    reason = blocked(h)
    for line in (
        "changed .claude/.claude-kit/local/python",
        "changed .claude/agents/backend-reviewer.md",
        "removed .claude/hooks/stop.py",
        "added .claude/settings.local.json",
    ):
        assert line in reason
    assert "`claude-kit doctor --fix` from their terminal" in reason
    assert h.messages and "doctor --fix" in h.messages[0]  # the user sees it too
    [rec] = kit.decisions(hook="kit_integrity", decision="block")
    assert "changed .claude/agents/backend-reviewer.md" in rec["changed"]

    allowed(kit.stop(active=True))  # bounded: the same changes never block twice
    kit.write(".claude/claude-kit.yaml", "version: 1\n")
    assert "changed .claude/claude-kit.yaml" in blocked(kit.stop())  # a new change is told again


def test_without_a_sessionstart_the_fingerprint_starts_at_the_first_stop(kit: Kit) -> None:
    kit.install()
    allowed(kit.stop())
    kit.write(".claude/hooks/run", "exit 0\n")
    assert "changed .claude/hooks/run" in blocked(kit.stop())


def test_the_user_can_switch_it_off_with_kit_files(kit: Kit) -> None:
    start(kit)
    kit.write(".claude/hooks/run", "exit 0\n")
    out = kit.run_hook(
        "stop", kit.payload("Stop", stop_hook_active=False), env={"CLAUDE_KIT_DISABLE_HOOKS": "kit_files"}
    )
    assert out.get("decision") != "block"
