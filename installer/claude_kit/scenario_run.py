"""`claude-kit scenario run`: each scenario in a fresh copy of the repository, with the real `claude` driven
by the scripted fake Messages API (session_runner, the e2e suite's one code path), then its expectations.

Offline: the session's HOME is a new folder and the API is the fake on 127.0.0.1.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TypeAlias

import click

from claude_kit import logquery, scenario_file
from claude_kit.claude_runtime import PINNED_VERSION, find_claude, install_claude
from claude_kit.errors import KitError
from claude_kit.repo import find_root
from claude_kit.scenario_file import SCENARIOS_DIR, DecisionExpectation, Expectations, Scenario
from claude_kit.session_runner import SessionResult, SessionTimeout, run_session
from claude_kit_hooks.contract.layout import CLAUDE_DIR, LOCAL_DIR, WORKTREES_DIR
from claude_kit_hooks.contract.records import LogRecord

# Machine-local state (decision log, session state, caches) and agents' worktrees: the copy starts clean.
_NOT_COPIED = (LOCAL_DIR, WORKTREES_DIR)


@dataclass(frozen=True)
class Outcome:
    scenario: Scenario
    failures: tuple[str, ...]
    seconds: float
    kept: Path | None = None  # the repository copy, when asked to keep it

    @property
    def passed(self) -> bool:
        return not self.failures


def _git(repo: Path, *args: str) -> str:
    completed = subprocess.run(
        ["git", *args], cwd=repo, capture_output=True, text=True, encoding="utf-8", check=False
    )
    if completed.returncode != 0:
        raise KitError(f"{repo}: git {' '.join(args)} failed: {completed.stderr.strip()}")
    return completed.stdout


def listed_files(root: Path) -> list[str]:
    """The repository's files as git sees them: tracked, and untracked but not ignored."""
    listed = _git(root, "ls-files", "-z", "--cached", "--others", "--exclude-standard")
    return [rel for rel in listed.split("\0") if rel]


def _repo_files(root: Path) -> Iterator[str]:
    """The files a copy holds: listed_files, and all of `.claude/` (the kit's installed files, some
    git-ignored) except machine-local state."""
    yield from listed_files(root)
    for path in (root / CLAUDE_DIR).rglob("*"):
        rel = path.relative_to(root).as_posix()
        if path.is_file() and not any(rel == skip or rel.startswith(skip + "/") for skip in _NOT_COPIED):
            yield rel


def copy_repository(root: Path, into: Path) -> Path:
    """A committed git repository at `into/repo` with `root`'s files (see _repo_files)."""
    repo = into / "repo"
    for rel in sorted(set(_repo_files(root))):
        source = root / rel
        if not source.is_file() or any(rel == skip or rel.startswith(skip + "/") for skip in _NOT_COPIED):
            continue  # deleted but still tracked, a submodule, or machine-local
        target = repo / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target, follow_symlinks=False)
    repo.mkdir(parents=True, exist_ok=True)
    _git(repo, "init", "-q")
    _git(repo, "add", "-A", "-f")
    _git(repo, "-c", "user.name=claude-kit", "-c", "user.email=scenario@claude-kit.invalid",
         "commit", "-q", "--allow-empty", "--no-verify", "-m", "scenario start")  # fmt: skip
    return repo


def _write_files(repo: Path, files: dict[str, str]) -> None:
    for rel, text in files.items():
        path = repo / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


Snapshot: TypeAlias = dict[str, bytes | None]  # relative path -> content (None: no such file)


def _snapshot(repo: Path, paths: Iterable[str]) -> Snapshot:
    return {rel: (repo / rel).read_bytes() if (repo / rel).is_file() else None for rel in paths}


def _who_matches(rec: LogRecord, by: str) -> bool:
    return (not rec.get("agent_id")) if by == "main" else rec.get("agent_type") == by


def _matching(records: list[LogRecord], want: DecisionExpectation) -> list[LogRecord]:
    return [
        r
        for r in records
        if r.get("decision") == want.decision
        and all(
            expected is None or r.get(key) == expected
            for key, expected in (("hook", want.hook), ("event", want.event), ("tool", want.tool))
        )
        and (want.by is None or _who_matches(r, want.by))
        and (want.reason_contains is None or want.reason_contains in str(r.get("reason", "")))
    ]


def check(
    expect: Expectations, result: SessionResult, records: list[LogRecord], before: Snapshot
) -> list[str]:
    """Each expectation the session did not meet, as one line saying what was found instead."""
    failures: list[str] = []
    subtype = next((e.get("subtype") for e in reversed(result.events) if e.get("type") == "result"), None)
    if expect.session != "any" and subtype != expect.session:
        failures.append(f"session ended with {subtype or 'no result'} (exit {result.returncode}), "
                        f"expected {expect.session}")  # fmt: skip
    for want in expect.decisions:
        found = len(_matching(records, want))
        if want.count is None and found == 0:
            failures.append(f"no {want.describe()} in the decision log")
        elif want.count is not None and found != want.count:
            failures.append(f"{found} x {want.describe()} in the decision log, expected {want.count}")
    if expect.stop_blocks is not None:
        blocks = [r for r in records if r.get("event") == "Stop" and r.get("decision") == "block"]
        if len(blocks) != expect.stop_blocks:
            hooks = ", ".join(str(r.get("hook")) for r in blocks) or "none"
            failures.append(
                f"Stop was blocked {len(blocks)} time(s) ({hooks}), expected {expect.stop_blocks}"
            )
    after = _snapshot(result.repo, before)
    failures += [f"{rel} was not changed" for rel in expect.changed if after[rel] == before[rel]]
    failures += [f"{rel} was changed" for rel in expect.unchanged if after[rel] != before[rel]]
    shown = result.request_texts()
    failures += [f"the model was never shown {text!r}" for text in expect.model_saw if text not in shown]
    failures += [f"agent {m} never ran" for m in expect.agents_ran if not result.subagent_requests(m)]
    failures += [f"agent {m} ran" for m in expect.agents_not_ran if result.subagent_requests(m)]
    return failures


def run_one(scenario: Scenario, root: Path, claude_bin: Path, *, keep: bool = False) -> Outcome:
    """Run `scenario` in a copy of the repository at `root`; the copy is removed unless `keep`."""
    started = time.monotonic()
    work = Path(tempfile.mkdtemp(prefix="claude-kit-scenario-"))
    try:
        repo = copy_repository(root, work)
        _write_files(repo, scenario.files)
        watched = (*scenario.expect.changed, *scenario.expect.unchanged)
        before = _snapshot(repo, watched)
        try:
            result = run_session(
                repo, scenario.prompt, scenario.script(repo), home=work / "home",
                claude_bin=claude_bin, timeout=scenario.timeout,
            )  # fmt: skip
        except SessionTimeout:
            failures = [f"the session did not end within {scenario.timeout:g}s"]
        else:
            log = logquery.read_records(logquery.log_files(repo))
            records = [r for r in log if r.get("session_id") == result.session_id]
            failures = check(scenario.expect, result, records, before)
        return Outcome(scenario, tuple(failures), time.monotonic() - started, repo if keep else None)
    finally:
        if not keep:
            shutil.rmtree(work, ignore_errors=True)


def outcome_lines(outcome: Outcome) -> list[str]:
    status = "PASS" if outcome.passed else "FAIL"
    head = f"{status} {outcome.scenario.name} ({outcome.scenario.source}, {outcome.seconds:.0f}s)"
    kept = [f"     kept: {outcome.kept}"] if outcome.kept else []
    return [head, *(f"     - {failure}" for failure in outcome.failures), *kept]


def run_all(scenarios: list[Scenario], root: Path, claude_bin: Path, *, keep: bool = False) -> int:
    """Run each scenario, print its result as it finishes and then the totals; 0 if all passed."""
    failed = 0
    for scenario in scenarios:
        outcome = run_one(scenario, root, claude_bin, keep=keep)
        failed += not outcome.passed
        click.echo("\n".join(outcome_lines(outcome)))
    click.echo(f"{len(scenarios) - failed} passed, {failed} failed")
    return 0 if failed == 0 else 1


def main(target: Path, files: list[Path], *, keep: bool = False, install_runtime: bool = False) -> int:
    """`claude-kit scenario run`: every file is validated before the first session starts."""
    root = find_root(target)
    paths = files or sorted((root / SCENARIOS_DIR).glob("*.yaml"))
    if not paths:
        raise KitError(f"{root / SCENARIOS_DIR}: no scenario files", hint="run `claude-kit scenario init`")
    scenarios = [scenario_file.load(path) for path in paths]
    claude = find_claude() or (install_claude() if install_runtime else None)
    if claude is None:
        raise KitError(
            f"Claude Code {PINNED_VERSION} was not found; no scenario was run",
            hint="rerun with --install-runtime (needs npm), or set CLAUDE_KIT_CLAUDE_BIN to that binary",
        )
    return run_all(scenarios, root, claude, keep=keep)
