# claude-kit: managed, id=hooks/claude_kit_hooks/stoploop/quality_gate
"""The quality gate at Stop (docs/loop.md, "Quality gate"): each changed domain's configured checks run
in order from the project root; a failure or a timeout blocks with the output's tail, a missing tool
only tells the user (a configuration problem is not a test failure). The checks of one Stop share
the Stop hook's own timeout (stoploop/check_budget.py): a check is cut at what is left of it, and a
check cut short or not reached blocks with a message that says so, never a silent pass. A failure
that keeps coming back the same way, or that predates the session, is bounded (stoploop/check_failures.py).

Passes are cached by a sha256 over the domain's files and contents, so an unchanged domain does not
re-run its checks; failures are never cached, because the fix may be outside the domain's files.
"""

from __future__ import annotations

import time

from claude_kit_hooks.contract.layout import CHECK_CACHE
from claude_kit_hooks.stoploop import check_failures, processes, session_state
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
    from claude_kit_hooks.stoploop.records import FeedbackState


def quality_gate(h: Hook, fb: FeedbackState | None) -> Decision | None:
    """Block on the first failing check of a changed domain; None when all pass (or are cached)."""
    if not fb or not h.enabled("quality_gate"):
        return None
    cfg = h.config
    cache_path = h.paths.abs(CHECK_CACHE)
    cache: dict[str, Any] | None = None
    budget: CheckBudget | None = None
    for name, _e in session_state.changed_domains(cfg, fb):
        checks = cfg["domains"][name]["checks"]
        if not checks:
            continue
        content = domain_content_hash(h.project, cfg, name)
        for check in checks:
            key = f"{name}\0{check['name']}\0{check['run']}\0{check['timeout']}\0{check.get('cwd') or '.'}"
            if content is not None:
                if cache is None:
                    cache = read_json(cache_path, {}) or {}
                if (cache.get(key) or {}).get("content") == content:
                    continue  # passed on exactly these files already
            label = f'check "{check["name"]}" for {name}'
            if budget is None:
                from claude_kit_hooks.stoploop import check_budget

                budget = check_budget.for_hook(h)
            limit = budget.limit(check["timeout"])
            if limit < 1:
                return _out_of_time(h, name, label, budget)
            res = run_check(h.project.root, check, limit)
            if res["status"] == "ok":
                if content is not None:
                    check_failures.remember(cache_path, key, {"content": content, "ts": time.time()})
                check_failures.reset(h, key)
                check_failures.forget_failure(h, key)
                h.log("quality_gate", "allow", f"{label} passed")
                continue
            if res["status"] == "missing":
                msg = (
                    f"claude-kit: {label} could not run in {_where(check)}: `{check['run']}` - a setup "
                    f"problem, not a code failure, so the session is not blocked. To fix: {res['fix']}. "
                    f"(Or change domains.{name}.checks in .claude/claude-kit.yaml.) "
                    f"Output: {res['tail'][-300:]}"
                )
                if _first_setup_note(h, res["fix"]):
                    h.tell_user(msg)
                h.log("quality_gate", "warn", msg)
                continue
            if res["status"] == "timeout" and limit < int(check["timeout"]):
                what = (
                    f"timed out after {limit} s and was killed (with its process group): its own timeout "
                    f"is {check['timeout']} s, but the Stop hook has {budget.hook_timeout} s in all "
                    f"({budget.source}) for its checks and gates"
                )
                _tell_budget(h, cfg, budget)
            elif res["status"] == "timeout":
                what = f"timed out after {check['timeout']} s and was killed (with its process group)"
            else:
                what = f"failed (exit {res['code']})"
            tail = res["tail"] or "(no output)"
            seen = check_failures.note_failure(
                h, fb, key, check_failures.signature(key, res["status"], res["tail"])
            )
            if seen.preexisting:
                msg = (
                    f"claude-kit quality gate: {label} {what}, the same way as before this session changed "
                    f"{name} code (an earlier session saw this failure first), so it is reported, not "
                    f"blocking. Command: `{check['run']}`. Last lines: {tail[-300:]}"
                )
                h.tell_user(cap(msg, 1200))
                h.log("quality_gate", "warn", msg)
                continue
            dev = developer(cfg, name) or f"{name}-developer"
            command = str(check["run"])
            command = command if len(command) <= 300 else command[:297] + "..."
            before = (
                f"claude-kit quality gate: {label} {what}. Command (run in {_where(check)}): "
                f"`{command}`\nLast lines of its output:\n```\n"
            )
            fix = "Fix the cause"
            if res["status"] == "timeout":
                fix = "Find what it waits for or loops on and fix it"
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
                check_failures.reset(h, key)
                why = (
                    f"{label} failed the same way at {seen.count} stops in a row "
                    f"(limits.max_same_check_failures = {same})"
                )
                return Decision("escalate", "quality_gate", dkey, cap(reason), why=why)
            return Decision("block", "quality_gate", dkey, cap(reason))
    return None


def _where(check: Check) -> str:
    cwd = check.get("cwd") or "."
    return "the project root" if cwd == "." else f"{cwd}/"


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


def domain_content_hash(project: Project, cfg: CompiledConfig, name: str) -> str | None:
    """sha256 of the domain's tracked + untracked (not ignored) files and contents; None without git."""
    import hashlib

    out = processes.git(project.root, ["ls-files", "-z", "-c", "-o", "--exclude-standard"], timeout=30)
    if out is None:
        return None
    digest = hashlib.sha256()
    for rel in sorted(set(out.decode("utf-8", "replace").split("\0"))):
        if not rel or project.domain_of(cfg, rel) != name:
            continue
        digest.update(rel.encode("utf-8", "replace") + b"\0")
        try:
            with open(project.abspath(rel), "rb") as f:
                digest.update(hashlib.sha256(f.read()).digest())
        except OSError:
            digest.update(b"<missing>")
    return digest.hexdigest()


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
