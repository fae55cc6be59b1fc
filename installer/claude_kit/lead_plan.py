"""The lead's plan block: find it in a lead's message, check it against schemas/plan.schema.json and
the rules a schema cannot state (task order, shared interfaces and files, placeholders, agents that
exist), and group the tasks into waves that may run in parallel.

`claude-kit feature check-plan` runs it; the writing-plans skill tells leads what the block holds.
"""

from __future__ import annotations

import json
import re
from functools import cache
from pathlib import Path
from typing import Any, NamedTuple

from claude_kit.errors import KitError

# A fenced block that carries a claude_kit object; the last one is the plan (as for verdicts).
_FENCE_RE = re.compile(r"```[ \t]*[A-Za-z0-9_-]*[ \t]*\r?\n(.*?)```", re.S)
# Words that leave a step to be decided later. `...` counts only on its own: `./...` is a Go pattern.
_PLACEHOLDER_RE = re.compile(
    r"\b(?:TODO|TBD|FIXME|XXX)\b|…|(?<![\w/.])\.\.\.(?![\w/])|\betc\b\.?|\bas (?:needed|appropriate)\b"
    r"|\bif needed\b|\b(?:similar|same) (?:to|as) (?:task|above)\b|\band so on\b|\bfill in\b",
    re.I,
)
_PATH_PLACEHOLDER_RE = re.compile(r"<[^>]*>|\{[^}]*\}")


class PlanCheck(NamedTuple):
    """The parsed block and what is wrong with it; `waves` lists task ids that may run together."""

    plan: dict[str, Any] | None
    problems: list[str]
    waves: list[list[int]]


@cache
def schema() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((Path(__file__).parent / "schemas" / "plan.schema.json").read_text())
    return data


def find_block(text: str) -> dict[str, Any] | str:
    """The last claude_kit block of a message, or why there is none."""
    bodies = [body for body in _FENCE_RE.findall(text) if '"claude_kit"' in body]
    if not bodies:
        return 'no fenced json block with "claude_kit": "plan" in the message'
    try:
        data = json.loads(bodies[-1])
    except json.JSONDecodeError as exc:
        return f"the plan block is not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})"
    if not isinstance(data, dict):
        return "the plan block is not a JSON object"
    return data


def check_text(text: str, agents: set[str] | None = None) -> PlanCheck:
    """Check the plan block at the end of a lead's message; `agents` are the agents that exist
    (None: not checked)."""
    found = find_block(text)
    if isinstance(found, str):
        return PlanCheck(None, [found], [])
    return check_plan(found, agents)


def check_plan(plan: dict[str, Any], agents: set[str] | None = None) -> PlanCheck:
    from jsonschema import Draft202012Validator

    problems = [
        f"{err.json_path}: {err.message}"
        for err in sorted(
            Draft202012Validator(schema()).iter_errors(plan), key=lambda e: list(map(str, e.path))
        )
    ]
    if problems:  # the rules below read the fields the schema guarantees
        return PlanCheck(plan, problems, [])
    tasks: list[dict[str, Any]] = plan["tasks"]
    ids = [t["id"] for t in tasks]
    problems += [f"task {i}: the id is used twice" for i in sorted({i for i in ids if ids.count(i) > 1})]
    before = _dependencies(tasks, problems)
    problems += _interface_problems(plan["interfaces"], set(ids))
    problems += _shared_file_problems(tasks, before)
    problems += _placeholder_problems(plan)
    if agents is not None:
        problems += [
            f"task {t['id']}: agent `{t['agent']}` does not exist (agents: {', '.join(sorted(agents))})"
            for t in tasks
            if t["agent"] not in agents
        ]
    return PlanCheck(plan, problems, [] if problems else _waves(tasks))


def _dependencies(tasks: list[dict[str, Any]], problems: list[str]) -> dict[int, set[int]]:
    """Every task's transitive dependencies. A task may depend only on tasks listed before it, so the
    order of the list is an order to run them in and there is no cycle."""
    before: dict[int, set[int]] = {}
    for t in tasks:
        deps: set[int] = set()
        for d in t["depends_on"]:
            if d not in before:
                where = "a later task" if any(u["id"] == d for u in tasks) else "no task"
                problems.append(
                    f"task {t['id']}: depends on task {d}, which is {where}: "
                    "list a task after the tasks it needs"
                )
                continue
            deps |= {d, *before[d]}
        before[t["id"]] = deps
    return before


def _interface_problems(interfaces: list[dict[str, Any]], ids: set[int]) -> list[str]:
    """An interface names the task that defines it and the tasks that build on it. A user need not
    depend on the definer: with the definition written out it can be built in parallel against it."""
    problems = []
    for itf in interfaces:
        name, owner = itf["name"], itf["from_task"]
        if owner not in ids:
            problems.append(f"interface `{name}`: from_task {owner} is no task")
        for user in itf["used_by"]:
            if user not in ids:
                problems.append(f"interface `{name}`: used_by names task {user}, which is no task")
            elif user == owner:
                problems.append(f"interface `{name}`: task {user} defines it, so it is not a user of it")
    return problems


def _shared_file_problems(tasks: list[dict[str, Any]], before: dict[int, set[int]]) -> list[str]:
    problems = []
    for i, a in enumerate(tasks):
        for b in tasks[i + 1 :]:
            shared = sorted(set(a["files"]) & set(b["files"]))
            if shared and a["id"] not in before.get(b["id"], set()):
                problems.append(
                    f"tasks {a['id']} and {b['id']} both change {', '.join(shared)} and neither depends on "
                    "the other, so they could run at once on the same file: make one depend on the other"
                )
    return problems


def _placeholder_problems(plan: dict[str, Any]) -> list[str]:
    problems = []
    for t in plan["tasks"]:
        for field in ("goal", "verify"):
            m = _PLACEHOLDER_RE.search(t[field])
            if m:
                problems.append(
                    f"task {t['id']}: `{field}` leaves a step open ({m.group(0)!r}): say exactly what"
                )
        for path in t["files"]:
            if _PATH_PLACEHOLDER_RE.search(path) or _PLACEHOLDER_RE.search(path):
                problems.append(f"task {t['id']}: `{path}` is a placeholder, not a file")
    for itf in plan["interfaces"]:
        m = _PLACEHOLDER_RE.search(itf["definition"])
        if m:
            problems.append(f"interface `{itf['name']}`: the definition is not finished ({m.group(0)!r})")
    m = _PLACEHOLDER_RE.search(plan["self_review"])
    if m:
        problems.append(f"self_review leaves something open ({m.group(0)!r})")
    return problems


def _waves(tasks: list[dict[str, Any]]) -> list[list[int]]:
    """Tasks grouped so that each runs after the waves holding its dependencies."""
    level: dict[int, int] = {}
    for t in tasks:
        level[t["id"]] = 1 + max((level[d] for d in t["depends_on"]), default=-1)
    waves: list[list[int]] = [[] for _ in range(max(level.values(), default=-1) + 1)]
    for t in tasks:
        waves[level[t["id"]]].append(t["id"])
    return waves


def report(cwd: Path, text: str, where: str, *, fmt: str = "text") -> int:
    """`claude-kit feature check-plan`: check a lead's message against the repository's agents."""
    import click

    from claude_kit.output import emit

    result = check_text(text, installed_agents(cwd))
    data = {"file": where, "ok": not result.problems, "problems": result.problems, "waves": result.waves}

    def text_out() -> None:
        for problem in result.problems:
            click.echo(f"{where}: {problem}")
        if result.problems:
            click.echo(click.style(f"plan: {len(result.problems)} problem(s)", fg="red"))
            return
        plan = result.plan or {}
        waves = " | ".join(", ".join(str(i) for i in wave) for wave in result.waves) or "none"
        click.echo(
            f"plan ok: {plan.get('domain')}, {len(plan.get('tasks', []))} task(s), "
            f"{len(plan.get('interfaces', []))} interface(s); waves (run together): {waves}"
        )

    emit(data, fmt, text_out)
    return 1 if result.problems else 0


def installed_agents(cwd: Path) -> set[str] | None:
    """The agents of the repository around `cwd` (None outside a repository with agents)."""
    from claude_kit import repo
    from claude_kit_hooks.contract.layout import AGENTS_DIR

    try:
        root = repo.find_root(cwd)
    except KitError:
        return None
    agents = {p.stem for p in (root / AGENTS_DIR).glob("*.md")}
    return agents or None
