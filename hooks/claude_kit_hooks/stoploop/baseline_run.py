# claude-kit: managed, id=hooks/claude_kit_hooks/stoploop/baseline_run
"""Did a failing check already fail at the session's starting point? The check runs once more, on a
temporary copy of the commit the session started from (its SessionStart baseline's HEAD, exported
with `git archive`), from the same folder inside it.

It fails there the same way (the same signature): the failure predates the session, so the quality
gate reports it and does not block. It passes there: the session broke it. Anything else (another
failure, a missing tool, no time left in the Stop, no baseline commit, output naming the real tree,
which means the copy ran the real tree's code) says nothing, and the gate blocks as before.

The answer is kept per check in the session's quality.json, so each check runs on the baseline at
most once per session. The copy is deleted afterwards; one left by a killed hook is deleted by the
next run after an hour. What the copy lacks: the user's uncommitted changes at session start,
git submodules, ignored files such as `node_modules` or a virtualenv the check expects in the tree.
"""

from __future__ import annotations

import os
import time

from claude_kit_hooks.runtime import processes
from claude_kit_hooks.stoploop import session_state

TYPE_CHECKING = False  # typing costs ~14 ms at a hook's start-up; mypy still reads the branch
if TYPE_CHECKING:
    from typing import Any

    from claude_kit_hooks.contract.records import Check
    from claude_kit_hooks.runtime.hook import Hook

PREFIX = "claude-kit-baseline-"
STALE_AFTER = 3600  # seconds: a copy this old belongs to a hook that was killed
ARCHIVE_TIMEOUT = 120
MEMO = "base\0"  # quality.json key prefix of a check's baseline answer


class Baseline:
    """The session's starting commit, and where the check's folder is inside a copy of it."""

    __slots__ = ("head", "top", "inner")

    def __init__(self, head: str, top: str, inner: str) -> None:
        self.head = head  # the commit
        self.top = top  # the git repository's top folder (the copy mirrors it)
        self.inner = inner  # the check's folder relative to `top` ("" at the top)


def locate(h: Hook, cwd: str) -> Baseline | None:
    """The baseline of this session for a check run in `cwd`; None without a commit to copy."""
    from claude_kit_hooks.stoploop.working_tree import BASELINE

    base = session_state.read(h.paths, h.session_id, BASELINE) or {}
    head = base.get("head")
    if not isinstance(head, str) or not head:
        return None
    out = processes.git(cwd, ["rev-parse", "--show-toplevel"], timeout=10)
    if out is None:
        return None
    top = os.path.realpath(out.decode("utf-8", "surrogateescape").strip())
    inner = os.path.relpath(os.path.realpath(cwd), top)
    if inner.startswith(".."):
        return None
    return Baseline(head, top, "" if inner == "." else inner)


def failed_before(h: Hook, key: str, check: Check, cwd: str, sig: str, seconds: int) -> bool:
    """True when check `key` (failing now with signature `sig`, run in `cwd`) fails the same way on a
    copy of the session's starting commit, run for at most `seconds`."""
    memo = (session_state.read(h.paths, h.session_id, "quality") or {}).get(MEMO + key)
    if isinstance(memo, dict):
        return memo.get("sig") == sig
    if seconds < 1:
        return False  # no time left to find out: not remembered, so a later stop may try
    base = locate(h, cwd)
    if base is None:
        return False
    found = run_on_copy(base, key, check, seconds, forbidden=(os.path.realpath(cwd), base.top))
    answer = {"sig": found, "head": base.head, "ts": time.time()}

    def keep(d: dict[str, Any]) -> None:
        d[MEMO + key] = answer

    session_state.update(h.paths, h.session_id, "quality", keep)
    h.log(
        "quality_gate",
        "allow",
        f"check {check['name']!r} on the session's starting commit {base.head[:12]}: "
        + ("the same failure" if found == sig else "not the same failure" if found else "no answer"),
    )
    return found == sig


def run_on_copy(base: Baseline, key: str, check: Check, seconds: int, forbidden: tuple[str, ...]) -> str:
    """The failure signature of `check` on a fresh copy of `base.head` ("" when it passes there or
    gives no usable answer)."""
    import shutil
    import tempfile

    from claude_kit_hooks.stoploop.check_failures import signature
    from claude_kit_hooks.stoploop.check_runner import run_check

    sweep(tempfile.gettempdir())
    copy = tempfile.mkdtemp(prefix=PREFIX)
    started = time.monotonic()
    try:
        if not export(base, copy, min(ARCHIVE_TIMEOUT, seconds)):
            return ""
        left = int(seconds - (time.monotonic() - started))
        if left < 1:
            return ""
        res = run_check(os.path.join(copy, base.inner), check, left)
    finally:
        shutil.rmtree(copy, ignore_errors=True)
    tail = res["tail"]
    if res["status"] not in ("fail", "timeout") or any(p and p in tail for p in forbidden):
        return ""
    for path in {os.path.realpath(copy), copy}:  # the copy's own paths read as the real tree's
        tail = tail.replace(path, base.top)
    return signature(key, res["status"], tail)


def export(base: Baseline, dest: str, timeout: float) -> bool:
    """Write the tree of `base.head` into `dest` (git archive, then tar); False when that fails."""
    import tarfile

    archive = os.path.join(dest, ".claude-kit-baseline.tar")
    args = ["archive", "--format=tar", "-o", archive, base.head]
    if processes.git(base.top, args, timeout=timeout) is None:
        return False
    try:
        with tarfile.open(archive) as tar:
            if hasattr(tarfile, "data_filter"):  # Python 3.12 and the 3.10/3.11 security releases
                tar.extractall(dest, filter="data")
            else:  # pragma: no cover - older patch releases
                tar.extractall(dest)  # noqa: S202 - our own repository's commit
    except (OSError, tarfile.TarError):
        return False
    finally:
        import contextlib

        with contextlib.suppress(OSError):
            os.unlink(archive)
    return True


def sweep(tmp: str, now: float | None = None) -> None:
    """Delete copies left by a hook that was killed before it could (older than STALE_AFTER)."""
    import shutil

    now = time.time() if now is None else now
    try:
        names = [n for n in os.listdir(tmp) if n.startswith(PREFIX)]
    except OSError:
        return
    for name in names:
        path = os.path.join(tmp, name)
        try:
            old = now - os.stat(path).st_mtime > STALE_AFTER
        except OSError:
            continue
        if old:
            shutil.rmtree(path, ignore_errors=True)
