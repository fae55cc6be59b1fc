"""Governance scenarios as data: read and validate a scenario YAML file, and turn its steps into a Script.

A scenario scripts the model (the main thread's steps and each subagent's, keyed by a marker) and
states what the kit must have done (schemas/scenario.schema.json). `$REPO` in any string of a step
stands for the repository copy the scenario runs in.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from claude_kit.config import load_yaml, schema_problems, yaml_line_of
from claude_kit.errors import KitError, read_text
from claude_kit.fakeapi import Block, Script, Text, Turn, Usage, agent_call, tool_use

REPO_PLACEHOLDER = "$REPO"
SCENARIOS_DIR = ".claude/scenarios"  # where `scenario init` writes and `scenario run` looks
_FIX = "fix the lines above, then rerun `claude-kit scenario run`"


@cache
def schema() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(
        (Path(__file__).parent / "schemas" / "scenario.schema.json").read_text(encoding="utf-8")
    )
    return data


@dataclass(frozen=True)
class DecisionExpectation:
    """Decision-log records the session must have written (`count`: exactly; None: at least one)."""

    decision: str
    hook: str | None = None
    event: str | None = None
    tool: str | None = None
    by: str | None = None  # "main" or an agent type
    reason_contains: str | None = None
    count: int | None = None

    def describe(self) -> str:
        """`deny from agent_first (tool=Write, by=main, reason contains 'x')`, for failure lines."""
        filters = [f"{k}={v}" for k, v in (("event", self.event), ("tool", self.tool), ("by", self.by)) if v]
        if self.reason_contains is not None:
            filters.append(f"reason contains {self.reason_contains!r}")
        head = f"{self.decision} from {self.hook or 'any hook'}"
        return f"{head} ({', '.join(filters)})" if filters else head


@dataclass(frozen=True)
class Expectations:
    session: str = "success"  # the stream's result subtype: success, error, or any
    decisions: tuple[DecisionExpectation, ...] = ()
    stop_blocks: int | None = None
    changed: tuple[str, ...] = ()
    unchanged: tuple[str, ...] = ()
    model_saw: tuple[str, ...] = ()
    agents_ran: tuple[str, ...] = ()
    agents_not_ran: tuple[str, ...] = ()


@dataclass(frozen=True)
class Scenario:
    name: str
    source: Path
    main: tuple[dict[str, Any], ...]
    agents: dict[str, tuple[dict[str, Any], ...]]
    expect: Expectations
    about: str = ""
    prompt: str = "go"
    timeout: float = 180
    files: dict[str, str] = field(default_factory=dict)

    def script(self, repo: Path) -> Script:
        """The fake API's script, with `$REPO` standing for `repo`."""
        return Script(
            main=[_turn(step, repo) for step in self.main],
            agents={marker: [_turn(step, repo) for step in steps] for marker, steps in self.agents.items()},
        )


def replace_in_strings(value: Any, old: str, new: str) -> Any:
    """`value` (JSON-like data) with `old` replaced by `new` in every string it holds."""
    if isinstance(value, str):
        return value.replace(old, new)
    if isinstance(value, dict):
        return {k: replace_in_strings(v, old, new) for k, v in value.items()}
    if isinstance(value, list):
        return [replace_in_strings(v, old, new) for v in value]
    return value


def _turn(step: dict[str, Any], repo: Path) -> Turn:
    step = replace_in_strings(step, REPO_PLACEHOLDER, str(repo))
    blocks: list[Block] = [Text(step["say"])] if "say" in step else []
    if "tool" in step:
        blocks.append(tool_use(step["tool"], step.get("input") or {}))
    if "agent" in step:
        blocks.append(
            agent_call(
                step["agent"],
                step.get("task", "do the scripted task"),
                subagent_type=step.get("type", "general-purpose"),
                background=step.get("background", False),
            )
        )
    usage = Usage(**step["usage"]) if "usage" in step else None
    return Turn(blocks, usage)


def _problems_beyond_schema(text: str, data: dict[str, Any], source: str) -> list[str]:
    """What the schema says badly or not at all: a step is one response, so it calls a tool or
    spawns an agent, not both; every agent step's marker has steps of its own, and back."""
    problems = []
    threads: list[tuple[list[str | int], list[dict[str, Any]]]] = [(["main"], data["main"])]
    threads += [(["agents", m], steps) for m, steps in (data.get("agents") or {}).items()]
    for path, steps in threads:
        for i, step in enumerate(steps):
            if "tool" in step and "agent" in step:
                where = [*path, i]
                line = yaml_line_of(text, [*where, "agent"])
                json_path = "$." + ".".join(map(str, path)) + f"[{i}]"
                problems.append(
                    f"{source}:{line}: {json_path} -> a step calls a tool or spawns an agent, not both "
                    "(make them two steps)"
                )
    markers = {
        step["agent"]
        for steps in [data["main"], *(data.get("agents") or {}).values()]
        for step in steps
        if "agent" in step
    }
    scripted = set(data.get("agents") or {})
    problems += [
        f"{source}: $.agents -> no steps for agent {m!r} (an `agent: {m}` step starts it)"
        for m in sorted(markers - scripted)
    ]
    for m in sorted(scripted - markers):
        problems.append(f"{source}: $.agents.{m} -> no `agent: {m}` step starts this agent")
    return problems


def parse(text: str, source: Path) -> Scenario:
    """A scenario from YAML `text`; every problem is a KitError naming `source`, line and path."""
    data = load_yaml(text, str(source), then="rerun `claude-kit scenario run`")
    if not isinstance(data, dict):
        raise KitError(f"{source}: a scenario must be a mapping (got {type(data).__name__})")
    problems = schema_problems(text, data, schema(), str(source))
    if problems:
        raise KitError("invalid scenario:\n  " + "\n  ".join(problems), hint=_FIX)
    problems = _problems_beyond_schema(text, data, str(source))
    if problems:
        raise KitError("invalid scenario:\n  " + "\n  ".join(problems), hint=_FIX)
    expect = data["expect"]
    return Scenario(
        name=data["name"],
        source=source,
        about=data.get("about", ""),
        prompt=data.get("prompt", "go"),
        timeout=float(data.get("timeout", 180)),
        files=dict(data.get("files") or {}),
        main=tuple(data["main"]),
        agents={marker: tuple(steps) for marker, steps in (data.get("agents") or {}).items()},
        expect=Expectations(
            session=expect.get("session", "success"),
            decisions=tuple(DecisionExpectation(**d) for d in expect.get("decisions") or []),
            stop_blocks=expect.get("stop_blocks"),
            changed=tuple(expect.get("changed") or ()),
            unchanged=tuple(expect.get("unchanged") or ()),
            model_saw=tuple(expect.get("model_saw") or ()),
            agents_ran=tuple(expect.get("agents_ran") or ()),
            agents_not_ran=tuple(expect.get("agents_not_ran") or ()),
        ),
    )


def load(path: Path) -> Scenario:
    text = read_text(path.parent, path)
    if text is None:
        raise KitError(f"{path}: no such scenario file")
    return parse(text, path)
