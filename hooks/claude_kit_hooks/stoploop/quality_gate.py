# claude-kit: managed, id=hooks/claude_kit_hooks/stoploop/quality_gate
"""The quality gate at Stop (docs/loop.md, "Quality gate"): each changed domain's configured checks run
in order from the project root, and from each git worktree (`.claude/worktrees/<name>`) where the
domain changed, each in its folder (`cwd`); a failure or a timeout blocks with the output's tail, a
setup problem (stoploop/check_runner.py: a missing tool, module or node_modules) is told to the user
once, with its fix, and never blocks. The checks of one Stop share
the Stop hook's own timeout (stoploop/check_budget.py): a check is cut at what is left of it, and a
check cut short or not reached blocks with a message that says so, never a silent pass. A failure
that keeps coming back the same way is bounded (stoploop/check_failures.py); one that predates the
session (seen by an earlier session, or failing the same way on a copy of the session's starting
commit: stoploop/baseline_run.py) is reported to the user, not blocking.

Only the checks of the modules and packages that changed run (stoploop/check_scope.py: a check covers
the domain's files in its `cwd`, less nested folders with their own check of that name). Passes are
cached by a sha256 over the files a check covers and their contents, so an unchanged module is not
re-tested; failures are never cached, because the fix may be outside those files.
"""

from __future__ import annotations

import time

from claude_kit_hooks.contract.layout import CHECK_CACHE
from claude_kit_hooks.runtime import processes
from claude_kit_hooks.runtime.project import split_worktree
from claude_kit_hooks.stoploop import check_failures, check_scope, session_state
from claude_kit_hooks.stoploop.check_runner import run_check
from claude_kit_hooks.stoploop.decision import REASON_CAP, Decision, cap, kill_switch
from claude_kit_hooks.stoploop.roles import developer
from claude_kit_hooks.store.jsonfile import read_json

TYPE_CHECKING = False  # typing costs ~14 ms at a hook's start-up; mypy still reads the branch
if TYPE_CHECKING:
    from typing import Any

    from claude_kit_hooks.contract.records import Check, CompiledConfig
    from claude_kit_hooks.runtime.hook import Hook
    from claude_kit_hooks.runtime.project import Project
    from claude_kit_hooks.stoploop.check_budget import CheckBudget
    from claude_kit_hooks.stoploop.records import DomainState, FeedbackState


def quality_gate(h: Hook, fb: FeedbackState | None) -> Decision | None:
    """Block on the first failing check of a changed domain; None when all pass (or are cached)."""
    if not fb or not h.enabled("quality_gate"):
        return None
    run = _Run(h, fb)
    for name, e in session_state.changed_domains(h.config, fb):
        checks = h.config["domains"][name]["checks"]
        if not checks:
            continue
        for where in check_roots(h.project, e):
            root = h.project.abspath(where) if where else h.project.root
            todo = concerned_checks(checks, e, where)
            files = domain_files(root, h.project, h.config, name) if todo else None
            hashes = _FileHashes(root)
            for check in todo:
                content = None
                if files is not None:  # what this check covers, as it is now
                    content = hashes.of([r for r in files if check_scope.covers(check, checks, r)])
                decision = run.gate(name, check, where, root, content)
                if decision is not None:
                    return decision
    return None


def concerned_checks(checks: list[Check], e: DomainState, where: str) -> list[Check]:
    """The checks whose module or package changed in `where` (stoploop/check_scope.py): in a monorepo,
    one changed package runs its own checks. All of them when the changed files are not all known
    (the list keeps the most recent FILE_CAP)."""
    files = e.get("files") or []
    if len(files) >= session_state.FILE_CAP:
        return checks
    changed = [*files, *(str(n.get("file")) for n in e.get("found") or [])]
    inner = [rel for w, rel in map(split_worktree, changed) if w == where]
    return check_scope.concerned(checks, inner) if inner else checks


def check_roots(project: Project, e: DomainState) -> list[str]:
    """Where the domain's changes are: "" for the project root, `.claude/worktrees/<name>` for each
    git worktree (an `isolation: "worktree"` agent's, EnterWorktree's) that still exists. A worktree
    is a checkout of the whole project, so the domain's checks run there as they would at the root."""
    import os

    files = [*(e.get("files") or []), *(str(n.get("file")) for n in e.get("found") or [])]
    wheres = {split_worktree(rel)[0] for rel in files}
    return sorted(w for w in wheres if not w or os.path.isdir(project.abspath(w))) or [""]


class _Run:
    """One Stop's pass over the checks: the check cache and the time budget, read when first needed."""

    __slots__ = ("h", "fb", "cache_path", "cache", "budget")

    def __init__(self, h: Hook, fb: FeedbackState) -> None:
        self.h = h
        self.fb = fb
        self.cache_path = h.paths.abs(CHECK_CACHE)
        self.cache: dict[str, Any] | None = None
        self.budget: CheckBudget | None = None

    def gate(self, name: str, check: Check, where: str, root: str, content: str | None) -> Decision | None:
        """Run one check of domain `name` in `root` (`where` it is, for the messages) unless it
        passed on exactly these files before; the decision when it fails."""
        h = self.h
        key = check_key(name, check, where)
        if content is not None:
            if self.cache is None:
                self.cache = read_json(self.cache_path, {}) or {}
            if (self.cache.get(key) or {}).get("content") == content:
                return None  # passed on exactly these files already
        label = f'check "{check["name"]}" for {name}' + (f" in {where}" if where else "")
        if self.budget is None:
            from claude_kit_hooks.stoploop import check_budget

            self.budget = check_budget.for_hook(h)
        budget = self.budget
        limit = budget.limit(check["timeout"])
        if limit < 1:
            return _out_of_time(h, name, label, budget)
        res = run_check(root, check, limit)
        if res["status"] == "ok":
            if content is not None:
                check_failures.remember(self.cache_path, key, {"content": content, "ts": time.time()})
            check_failures.reset(h, key)
            check_failures.forget_failure(h, key)
            h.log("quality_gate", "allow", f"{label} passed")
            return None
        if res["status"] == "missing":
            msg = (
                f"claude-kit: {label} could not run in {_where(check, where)}: `{check['run']}` - a setup "
                f"problem, not a code failure, so the session is not blocked. To fix: {res['fix']}. "
                f"(Or change domains.{name}.checks in .claude/claude-kit.yaml.) "
                f"Output: {res['tail'][-300:]}"
            )
            if _first_setup_note(h, res["fix"]):
                h.tell_user(msg)
            h.log("quality_gate", "warn", msg)
            return None
        if res["status"] == "timeout" and limit < int(check["timeout"]):
            what = (
                f"timed out after {limit} s and was killed (with its process group): its own timeout "
                f"is {check['timeout']} s, but the Stop hook has {budget.hook_timeout} s in all "
                f"({budget.source}) for its checks and gates"
            )
            _tell_budget(h, h.config, budget)
        elif res["status"] == "timeout":
            what = f"timed out after {check['timeout']} s and was killed (with its process group)"
        else:
            what = f"failed (exit {res['code']})"
        tail = res["tail"] or "(no output)"
        sig = check_failures.signature(key, res["status"], res["tail"])
        seen = check_failures.note_failure(h, self.fb, key, sig)
        if seen.preexisting:
            since = f"the same way as before this session changed {name} code (an earlier session saw it)"
        elif self._failed_at_start(key, check, root, sig):
            since = "the same way on the commit this session started from (the check ran on a copy of it)"
        else:
            return _failure(h, name, check, where, label, what, tail, seen)
        msg = (
            f"claude-kit quality gate: {label} {what}, {since}, so it is reported, not blocking. "
            f"Command: `{check['run']}`. Last lines: {tail[-300:]}"
        )
        h.tell_user(cap(msg, 1200))
        h.log("quality_gate", "warn", msg)
        return None

    def _failed_at_start(self, key: str, check: Check, root: str, sig: str) -> bool:
        """The failure is new to the kit: does it fail the same way on the session's starting commit?"""
        from claude_kit_hooks.stoploop import baseline_run

        assert self.budget is not None
        left = self.budget.limit(check["timeout"])
        if not baseline_run.failed_before(self.h, key, check, root, sig, left):
            return False
        check_failures.predates(self.h, self.fb, key, sig)
        return True


def check_key(name: str, check: Check, where: str) -> str:
    """The check cache's key of one check of domain `name` run at `where` ("" at the project root)."""
    key = f"{name}\0{check['name']}\0{check['run']}\0{check['timeout']}"
    cwd = check.get("cwd") or "."
    key += f"\0{cwd}" if cwd != "." else ""  # a check at the root keeps the key it had before `cwd`
    return key + f"\0{where}" if where else key


def _failure(
    h: Hook, name: str, check: Check, where: str, label: str, what: str, tail: str, seen: check_failures.Seen
) -> Decision:
    """Block on a failing check, or escalate once it failed the same way at the limit's Stops."""
    cfg = h.config
    dev = developer(cfg, name) or f"{name}-developer"
    command = str(check["run"])
    command = command if len(command) <= 300 else command[:297] + "..."
    before = (
        f"claude-kit quality gate: {label} {what}. Command (run in {_where(check, where)}): "
        f"`{command}`\nLast lines of its output:\n```\n"
    )
    fix = "Find what it waits for or loops on and fix it" if "timed out" in what else "Fix the cause"
    after = (
        f"\n```\n{fix} (domain code: delegate to {dev}), then stop again; the check re-runs "
        f"when the {name} files change. " + kill_switch("quality_gate")
    )
    room = max(200, REASON_CAP - len(before) - len(after))
    if len(tail) > room:  # keep the end of the output, where the error usually is
        tail = "..." + tail[-(room - 3) :]
    reason = before + tail + after
    dkey = f"quality:{name}:{check['name']}"
    same = int(cfg["limits"]["max_same_check_failures"])
    if seen.count >= same:
        why = f"{label} failed the same way at {seen.count} stops in a row "
        why += f"(limits.max_same_check_failures = {same})"
    elif seen.fails >= 2 * same:
        why = f"{label} failed at {seen.fails} stops in a row, with a different output each time (a flaky "
        why += f"test or a cause outside the change; twice limits.max_same_check_failures = {same})"
    else:
        return Decision("block", "quality_gate", dkey, cap(reason))
    check_failures.reset(h, check_key(name, check, where))
    return Decision("escalate", "quality_gate", dkey, cap(reason), why=why)


def _where(check: Check, where: str) -> str:
    """The folder a check ran in, for the messages: its `cwd`, in the worktree `where` if any."""
    cwd = check.get("cwd") or "."
    if cwd == ".":
        return f"{where}/" if where else "the project root"
    return f"{where}/{cwd}/" if where else f"{cwd}/"


def _first_setup_note(h: Hook, fix: str) -> bool:
    """A setup problem is told to the user once per session, by its fix: `go vet` and `go test`
    missing Go make one note (every stop logs it)."""
    told = False

    def mark(d: dict[str, Any]) -> None:
        nonlocal told
        told = isinstance(d.get("setup\0" + fix), dict)
        d["setup\0" + fix] = {"told": True}

    session_state.update(h.paths, h.session_id, "quality", mark)
    return not told


def domain_files(root: str, project: Project, cfg: CompiledConfig, name: str) -> list[str] | None:
    """The domain's tracked + untracked (not ignored) files under `root` (the project root or a
    worktree of it), sorted; None without git."""
    out = processes.git(root, ["ls-files", "-z", "-c", "-o", "--exclude-standard"], timeout=30)
    if out is None:
        return None
    rels = sorted(set(out.decode("utf-8", "replace").split("\0")))
    return [rel for rel in rels if rel and project.domain_of(cfg, rel) == name]


class _FileHashes:
    """sha256 of a set of files' names and contents; each file is read once per Stop (the checks of
    one module cover the same files)."""

    __slots__ = ("root", "seen")

    def __init__(self, root: str) -> None:
        self.root = root
        self.seen: dict[str, bytes] = {}

    def of(self, rels: list[str]) -> str:
        import hashlib
        import os

        digest = hashlib.sha256()
        for rel in rels:
            one = self.seen.get(rel)
            if one is None:
                try:
                    with open(os.path.join(self.root, rel), "rb") as f:
                        one = hashlib.sha256(f.read()).digest()
                except OSError:
                    one = b"<missing>"
                self.seen[rel] = one
            digest.update(rel.encode("utf-8", "replace") + b"\0" + one)
        return digest.hexdigest()


def domain_content_hash(root: str, project: Project, cfg: CompiledConfig, name: str) -> str | None:
    """sha256 of all the domain's files and contents under `root`; None without git."""
    files = domain_files(root, project, cfg, name)
    return None if files is None else _FileHashes(root).of(files)


def _out_of_time(h: Hook, name: str, label: str, budget: CheckBudget) -> Decision:
    """The checks before this one used the Stop hook's time: block (never a silent pass) and say so."""
    _tell_budget(h, h.config, budget)
    reason = (
        f"claude-kit quality gate: {label} did not run: this stop already used the {budget.total} s "
        f"the Stop hook has for checks ({budget.hook_timeout} s in all, {budget.source}). "
        f"The checks that passed are remembered for these files, so stop again to run the rest. "
        + kill_switch("quality_gate")
    )
    return Decision("block", "quality_gate", f"quality:{name}:budget", cap(reason))


def _tell_budget(h: Hook, cfg: CompiledConfig, budget: CheckBudget) -> None:
    total = sum(int(c["timeout"]) for d in cfg["domains"].values() for c in d.get("checks") or [])
    h.tell_user(
        f"claude-kit: the quality gate's checks may take {total} s together, but the Stop hook has "
        f"{budget.hook_timeout} s ({budget.source}; {budget.total} s of it for checks), so a check was cut "
        "short. Raise the timeout of the kit's Stop handler in .claude/settings.json (`claude-kit sync` "
        "renders 30 s more than the checks' timeouts, at most 600 s) or lower "
        "domains.<name>.checks[].timeout in .claude/claude-kit.yaml."
    )
