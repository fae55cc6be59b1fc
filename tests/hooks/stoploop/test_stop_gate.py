"""The main thread's Stop: the cheap path with nothing recorded, the block document on the wire, the kit's
own bound on blocks without progress, and subagent payloads kept out."""

from __future__ import annotations

from claude_kit_hooks.stoploop import events
from tests.hooks.stoploop.conftest import Kit, allowed, blocked, fixture, limits, verdict_text


def test_stop_with_nothing_tracked_is_silent(kit: Kit) -> None:
    kit.install()
    payload = fixture("Stop", kit.repo)

    assert kit.run_hook("stop", payload) == {}
    # The only record: this session had no SessionStart baseline, so the first scan took one.
    [note] = kit.decisions(event="Stop")
    assert note["hook"] == "track_modifications" and "no baseline from SessionStart" in note["reason"]


def test_stop_hook_wiring_answers_with_a_block_document(kit: Kit) -> None:
    kit.install()
    kit.edit("cmd/main.go")
    payload = fixture("Stop", kit.repo)
    payload["session_id"] = kit.sid

    answer = kit.run_hook("stop", payload)

    assert answer["decision"] == "block"
    assert "backend-reviewer" in answer["reason"]
    assert "hookSpecificOutput" not in answer  # additionalContext on Stop would not end the turn either


def test_kit_bound_escalates_when_blocks_repeat_without_progress(kit: Kit) -> None:
    kit.install(config=limits(max_stop_blocks=3))
    kit.edit("cmd/main.go")
    answers = ["Everything is finished.", "I already said the work is complete.", "No reviewer needed here."]
    for n, answer in enumerate(answers):
        blocked(kit.stop(answer, active=n > 0))

    h = kit.stop("Stopping now regardless of the hook.", active=True)

    allowed(h)
    assert "3 stop blocks in a row without a recorded change or verdict" in h.messages[0]
    [esc] = kit.decisions(decision="escalate")
    assert esc["hook"] == "stop_bound"


def test_progress_or_a_fresh_turn_resets_the_kit_bound(kit: Kit) -> None:
    kit.install(config=limits(max_stop_blocks=2, max_consecutive_failures=9))
    kit.edit("cmd/main.go")
    blocked(kit.stop("one"))
    blocked(kit.stop("two", active=True))
    kit.verdict("backend-reviewer", verdict_text(verdict="FAIL"))  # progress
    blocked(kit.stop("three", active=True))
    blocked(kit.stop("four", active=True))
    blocked(kit.stop("five, new prompt from the user"))  # stop_hook_active false: a new turn
    blocked(kit.stop("six", active=True))
    assert kit.decisions(decision="escalate") == []
    allowed(kit.stop("seven", active=True))


def test_subagent_stop_payloads_never_reach_the_stop_gate(kit: Kit) -> None:
    kit.install()
    kit.edit("cmd/main.go")
    h = kit.call(events.stop_gate, "Stop", agent_id="x", agent_type="backend-developer")
    allowed(h)
