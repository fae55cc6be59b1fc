# claude-kit: managed, id=hooks/claude_kit_hooks/runtime/hook
"""One run of one event's dispatcher: the payload, the project and its config, and the answer the
checks build (a deny or block, context for the model, messages for the user), each decision logged."""

from __future__ import annotations

import os
import time

from claude_kit_hooks.contract.defaults import DISABLE_HOOKS_ENV
from claude_kit_hooks.contract.naming import kit_agent_name
from claude_kit_hooks.decisionlog.redact import redact
from claude_kit_hooks.decisionlog.writer import append_log

TYPE_CHECKING = False  # typing costs ~14 ms at a hook's start-up; mypy still reads the branch
if TYPE_CHECKING:
    from typing import Any

    from claude_kit_hooks.contract.records import CompiledConfig, LogRecord, Payload
    from claude_kit_hooks.runtime.project import Project


class Timing:
    """Waits and polls a hook may make; tests pass zeros instead of patching module globals."""

    __slots__ = ("flush_wait", "flush_poll")

    def __init__(self, flush_wait: float = 3.0, flush_poll: float = 0.025) -> None:
        # How long the compaction gate waits for the transcript line of the current tool call (it lags
        # under load), and how often it looks.
        self.flush_wait = flush_wait
        self.flush_poll = flush_poll


class Hook:
    def __init__(
        self,
        event: str,
        payload: Payload,
        started: float,
        project: Project,
        timing: Timing | None = None,
    ) -> None:
        self.event = event
        self.payload = payload
        self.started = started
        self.project = project
        self.paths = project.paths
        self.timing = timing or Timing()
        self.session_id = str(payload.get("session_id") or "no-session")
        self.agent_id: str | None = payload.get("agent_id")
        agent_type = payload.get("agent_type")
        # The plugin edition's agents come as `<plugin>:<name>`: the checks know them by their name.
        self.agent_type: str | None = (
            kit_agent_name(agent_type) if isinstance(agent_type, str) else agent_type
        )
        self.tool_name = str(payload.get("tool_name") or "")
        tool_input = payload.get("tool_input")
        self.tool_input: dict[str, Any] = tool_input if isinstance(tool_input, dict) else {}
        self.tool_use_id: str | None = payload.get("tool_use_id")
        self.prompt_id: str | None = payload.get("prompt_id")
        # (feature id, phase) once a check read the active feature: every later record carries it.
        # Nothing reads the file just to log it (`claude-kit log` attributes the rest from the log).
        self.task: tuple[str, str] | None = None
        self._config: CompiledConfig | None = None
        self._config_loaded = False
        self.stale: str | None = None
        self.decision: str | None = None  # "deny" | "block" once a check decided
        self.reason = ""
        self.decision_fields: dict[str, Any] = {}  # the logged fields of the deny or block that won
        self.decision_by = ""  # the check whose deny or block won
        self.contexts: list[str] = []
        self.context_fields: list[dict[str, Any]] = []  # each context's logged fields (file, agent...)
        self.messages: list[str] = []
        self.updated_input: dict[str, Any] | None = None  # PreToolUse: the tool input to run instead
        self.logged = False
        self.spawn_depth: int | None = None  # set by SubagentStart's registration for the briefing
        self._edit_rel: str | None = None
        self._edit_rel_done = False
        # An extra write tool's call (runtime/extra_tools.py): the built-in tool it is checked as, and
        # the folder its command runs in.
        self.acts_as: str | None = None
        self._cwd: str | None = None

    # -- who is calling -------------------------------------------------------------------
    @property
    def is_subagent(self) -> bool:
        # agent_id is present only inside a subagent; agent_type alone marks a --agent main thread.
        return bool(self.agent_id)

    # -- what the call amounts to ---------------------------------------------------------------
    @property
    def checked_as(self) -> str:
        """The tool whose checks this call goes through: its own, or the built-in tool (Write, Bash)
        an extra write tool's call amounts to."""
        return self.acts_as or self.tool_name

    def act_as(self, tool: str, tool_input: dict[str, Any], cwd: str) -> None:
        """Check this call as a `tool` call with `tool_input`, run in `cwd`: the one place an extra
        write tool's call becomes the Write or Bash call every check reads."""
        self.acts_as, self.tool_input, self._cwd = tool, tool_input, cwd
        self._edit_rel_done = False

    @property
    def cwd(self) -> str:
        """The folder a shell command runs in: the session's (the payload's `cwd`, when absolute), the
        project root without one, or the folder an extra tool's call names."""
        if self._cwd is None:
            given = self.payload.get("cwd")
            self._cwd = given if isinstance(given, str) and os.path.isabs(given) else self.project.root
        return self._cwd

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
        """The project-relative edit_path, resolved once per hook run (several checks need it)."""
        if not self._edit_rel_done:
            self._edit_rel_done = True
            path = self.edit_path
            self._edit_rel = self.project.relpath(path) if path else None
        return self._edit_rel

    # -- config ---------------------------------------------------------------------------
    def load_config(self) -> CompiledConfig | None:
        if not self._config_loaded:
            from claude_kit_hooks.runtime import config

            self._config_loaded = True
            self._config = config.load(self.paths)
            if self._config is not None:
                self.stale = config.stale_reason(self.paths, self._config)
        return self._config

    @property
    def config(self) -> CompiledConfig:
        cfg = self.load_config()
        if cfg is None:  # the entry point runs no check without a config
            raise RuntimeError("claude-kit is not compiled here; run `claude-kit sync`")
        return cfg

    def enabled(self, name: str) -> bool:
        off = os.environ.get(DISABLE_HOOKS_ENV, "")
        if off and name in {n.strip() for n in off.split(",")}:
            return False
        cfg = self.load_config()
        return bool(cfg["hooks"].get(name, True)) if cfg else False

    # -- answers ----------------------------------------------------------------------------
    def deny(self, hook: str, reason: str, **extra: Any) -> None:
        if self.decision is None:
            self.decision, self.reason = "deny", reason + self._stale_note()
            self.decision_fields, self.decision_by = extra, hook
        self.log(hook, "deny", reason, **extra)

    def block(self, hook: str, reason: str, **extra: Any) -> None:
        if self.decision is None:
            self.decision, self.reason = "block", reason + self._stale_note()
        self.log(hook, "block", reason, **extra)

    def context(self, hook: str, text: str, decision: str = "warn", **extra: Any) -> None:
        self.contexts.append(text)
        self.context_fields.append(extra)
        self.log(hook, decision, text, **extra)

    def update_input(self, tool_input: dict[str, Any]) -> None:
        """Run the tool with `tool_input` (the whole input: the runtime replaces, never merges)."""
        self.updated_input = tool_input

    def tell_user(self, text: str) -> None:
        self.messages.append(text)

    def allow(self, hook: str, reason: str, **extra: Any) -> None:
        self.log(hook, "allow", reason, **extra)

    def _stale_note(self) -> str:
        return f"\n(claude-kit: {self.stale}; run `claude-kit sync`.)" if self.stale else ""

    # -- decision log ---------------------------------------------------------------------
    def log(self, hook: str, decision: str, reason: str, **extra: Any) -> None:
        self.logged = True
        cfg = self._config if self._config_loaded else None
        names = cfg["secrets"]["names"] if cfg else ()
        rec: dict[str, Any] = {
            "ts": time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime()) + "Z",
            "session_id": self.session_id,
            "agent_id": self.agent_id,
            "agent_type": self.agent_type,
            "tool_use_id": self.tool_use_id,
            "event": self.event,
            "hook": hook,
            "decision": decision,
            "reason": redact(reason[:2256], names)[:2000],
            "duration_ms": round((time.perf_counter() - self.started) * 1000, 2),
        }
        if self.tool_name:
            rec["tool"] = self.tool_name
        if self.acts_as:  # an extra write tool's call: `claude-kit log` counts it as an edit or a command
            rec["checked_as"] = self.acts_as
        if isinstance(self.prompt_id, str) and self.prompt_id:
            rec["prompt_id"] = self.prompt_id
        if self.task is not None:
            rec["feature"], rec["phase"] = self.task
        for key, value in extra.items():
            rec[key] = redact(value[:756], names)[:500] if isinstance(value, str) else value
        record: LogRecord = rec  # type: ignore[assignment]  # built key by key above
        append_log(self.paths.decision_log, record, cfg["logging"] if cfg else None)
