"""The headless session a CI job runs: Claude Code's flags (turn cap, budget, permission mode, the
result's schema), one definition for the generated workflow and for the e2e test that runs them.

The workflow hands these to `anthropics/claude-code-action` as `claude_args`; the action runs
`claude -p` with them (and its own `--output-format stream-json --verbose`), and reads the result's
`structured_output` (present because of `--json-schema`) into its `structured_output` output.
"""

from __future__ import annotations

import json
import shlex
from functools import cache
from pathlib import Path
from typing import Any

# Turns of the main thread before the runtime ends the session: a runaway session stops here even
# when the team config sets no budget.
MAX_TURNS = 40
# Edits go through without a person to approve them (the kit's hooks still decide); commands the
# model runs need the team's own `--allowedTools` in the workflow.
PERMISSION_MODE = "acceptEdits"
RESULT_SCHEMA_FILE = Path(__file__).parent / "schemas" / "ci-result.schema.json"


@cache
def result_schema() -> dict[str, Any]:
    """The schema of the session's structured result (verdict, summary, files)."""
    data: dict[str, Any] = json.loads(RESULT_SCHEMA_FILE.read_text(encoding="utf-8"))
    return data


def _compact_schema() -> str:
    # The runtime takes the schema inline; its annotations ($id, title) are for people, not the model.
    schema = {k: v for k, v in result_schema().items() if k not in ("$schema", "$id", "title")}
    return json.dumps(schema, separators=(",", ":"))


def claude_args(cfg: dict[str, Any]) -> list[str]:
    """The flags of the governed headless session, from the team config (its `budget.session_usd`)."""
    args = ["--max-turns", str(MAX_TURNS), "--permission-mode", PERMISSION_MODE]
    usd = (cfg.get("budget") or {}).get("session_usd")
    if usd is not None:
        args += ["--max-budget-usd", f"{usd:g}"]
    return [*args, "--json-schema", _compact_schema()]


def claude_args_text(cfg: dict[str, Any]) -> str:
    """`claude_args` as the workflow writes it: one shell-quoted line (the action splits it so)."""
    return shlex.join(claude_args(cfg))
