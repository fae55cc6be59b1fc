# claude-kit: managed, id=hooks/claude_kit_hooks/contract/defaults
"""The team config's defaults, names and limits that the CLI and the hooks share.

The CLI merges DEFAULTS under the team's YAML and compiles the result for the hooks; the hooks fill a
key the compiled JSON lacks (another kit version, a hand edit) from the same DEFAULTS.
"""

from __future__ import annotations

from claude_kit_hooks.contract.layout import DEFAULT_OUTPUT_DIR

TYPE_CHECKING = False  # typing costs ~14 ms at a hook's start-up; mypy still reads the branch
if TYPE_CHECKING:
    from typing import Any

COMPILED_FORMAT = 1
# A domain's agents by role; the config may rename any of them.
AGENT_ROLES = ("lead", "developer", "reviewer", "tester")
TEST_LEAD = "test-lead"
# The verification roles a domain goes through at Stop, in order, and how messages name them.
VERIFY_ROLES = ("review", "test_planning", "testing")
ROLE_WORD = {"review": "review", "test_planning": "test plan", "testing": "testing"}
HOOK_NAMES = (
    "session_context",
    "prompt_reminder",
    "precompact_context",
    "subagent_context",
    "kit_files",
    "agent_first",
    "shell_write_warning",
    "spawn_depth",
    "coordinator_no_edit",
    "compaction_gate",
    "budget",
    "spawn_skills",
    "file_locks",
    "track_modifications",
    "verdicts",
    "feedback_loop",
    "quality_gate",
    "output_location",
    "completion_loop",
    "loop_detection",
    "advisor",
    "secret_exposure",
)
KILL_SWITCH = "CLAUDE_KIT_DISABLE"  # =1 in Claude Code's environment: every kit hook off
DISABLE_HOOKS_ENV = "CLAUDE_KIT_DISABLE_HOOKS"  # comma list of HOOK_NAMES turned off

# Tool groups the dispatchers route on.
EDIT_TOOLS = ("Edit", "Write", "NotebookEdit")
# Every tool that starts agents: each goes through the same spawn gates (depth, compaction, budget),
# and the settings matchers are built from this list, so a new spawning tool is one line here.
# Workflow runs a script whose agent() calls start agents of any type (no PreToolUse(Agent) for them).
SPAWN_TOOLS = ("Agent", "Task", "Workflow")
# The spawning tools whose PostToolUse result is one agent's (its id, usage and final text).
AGENT_TOOLS = ("Agent", "Task")
SHELL_TOOLS = ("Bash", "PowerShell")
# Tools that show a file's text: checked only for the team's secret files (edit/secret_exposure.py).
SECRET_READ_TOOLS = ("Read", "Grep")
# Extra write tools (team config `extra_tools`: MCP tools that edit files or run commands, such as
# container-use's): each kind and the built-in tool whose checks a mapped call goes through.
EXTRA_TOOL_KINDS = {"edit": "Write", "shell": "Bash"}

# Dispatcher module -> (event, tool matcher, timeout in seconds) as wired into settings.json.
HOOK_EVENTS: dict[str, tuple[str, str | None, int]] = {
    "session_start": ("SessionStart", None, 10),
    "user_prompt_submit": ("UserPromptSubmit", None, 10),
    "pre_tool_use": ("PreToolUse", "|".join(EDIT_TOOLS + SPAWN_TOOLS + SHELL_TOOLS), 10),
    "post_tool_use": ("PostToolUse", "|".join(EDIT_TOOLS + AGENT_TOOLS), 10),
    "subagent_start": ("SubagentStart", None, 10),
    "subagent_stop": ("SubagentStop", None, 60),
    "stop": ("Stop", None, 600),
    "pre_compact": ("PreCompact", None, 10),
    # Claude Code 2.1.332+ (a skill's `!` shell lines); older versions ignore the entry.
    "pre_skill_shell_command": ("PreSkillShellCommand", "|".join(SHELL_TOOLS), 10),
    # A settings file reloaded mid-session (the runtime would apply its hooks and env at once).
    "config_change": ("ConfigChange", "project_settings|local_settings", 10),
}


def pre_tool_use_matcher(secret_files: bool) -> str:
    """The PreToolUse matcher: Read and Grep join it only where the team config names secret files,
    so a repository without them starts no hook process on its most frequent tool calls."""
    base = HOOK_EVENTS["pre_tool_use"][1] or ""
    return "|".join((base, *SECRET_READ_TOOLS)) if secret_files else base


# The runtime reads a hook's `timeout` as whole seconds; the kit keeps every entry in this range.
HOOK_TIMEOUT_MIN, HOOK_TIMEOUT_MAX = 1, 600
CHECK_TIMEOUT_DEFAULT = 300


def valid_hook_timeout(value: object) -> bool:
    """The one rule every settings validator (doctor, audit) applies to a hook handler's `timeout`:
    absent (the runtime's default applies) or whole seconds in HOOK_TIMEOUT_MIN..HOOK_TIMEOUT_MAX
    (a value in milliseconds, 5000, would be 83 minutes)."""
    if value is None:
        return True
    return (
        isinstance(value, int)
        and not isinstance(value, bool)
        and HOOK_TIMEOUT_MIN <= value <= HOOK_TIMEOUT_MAX
    )


def stop_timeout(check_timeouts: list[int] | None) -> int:
    """The Stop hook's timeout: 30 s plus the configured checks' timeouts, within 60..HOOK_TIMEOUT_MAX;
    the static default of HOOK_EVENTS when no config is known (None)."""
    if check_timeouts is None:
        return HOOK_EVENTS["stop"][2]
    return max(60, min(HOOK_TIMEOUT_MAX, 30 + sum(check_timeouts)))


def stop_check_budget(hook_timeout: int) -> int:
    """Seconds of the Stop hook's `hook_timeout` its checks may use, all of them together: the rest
    (a quarter, 3..30 s) is left for the gates around them, so the runtime never kills the gate
    while a check runs (a killed Stop hook decides nothing, and the stop goes through)."""
    return max(1, hook_timeout - min(30, max(3, hook_timeout // 4)))


DEFAULTS: dict[str, Any] = {
    "output_dir": DEFAULT_OUTPUT_DIR,
    "domains": {},
    "exemptions": {"tests": True, "docs": True, "globs": []},
    "hooks": {},
    "extra_tools": {},
    "spawn": {"max_depth": 1},
    "orchestration": {"coordinator_mode": False, "feature_scope": "code"},
    "protection": {"permission_rules": True, "sandbox": False},
    "compaction": {"context_window": "auto", "warn_percent": 75, "must_percent": 80, "deny_percent": 85},
    "budget": {
        "session_tokens": None,
        "session_usd": None,
        "warn_percent": 80,
        # USD per million tokens; the longest matching model-name prefix wins. From the pricing
        # table of the pinned Claude Code 2.1.329 (cache_write = 5-minute cache writes).
        "prices": {
            "claude-opus": {"input": 5.0, "output": 25.0, "cache_write": 6.25, "cache_read": 0.5},
            "claude-opus-4-0": {"input": 15.0, "output": 75.0, "cache_write": 18.75, "cache_read": 1.5},
            "claude-opus-4-1": {"input": 15.0, "output": 75.0, "cache_write": 18.75, "cache_read": 1.5},
            "claude-opus-4-2025": {"input": 15.0, "output": 75.0, "cache_write": 18.75, "cache_read": 1.5},
            "claude-opus-5-5": {"input": 4.0, "output": 20.0, "cache_write": 5.0, "cache_read": 0.2},
            "claude-sonnet": {"input": 3.0, "output": 15.0, "cache_write": 3.75, "cache_read": 0.3},
            "claude-sonnet-5": {"input": 2.0, "output": 10.0, "cache_write": 2.5, "cache_read": 0.2},
            "claude-sonnet-5-5": {"input": 2.0, "output": 10.0, "cache_write": 2.5, "cache_read": 0.1},
            "claude-haiku": {"input": 1.0, "output": 5.0, "cache_write": 1.25, "cache_read": 0.1},
            "claude-haiku-5-5": {"input": 0.1, "output": 0.5, "cache_write": 0.125, "cache_read": 0.01},
            "claude-fable": {"input": 10.0, "output": 50.0, "cache_write": 12.5, "cache_read": 1.0},
            "claude-fable-5-1": {"input": 10.0, "output": 50.0, "cache_write": 12.5, "cache_read": 0.25},
            "claude-fable-5-2": {"input": 8.0, "output": 40.0, "cache_write": 10.0, "cache_read": 0.2},
            "claude-mythos": {"input": 10.0, "output": 50.0, "cache_write": 12.5, "cache_read": 1.0},
            "claude-mythos-5-1": {"input": 10.0, "output": 50.0, "cache_write": 12.5, "cache_read": 0.25},
            "claude-mythos-5-2": {"input": 8.0, "output": 40.0, "cache_write": 10.0, "cache_read": 0.2},
        },
    },
    # What `claude-kit audit` warns past: characters of kit text always in a main-thread request
    # (skill and agent listings, CLAUDE.md block) or at the start of a spawn (issue 13's goal).
    "context": {"budget_chars": 8000},
    "limits": {
        "max_feedback_iterations": 5,
        "max_consecutive_failures": 3,
        "max_stop_blocks": 6,
        "max_same_check_failures": 3,
        "loop_similarity_percent": 90,
        "loop_max_iterations": 20,
    },
    "advisor": {"command": None, "timeout": 20},
    "logging": {"max_bytes": 2_000_000, "keep": 3},
    # name -> {provider, and where the value is}: `claude-kit secrets run` reads it, the hooks get the
    # names and the env files (secret_providers.py); values are never in the config.
    "secrets": {},
    # Where `claude-kit log --otlp` sends the decision log: an OTLP/HTTP collector URL or a JSON file.
    "telemetry": {"otlp": None},
}

# What the main thread may not edit while a feature is in progress (orchestration.feature_scope):
# `code`, the files of a domain but its docs; `everything` outside the output folder.
FEATURE_SCOPES = ("code", "everything")

# Test and doc files the main thread may edit itself (exemptions.tests / exemptions.docs): each regex
# with its hints, texts of which every path it matches contains at least one, so that a hook runs (and
# compiles) the regex only for a path that has one. A hint must follow from its regex alone: test with
# tests/hooks/contract/test_defaults.py after any change to either.
#
# Anchored so that code stays code: a folder named like a test or doc folder deep in a package
# (`internal/spec/`, `backend/docs/docs.go`, `pkg/test/`) is production code. Tests are files named
# as their language's test runner finds them, folders whose name is reserved for tests wherever they
# are (`tests/`, `__tests__/`, `__snapshots__/`, `testdata/`, `e2e/`), and `test/` or `spec/` at the
# top of the project. The paths are relative to the project root, or to the root of the worktree a
# path is in.
TEST_FILE_RULES: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        r"^(test|spec)/|(^|/)(tests|__tests__|__snapshots__|testdata|e2e)/",
        ("test/", "spec/", "tests/", "__tests__/", "__snapshots__/", "testdata/", "e2e/"),
    ),
    (r"_test\.(go|py)$", ("_test.go", "_test.py")),
    (r"(^|/)test_[^/]*\.py$", ("test_",)),
    (r"(^|/)conftest\.py$", ("conftest.py",)),
    (r"\.(test|spec)\.[cm]?[jt]sx?$", (".test.", ".spec.")),
)
# Source-code file types: never a doc, even under the top-level docs/ folder (a Sphinx conf.py, the
# Go package `swag` generates as docs/docs.go).
CODE_SUFFIXES = (
    "go", "py", "pyi", "js", "jsx", "mjs", "cjs", "ts", "tsx", "mts", "cts", "rs", "java", "kt", "rb",
    "php", "c", "h", "cc", "cpp", "hpp", "cs", "swift", "sh", "sql", "proto", "vue", "svelte",
)  # fmt: skip
# Docs are documentation file types anywhere, except the text files that are build input
# (CMakeLists.txt, requirements*.txt, constraints*.txt); and non-code files under a top-level doc/ or
# docs/ folder (images, site config).
DOC_FILE_RULES: tuple[tuple[str, tuple[str, ...]], ...] = (
    (
        r"(^|/)(?!CMakeLists\.txt$|requirements[^/]*\.txt$|constraints[^/]*\.txt$)[^/]*\.(md|mdx|rst|adoc|txt)$",
        (".md", ".rst", ".adoc", ".txt"),
    ),
    (r"^docs?/(?!.*\.(" + "|".join(CODE_SUFFIXES) + r")$)", ("doc/", "docs/")),
)
