"""The runtime-enforced protection in settings.json: `permissions.deny` rules on the kit's paths (always,
unless `protection.permission_rules: false`) and the sandbox keys (`protection.sandbox: true`).

Same guarantees as the hook entries: merged, never clobbered (the user's rules stay, in their order),
kept current by sync and update, and uninstall gives back exactly what was there.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import Result

from claude_kit import settings_protection
from claude_kit.errors import KitError
from claude_kit.settings_protection import Protection, merge, unmerge, wanted
from claude_kit_hooks.contract.protected import permission_deny_rules
from tests.conftest import build_file_tree, tree_hashes

CK = Callable[..., Result]
SETTINGS = ".claude/settings.json"
CONFIG = ".claude/claude-kit.yaml"
RULES = list(permission_deny_rules())
USER_SETTINGS = (
    '{\n  "permissions": {\n    "allow": ["Bash(make test)"],\n'
    '    "deny": ["Read(./.env)", "Edit(/.claude/agents/**)", "Bash(rm -rf /)"]\n  },\n'
    '  "sandbox": {"enabled": false, "network": {"allowedDomains": ["example.com"]}}\n}\n'
)


def _settings(repo: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((repo / SETTINGS).read_text())
    return data


def _ok(ck: CK, *args: str) -> str:
    res = ck(*args)
    assert res.exit_code == 0, res.output
    return res.output


def _switch(repo: Path, **switches: bool) -> None:
    """Set `protection:` in the team config (appended: the generated config has no such key)."""
    lines = "".join(f"  {k}: {str(v).lower()}\n" for k, v in switches.items())
    with (repo / CONFIG).open("a", encoding="utf-8") as f:
        f.write(f"protection:\n{lines}")


def test_the_rules_cover_every_kit_path_the_edit_check_protects() -> None:
    assert RULES == [
        "Edit(/.claude/hooks/**)",
        "Edit(/.claude/settings.json)",
        "Edit(/.claude/settings.local.json)",
        "Edit(/.claude/claude-kit.yaml)",
        "Edit(/.claude/agents/**)",
        "Edit(/.claude/.claude-kit/manifest.json)",
        "Edit(/.claude/.claude-kit/base/**)",
        "Edit(/.claude/.claude-kit/local/python)",
    ]
    assert wanted(None) == Protection(deny=tuple(RULES))
    assert wanted({"protection": {"permission_rules": False, "sandbox": True}}) == Protection(
        sandbox=settings_protection.SANDBOX_KEYS
    )


def test_install_adds_the_rules_after_the_users_own_and_uninstall_gives_the_file_back(
    ck: CK, sample_repo: Path
) -> None:
    build_file_tree(sample_repo, {SETTINGS: USER_SETTINGS})
    before = tree_hashes(sample_repo)
    _ok(ck, "install", str(sample_repo))
    permissions = _settings(sample_repo)["permissions"]
    assert permissions["allow"] == ["Bash(make test)"]
    # The user's rules first and in their order; a rule they already had is not added twice.
    assert permissions["deny"] == [
        "Read(./.env)",
        "Edit(/.claude/agents/**)",
        "Bash(rm -rf /)",
        *[r for r in RULES if r != "Edit(/.claude/agents/**)"],
    ]
    assert _settings(sample_repo)["sandbox"] == {
        "enabled": False,
        "network": {"allowedDomains": ["example.com"]},
    }
    _ok(ck, "uninstall", str(sample_repo))
    assert tree_hashes(sample_repo) == before  # byte for byte, the user's own agents rule included


def test_without_settings_before_uninstall_removes_the_file(ck: CK, sample_repo: Path) -> None:
    before = tree_hashes(sample_repo)
    _ok(ck, "install", str(sample_repo))
    assert _settings(sample_repo)["permissions"] == {"deny": RULES}
    _ok(ck, "uninstall", str(sample_repo))
    assert tree_hashes(sample_repo) == before


def test_uninstall_keeps_a_rule_the_user_added_while_installed(ck: CK, sample_repo: Path) -> None:
    _ok(ck, "install", str(sample_repo))
    data = _settings(sample_repo)
    data["permissions"]["deny"].insert(0, "Read(./secrets/**)")
    (sample_repo / SETTINGS).write_text(json.dumps(data, indent=2) + "\n")
    _ok(ck, "uninstall", str(sample_repo))
    assert _settings(sample_repo) == {"permissions": {"deny": ["Read(./secrets/**)"]}}


@pytest.mark.parametrize("command", ["sync", "update"])
def test_sync_and_update_put_a_removed_rule_back_and_change_nothing_else(
    ck: CK, sample_repo: Path, command: str
) -> None:
    _ok(ck, "install", str(sample_repo))
    data = _settings(sample_repo)
    data["permissions"]["deny"] = [r for r in data["permissions"]["deny"] if "hooks" not in r]
    (sample_repo / SETTINGS).write_text(json.dumps(data, indent=2) + "\n")
    _ok(ck, command, str(sample_repo))
    assert sorted(_settings(sample_repo)["permissions"]["deny"]) == sorted(RULES)
    before = tree_hashes(sample_repo)
    _ok(ck, command, str(sample_repo))
    assert tree_hashes(sample_repo) == before


def test_the_switches_take_the_rules_out_and_put_the_sandbox_in_then_back(ck: CK, sample_repo: Path) -> None:
    build_file_tree(sample_repo, {SETTINGS: '{"permissions": {"deny": ["Read(./.env)"]}}\n'})
    before = tree_hashes(sample_repo)
    _ok(ck, "install", str(sample_repo))
    config = (sample_repo / CONFIG).read_text()
    _switch(sample_repo, permission_rules=False, sandbox=True)
    _ok(ck, "sync", str(sample_repo))
    assert _settings(sample_repo)["permissions"] == {"deny": ["Read(./.env)"]}
    assert _settings(sample_repo)["sandbox"] == {"enabled": True, "allowUnsandboxedCommands": False}
    (sample_repo / CONFIG).write_text(config)
    _ok(ck, "sync", str(sample_repo))
    assert "sandbox" not in _settings(sample_repo)
    assert _settings(sample_repo)["permissions"]["deny"] == ["Read(./.env)", *RULES]
    _switch(sample_repo, sandbox=True)
    _ok(ck, "sync", str(sample_repo))
    (sample_repo / CONFIG).write_text(config)  # else uninstall keeps the config the user edited
    _ok(ck, "uninstall", str(sample_repo))
    assert tree_hashes(sample_repo) == before


def test_a_sandbox_value_the_user_set_is_theirs_and_named(ck: CK, sample_repo: Path) -> None:
    build_file_tree(sample_repo, {SETTINGS: '{"sandbox": {"enabled": false}}\n'})
    before = tree_hashes(sample_repo)
    _ok(ck, "install", str(sample_repo))
    config = (sample_repo / CONFIG).read_text()
    _switch(sample_repo, sandbox=True)
    out = _ok(ck, "sync", str(sample_repo))
    assert "sandbox.enabled is false, yours; the kit's protection.sandbox wants true: yours is kept" in out
    assert _settings(sample_repo)["sandbox"] == {"enabled": False, "allowUnsandboxedCommands": False}
    (sample_repo / CONFIG).write_text(config)
    _ok(ck, "uninstall", str(sample_repo))
    assert tree_hashes(sample_repo) == before


@pytest.mark.parametrize(
    ("settings", "where"),
    [
        ({"permissions": ["Edit"]}, "permissions"),
        ({"permissions": {"deny": "Edit(*)"}}, "permissions.deny"),
        ({"sandbox": True}, "sandbox"),
    ],
)
def test_a_malformed_container_is_a_named_error(settings: dict[str, Any], where: str) -> None:
    want = Protection(deny=tuple(RULES), sandbox=dict(settings_protection.SANDBOX_KEYS))
    with pytest.raises(
        KitError, match=rf"{SETTINGS}: `{where}` is not an? (object|list); nothing was changed"
    ):
        merge(settings, want, [], {}, [])


def test_merge_then_unmerge_is_the_identity_and_merging_twice_adds_nothing() -> None:
    start: dict[str, Any] = {"permissions": {"deny": ["Bash(curl *)"]}, "env": {"A": "1"}}
    want = Protection(deny=tuple(RULES), sandbox=dict(settings_protection.SANDBOX_KEYS))
    once = merge(start, want, [], {}, [])
    assert once.created == ["sandbox"] and once.deny == RULES
    twice = merge(once.settings, want, once.deny, once.sandbox, once.created)
    assert twice.settings == once.settings and twice.deny == once.deny and twice.sandbox == once.sandbox
    assert unmerge(twice.settings, twice.deny, twice.sandbox, twice.created) == start


def test_doctor_names_a_missing_rule_and_a_sandbox_that_cannot_start(
    ck: CK, sample_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _ok(ck, "install", str(sample_repo))
    assert "ok   .claude/settings.json denies Claude Code's file tools the kit's files" in _ok(
        ck, "doctor", str(sample_repo)
    )
    data = _settings(sample_repo)
    data["permissions"]["deny"].remove("Edit(/.claude/hooks/**)")
    (sample_repo / SETTINGS).write_text(json.dumps(data, indent=2) + "\n")
    _switch(sample_repo, sandbox=True)
    monkeypatch.setattr("claude_kit.status.sys.platform", "linux")
    monkeypatch.setattr("claude_kit.status.shutil.which", lambda tool: None if tool == "bwrap" else "/x")
    out = ck("doctor", str(sample_repo)).output
    assert "FAIL .claude/settings.json denies Claude Code's file tools the kit's files (missing: " in out
    assert "Edit(/.claude/hooks/**)" in out
    assert "FAIL .claude/settings.json turns the sandbox on (protection.sandbox)" in out
    assert "FAIL the sandbox can start (bubblewrap and socat installed) (not found: bwrap)" in out
    _ok(ck, "sync", str(sample_repo))
    out = ck("doctor", str(sample_repo)).output
    assert (
        "ok   .claude/settings.json denies" in out
        and "ok   .claude/settings.json turns the sandbox on" in out
    )
