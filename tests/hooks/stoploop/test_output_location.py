"""Reports belong under the output folder: the Stop backstop asks once per set of files."""

from __future__ import annotations

from pathlib import Path

from tests.hooks.stoploop.conftest import Kit, allowed, blocked


def test_output_location_backstop_blocks_once_at_stop(kit: Kit) -> None:
    kit.install()
    kit.remove_agent("backend-reviewer")
    kit.remove_agent("backend-tester")
    kit.edit("cmd/main.go")
    kit.edit("REVIEW-notes.md", agent_type=None, tool="Write", text="# notes\n")

    reason = blocked(kit.stop())
    assert "REVIEW-notes.md" in reason
    assert "mv REVIEW-notes.md .claude/.output/adhoc/REVIEW-notes.md" in reason
    assert "rm REVIEW-notes.md" in reason

    h = kit.stop(active=True)
    allowed(h)
    assert "REVIEW-notes.md" in h.messages[0]
    Path(kit.repo / "REVIEW-notes.md").unlink()
    allowed(kit.stop())
