"""The only writer: all or nothing, symlinks inside the repository written through, none outside."""

from __future__ import annotations

from pathlib import Path

import pytest

from claude_kit import apply, fsutil
from claude_kit.errors import KitError
from claude_kit.plan import Action, Desired, Plan, plan_install
from tests.conftest import tree_hashes


def _plan(root: Path) -> Plan:
    desired = [Desired(f".claude/agents/a{i}.md", f"agent {i}\n".encode(), "agents") for i in range(5)]
    return plan_install(root, desired, [], "kit block", None, "1.0")


def test_a_failure_midway_rolls_every_write_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "CLAUDE.md").write_text("# Rules\n")
    before = tree_hashes(tmp_path)
    real_write = fsutil.atomic_write
    calls = {"n": 0}

    def flaky(path: Path, data: bytes, *, mode: int | None = None) -> None:
        calls["n"] += 1
        if calls["n"] == 4:
            raise OSError(28, "No space left on device", str(path))
        real_write(path, data, mode=mode)

    monkeypatch.setattr(apply, "atomic_write", flaky)
    with pytest.raises(KitError, match="No space left on device; the changes made so far were rolled back"):
        apply.apply_plan(tmp_path, _plan(tmp_path))
    assert tree_hashes(tmp_path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["CLAUDE.md"]  # no folder left behind either
    assert (tmp_path / "CLAUDE.md").read_text() == "# Rules\n"


def test_symlinked_claude_md_inside_the_repo_is_written_through(tmp_path: Path) -> None:
    (tmp_path / "AGENTS.md").write_text("# Agents\n")
    (tmp_path / "CLAUDE.md").symlink_to("AGENTS.md")
    p = _plan(tmp_path)
    apply.apply_plan(tmp_path, p)
    assert (tmp_path / "CLAUDE.md").is_symlink()
    assert "claude-kit:start" in (tmp_path / "AGENTS.md").read_text()


def test_symlink_pointing_outside_the_repo_is_refused(tmp_path: Path) -> None:
    root, outside = tmp_path / "repo", tmp_path / "elsewhere.md"
    root.mkdir()
    outside.write_text("# not the repo's\n")
    (root / "CLAUDE.md").symlink_to(outside)
    before = tree_hashes(root)
    with pytest.raises(KitError, match="is a symlink to .*elsewhere.md, outside the repository"):
        apply.apply_plan(root, _plan(root))
    assert tree_hashes(root) == before and outside.read_text() == "# not the repo's\n"


def test_plan_errors_refuse_before_any_write(tmp_path: Path) -> None:
    p = Plan(actions=[Action("create", "x", "c", write=b"x")], errors=["x: no"])
    with pytest.raises(KitError, match="refusing to change anything:\n  x: no"):
        apply.apply_plan(tmp_path, p)
    assert list(tmp_path.iterdir()) == []
