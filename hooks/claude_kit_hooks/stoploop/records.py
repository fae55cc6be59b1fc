# claude-kit: managed, id=hooks/claude_kit_hooks/stoploop/records
"""Typed records of the Stop loop's own state files (feedback.json, stop.json) and of what its gates
pass around. Only the hooks read these files (the CLI reads loop.json: contract.records.CompletionLoop),
so the records live here.

Imported only under TYPE_CHECKING (importing `typing` costs ~14 ms at a hook's start-up); the data
stays the plain JSON that is on disk.
"""

from __future__ import annotations

from typing import Any, TypedDict

# -- feedback.json -----------------------------------------------------------------------------------


class VerdictRecord(TypedDict):
    """A verifier's verdict as recorded under its domain's phases."""

    role: str  # review | test_planning | testing
    agent: str
    agent_id: str
    verdict: str  # PASS | FAIL (a missing or invalid block counts as FAIL)
    seq: int
    ts: float
    invalid: str | None  # why the block did not count, or None
    summary: str
    issues: list[dict[str, Any]]  # {file, line?, problem} as the agent wrote them
    source: str  # PostToolUse | SubagentStop


class DomainVerdict(VerdictRecord):
    """A verdict with the domain it was counted for (last_verdict, failures)."""

    domain: str


class FoundChange(TypedDict):
    """A domain file found changed in the working tree outside Edit/Write (working_tree)."""

    file: str
    by: str  # who was stopping when it was found
    seq: int
    ts: float


class DomainState(TypedDict, total=False):
    files: list[str]  # the most recent changed files, oldest first
    changes: int
    changed_seq: int  # seq of the last change that reopened the domain
    verifier_changes: int  # test files changed by verifiers (a tester's tests), which reopen nothing
    phases: dict[str, VerdictRecord]  # role -> verdict since the last change
    last_verdict: DomainVerdict
    ignored_pass: IgnoredPass  # the latest PASS that a standing FAIL outweighed
    found: list[FoundChange]  # changes found in the working tree, not made by Edit/Write


class IgnoredPass(TypedDict):
    agent: str
    seq: int  # when it arrived
    fail_seq: int  # the FAIL it did not clear


class SpawnRecord(TypedDict, total=False):
    type: str
    id: str
    background: bool
    ts: float
    seq: int


class AgentRecord(TypedDict):
    type: str
    verdict: str
    seq: int


class ReportRecord(TypedDict):
    """A Markdown file written outside the allowed places, and who wrote it."""

    agent_id: str
    agent_type: str
    ts: float


class FeedbackState(TypedDict):
    """state/<session>/feedback.json once session_state.norm_feedback filled every key."""

    created: float
    seq: int  # one counter for every recorded change, spawn and verdict
    iteration: int
    consecutive: dict[str, int]  # role -> failures in a row
    domains: dict[str, DomainState]
    agents: dict[str, AgentRecord]  # agentId -> its verdict (counted once)
    reports: dict[str, ReportRecord]  # relpath -> author
    outloc: dict[str, list[str]]  # agentId -> reports it was already asked to move
    failures: list[DomainVerdict]
    spawns: list[SpawnRecord]


# -- stop.json ---------------------------------------------------------------------------------------


class StopAttempt(TypedDict):
    key: str  # the instruction the stop was blocked with
    msg: str  # the assistant's message, cut to stop_gate.MSG_CAP


class Escalation(TypedDict):
    seq: int  # feedback seq at the escalation: stops go through while it is unchanged
    gate: str
    hook: str
    why: str
    file: str
    ts: float


class StopState(TypedDict, total=False):
    """state/<session>/stop.json."""

    blocks: int  # blocks in a row without progress (limits.max_stop_blocks)
    streak: int  # blocks in a row in this turn (the advisor speaks from the 4th)
    history: list[StopAttempt]  # the last three (loop detection)
    last_seq: int
    last_key: str
    backstop: list[str]  # reports the output-location backstop already asked about
    escalated: Escalation | None
    escalations: int


# -- in memory ---------------------------------------------------------------------------------------


class Step(TypedDict, total=False):
    """What an open domain needs next (feedback.next_step)."""

    kind: str  # "fix" | "verify"
    agent: str | None
    role: str  # verify: the phase to run
    fail: DomainVerdict | None  # the FAIL since the last change, if any
    then: tuple[str, str]  # fix: the (role, agent) to run after the fix
    pending: list[tuple[str, str]]  # (role, agent) of every phase without a PASS


class CheckResult(TypedDict):
    status: str  # ok | fail | timeout | missing (a setup problem, not the code's)
    code: int | None
    tail: str
    fix: str  # for `missing`: what to run or install
