# claude-kit: managed, id=hooks/ck_tracking
"""PostToolUse Edit|Write|NotebookEdit: record each changed file under its domain (docs/loop.md,
"Tracking changes"). A change after a PASS reopens the domain; Markdown outside the allowed places is
recorded as a report with the agent that wrote it.
"""

from __future__ import annotations

import time

import ck_state
import ckrt
from ck_loop_config import is_verifier
from ck_reports import allowed_markdown, is_markdown


def track_modification(h) -> None:
    """Record a changed file under its domain; a change after a PASS makes the domain dirty again."""
    if not h.enabled("track_modifications"):
        return
    rel = h.edit_relpath()
    if rel is None:
        return
    cfg = h.config
    exempt = ckrt.exemption_of(cfg, rel)
    if exempt == "output_dir":
        return
    report = is_markdown(rel) and not allowed_markdown(cfg, rel)
    domain = ckrt.domain_of(cfg, rel) if exempt != "docs" else None
    if domain is not None and domain not in (cfg.get("domains") or {}):
        domain = None
    if not report and domain is None:
        return
    by_verifier = h.is_subagent and is_verifier(cfg, h.agent_type)
    reset = []

    def apply(d):
        d["seq"] += 1
        if report:
            d["reports"].pop(rel, None)
            d["reports"][rel] = {
                "agent_id": h.agent_id or "",
                "agent_type": h.agent_type or "",
                "ts": time.time(),
            }
            ck_state.bounded(d["reports"], ck_state.REPORT_CAP)
        if domain is None:
            return
        e = ck_state.domain_entry(d, domain)
        if rel in e["files"]:
            e["files"].remove(rel)
        e["files"].append(rel)
        del e["files"][: -ck_state.FILE_CAP]
        e["changes"] += 1
        if by_verifier:
            e["verifier_changes"] += 1  # a tester's tests do not reopen the review they follow
            return
        if any((p or {}).get("verdict") == "PASS" for p in e["phases"].values()):
            reset.append(domain)
        e["phases"] = {}
        e["changed_seq"] = d["seq"]

    ck_state.update_feedback(h.session_id, apply)
    if reset:
        h.log(
            "track_modifications",
            "allow",
            f"{rel} changed after {domain} passed a phase: its review/testing must run again",
            file=rel,
        )
