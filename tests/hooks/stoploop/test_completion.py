"""`claude-kit loop start|status|cancel` and the completion loop at Stop (Ralph-style, per session)."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest
from click.testing import Result

from claude_kit_hooks.stoploop import completion
from tests.hooks.stoploop.conftest import SID, Kit, allowed, blocked, verdict_text

CK = Callable[..., Result]


@pytest.fixture
def cli(kit: Kit, ck: CK, monkeypatch: pytest.MonkeyPatch) -> CK:
    kit.install()
    monkeypatch.chdir(kit.repo)
    monkeypatch.setenv("CLAUDE_CODE_SESSION_ID", SID)
    return ck


def start(cli: CK, *extra: str, prompt: str = "make the tests pass") -> Result:
    return cli("loop", "start", prompt, "--max-iterations", "3", "--completion-promise", "ALL GREEN", *extra)


def test_start_arms_the_loop_for_the_session_from_the_environment(kit: Kit, cli: CK) -> None:
    result = start(cli)

    assert result.exit_code == 0, result.output
    assert (
        f"claude-kit loop armed for session {SID} (from $CLAUDE_CODE_SESSION_ID): up to 3 iterations"
        in result.output
    )
    loop = kit.state("loop")
    assert loop == {
        **loop,
        "active": True,
        "iteration": 1,
        "max_iterations": 3,
        "completion_promise": "ALL GREEN",
        "prompt": "make the tests pass",
        "session_id": SID,
    }
    pad = kit.repo / f".claude/.output/loops/{SID}/scratchpad.md"
    assert "<promise>ALL GREEN</promise>" in pad.read_text() and "make the tests pass" in pad.read_text()


def test_status_and_cancel(kit: Kit, cli: CK) -> None:
    start(cli)
    status = cli("loop", "status")
    assert f"session {SID}: active, iteration 1/3" in status.output
    assert json.loads(cli("loop", "status", "--format", "json").output)[0]["active"] is True

    result = cli("loop", "cancel")
    assert result.exit_code == 0
    assert "cancelled the loop of session sess-1 at iteration 1/3" in result.output
    assert kit.state("loop")["ended"] == "cancelled"
    assert "nothing to cancel" in cli("loop", "cancel").output
    allowed(kit.stop("not done"))


def test_start_rejects_bad_input(kit: Kit, cli: CK) -> None:
    too_many = cli("loop", "start", "x", "--max-iterations", "21", "--completion-promise", "DONE")
    assert too_many.exit_code == 2 and "between 1 and 20 (limits.loop_max_iterations)" in too_many.output
    bad_promise = cli("loop", "start", "x", "--completion-promise", "<promise>DONE</promise>")
    assert bad_promise.exit_code == 2 and "without < or >" in bad_promise.output
    empty = cli("loop", "start", "  ", "--completion-promise", "DONE")
    assert empty.exit_code == 2 and "prompt is empty" in empty.output
    assert kit.state("loop") == {}


def test_without_the_environment_the_session_comes_from_the_flag_or_the_decision_log(
    kit: Kit, cli: CK, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("CLAUDE_CODE_SESSION_ID")
    none = start(cli)
    assert none.exit_code == 2 and "pass --session <id>" in none.output

    kit.edit("cmd/main.go")
    blocked(kit.stop())  # writes a decision-log record for SID
    logged = start(cli)
    assert "(from the most recent session in .git/claude-kit/log/decisions.jsonl)" in logged.output

    explicit = start(cli, "--session", "other")
    assert "session other (from --session)" in explicit.output
    assert kit.state("loop", sid="other")["active"] is True


def test_start_outside_an_installed_repo_fails_with_a_hint(
    tmp_repo, ck: CK, monkeypatch: pytest.MonkeyPatch
) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.chdir(tmp_repo)
    result = ck("loop", "start", "x", "--completion-promise", "DONE", "--session", "s")
    assert result.exit_code == 2 and "claude-kit is not installed here" in result.output


def test_each_stop_refeeds_the_prompt_until_the_promise(kit: Kit, cli: CK) -> None:
    start(cli)

    reason = blocked(kit.stop("worked on it"))
    assert reason.startswith("claude-kit completion loop: iteration 2/3.")
    assert "make the tests pass" in reason and "<promise>ALL GREEN</promise>" in reason
    assert "ask the user to end the loop (only they can)" in reason and "loop cancel" not in reason
    assert "completion_loop: {enabled: false}" in reason
    assert kit.state("loop")["iteration"] == 2

    allowed(kit.stop("Finished. <promise> ALL  GREEN </promise>", active=True))
    loop = kit.state("loop")
    assert loop["active"] is False and loop["ended"] == "promise"
    pad = (kit.repo / f".claude/.output/loops/{SID}/scratchpad.md").read_text()
    assert "### iteration 1/3" in pad and "> worked on it" in pad
    assert "### iteration 2/3" in pad and "promise found, loop ended" in pad


def test_the_loop_ends_at_its_limit_with_a_message(kit: Kit, cli: CK) -> None:
    start(cli)
    blocked(kit.stop("first pass over the handlers"))
    blocked(kit.stop("second pass, fixed pagination", active=True))

    h = kit.stop("third pass, still failing on auth", active=True)

    allowed(h)
    assert "completion loop ended after 3 iterations without <promise>ALL GREEN</promise>" in h.messages[0]
    assert kit.state("loop")["ended"] == "limit"


def test_a_wrong_promise_does_not_end_the_loop(kit: Kit, cli: CK) -> None:
    start(cli)
    assert completion.has_promise("ok <promise>ALL GREEN</promise>", "ALL GREEN")
    assert not completion.has_promise("<promise>ALL GREEN?</promise>", "ALL GREEN")
    assert not completion.has_promise("ALL GREEN", "ALL GREEN")
    blocked(kit.stop("<promise>NOT YET</promise>"))


def test_two_sessions_on_one_repo_do_not_interfere(kit: Kit, cli: CK) -> None:
    start(cli)
    kit.sid = "second-terminal"

    allowed(kit.stop("the other session is done"))
    kit.sid = SID
    blocked(kit.stop("this one continues"))


def test_after_the_promise_the_feedback_loop_still_gates(kit: Kit, cli: CK) -> None:
    start(cli)
    kit.edit("cmd/main.go")

    reason = blocked(kit.stop("<promise>ALL GREEN</promise>"))
    assert "backend-reviewer" in reason
    kit.verdict("backend-reviewer", verdict_text())
    kit.verdict("backend-tester", verdict_text("testing"))
    allowed(kit.stop("reviewed and tested", active=True))


def test_completion_loop_can_be_switched_off(kit: Kit, cli: CK) -> None:
    start(cli)
    kit.install(
        config=kit.repo.joinpath(".claude/claude-kit.yaml").read_text()
        + "hooks:\n  completion_loop: {enabled: false}\n"
    )
    allowed(kit.stop("not done"))
