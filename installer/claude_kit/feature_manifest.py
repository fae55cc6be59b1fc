"""The feature manifest (`MANIFEST.yaml`): its phases, work types, schema and how it advances.

One manifest per feature under `<output_dir>/features/<YYYYMMDD-HHMMSS>-<slug>/`, validated against
schemas/manifest.schema.json. feature_store reads and writes the files; feature holds the commands.
"""

from __future__ import annotations

import json
import re
import time
from functools import cache
from pathlib import Path
from typing import Any

from claude_kit.errors import KitError

MANIFEST_NAME = "MANIFEST.yaml"
PHASES = (
    "setup",
    "triage",
    "codebase-discovery",
    "skill-discovery",
    "complexity",
    "brainstorming",
    "architecture-plan",
    "implementation",
    "design-verification",
    "domain-compliance",
    "code-quality",
    "test-planning",
    "testing",
    "coverage-verification",
    "test-quality",
    "completion",
)
WORK_TYPES = ("bugfix", "small", "medium", "large")
# Small work is not a project: a bugfix runs 6 phases (find, fix, review, test, done), a small change
# 7 (with the library skills routed). The type is given at start, so neither triages; the Stop loop
# still has every changed domain reviewed and tested whatever the phases say.
_LIGHT = (
    "triage",
    "complexity",
    "brainstorming",
    "architecture-plan",
    "design-verification",
    "domain-compliance",
    "test-planning",
    "coverage-verification",
    "test-quality",
)
SKIPS: dict[str, tuple[str, ...]] = {
    "bugfix": tuple(p for p in PHASES if p in (*_LIGHT, "skill-discovery")),  # the fix stays in its design
    "small": _LIGHT,
    "medium": (),
    "large": (),
}
PHASE_STATUSES = ("pending", "in_progress", "complete", "skipped", "failed")
FEATURE_STATUSES = ("in_progress", "complete", "blocked", "abandoned")
DONE = ("complete", "skipped")
# phase -> (who does it, what to do, the file it leaves in the feature dir); from the
# orchestrating-feature-development skill.
PLAYBOOK: dict[str, tuple[str, str, str]] = {
    "setup": ("you", "save the user's request verbatim and the testable acceptance criteria", "request.md"),
    "triage": ("you", "confirm the work type (it decides the skipped phases)", "MANIFEST.yaml"),
    "codebase-discovery": (
        "you or an Explore agent",
        "find the files to touch, patterns to copy, test locations",
        "discovery.md",
    ),
    "skill-discovery": (
        "you",
        "route each sub-problem with `claude-kit route` and list the library paths",
        "skills.md",
    ),
    "complexity": ("you", "list risks, the number of developers and compaction checkpoints", "complexity.md"),
    "brainstorming": (
        "you and the user",
        "compare 2-3 options and choose one with a reason",
        "brainstorming.md",
    ),
    "architecture-plan": (
        "<domain>-lead",
        "spawn the lead; save its plan block verbatim",
        "<domain>-lead-plan.md",
    ),
    "implementation": (
        "<domain>-developer",
        "spawn one developer per planned task (lock its files first)",
        "<domain>-developer-<n>.md",
    ),
    "design-verification": (
        "<domain>-reviewer",
        "spawn the reviewer: does the code match the plan?",
        "<domain>-reviewer-review-<n>.md",
    ),
    "domain-compliance": (
        "<domain>-reviewer",
        "the review checks the routed library skills are followed",
        "<domain>-reviewer-review-<n>.md",
    ),
    "code-quality": (
        "<domain>-reviewer",
        "the review verdict must be PASS",
        "<domain>-reviewer-review-<n>.md",
    ),
    "test-planning": (
        "test-lead",
        "spawn test-lead for a test plan per domain",
        "test-lead-<domain>-plan.md",
    ),
    "testing": (
        "<domain>-tester",
        "spawn the tester with the plan; verdict must be PASS",
        "<domain>-tester-<n>.md",
    ),
    "coverage-verification": (
        "you or the tester",
        "run coverage on the changed code; justify gaps",
        "coverage.md",
    ),
    "test-quality": (
        "test-lead",
        "spawn test-lead to judge whether the tests would catch a regression",
        "test-lead-<domain>-test-quality.md",
    ),
    "completion": ("you", "run the full checks, summarise, tell the user", "completion.md"),
}


def now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


@cache
def schema() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(
        (Path(__file__).parent / "schemas" / "manifest.schema.json").read_text()
    )
    return data


def validate(data: dict[str, Any], source: str) -> None:
    from jsonschema import Draft202012Validator

    errors = sorted(Draft202012Validator(schema()).iter_errors(data), key=lambda e: list(map(str, e.path)))
    if errors:
        lines = "\n  ".join(f"{e.json_path} -> {e.message}" for e in errors[:10])
        raise KitError(
            f"{source}: invalid feature manifest:\n  {lines}",
            hint="MANIFEST.yaml is written by `claude-kit feature ...`; restore it from git "
            "or fix the fields named above",
        )


def slugify(name: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")
    return slug[:48].rstrip("-")


def normalize_phase(phase: str) -> str:
    p = re.sub(r"[\s_]+", "-", phase.strip().lower())
    if p not in PHASES:
        raise KitError(f"unknown phase {phase!r}", hint=f"phases, in order: {', '.join(PHASES)}")
    return p


def current_phase(m: dict[str, Any]) -> str | None:
    """First phase in progress, else first failed, else first pending; None when all are done."""
    for wanted in ("in_progress", "failed", "pending"):
        for p in PHASES:
            if m["phases"][p]["status"] == wanted:
                return p
    return None


def new_manifest(feature_id: str, name: str, slug: str, work_type: str) -> dict[str, Any]:
    at = now()
    phases: dict[str, dict[str, Any]] = {
        p: {
            "status": "skipped" if p in SKIPS[work_type] else "pending",
            "agent": None,
            "started_at": None,
            "completed_at": None,
            "notes": [],
        }
        for p in PHASES
    }
    phases["setup"].update(status="in_progress", started_at=at)
    return {
        "format": 1,
        "feature_id": feature_id,
        "name": name,
        "slug": slug,
        "work_type": work_type,
        "status": "in_progress",
        "current_phase": "setup",
        "created_at": at,
        "updated_at": at,
        "skipped_phases": list(SKIPS[work_type]),
        "phases": phases,
        "agents_contributed": [],
        "artifacts": [],
        "verification": {},
        "history": [{"at": at, "event": f"started ({work_type})"}],
    }


def next_step(m: dict[str, Any], feature_dir: str) -> list[str]:
    phase = m["current_phase"]
    fid = m["feature_id"]
    if phase is None:
        return [
            "every phase is done: run the full checks, then "
            f"`claude-kit feature mark {fid} --status complete`"
        ]
    who, what, output = PLAYBOOK[phase]
    status = m["phases"][phase]["status"]
    lines = []
    if status == "pending":
        lines.append(f"claude-kit feature phase {fid} {phase} --status in_progress")
    elif status == "failed":
        lines.append(
            f"{phase} failed: fix the cause (see its notes and the latest report), then "
            f"`claude-kit feature phase {fid} {phase} --status in_progress`; after 3 failures ask the user"
        )
    lines.append(f"{phase} ({who}): {what} -> {feature_dir}/{output}")
    lines.append(f"claude-kit feature phase {fid} {phase} --status complete   (or failed)")
    return lines
