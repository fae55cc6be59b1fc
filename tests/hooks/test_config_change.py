"""ConfigChange: a reload of the project's settings files during a session is blocked (the runtime
keeps the session's hooks and env), the user is told; user and policy settings are not the kit's."""

from __future__ import annotations

from pathlib import Path

from tests.hooks.hookrun import assert_clean, fixture, install, log_records, run_hook


def test_a_local_settings_reload_is_blocked_and_told(tmp_repo: Path) -> None:
    install(tmp_repo)
    result = run_hook(tmp_repo, "config_change", fixture("ConfigChange", tmp_repo))
    assert_clean(result)
    answer = result.json
    assert answer["decision"] == "block"
    assert answer["reason"].startswith("claude-kit: .claude/settings.local.json changed during this session")
    assert "not applied" in answer["systemMessage"]
    [rec] = log_records(tmp_repo, hook="kit_files", event="ConfigChange")
    assert (rec["decision"], rec["source"]) == ("block", "local_settings")


def test_user_settings_and_the_switch_are_left_alone(tmp_repo: Path) -> None:
    install(tmp_repo)
    payload = fixture("ConfigChange", tmp_repo)
    payload["source"] = "user_settings"
    assert run_hook(tmp_repo, "config_change", payload).stdout == ""
    off = run_hook(
        tmp_repo,
        "config_change",
        fixture("ConfigChange", tmp_repo),
        env={"CLAUDE_KIT_DISABLE_HOOKS": "kit_files"},
    )
    assert off.stdout == ""
