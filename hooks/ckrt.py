# claude-kit: managed, id=hooks/ckrt
"""claude-kit hook runtime: the one module every hook dispatcher imports.

Standard library only, and only what the hot path needs at import time (json, os, sys, time):
every hook is a new process on every matching tool call. Heavier modules (fcntl, hashlib,
traceback) are imported where they are used.

Contract with Claude Code 2.1.329 (shared/docs/claude-code-reference.md):
- allow = no output, exit 0;
- PreToolUse deny = hookSpecificOutput.permissionDecision "deny" + permissionDecisionReason;
- Stop/SubagentStop/PostToolUse block = {"decision": "block", "reason": ...};
- context = hookSpecificOutput.additionalContext; user-facing notes = systemMessage;
- PreCompact = plain stdout, appended to the compactor's instructions.

Failure policy (docs/enforcement.md): internal errors never print a traceback to the model. PreToolUse
enforcement fails closed (deny naming the error log and the kill switch) for the first
FAIL_CLOSED_LIMIT errors of a session, then opens (circuit breaker). Every other event fails
open with a systemMessage to the user. Everything is written to the decision log.
"""

from __future__ import annotations

import json
import os
import sys
import time

HOOKS_DIR = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HOOKS_DIR))
LOCAL = os.path.join(ROOT, ".claude", ".claude-kit", "local")
CONFIG_JSON = os.path.join(HOOKS_DIR, "claude-kit.json")
CONFIG_YAML = os.path.join(ROOT, ".claude", "claude-kit.yaml")
LOG_PATH = os.path.join(LOCAL, "log", "decisions.jsonl")
ERROR_LOG = os.path.join(LOCAL, "errors.log")
MAX_STDIN = 64 * 1024 * 1024
FAIL_CLOSED_LIMIT = 3
KILL_SWITCH = "CLAUDE_KIT_DISABLE"
SPAWN_TOOLS = ("Agent", "Task")
EDIT_TOOLS = ("Edit", "Write", "NotebookEdit")


_UNSET = object()


class Hook:
    """One run of one event's dispatcher: the payload, the config, and the answer being built."""

    def __init__(self, event: str, payload: dict, started: float) -> None:
        self.event = event
        self.payload = payload
        self.started = started
        self.session_id = str(payload.get("session_id") or "no-session")
        self.agent_id = payload.get("agent_id")
        self.agent_type = payload.get("agent_type")
        self.tool_name = str(payload.get("tool_name") or "")
        tool_input = payload.get("tool_input")
        self.tool_input = tool_input if isinstance(tool_input, dict) else {}
        self.tool_use_id = payload.get("tool_use_id")
        self._config = None
        self._config_loaded = False
        self.stale = None
        self.decision = None  # "deny" | "block" once a check decided
        self.reason = ""
        self.contexts = []
        self.messages = []
        self.logged = False
        self._edit_rel = _UNSET

    # -- who is calling -------------------------------------------------------------------
    @property
    def is_subagent(self) -> bool:
        # agent_id is present only inside a subagent; agent_type alone marks a --agent main thread.
        return bool(self.agent_id)

    # -- the file an edit tool writes ---------------------------------------------------------
    @property
    def edit_path(self) -> str:
        """The path an Edit/Write/NotebookEdit call writes ('' when missing or not a string)."""
        notebook = self.tool_name == "NotebookEdit"
        for key in ("notebook_path", "file_path") if notebook else ("file_path", "notebook_path"):
            value = self.tool_input.get(key)
            if isinstance(value, str) and value:
                return value
        return ""

    def edit_relpath(self) -> str | None:
        """project_relpath of edit_path, resolved once per hook run (several checks need it)."""
        if self._edit_rel is _UNSET:
            path = self.edit_path
            self._edit_rel = project_relpath(path) if path else None
        return self._edit_rel

    # -- config ---------------------------------------------------------------------------
    @property
    def config(self) -> dict:
        if not self._config_loaded:
            self._config_loaded = True
            self._config = load_config(self)
        return self._config or {}

    def enabled(self, name: str) -> bool:
        off = os.environ.get("CLAUDE_KIT_DISABLE_HOOKS", "")
        if off and name in {n.strip() for n in off.split(",")}:
            return False
        return bool(self.config.get("hooks", {}).get(name, True)) if self.config else False

    # -- answers ----------------------------------------------------------------------------
    def deny(self, hook: str, reason: str, **extra) -> None:
        if self.decision is None:
            self.decision, self.reason = "deny", reason + self._stale_note()
        self.log(hook, "deny", reason, **extra)

    def block(self, hook: str, reason: str, **extra) -> None:
        if self.decision is None:
            self.decision, self.reason = "block", reason + self._stale_note()
        self.log(hook, "block", reason, **extra)

    def context(self, hook: str, text: str, decision: str = "warn", **extra) -> None:
        self.contexts.append(text)
        self.log(hook, decision, text, **extra)

    def tell_user(self, text: str) -> None:
        self.messages.append(text)

    def allow(self, hook: str, reason: str, **extra) -> None:
        self.log(hook, "allow", reason, **extra)

    def _stale_note(self) -> str:
        return f"\n(claude-kit: {self.stale}; run `claude-kit sync`.)" if self.stale else ""

    # -- decision log ---------------------------------------------------------------------
    def log(self, hook: str, decision: str, reason: str, **extra) -> None:
        self.logged = True
        rec = {
            "ts": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime()) + "Z",
            "session_id": self.session_id,
            "agent_id": self.agent_id,
            "agent_type": self.agent_type,
            "tool_use_id": self.tool_use_id,
            "event": self.event,
            "hook": hook,
            "decision": decision,
            "reason": redact(reason[:2256])[:2000],
            "duration_ms": round((time.perf_counter() - self.started) * 1000, 2),
        }
        if self.tool_name:
            rec["tool"] = self.tool_name
        for key, value in extra.items():
            rec[key] = redact(value[:756])[:500] if isinstance(value, str) else value
        append_log(rec, self.config.get("logging") if self._config_loaded else None)

    # -- output -----------------------------------------------------------------------------
    def output(self) -> str:
        out: dict = {}
        ctx = "\n\n".join(self.contexts)
        if self.stale and self.event in ("SessionStart", "UserPromptSubmit"):
            ctx = (ctx + "\n" if ctx else "") + f"claude-kit: {self.stale}; run `claude-kit sync`."
        if self.event == "PreCompact":
            return ctx  # plain text is appended to the compactor's instructions
        if self.event == "PreToolUse":
            spec: dict = {"hookEventName": "PreToolUse"}
            if self.decision == "deny":
                spec["permissionDecision"] = "deny"
                spec["permissionDecisionReason"] = self.reason
            if ctx:
                spec["additionalContext"] = ctx
            if len(spec) > 1:
                out["hookSpecificOutput"] = spec
        else:
            if self.decision == "block":
                out["decision"] = "block"
                out["reason"] = self.reason
            if ctx:
                out["hookSpecificOutput"] = {"hookEventName": self.event, "additionalContext": ctx}
        if self.messages:
            out["systemMessage"] = "\n".join(self.messages)
        return json.dumps(out) if out else ""


# -- config ---------------------------------------------------------------------------------
def load_config(hook: Hook | None = None) -> dict | None:
    try:
        with open(CONFIG_JSON, encoding="utf-8") as f:
            cfg = json.load(f)
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        raise RuntimeError(f"{CONFIG_JSON} is unreadable ({exc}); run `claude-kit sync`") from None
    if not isinstance(cfg, dict):
        raise RuntimeError(f"{CONFIG_JSON} is not a JSON object; run `claude-kit sync`")
    if hook is not None:
        hook.stale = stale_reason(cfg)
    return cfg


def stale_reason(cfg: dict) -> str | None:
    """The YAML changed after it was compiled? mtime first (one stat), hash only when it suggests so."""
    try:
        if os.stat(CONFIG_YAML).st_mtime <= os.stat(CONFIG_JSON).st_mtime:
            return None
        import hashlib

        with open(CONFIG_YAML, "rb") as f:
            digest = hashlib.sha256(f.read()).hexdigest()
    except OSError:
        return None
    if digest == cfg.get("source_sha256"):
        return None
    return ".claude/claude-kit.yaml changed after it was compiled, so the last compiled rules apply"


# -- paths and domains ------------------------------------------------------------------------
_REAL_ROOT = None
_RULES = None


def project_relpath(path: str) -> str | None:
    """Path relative to the project root with `/`, symlinks resolved; None when outside the root."""
    global _REAL_ROOT
    if not path:
        return None
    if _REAL_ROOT is None:
        _REAL_ROOT = os.path.realpath(ROOT)
    try:
        full = os.path.realpath(path if os.path.isabs(path) else os.path.join(ROOT, path))
    except ValueError:  # embedded NUL or a lone surrogate: no file can have this name
        return None
    if full != _REAL_ROOT and not full.startswith(_REAL_ROOT + os.sep):
        return None
    return os.path.relpath(full, _REAL_ROOT).replace(os.sep, "/")


def domain_of(cfg: dict, relpath: str) -> str | None:
    """The most specific domain whose globs match (rules are sorted by the CLI)."""
    global _RULES
    import re

    if _RULES is None:
        _RULES = [(name, re.compile(rx)) for name, rx, _glob in cfg.get("domain_rules", [])]
    for name, rx in _RULES:
        if rx.match(relpath):
            excludes = cfg["domains"].get(name, {}).get("exclude", [])
            if any(re.match(x, relpath) for x in excludes):
                continue
            return name
    return None


def exemption_of(cfg: dict, relpath: str) -> str | None:
    import re

    for label, rx in cfg.get("exempt_rules", []):
        if re.search(rx, relpath):
            return label
    return None


def agent_exists(name: str) -> bool:
    return os.path.isfile(os.path.join(ROOT, ".claude", "agents", name + ".md"))


# -- state ------------------------------------------------------------------------------------
def safe_name(value: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in value)[:120] or "_"


def state_path(session_id: str, name: str) -> str:
    return os.path.join(LOCAL, "state", safe_name(session_id), name + ".json")


def read_json(path: str, default=None):
    try:
        with open(path, encoding="utf-8") as f:
            return json.load(f)
    except (OSError, ValueError):
        return default


class _Locked:
    """Exclusive lock on `<path>.lock`: every writer of a state file serialises on it."""

    def __init__(self, path: str) -> None:
        self.path = path + ".lock"
        self.fd = -1

    def __enter__(self):
        os.makedirs(os.path.dirname(self.path), exist_ok=True)
        self.fd = os.open(self.path, os.O_RDWR | os.O_CREAT, 0o644)
        if os.name == "nt":  # pragma: no cover
            import msvcrt

            msvcrt.locking(self.fd, msvcrt.LK_LOCK, 1)
        else:
            import fcntl

            fcntl.flock(self.fd, fcntl.LOCK_EX)
        return self

    def __exit__(self, *exc) -> None:
        os.close(self.fd)  # closing releases the lock


def write_json_atomic(path: str, data) -> None:
    os.makedirs(os.path.dirname(path), exist_ok=True)
    tmp = f"{path}.{os.getpid()}.tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        json.dump(data, f)
        f.flush()
        os.fsync(f.fileno())
    os.replace(tmp, path)


def update_json(path: str, fn, default=None):
    """Read-modify-write under the lock; `fn(data) -> data`. Returns the new data."""
    with _Locked(path):
        data = read_json(path, default if default is not None else {})
        new = fn(data)
        write_json_atomic(path, new)
        return new


# -- transcripts ------------------------------------------------------------------------------
def tail_lines(path: str, max_bytes: int = 4 * 1024 * 1024, chunk: int = 65536):
    """Yield a file's lines from the last to the first, reading at most `max_bytes` from the end.

    Cost depends on how far back the caller looks, never on the file's size.
    """
    try:
        f = open(path, "rb")  # noqa: SIM115 (closed by the `with` below; a generator)
    except OSError:
        return
    with f:
        f.seek(0, os.SEEK_END)
        pos = f.tell()
        read = 0
        rest = b""
        while pos > 0 and read < max_bytes:
            step = min(chunk, pos)
            pos -= step
            f.seek(pos)
            buf = f.read(step) + rest
            read += step
            lines = buf.split(b"\n")
            rest = lines[0]
            for line in reversed(lines[1:]):
                if line.strip():
                    yield line
        if pos == 0 and rest.strip():
            yield rest


# -- log --------------------------------------------------------------------------------------
_SECRET_RX = None
# Substrings (lower case) that every pattern below needs: text without any of them skips the regex,
# whose compilation alone costs ~3 ms per hook process.
_SECRET_HINTS = ("sk-", "ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_", "akia", "xox", "aiza", "eyj",
                 "private key", "bearer", "passw", "secret", "token", "key", "authorization")  # fmt: skip


def redact(text: str) -> str:
    global _SECRET_RX
    if not text:
        return text
    low = text.lower()
    if not any(hint in low for hint in _SECRET_HINTS):
        return text
    import re

    if _SECRET_RX is None:
        _SECRET_RX = re.compile(
            r"(sk-[A-Za-z0-9_\-]{16,}|gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,}"
            r"|AKIA[0-9A-Z]{16}|xox[abprs]-[A-Za-z0-9\-]{10,}|AIza[0-9A-Za-z_\-]{30,}"
            r"|eyJ[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{8,}"
            r"|-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(-----END [A-Z ]*PRIVATE KEY-----|$))"
            r"|bearer\s+[A-Za-z0-9._~+/\-]{8,}=*"
            r"|((?:password|passwd|secret|token|api[_-]?key|access[_-]?key|private[_-]?key|authorization)"
            r"(?:[_-][A-Za-z0-9_]*)?[\"']?\s*[=:]\s*)((?:bearer|basic|token)\s+\S+|\"[^\"]*\"|'[^']*'|\S+)",
            re.IGNORECASE,
        )

    def sub(m):
        if m.group(3):
            return m.group(3) + "[REDACTED]"
        return "[REDACTED]"

    return _SECRET_RX.sub(sub, text)


def append_log(rec: dict, logging_cfg: dict | None = None) -> None:
    """One JSON line per decision; O_APPEND keeps concurrent writers' lines whole. Bounded by rotation."""
    max_bytes = (logging_cfg or {}).get("max_bytes", 2_000_000)
    keep = (logging_cfg or {}).get("keep", 3)
    line = (json.dumps(rec, ensure_ascii=False) + "\n").encode("utf-8", "replace")
    try:
        try:
            fd = os.open(LOG_PATH, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        except FileNotFoundError:
            os.makedirs(os.path.dirname(LOG_PATH), exist_ok=True)
            fd = os.open(LOG_PATH, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
        try:
            os.write(fd, line)
            size = os.fstat(fd).st_size
        finally:
            os.close(fd)
        if size > max_bytes:
            _rotate(keep, max_bytes)
    except OSError:
        pass  # the log must never break a hook


def _rotate(keep: int, max_bytes: int) -> None:
    with _Locked(LOG_PATH):
        try:
            if os.stat(LOG_PATH).st_size <= max_bytes:
                return  # another process rotated it while we waited for the lock
        except OSError:
            return
        for i in range(keep - 1, 0, -1):
            src = f"{LOG_PATH}.{i}"
            if os.path.exists(src):
                os.replace(src, f"{LOG_PATH}.{i + 1}")
        os.replace(LOG_PATH, f"{LOG_PATH}.1")


# -- entry point ----------------------------------------------------------------------------------
def read_payload():
    raw = sys.stdin.buffer.read(MAX_STDIN + 1)
    if len(raw) > MAX_STDIN:
        raise ValueError(f"hook input larger than {MAX_STDIN} bytes")
    data = json.loads(raw.decode("utf-8", "replace"))
    if not isinstance(data, dict):
        raise ValueError("hook input is not a JSON object")
    return data


def _record_error(event: str, hook: Hook | None, exc: BaseException) -> str:
    import traceback

    summary = f"{type(exc).__name__}: {exc}"[:300]
    try:
        os.makedirs(LOCAL, exist_ok=True)
        with open(ERROR_LOG, "a", encoding="utf-8") as f:
            f.write(f"--- {time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime())} {event}\n")
            f.write("".join(traceback.format_exception(type(exc), exc, exc.__traceback__)))
    except OSError:
        pass
    rec_hook = hook or Hook(event, {}, time.perf_counter())
    rec_hook.log("runtime", "error", summary)
    return summary


def _fail_closed_allowed(hook: Hook) -> bool:
    """Circuit breaker: after FAIL_CLOSED_LIMIT internal errors in a session, fail open."""
    path = state_path(hook.session_id, "runtime-errors")
    try:
        data = update_json(path, lambda d: {"count": int(d.get("count", 0)) + 1})
        return data["count"] <= FAIL_CLOSED_LIMIT
    except Exception:
        return False


def run(event: str, checks, *, fail_closed=False) -> int:
    """Run `checks` (functions taking a Hook) in order until one denies or blocks; print the answer.

    `fail_closed`: True, or the tool names whose calls are denied when a check fails internally
    (warning-only checks fail open).
    """
    started = time.perf_counter()
    if os.environ.get(KILL_SWITCH) == "1":
        return 0
    hook = None
    try:
        payload = read_payload()
        hook = Hook(event, payload, started)
        if not hook.config:
            return 0  # not compiled yet (mid-install) or uninstalled: nothing to enforce
        for check in checks:
            check(hook)
            if hook.decision is not None:
                break
        out = hook.output()
    except Exception as exc:  # the model must never see a traceback
        summary = _record_error(event, hook, exc)
        where = ".claude/.claude-kit/local/errors.log"
        closed = fail_closed is True or (
            bool(fail_closed) and hook is not None and hook.tool_name in fail_closed
        )
        if closed and hook is not None and hook.payload and _fail_closed_allowed(hook):
            msg = (
                f"claude-kit could not check this {event} call ({summary}), so it is denied to stay safe. "
                f"Retry once; if it repeats, tell the user to run `claude-kit doctor` (details in {where}). "
                f"Kill switch for the user: CLAUDE_KIT_DISABLE=1."
            )
            out = json.dumps({"hookSpecificOutput": {"hookEventName": "PreToolUse",
                              "permissionDecision": "deny", "permissionDecisionReason": msg}})
        else:
            out = json.dumps({"systemMessage": f"claude-kit {event} hook failed open: {summary} "
                              f"(see {where}; `claude-kit doctor` checks the wiring)"})
    if out:
        try:
            sys.stdout.buffer.write(out.encode("utf-8", "replace"))
            sys.stdout.flush()
        except (OSError, ValueError):
            pass  # Claude Code stopped reading (timeout): nothing useful left to do
    return 0
