"""install / uninstall against real temporary git repos."""

from __future__ import annotations

import json
import os
import stat
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from tests.conftest import build_file_tree, git, tree_hashes

USER_SETTINGS = """{
    "model": "opus",
    "permissions": {"allow": ["Bash(git status)"]},
    "hooks": {
        "PreToolUse": [
            {"matcher": "Bash", "hooks": [{"type": "command", "command": "python3 my_guard.py"}]}
        ]
    },
    "env": {"FOO": "1"}
}
"""

CK = Callable[..., Result]


def test_install_creates_the_kit_and_detects_domains(ck: CK, sample_repo: Path) -> None:
    res = ck("install", str(sample_repo))
    assert res.exit_code == 0, res.output
    claude = sample_repo / ".claude"
    for sub in ("hooks", "skills", "skill-library", "agents"):
        assert any((claude / sub).iterdir()), sub
    assert (claude / "hooks/run").stat().st_mode & stat.S_IXUSR
    cfg = (claude / "claude-kit.yaml").read_text()
    assert '"cmd/**/*.go"' in cfg and '"internal/**/*.go"' in cfg
    assert '"ui/**/*.tsx"' in cfg and '"tools/**/*.py"' in cfg
    manifest = json.loads((claude / ".claude-kit/manifest.json").read_text())
    rec = manifest["files"][".claude/hooks/claude_kit_hooks/runtime/entry.py"]
    assert rec["component"] == "hooks" and len(rec["sha256"]) == 64
    assert manifest["kit_version"]
    assert "claude-kit:start" in (sample_repo / "CLAUDE.md").read_text()
    compiled = json.loads((claude / "hooks/claude-kit.json").read_text())
    assert {"backend", "frontend", "python"} <= set(compiled["domains"])


def test_settings_merge_keeps_user_keys_hooks_and_order(ck: CK, sample_repo: Path) -> None:
    build_file_tree(sample_repo, {".claude/settings.json": USER_SETTINGS})
    assert ck("install", str(sample_repo)).exit_code == 0
    data = json.loads((sample_repo / ".claude/settings.json").read_text())
    assert list(data) == ["model", "permissions", "hooks", "env"]
    pre = data["hooks"]["PreToolUse"]
    assert pre[0] == {"matcher": "Bash", "hooks": [{"type": "command", "command": "python3 my_guard.py"}]}
    kit = [h["command"] for g in pre[1:] for h in g["hooks"]]
    assert kit == ['sh "${CLAUDE_PROJECT_DIR}/.claude/hooks/run" pre_tool_use || exit 1']
    # No path of the installing machine in what a teammate clones.
    text = (sample_repo / ".claude/settings.json").read_text()
    assert str(sample_repo) not in text and os.environ["HOME"] not in text


def test_second_install_changes_no_byte(ck: CK, sample_repo: Path) -> None:
    build_file_tree(sample_repo, {".claude/settings.json": USER_SETTINGS, "CLAUDE.md": "# Rules\n"})
    assert ck("install", str(sample_repo)).exit_code == 0
    before = tree_hashes(sample_repo)
    mtimes = {p: (sample_repo / p).stat().st_mtime_ns for p in before}
    res = ck("install", str(sample_repo))
    assert res.exit_code == 0
    assert "create" not in res.output and "update" not in res.output
    assert tree_hashes(sample_repo) == before
    assert {p: (sample_repo / p).stat().st_mtime_ns for p in before} == mtimes


@pytest.mark.parametrize(
    "claude_md",
    [None, "", "# Rules\n", "# Rules\n\n", "# Rules without newline", "# Rules\r\nwindows\r\n"],
)
def test_install_then_uninstall_restores_every_byte(ck: CK, sample_repo: Path, claude_md: str | None) -> None:
    files: dict[str, str | bytes] = {".claude/settings.json": '{"model":"opus","hooks":{}}'}
    if claude_md is not None:
        files["CLAUDE.md"] = claude_md.encode()
    build_file_tree(sample_repo, files)
    before = tree_hashes(sample_repo)
    assert ck("install", str(sample_repo)).exit_code == 0
    assert tree_hashes(sample_repo) != before
    res = ck("uninstall", str(sample_repo))
    assert res.exit_code == 0, res.output
    assert tree_hashes(sample_repo) == before


def test_uninstall_removes_dirs_it_created(ck: CK, sample_repo: Path) -> None:
    assert ck("install", str(sample_repo)).exit_code == 0
    assert ck("uninstall", str(sample_repo)).exit_code == 0
    assert not (sample_repo / ".claude").exists()
    assert not (sample_repo / "CLAUDE.md").exists()


def test_uninstall_twice_and_without_kit_is_a_noop(ck: CK, sample_repo: Path) -> None:
    before = tree_hashes(sample_repo)
    res = ck("uninstall", str(sample_repo))
    assert res.exit_code == 0 and "not installed" in res.output
    assert ck("install", str(sample_repo)).exit_code == 0
    assert ck("uninstall", str(sample_repo)).exit_code == 0
    res = ck("uninstall", str(sample_repo))
    assert res.exit_code == 0 and "nothing to do" in res.output
    assert tree_hashes(sample_repo) == before


def test_uninstall_keeps_user_changes_made_after_install(ck: CK, sample_repo: Path) -> None:
    build_file_tree(sample_repo, {".claude/settings.json": USER_SETTINGS, "CLAUDE.md": "# Rules\n"})
    assert ck("install", str(sample_repo)).exit_code == 0
    settings_path = sample_repo / ".claude/settings.json"
    data = json.loads(settings_path.read_text())
    data["env"]["BAR"] = "2"
    settings_path.write_text(json.dumps(data, indent=4))
    claude_md = sample_repo / "CLAUDE.md"
    claude_md.write_text(claude_md.read_text() + "\nMy later note.\n")
    agent = sample_repo / ".claude/agents/backend-developer.md"
    agent.write_text(agent.read_text() + "\nTeam rule: run make lint.\n")
    assert ck("uninstall", str(sample_repo)).exit_code == 0
    after = json.loads(settings_path.read_text())
    assert after["env"] == {"FOO": "1", "BAR": "2"}
    assert json.dumps(after).count(".claude/hooks/run") == 0
    assert after["hooks"]["PreToolUse"] == json.loads(USER_SETTINGS)["hooks"]["PreToolUse"]
    text = claude_md.read_text()
    assert "claude-kit" not in text and "My later note." in text and text.startswith("# Rules\n")
    assert agent.is_file() and "Team rule" in agent.read_text()  # an edit is never deleted


def test_dry_run_prints_status_words_and_writes_nothing(ck: CK, sample_repo: Path) -> None:
    before = tree_hashes(sample_repo)
    res = ck("install", str(sample_repo), "--dry-run")
    assert res.exit_code == 0
    assert "create    .claude/hooks/claude_kit_hooks/runtime/entry.py" in res.output
    assert "dry run: nothing was written" in res.output
    assert tree_hashes(sample_repo) == before
    assert ck("install", str(sample_repo)).exit_code == 0
    res = ck("install", str(sample_repo), "--dry-run")
    assert "identical .claude/hooks/claude_kit_hooks/runtime/entry.py" in res.output
    installed = tree_hashes(sample_repo)
    res = ck("uninstall", str(sample_repo), "--dry-run")
    assert "remove    .claude/hooks/claude_kit_hooks/runtime/entry.py" in res.output
    assert tree_hashes(sample_repo) == installed


def test_foreign_file_at_kit_path_is_refused_then_moved_aside_and_restored(ck: CK, sample_repo: Path) -> None:
    build_file_tree(sample_repo, {".claude/agents/backend-developer.md": "---\nname: mine\n---\nmine\n"})
    before = tree_hashes(sample_repo)
    res = ck("install", str(sample_repo))
    assert res.exit_code != 0
    assert "backend-developer.md: exists and was not installed by claude-kit" in res.output
    assert "--force" in res.output
    assert tree_hashes(sample_repo) == before
    assert ck("install", str(sample_repo), "--force").exit_code == 0
    aside = sample_repo / ".claude/agents/backend-developer.md.pre-claude-kit"
    assert aside.read_text() == "---\nname: mine\n---\nmine\n"
    assert ck("uninstall", str(sample_repo)).exit_code == 0
    assert tree_hashes(sample_repo) == before


def test_files_uninstall_kept_are_yours_at_the_next_install(ck: CK, sample_repo: Path) -> None:
    assert ck("install", str(sample_repo)).exit_code == 0
    agent = sample_repo / ".claude/agents/backend-developer.md"
    agent.write_text(agent.read_text() + "\nTeam rule: run make lint.\n")
    res = ck("uninstall", str(sample_repo))
    assert res.exit_code == 0 and "you edited it; kept" in res.output
    agent.write_text(agent.read_text() + "Edited again while the kit was away.\n")
    mine = agent.read_bytes()
    res = ck("install", str(sample_repo))
    assert res.exit_code == 0, res.output
    assert ".claude/agents/backend-developer.md  (yours, kept at uninstall; still yours)" in res.output
    assert agent.read_bytes() == mine
    # Recorded as the user's edit of the kit's file: status shows it, the next uninstall keeps it.
    assert "modified  .claude/agents/backend-developer.md" in ck("status", str(sample_repo)).output
    assert ck("install", str(sample_repo)).exit_code == 0
    assert ck("uninstall", str(sample_repo)).exit_code == 0
    assert agent.read_bytes() == mine
    # A file the kit never installed at a kit path is still refused.
    other = sample_repo / ".claude/agents/backend-reviewer.md"
    other.write_text("---\nname: mine\n---\nmine\n")
    res = ck("install", str(sample_repo))
    assert res.exit_code != 0 and "backend-reviewer.md: exists and was not installed" in res.output


def test_runtime_state_is_not_committed_and_uninstall_keeps_the_feature_manifests(
    ck: CK, sample_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(sample_repo)
    assert ck("install").exit_code == 0
    assert ck("feature", "start", "order cancellation", "--type", "small").exit_code == 0
    lock = ck("lock", "acquire", "main.go", "--agent", "backend-developer")
    assert lock.exit_code == 0, lock.output
    git(sample_repo, "add", ".claude", "CLAUDE.md")  # as the README says
    staged = git(sample_repo, "diff", "--cached", "--name-only").splitlines()
    output = [p for p in staged if p.startswith(".claude/.output/")]
    # Feature state and locks are the repository's, shared by its worktrees in .git/claude-kit/.
    assert not [p for p in output if "/locks/" in p or p.endswith(("MANIFEST.yaml", "active.json", ".lock"))]
    assert not [p for p in staged if "/.claude-kit/local/" in p and not p.endswith(".gitignore")]
    res = ck("uninstall", str(sample_repo))
    assert res.exit_code == 0, res.output
    assert "kept the feature manifests in .git/claude-kit/features/" in res.output, res.output
    assert list((sample_repo / ".git/claude-kit/features").glob("*/MANIFEST.yaml"))
    assert not (sample_repo / ".git/claude-kit/locks").exists()
