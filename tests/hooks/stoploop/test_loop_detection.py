"""Loop detection: three near-identical stop attempts under one instruction mean the agent is stuck."""

from __future__ import annotations

import random
import string

import pytest
from rapidfuzz import fuzz

from claude_kit_hooks.stoploop import loop_detection
from tests.hooks.stoploop.conftest import BACKEND, SID, Kit, allowed, blocked

SAMPLES = [
    ("I fixed the handler and ran the tests.", "I fixed the handler and ran the tests!"),
    ("All tests pass now.", "All tests pass now, done."),
    ("Working on iteration 3: pagination still broken.", "Working on iteration 4: pagination still broken."),
    ("The build is green.", "The build is red."),
    ("Review PASS; spawning the tester next.", "Testing FAIL: 2 issues in repo.go."),
    ("", ""),
    ("", "x"),
    ("same", "same"),
    ("abc", "cba"),
    ("kitten", "sitting"),
    ("\u00e9t\u00e9 \u2713 done", "\u00e9t\u00e9 \u2713 done."),
    ("a" * 300, "a" * 299 + "b"),
]


def _random_pairs(n: int) -> list[tuple[str, str]]:
    rng = random.Random(7)
    alphabet = string.ascii_letters + " .,:\u00e9\u2713"
    pairs = []
    for _ in range(n):
        a = "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 400)))
        b = list(a)
        for _ in range(rng.randint(0, 40)):  # a few edits keep many pairs near the 90% line
            op = rng.random()
            pos = rng.randint(0, len(b))
            if op < 0.4 and b:
                b.pop(min(pos, len(b) - 1))
            elif op < 0.8:
                b.insert(pos, rng.choice(alphabet))
            elif b:
                b[min(pos, len(b) - 1)] = rng.choice(alphabet)
        pairs.append((a, "".join(b)))
    return pairs


@pytest.mark.parametrize(("a", "b"), SAMPLES)
def test_similarity_equals_rapidfuzz_ratio_on_samples(a: str, b: str) -> None:
    assert loop_detection.similarity(a, b) == pytest.approx(fuzz.ratio(a, b), abs=1e-9)


def test_similarity_gives_the_same_verdict_as_rapidfuzz_at_the_threshold() -> None:
    pairs = _random_pairs(500)
    near = [p for p in pairs if 80 <= fuzz.ratio(*p) <= 98]
    assert len(near) > 50  # the threshold region is really exercised
    for a, b in pairs:
        ours, theirs = loop_detection.similarity(a, b), fuzz.ratio(a, b)
        assert ours == pytest.approx(theirs, abs=1e-9)
        assert (ours > 90) == (theirs > 90)


def test_stuck_needs_three_alike_messages_under_the_same_instruction() -> None:
    alike = [
        {"key": "k", "msg": "Still working on the auth bug, will try again."},
        {"key": "k", "msg": "Still working on the auth bug, will try again!"},
        {"key": "k", "msg": "Still working on the auth bug; will try again."},
    ]
    assert loop_detection.stuck(alike, 90)
    assert not loop_detection.stuck(alike[:2], 90)
    assert not loop_detection.stuck([*alike[:2], dict(alike[2], key="other")], 90)
    fixed = {"key": "k", "msg": "Fixed it by rotating the signing key."}
    assert not loop_detection.stuck([*alike[:2], fixed], 90)


def test_stuck_completion_loop_is_detected_recorded_and_escalated(kit: Kit, ck, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    kit.install()
    monkeypatch.chdir(kit.repo)
    monkeypatch.setenv("CLAUDE_CODE_SESSION_ID", SID)
    ck("loop", "start", "fix auth", "--max-iterations", "10", "--completion-promise", "DONE")

    blocked(kit.stop("I could not fix the auth test yet, trying again."))
    blocked(kit.stop("I could not fix the auth test yet; trying again.", active=True))
    h = kit.stop("I could not fix the auth test yet, trying again!", active=True)

    allowed(h)
    assert "claude-kit escalated to you (loop_detection)" in h.messages[0]
    assert "more than 90% alike, so the agent is stuck" in h.messages[0]
    loop = kit.state("loop")
    assert loop["active"] is False and loop["ended"] == "escalated"
    [esc] = kit.decisions(decision="escalate")
    assert esc["hook"] == "loop_detection" and esc["gate"] == "completion_loop"
    text = (kit.repo / esc["file"]).read_text()
    assert "## Completion loop" in text and "trying again!" in text


def test_varied_messages_keep_the_loop_going(kit: Kit) -> None:
    kit.install()
    kit.edit("cmd/main.go")
    blocked(kit.stop("Implemented the endpoint."))
    blocked(kit.stop("Spawned nothing yet, explaining why the change is safe.", active=True))
    blocked(kit.stop("Here is a summary table of every file touched.", active=True))


def test_loop_detection_can_be_switched_off(kit: Kit) -> None:
    kit.install(config=BACKEND + "hooks:\n  loop_detection: {enabled: false}\n")
    kit.edit("cmd/main.go")
    for n in range(4):
        blocked(kit.stop("done", active=n > 0))


def _line(kind: str, **fields: object) -> str:
    import json

    return json.dumps({"type": kind, **fields}, separators=(",", ":"))


def test_worked_since_block_reads_back_to_the_runtimes_record_of_the_last_block(tmp_path) -> None:  # type: ignore[no-untyped-def]
    t = tmp_path / "t.jsonl"
    tool = _line("assistant", message={"content": [{"type": "tool_use", "name": "Bash"}]})
    text = _line("assistant", message={"content": [{"type": "text", "text": "Done."}]})
    summary = _line("system", subtype="stop_hook_summary")

    t.write_text("\n".join([tool, summary, text]) + "\n")
    assert loop_detection.worked_since_block(str(t)) is False  # only words since the block
    t.write_text("\n".join([summary, text, tool, text]) + "\n")
    assert loop_detection.worked_since_block(str(t)) is True  # a tool call since it
    assert loop_detection.worked_since_block(str(t), ("Agent", "Task")) is False  # but not a spawn
    spawn = _line("assistant", message={"content": [{"type": "tool_use", "name": "Agent"}]})
    t.write_text("\n".join([summary, spawn, text]) + "\n")
    assert loop_detection.worked_since_block(str(t), ("Agent", "Task")) is True
    feedback = _line("user", isMeta=True, message={"content": "Stop hook feedback:\nx"})
    t.write_text("\n".join([tool, feedback, text]))
    assert loop_detection.worked_since_block(str(t)) is False  # the feedback the model was shown
    t.write_text(text + "\n")
    assert loop_detection.worked_since_block(str(t)) is True  # no block on record: as before
    assert loop_detection.worked_since_block(str(tmp_path / "missing.jsonl")) is True
