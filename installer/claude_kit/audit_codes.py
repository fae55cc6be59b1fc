"""What `claude-kit audit` can find: severities, the code table and the Finding record.

docs/knowledge.md lists the same table.
"""

from __future__ import annotations

from typing import NamedTuple

from claude_kit_hooks.contract.defaults import HOOK_TIMEOUT_MAX, HOOK_TIMEOUT_MIN

ERROR, WARNING = "error", "warning"
TIER1_BUDGET = 4000  # half of the runtime's 8,000-character listing budget at 200K context


# code -> (severity, what it means, how to fix it). docs/knowledge.md lists the same table.
CODES: dict[str, tuple[str, str, str]] = {
    "AGENT_FRONTMATTER": (
        ERROR,
        "agent file has no parseable YAML frontmatter",
        "start with `---`, name, description, tools, model, skills, `---`",
    ),
    "AGENT_NAME": (
        ERROR,
        "agent name missing, malformed, or not equal to the file name",
        "set `name:` to the file name without .md (kebab-case)",
    ),
    "AGENT_DESCRIPTION": (
        ERROR,
        "agent description missing or not a one-line 'Use when ...'",
        "write `description: Use when <situation> - <what the agent returns>` on one line",
    ),
    "AGENT_BLOCK_SCALAR": (
        ERROR,
        "agent description written as a YAML block scalar (> or |)",
        "write the description on the same line as `description:`",
    ),
    "AGENT_TOO_LONG": (
        ERROR,
        "agent file over 150 lines (leads 250)",
        "move knowledge into library skills and name them; keep method and output contract",
    ),
    "AGENT_TOOLS": (ERROR, "agent `tools` is not a comma list", "write `tools: Read, Grep, Glob, Bash`"),
    "AGENT_COORDINATOR_EDITS": (
        ERROR,
        "a lead/test-lead can edit files (Edit/Write/NotebookEdit)",
        "list its tools without Edit/Write/NotebookEdit: `tools: Read, Grep, Glob, Bash`",
    ),
    "AGENT_WORKER_SPAWNS": (
        ERROR,
        "a developer/reviewer/tester can spawn agents (Agent/Task/Workflow)",
        "list its tools without Agent, Task or Workflow; only the main thread spawns agents",
    ),
    "AGENT_EDITED": (
        WARNING,
        "a kit agent differs from the version the kit installed (part of the trusted platform)",
        "if the team did not mean this edit (a session may have), `claude-kit doctor --fix` restores it",
    ),
    "AGENT_SKILL_MISSING": (
        ERROR,
        "agent preloads a skill that does not exist",
        "use a core skill name (e.g. gateway-backend) or create that core skill",
    ),
    "AGENT_MODEL": (
        ERROR,
        "agent model is not sonnet/opus/haiku/fable/inherit or a claude-* id",
        "use sonnet for workers, opus for leads, or inherit",
    ),
    "AGENT_COLOR": (
        WARNING,
        "agent color is not one the runtime knows",
        "use red, blue, green, yellow, purple, orange, pink or cyan",
    ),
    "AGENT_UNKNOWN_KEY": (
        WARNING,
        "agent frontmatter key the runtime ignores",
        "remove it or fix its spelling",
    ),
    "SKILL_MISSING_FILE": (
        ERROR,
        "skill directory without SKILL.md",
        "add SKILL.md with name/description frontmatter, or delete the directory",
    ),
    "SKILL_FRONTMATTER": (
        ERROR,
        "SKILL.md has no parseable YAML frontmatter",
        "start the file with `---`, `name: ...`, `description: Use when ...`, `---`",
    ),
    "SKILL_BLOCK_SCALAR": (
        ERROR,
        "description written as a YAML block scalar (> or |)",
        "write the description on the same line as `description:` (quote it if it has `: `)",
    ),
    "SKILL_NAME_FORMAT": (
        ERROR,
        "name missing, not [a-z0-9-], or longer than 64",
        "use 1-64 lowercase letters, digits and single hyphens, equal to the directory",
    ),
    "SKILL_NAME_MISMATCH": (
        ERROR,
        "name differs from the directory name",
        "rename the directory or the `name:` so they are equal",
    ),
    "SKILL_DESCRIPTION_MISSING": (
        ERROR,
        "description missing or empty",
        "add `description: Use when <situation> - <what it covers>` on one line",
    ),
    "SKILL_DESCRIPTION_MULTILINE": (
        ERROR,
        "description spans several lines",
        "put the whole description on one line",
    ),
    "SKILL_DESCRIPTION_TOO_LONG": (
        ERROR,
        "description longer than 1024 characters",
        "keep the situation and the key nouns; move detail into the body",
    ),
    "SKILL_DESCRIPTION_CORE_LONG": (
        WARNING,
        "core skill description longer than 170 characters",
        "shorten it; move detail into the body or a library skill",
    ),
    "SKILL_DESCRIPTION_USE_WHEN": (
        WARNING,
        "description does not start with 'Use when'",
        "rewrite as `Use when <situation> - <what it covers>`",
    ),
    "SKILL_TRIGGERS": (
        WARNING,
        "library skill without a list of triggers",
        "add `triggers: [4-10 short phrases a developer would type]`",
    ),
    "SKILL_TOO_LONG": (
        ERROR,
        "SKILL.md has 500 lines or more",
        "move depth into references/<topic>.md and link it",
    ),
    "SKILL_DUPLICATE_NAME": (ERROR, "two skills share a name", "rename one of them (name and directory)"),
    "SKILL_UNREACHABLE": (
        ERROR,
        "library skill not routed from any gateway",
        "move it under a category that has a gateway-<category> core skill, or add `gateways: [<domain>]`",
    ),
    "LINK_BROKEN": (
        ERROR,
        "a references/ link or relative link does not resolve",
        "create the file or fix the link (relative to the skill's directory)",
    ),
    "PATH_BROKEN": (
        ERROR,
        "a .claude/... path (or Read(...)) does not resolve",
        "fix the path (library skills: .claude/skill-library/<category>/<name>/SKILL.md) or create the file",
    ),
    "CONFIG_KEY_UNKNOWN": (
        ERROR,
        "a skill or agent names a config key (or shows a config) that the schema rejects",
        "use the key the schema has (every key: .claude/skill-library/kit/configuring-claude-kit/SKILL.md)",
    ),
    "COMMAND_UNKNOWN": (
        ERROR,
        "a skill or agent shows a `claude-kit` command or option the CLI does not have",
        "use a command from `claude-kit --help` (and its options from `claude-kit <command> --help`)",
    ),
    "AGENT_UNKNOWN": (
        ERROR,
        "a skill or agent names an agent that does not exist",
        "name an agent under .claude/agents/, or show the example agent's file where you use its name",
    ),
    "OUTPUT_NAME_UNKNOWN": (
        ERROR,
        "a skill or agent names a feature-folder file the orchestration never writes",
        "use the file name the feature playbook gives (`claude-kit feature status <id>` shows it per phase)",
    ),
    "BLOCK_EXAMPLE_INVALID": (
        ERROR,
        "a plan or verdict block shown in a skill or agent fails the check the kit applies to real ones",
        "fix the example: verdict fields per schemas/verdict.schema.json, plan fields per writing-plans",
    ),
    "LIBRARY_ORPHAN": (
        WARNING,
        "file under skill-library that belongs to no skill",
        "move it into a skill's references/ folder and link it, or delete it",
    ),
    "REFERENCE_UNLINKED": (
        WARNING,
        "references/ file that nothing links to",
        "link it from SKILL.md as `references/<file>` (say when to read it), or delete it",
    ),
    "GATEWAY_NO_ROUTING": (
        ERROR,
        "gateway without the generated routing-table markers",
        "add `<!-- claude-kit:routing:start -->` and `<!-- claude-kit:routing:end -->` on their own lines",
    ),
    "INDEX_MISSING": (ERROR, "routing index missing or unreadable", "run `claude-kit sync`"),
    "INDEX_STALE": (
        ERROR,
        "routing index differs from the library frontmatter",
        "run `claude-kit sync` (it regenerates index.json and the gateways' tables)",
    ),
    "ROUTING_TABLE_STALE": (
        ERROR,
        "a gateway's routing table differs from the library",
        "run `claude-kit sync`; never edit between the routing markers by hand",
    ),
    "TIER1_BUDGET": (
        ERROR,
        "core skill listing over 4,000 characters",
        "shorten core descriptions, or move core skills into the library behind a gateway",
    ),
    "CONTEXT_BUDGET": (
        WARNING,
        "the always-on context (main thread, or one agent's spawn) is over `context.budget_chars`",
        "shorten CLAUDE.md's kit block, agent descriptions and bodies, or drop preloaded `skills:`; "
        "or raise `context.budget_chars` in .claude/claude-kit.yaml",
    ),
    "SCAFFOLD_UNEDITED": (
        WARNING,
        "a scaffold's author instructions are still in the file",
        "write the real content, then delete every `claude-kit:scaffold` comment",
    ),
    "SETTINGS_INVALID": (
        ERROR,
        ".claude/settings.json is not valid JSON",
        "fix the syntax: the runtime ignores every hook of an unparseable settings file",
    ),
    "HOOK_FILE_MISSING": (
        ERROR,
        "a kit hook entry points at a missing file",
        "run `claude-kit update` to restore it (or `claude-kit uninstall`)",
    ),
    "HOOK_MATCHER_TASK": (
        ERROR,
        "a tool matcher names Task but not Agent",
        "write `Agent|Task`: the spawn tool is `Agent` since Claude Code 2.1.63",
    ),
    "HOOK_TIMEOUT": (
        ERROR,
        f"a hook timeout is not whole seconds in {HOOK_TIMEOUT_MIN}..{HOOK_TIMEOUT_MAX}",
        f"use seconds, e.g. 10 for a tool gate, {HOOK_TIMEOUT_MAX} at most",
    ),
    "CONFIG_INVALID": (
        ERROR,
        ".claude/claude-kit.yaml is missing or fails its schema",
        "fix the config (every key: .claude/skill-library/kit/configuring-claude-kit/SKILL.md), "
        "then run `claude-kit sync`",
    ),
}


class Finding(NamedTuple):
    severity: str
    code: str
    file: str
    line: int | None
    message: str
    fix: str
