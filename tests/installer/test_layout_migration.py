"""A repository installed with the flat hook layout of kit 0.1 (hooks/ckrt.py + hooks/ck_*.py) moves to
the package layout on `claude-kit update`: the hooks run from the new files, no old module is left,
and `doctor` is clean. A user-edited old module is kept (never lose an edit) and does nothing."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from claude_kit import payload, render

CK = Callable[..., Result]
# Every module of the flat layout that the package layout replaced.
OLD_MODULES = (
    "ckrt", "ck_advisor", "ck_completion", "ck_context", "ck_decision", "ck_edit", "ck_escalation",
    "ck_feedback", "ck_locks", "ck_loop", "ck_loop_config", "ck_loop_detection", "ck_output_location",
    "ck_proc", "ck_quality_gate", "ck_reports", "ck_schema", "ck_spawn", "ck_state", "ck_stop",
    "ck_tracking", "ck_verdicts",
)  # fmt: skip
# The flat layout's dispatchers imported ckrt and ran `ckrt.run`; their names stay the same.
OLD_DISPATCHER = (
    '# claude-kit: managed, id=hooks/{name}\nimport sys\n\nimport ckrt\n\nsys.exit(ckrt.run("{name}", []))\n'
)


@pytest.fixture
def old_kit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The payload as kit 0.1 shipped it: same skills, agents and launcher, flat hook modules."""
    src = payload.payload_root()
    dst = tmp_path / "old-kit"
    for name in (*payload.PAYLOAD_DIRS, payload.TEMPLATE):
        if (src / name).is_dir():
            shutil.copytree(src / name, dst / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(src / name, dst / name)
    hooks = dst / "hooks"
    shutil.rmtree(hooks / "claude_kit_hooks")
    for dispatcher in hooks.glob("*.py"):
        dispatcher.write_text(OLD_DISPATCHER.format(name=dispatcher.stem))
    for module in OLD_MODULES:
        (hooks / f"{module}.py").write_text(f"# claude-kit: managed, id=hooks/{module}\n")
    monkeypatch.setattr(render, "payload_root", lambda: dst)
    return dst


def _hook_answer(repo: Path, payload_obj: dict[str, object]) -> dict[str, object]:
    settings = json.loads((repo / ".claude/settings.json").read_text())
    (command,) = [
        h["command"]
        for group in settings["hooks"]["PreToolUse"]
        for h in group["hooks"]
        if "pre_tool_use" in h["command"]
    ]
    env = {**os.environ, "CLAUDE_PROJECT_DIR": str(repo)}
    env.pop("CLAUDE_KIT_DISABLE", None)
    proc = subprocess.run(
        ["sh", "-c", command],
        input=json.dumps(payload_obj).encode(),
        env=env,
        capture_output=True,
        check=True,
    )
    answer: dict[str, object] = json.loads(proc.stdout)
    return answer


def test_update_moves_a_flat_layout_install_to_the_package(
    ck: CK, sample_repo: Path, old_kit: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert ck("install", str(sample_repo)).exit_code == 0
    hooks = sample_repo / ".claude/hooks"
    assert (hooks / "ckrt.py").is_file() and not (hooks / "claude_kit_hooks").exists()

    monkeypatch.setattr(render, "payload_root", payload.payload_root)
    res = ck("update", str(sample_repo))
    assert res.exit_code == 0, res.output

    left = sorted(p.name for p in hooks.glob("ck*.py"))
    assert left == [], f"old modules left behind: {left}"
    assert (hooks / "claude_kit_hooks/runtime/entry.py").is_file()
    manifest = json.loads((sample_repo / ".claude/.claude-kit/manifest.json").read_text())
    assert not [rel for rel in manifest["files"] if "/ck" in rel], "the manifest still owns old modules"
    doctor = ck("doctor", str(sample_repo))
    assert doctor.exit_code == 0, doctor.output

    answer = _hook_answer(
        sample_repo,
        {
            "session_id": "s-migrated",
            "transcript_path": "",
            "cwd": str(sample_repo),
            "hook_event_name": "PreToolUse",
            "tool_name": "Edit",
            "tool_use_id": "toolu_1",
            "tool_input": {
                "file_path": str(sample_repo / "cmd/api/main.go"),
                "old_string": "a",
                "new_string": "b",
            },
        },
    )
    spec = answer["hookSpecificOutput"]
    assert isinstance(spec, dict) and spec["permissionDecision"] == "deny", answer


def test_an_edited_old_module_is_kept_and_inert(
    ck: CK, sample_repo: Path, old_kit: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert ck("install", str(sample_repo)).exit_code == 0
    edited = sample_repo / ".claude/hooks/ck_edit.py"
    edited.write_text(edited.read_text() + "# our team's tweak\n")

    monkeypatch.setattr(render, "payload_root", payload.payload_root)
    res = ck("update", str(sample_repo))
    assert res.exit_code == 0, res.output
    assert "kept your edit" in res.output
    assert edited.read_text().endswith("# our team's tweak\n")
    assert not (sample_repo / ".claude/hooks/ckrt.py").exists()
