"""briefings/rules: the rules as the briefings state them, and the clipping of a line."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from claude_kit_hooks.briefings.rules import clip, domains_line, max_depth
from claude_kit_hooks.runtime.config import complete
from claude_kit_hooks.runtime.project import Project


def test_clip_keeps_one_line_within_the_limit() -> None:
    assert clip("a\n  b\tc") == "a b c"
    assert clip("x" * 200) == "x" * 157 + "..."
    assert clip("x" * 10, 10) == "x" * 10


@pytest.mark.parametrize(("value", "depth"), [(3, 3), (1, 1), ("3", 1), (True, 1), (None, 1), (2.5, 1)])
def test_max_depth_falls_back_to_one_for_odd_values(value: Any, depth: int) -> None:
    assert max_depth(complete({"spawn": {"max_depth": value}})) == depth


def test_domains_line_names_the_developer_agents_that_exist(tmp_path: Path) -> None:
    agents = tmp_path / ".claude/agents"
    agents.mkdir(parents=True)
    (agents / "backend-developer.md").write_text("---\nname: backend-developer\n---\n")
    (agents / "web-dev.md").write_text("---\nname: web-dev\n---\n")
    cfg = complete({"domains": {"backend": {}, "ui": {"agents": {"developer": "web-dev"}}, "python": {}}})

    assert domains_line(cfg, Project(str(tmp_path))) == "backend -> backend-developer, ui -> web-dev, python"
    assert domains_line(complete({}), Project(str(tmp_path))) == "none configured"
