"""The lead's plan block: `claude-kit feature check-plan` and the rules behind it."""

from __future__ import annotations

import copy
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from claude_kit import lead_plan
from tests.conftest import build_file_tree

PLAN: dict[str, Any] = {
    "claude_kit": "plan",
    "domain": "backend",
    "interfaces": [
        {
            "name": "InvoiceRepo.ListAfter",
            "definition": "ListAfter(ctx, after Cursor, limit int) ([]Invoice, Cursor, error)",
            "from_task": 1,
            "used_by": [3],
        }
    ],
    "tasks": [
        {
            "id": 1,
            "agent": "backend-developer",
            "files": ["internal/invoice/repo.go", "internal/invoice/repo_test.go"],
            "goal": "ListAfter returns the next page by (created_at, id) keyset",
            "depends_on": [],
            "verify": "go test ./internal/invoice/...",
        },
        {
            "id": 2,
            "agent": "backend-developer",
            "files": ["migrations/0042_invoice_cursor_idx.sql"],
            "goal": "index (tenant_id, created_at, id) created concurrently",
            "depends_on": [],
            "verify": "make migrate-test",
        },
        {
            "id": 3,
            "agent": "backend-developer",
            "files": ["internal/invoice/handler.go", "internal/invoice/handler_test.go"],
            "goal": "GET /v1/invoices takes ?after= and returns next_cursor",
            "depends_on": [1, 2],
            "verify": "go test ./internal/invoice/... && go vet ./...",
        },
    ],
    "self_review": "criteria 1-3 each map to a task; tasks 1 and 2 share no file; 3 waits for both",
}


def message(plan: object) -> str:
    return f"# backend-lead: plan\n...\n```json\n{json.dumps(plan)}\n```\n"


def changed(**edits: Any) -> dict[str, Any]:
    """PLAN with `task2__goal="..."`-style edits applied (task<N>__<field>, or a top-level field)."""
    plan = copy.deepcopy(PLAN)
    for key, value in edits.items():
        if key.startswith("task"):
            n, field = key[4:].split("__")
            plan["tasks"][int(n) - 1][field] = value
        else:
            plan[key] = value
    return plan


def test_a_good_plan_passes_and_gets_its_waves() -> None:
    result = lead_plan.check_text(message(PLAN), {"backend-developer", "backend-lead"})
    assert result.problems == []
    assert result.waves == [[1, 2], [3]]


@pytest.mark.parametrize(
    ("plan", "problem"),
    [
        (changed(task1__verify=""), "$.tasks[0].verify: '' is too short"),
        ({k: v for k, v in PLAN.items() if k != "self_review"}, "'self_review' is a required property"),
        (changed(interfaces=[{**PLAN["interfaces"][0], "used_by": [3, 9]}]), "used_by names task 9"),
        (changed(interfaces=[{**PLAN["interfaces"][0], "from_task": 4}]), "from_task 4 is no task"),
        (changed(task1__depends_on=[3]), "task 1: depends on task 3, which is a later task"),
        (changed(task3__depends_on=[1, 2, 7]), "task 3: depends on task 7, which is no task"),
        (
            changed(task2__files=["internal/invoice/repo.go"]),
            "tasks 1 and 2 both change internal/invoice/repo.go",
        ),
        (
            changed(task2__goal="add the index, TODO pick the columns"),
            "task 2: `goal` leaves a step open ('TODO')",
        ),
        (changed(task2__goal="same as task 1 for the other table"), "task 2: `goal` leaves a step open"),
        (changed(task2__files=["migrations/<next>.sql"]), "task 2: `migrations/<next>.sql` is a placeholder"),
        (changed(task2__agent="db-developer"), "task 2: agent `db-developer` does not exist"),
        (changed(task2__id=1), "task 1: the id is used twice"),
    ],
)
def test_each_rule_names_what_is_wrong(plan: dict[str, Any], problem: str) -> None:
    result = lead_plan.check_text(message(plan), {"backend-developer"})
    assert any(problem in p for p in result.problems), result.problems
    assert result.waves == []


def test_go_package_patterns_are_not_placeholders() -> None:
    assert lead_plan.check_text(message(changed(task1__verify="go test -race ./...")), None).problems == []


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("the plan is in my head", "no fenced json block"),
        ('```json\n{"claude_kit": "plan", "tasks": [,]}\n```', "not valid JSON"),
    ],
)
def test_a_missing_or_broken_block_is_a_problem(text: str, problem: str) -> None:
    [found] = lead_plan.check_text(text).problems
    assert problem in found


def test_the_last_block_is_the_plan() -> None:
    draft = changed(task1__verify="")
    assert lead_plan.check_text(message(draft) + message(PLAN)).problems == []


def test_check_plan_command(
    tmp_repo: Path, ck: Callable[..., Result], monkeypatch: pytest.MonkeyPatch
) -> None:
    build_file_tree(
        tmp_repo,
        {
            ".claude/agents/backend-developer.md": "---\nname: backend-developer\n---\n",
            "good.md": message(PLAN),
            "bad.md": message(changed(task2__agent="frontend-developer")),
        },
    )
    monkeypatch.chdir(tmp_repo)
    good = ck("feature", "check-plan", "good.md")
    assert good.exit_code == 0 and "3 task(s), 1 interface(s); waves (run together): 1, 2 | 3" in good.output
    bad = ck("feature", "check-plan", "bad.md", "--format", "json")
    assert bad.exit_code == 1
    assert json.loads(bad.output)["problems"] == [
        "task 2: agent `frontend-developer` does not exist (agents: backend-developer)"
    ]
    from claude_kit.cli import cli

    piped = CliRunner().invoke(cli, ["feature", "check-plan", "-"], input=message(PLAN))
    assert piped.exit_code == 0, piped.output
    missing = ck("feature", "check-plan", "nope.md")
    assert missing.exit_code == 2 and "nope.md" in missing.output
