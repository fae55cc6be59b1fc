"""The checks of one Stop share the Stop hook's own timeout: read from settings.json, cut to fit."""

from __future__ import annotations

import json
import re
import time
from pathlib import Path

from claude_kit_hooks.stoploop import check_budget, events
from tests.hooks.stoploop.conftest import BACKEND, Kit, blocked

timeout_in = check_budget.settings_stop_timeout
KIT_STOP = 'sh "${CLAUDE_PROJECT_DIR}/.claude/hooks/run" stop || exit 1'


def settings(path: Path, handlers: list[dict[str, object]], *, event: str = "Stop") -> str:
    path.write_text(json.dumps({"hooks": {event: [{"hooks": handlers}]}}))
    return str(path)


def test_the_kit_handlers_timeout_is_read_as_the_user_left_it(tmp_path: Path) -> None:
    f = tmp_path / "settings.json"
    other = {"type": "command", "command": "./my-stop.sh", "timeout": 5}
    assert timeout_in(settings(f, [other, {"command": KIT_STOP, "timeout": 42}])) == 42
    assert timeout_in(settings(f, [{"command": KIT_STOP}])) == 600  # runtime default
    assert timeout_in(settings(f, [{"command": KIT_STOP, "timeout": "x"}])) is None
    assert timeout_in(settings(f, [other])) is None
    assert timeout_in(settings(f, [{"command": KIT_STOP}], event="PreCompact")) is None
    f.write_text("{not json")
    assert timeout_in(str(f)) is None
    assert timeout_in(str(tmp_path / "missing.json")) is None


def test_without_a_readable_handler_the_rendered_timeout_counts(kit: Kit) -> None:
    config = BACKEND + "    checks:\n      - {name: a, run: 'true', timeout: 100}\n"
    kit.install(config=config)
    (kit.repo / ".claude/settings.json").unlink()
    budget = check_budget.for_hook(kit.hook("Stop"))
    assert (budget.hook_timeout, budget.total, budget.source) == (130, 100, "the kit's default")
    assert budget.limit(300) <= 100 and budget.limit(5) == 5


def _set_stop_timeout(repo: Path, seconds: int) -> None:
    path = repo / ".claude/settings.json"
    data = json.loads(path.read_text())
    data["hooks"]["Stop"][0]["hooks"][0]["timeout"] = seconds
    path.write_text(json.dumps(data))


def _gate_config(*checks: str) -> str:
    body = "".join(f"      - {c}\n" for c in checks)
    return BACKEND + "    checks:\n" + body + "hooks:\n  feedback_loop: {enabled: false}\n"


def test_a_check_longer_than_the_hook_is_cut_and_blocks_naming_both_timeouts(kit: Kit) -> None:
    kit.install(config=_gate_config("{name: slow, run: 'sleep 30', timeout: 300}"))
    _set_stop_timeout(kit.repo, 5)  # 2 s for checks
    kit.edit("cmd/main.go")
    started = time.monotonic()

    h = kit.stop()

    reason = blocked(h)
    assert time.monotonic() - started < 10
    assert re.search(r'check "slow" for backend timed out after [12] s and was killed', reason)
    assert "its own timeout is 300 s, but the Stop hook has 5 s in all (.claude/settings.json)" in reason
    assert "Find what it waits for or loops on and fix it" in reason
    assert any("Raise the timeout of the kit's Stop handler" in m for m in h.messages)


def test_a_check_the_budget_cannot_reach_blocks_instead_of_passing(kit: Kit) -> None:
    kit.install(config=_gate_config("{name: first, run: 'touch ran'}"))
    _set_stop_timeout(kit.repo, 60)
    kit.edit("cmd/main.go")
    h = kit.hook("Stop", stop_hook_active=False, last_assistant_message="done")
    h.started -= 44.5  # of the 45 s for checks, less than a second is left

    events.stop_gate(h)

    reason = blocked(h)
    assert 'check "first" for backend did not run: this stop already used the 45 s' in reason
    assert "(60 s in all, .claude/settings.json)" in reason
    assert "stop again to run the rest" in reason
    assert not (kit.repo / "ran").exists()
