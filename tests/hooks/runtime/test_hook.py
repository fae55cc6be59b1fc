"""runtime/hook: what a check records in the decision log is redacted and bounded."""

from __future__ import annotations

import json
from pathlib import Path

from claude_kit_hooks.runtime.hook import Hook
from claude_kit_hooks.runtime.project import Project


def test_logged_fields_are_redacted_and_bounded(tmp_path: Path) -> None:
    project = Project(str(tmp_path))
    hook = Hook("PreToolUse", {"session_id": "s", "tool_name": "Bash"}, 0.0, project)
    hook._config_loaded = True
    secret = "sk-ant-" + "k" * 40
    reason = "reason with " + secret + " " + "r" * 5000
    hook.log("shell_write_warning", "warn", reason, command=secret + " " + "c" * 5000)
    [rec] = [json.loads(line) for line in Path(project.paths.decision_log).read_text().splitlines()]
    assert secret not in json.dumps(rec)
    assert len(rec["reason"]) == 2000 and len(rec["command"]) == 500
