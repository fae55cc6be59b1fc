# claude-kit: managed, id=hooks/claude_kit_hooks/stoploop/tracking
"""PostToolUse Edit|Write|NotebookEdit: record each changed file under its domain (docs/loop.md,
"Tracking changes"). A change after a PASS reopens the domain, a verifier's change to production code
too (only a verifier's test files do not); Markdown outside the allowed places is
recorded as a report with the agent that wrote it.
"""

from __future__ import annotations

import time

from claude_kit_hooks.runtime.project import split_worktree
from claude_kit_hooks.stoploop import session_state
from claude_kit_hooks.stoploop.reports import allowed_markdown, is_markdown
from claude_kit_hooks.stoploop.roles import is_verifier

TYPE_CHECKING = False  # typing costs ~14 ms at a hook's start-up; mypy still reads the branch
if TYPE_CHECKING:
    from claude_kit_hooks.runtime.hook import Hook
    from claude_kit_hooks.stoploop.records import FeedbackState


def track_modification(h: Hook) -> None:
    """Record a changed file under its domain; a change after a PASS makes the domain dirty again."""
    if not h.enabled("track_modifications"):
        return
    rel = h.edit_relpath()
    if rel is None:
        return
    cfg = h.config
    exempt = h.project.exemption_of(cfg, rel)
    if exempt == "output_dir":
        return
    report = is_markdown(rel) and not allowed_markdown(cfg, split_worktree(rel)[1])
    domain = h.project.domain_of(cfg, rel) if exempt != "docs" else None
    if domain is not None and domain not in cfg["domains"]:
        domain = None
    if not report and domain is None:
        return
    by_verifier = h.is_subagent and is_verifier(cfg, h.agent_type)
    test_file = by_verifier and is_test_file(rel)  # a verifier's production change reopens like any other
    reset: list[str] = []

    def apply(d: FeedbackState) -> None:
        d["seq"] += 1
        if report:
            d["reports"].pop(rel, None)
            d["reports"][rel] = {
                "agent_id": h.agent_id or "",
                "agent_type": h.agent_type or "",
                "ts": time.time(),
            }
            session_state.bounded(d["reports"], session_state.REPORT_CAP)
        if domain is None:
            return
        e = session_state.domain_entry(d, domain)
        if rel in e["files"]:
            e["files"].remove(rel)
        e["files"].append(rel)
        del e["files"][: -session_state.FILE_CAP]
        e["changes"] += 1
        if by_verifier and test_file:
            e["verifier_changes"] += 1  # a tester's tests do not reopen the review they follow
            return
        if any((p or {}).get("verdict") == "PASS" for p in e["phases"].values()):
            reset.append(domain)
        e["phases"] = {}
        e["changed_seq"] = d["seq"]

    session_state.update_feedback(h.paths, h.session_id, apply)
    if reset:
        h.log(
            "track_modifications",
            "allow",
            f"{rel} changed after {domain} passed a phase: its review/testing must run again",
            file=rel,
        )


def is_test_file(rel: str) -> bool:
    """A test file by the kit's own patterns (contract.defaults.TEST_FILE_RULES), whatever the config
    exempts: what a tester may write without reopening the review it follows."""
    from claude_kit_hooks.contract.defaults import TEST_FILE_RULES

    for pattern, hints in TEST_FILE_RULES:
        if any(hint in rel for hint in hints):
            import re

            if re.search(pattern, rel):
                return True
    return False
