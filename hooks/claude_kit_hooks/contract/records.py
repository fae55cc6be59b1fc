# claude-kit: managed, id=hooks/claude_kit_hooks/contract/records
"""Typed records of the files and payloads the CLI and the hooks exchange.

Hooks import this module only under TYPE_CHECKING (importing `typing` costs ~14 ms at a hook's
start-up); the CLI imports it as usual. Every record is a TypedDict, so the data stays the plain JSON
that is on disk and on the wire.
"""

from __future__ import annotations

from typing import Any, Literal, TypedDict

# -- what Claude Code sends a hook on stdin (https://code.claude.com/docs/en/hooks, 2.1.329) -------


class Payload(TypedDict, total=False):
    session_id: str
    transcript_path: str
    cwd: str
    prompt_id: str  # one per user prompt (2.1.196+); absent before the first
    permission_mode: str
    hook_event_name: str
    agent_id: str
    agent_type: str
    agent_transcript_path: str
    tool_name: str
    tool_input: dict[str, Any]
    tool_response: Any
    tool_use_id: str
    prompt: str
    source: str
    trigger: str
    stop_hook_active: bool
    last_assistant_message: str
    background_tasks: list[dict[str, Any]]  # Stop/SubagentStop: {id, type, status, description, agent_type}
    model: str


# -- the compiled config the CLI writes to .claude/hooks/claude-kit.json -----------------------------


class Check(TypedDict):
    name: str
    run: str
    timeout: int
    cwd: str  # where it runs, relative to the project root ("." for the root)


class Domain(TypedDict):
    paths: list[str]
    exclude: list[str]  # regexes
    agents: dict[str, str]  # role -> agent name
    editors: list[str]  # agents besides the developer that may edit the domain's files
    test_planning: bool
    checks: list[Check]


# A domain or exemption rule: [name, regex, glob, hints] / [label, regex, hints]. `hints` lists texts of
# which every path the regex matches contains at least one ([] = none known: always run the regex); a
# file compiled before hints existed lacks the item, and a hook then runs every regex.
Rule = list[Any]


class ExtraTool(TypedDict):
    """One extra write tool (team config `extra_tools`): calls whose tool name is `tool` (or matches
    `regex`, an anchored regex from a glob; None for an exact name) are checked as EXTRA_TOOL_KINDS[kind]
    calls, with the path or command taken from the input field `field`. `root_field` names the input
    field holding the folder a relative path or the command is relative to (None: the session's
    folder); an absolute path under `workdir` (the tool environment's own name for that folder) is
    read as relative to it."""

    tool: str
    regex: str | None
    kind: str  # "edit" | "shell"
    field: str
    root_field: str | None
    workdir: str | None


class Compaction(TypedDict):
    context_window: int | str
    warn_percent: float
    must_percent: float
    deny_percent: float


class Budget(TypedDict):
    session_tokens: int | None
    session_usd: float | None
    warn_percent: float
    prices: dict[str, dict[str, float]]


class Limits(TypedDict):
    max_feedback_iterations: int
    max_consecutive_failures: int
    max_stop_blocks: int
    max_same_check_failures: int
    loop_similarity_percent: float
    loop_max_iterations: int


class Advisor(TypedDict):
    command: str | None
    timeout: int


class Logging(TypedDict):
    max_bytes: int
    keep: int


class Secrets(TypedDict):
    """What the hooks know of the team's secrets: their names and the env files that hold some (as the
    config gives them, `~` unexpanded: contract.secrets.secret_file_path resolves them); no values."""

    names: list[str]
    files: list[str]


class Spawn(TypedDict):
    max_depth: int


class Orchestration(TypedDict):
    coordinator_mode: bool
    feature_scope: str  # one of defaults.FEATURE_SCOPES


class CompiledConfig(TypedDict):
    format: int
    kit_version: str
    source: str
    source_sha256: str
    output_dir: str
    domains: dict[str, Domain]
    domain_rules: list[Rule]  # [name, regex, glob, hints], most specific first
    exempt_rules: list[Rule]  # [label, regex, hints]
    test_lead: str
    hooks: dict[str, bool]
    extra_tools: list[ExtraTool]
    spawn: Spawn
    orchestration: Orchestration
    compaction: Compaction
    budget: Budget
    limits: Limits
    advisor: Advisor
    logging: Logging
    secrets: Secrets


# -- state and control files -----------------------------------------------------------------------


class ActiveFeature(TypedDict):
    """`features/active.json` in the repository's shared folder, written by `claude-kit feature`."""

    feature_id: str
    dir: str  # the feature's folder for the agents' reports, in the checkout (output folder)
    manifest: str  # its MANIFEST.yaml in the shared folder (project-relative under the root; older: none)
    name: str
    work_type: str
    status: str
    current_phase: str | None
    updated_at: str


class SessionRecord(TypedDict):
    """`sessions/<id>.json` in the repository's shared folder, written at SessionStart."""

    session_id: str
    root: str  # the project root of the checkout it runs in
    cwd: str
    source: str  # startup, resume, clear, compact
    started: float  # epoch seconds, kept across resumes
    seen: float  # its last SessionStart


class FileLock(TypedDict):
    """One entry of <output_dir>/locks/locks.json, keyed by project-relative path."""

    agent: str
    acquired_at: str
    expires_at: str  # UTC `YYYY-MM-DDTHH:MM:SSZ`: compared as strings


class CompletionLoop(TypedDict, total=False):
    """state/<session>/loop.json, written by `claude-kit loop start`, advanced by the Stop hook."""

    active: bool
    session_id: str
    prompt: str
    completion_promise: str | None
    max_iterations: int
    iteration: int
    started: float  # time.time() when `claude-kit loop start` armed it
    ended: str  # why it ended
    ended_at: float


Decision = Literal["allow", "warn", "deny", "block", "escalate", "error"]


class LogRecord(TypedDict, total=False):
    """One line of the decision log, written by the hooks (runtime/hook.py) and by `claude-kit
    feature` (a `task` record at every change of the active feature or phase), read by `claude-kit log`.

    The correlation ids are the runtime's own (session_id, prompt_id, agent_id, agent_type,
    tool_use_id), so the records line up with Claude Code's transcripts and OpenTelemetry events. The
    kit's task id is feature (the active feature's id) and phase: a hook writes them when it read the
    active feature anyway; `claude-kit log` fills them in for the other records from the `task`
    records before them, so that no hook reads a file only to log it.
    """

    ts: str
    session_id: str
    prompt_id: str  # absent before the session's first prompt and on runtimes without it
    agent_id: str | None
    agent_type: str | None
    tool_use_id: str | None
    event: str  # the hook event, or TASK_EVENT for a feature/phase change
    hook: str
    decision: Decision
    reason: str
    duration_ms: float
    tool: str
    checked_as: str  # an extra write tool's call: the built-in tool it was checked as (Write, Bash)
    file: str
    feature: str  # the active feature's id ("" when none is in progress)
    phase: str  # its current phase


TASK_EVENT = "Task"  # LogRecord.event of the record `claude-kit feature` writes at a feature/phase change


# -- the manifest the CLI keeps in .claude/.claude-kit/manifest.json ---------------------------------


class _ManifestFileKeys(TypedDict):
    sha256: str  # as the kit wrote it; after a clean 3-way merge, the kit's version (so it shows as edited)
    base_sha256: str  # the kit's pristine version, kept under .claude/.claude-kit/base/
    component: str  # hooks | skills | skill-library | agents | generated | config | state


class ManifestFile(_ManifestFileKeys, total=False):
    """One file the kit owns, keyed by its project-relative path in Manifest.files."""

    preexisting: bool  # there with the kit's bytes before the kit: uninstall keeps it
    user_owned: bool  # created once, then the team's (the config): never updated
    pending_sha256: str  # the kit's version a conflict wrote beside (`<file>.claude-kit-new`)


class HookHandler(TypedDict):
    type: str  # "command"
    command: str
    timeout: int  # seconds


class SettingsEntry(TypedDict):
    """One hook the kit adds to .claude/settings.json: the handler under `hooks.<event>`, in a group
    of its own with `matcher` (None: no matcher key)."""

    event: str
    matcher: str | None
    handler: HookHandler


class _ManifestSettingsKeys(TypedDict):
    existed: bool
    original_text: str | None
    entries: list[SettingsEntry]
    created: list[str]  # containers the merge created ("hooks", "hooks.<Event>", "permissions", ...)


class ManifestSettings(_ManifestSettingsKeys, total=False):
    """What the kit did to .claude/settings.json, so uninstall gives it back as it was."""

    deny: list[str]  # the `permissions.deny` rules the kit added (not those the user had already)
    sandbox: dict[str, Any]  # the `sandbox` keys the kit set, with the values it set


class ManifestClaudeMd(TypedDict):
    """What the kit did to CLAUDE.md: whether it existed, and what separates the kit's block."""

    existed: bool
    separator: str


class Manifest(TypedDict):
    format: int
    kit_version: str | None
    files: dict[str, ManifestFile]
    deleted: list[str]  # kit files the user deleted: they stay deleted
    moved_aside: dict[str, str]  # path -> where --force moved the user's file (restored on uninstall)
    existing_dirs: list[str]  # folders there before the first install (uninstall keeps them)
    settings: ManifestSettings | None
    claude_md: ManifestClaudeMd | None
