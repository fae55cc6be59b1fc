"""`claude-kit export plugin`: what the plugin holds, how a rerun updates it, what it refuses (`claude
plugin validate` on the output: tests/e2e/test_plugin_e2e.py, with the pinned runtimes)."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest
from click.testing import CliRunner

from claude_kit import plugin_export
from claude_kit.cli import cli
from claude_kit.errors import KitError
from claude_kit.payload import payload_root
from claude_kit_hooks.contract.defaults import HOOK_EVENTS
from claude_kit_hooks.contract.naming import PLUGIN_NAME


def export(target: Path, *args: str) -> tuple[int, str]:
    res = CliRunner().invoke(cli, ["export", "plugin", str(target), *args])
    return res.exit_code, res.output


def test_the_plugin_carries_the_hooks_agents_and_core_skills(tmp_path: Path) -> None:
    target = tmp_path / "plugin"
    code, out = export(target)
    assert code == 0, out
    manifest = json.loads((target / ".claude-plugin/plugin.json").read_text())
    assert manifest["name"] == PLUGIN_NAME and manifest["version"]
    agents = sorted(p.name for p in (target / "agents").iterdir())
    assert agents == sorted(p.name for p in (payload_root() / "agents").glob("*.md"))
    skills = {p.name for p in (target / "skills").iterdir()}
    assert "using-the-kit" in skills and not any(s.startswith("gateway-") for s in skills)
    assert (target / "hooks/run").stat().st_mode & stat.S_IXUSR
    assert (target / "hooks/claude_kit_hooks/runtime/plugin.py").is_file()
    assert not list(target.rglob("__pycache__"))


def test_every_hook_runs_the_plugins_launcher_through_claude_plugin_root(tmp_path: Path) -> None:
    target = tmp_path / "plugin"
    export(target)
    hooks = json.loads((target / "hooks/hooks.json").read_text())["hooks"]
    commands = {
        group.get("matcher"): handler["command"]
        for groups in hooks.values()
        for group in groups
        for handler in group["hooks"]
    }
    assert set(hooks) == {event for event, _, _ in HOOK_EVENTS.values()}
    for module, (event, matcher, _) in HOOK_EVENTS.items():
        [group] = hooks[event]
        assert group.get("matcher") == matcher
        [handler] = group["hooks"]
        assert handler["command"] == f'sh "${{CLAUDE_PLUGIN_ROOT}}/hooks/run" {module} || exit 1'
        assert (target / f"hooks/{module}.py").is_file()
    assert all("CLAUDE_PROJECT_DIR" not in c for c in commands.values())


def test_a_rerun_changes_nothing_then_updates_in_place(tmp_path: Path) -> None:
    target = tmp_path / "plugin"
    export(target)
    code, out = export(target)
    assert code == 0 and "(0 changed)" in out, out
    # Files an older export wrote and this one does not: removed when untouched, kept when edited.
    record_path = target / plugin_export.RECORD
    record = json.loads(record_path.read_text())
    (target / "skills/old-skill").mkdir()
    (target / "skills/old-skill/SKILL.md").write_text("old\n")
    (target / "agents/old-agent.md").write_text("old\n")
    record["files"]["skills/old-skill/SKILL.md"] = plugin_export._sha(b"old\n")
    record["files"]["agents/old-agent.md"] = plugin_export._sha(b"older\n")  # edited since
    record_path.write_text(json.dumps(record))
    (target / "hooks/run").write_text("tampered\n")

    code, out = export(target)

    assert code == 0, out
    assert "remove   skills/old-skill/SKILL.md" in out and "keep     agents/old-agent.md" in out
    assert not (target / "skills/old-skill").exists()
    assert (target / "agents/old-agent.md").read_text() == "old\n"
    assert (target / "hooks/run").read_bytes() == (payload_root() / "hooks/run").read_bytes()
    assert "old-skill" not in record_path.read_text()


def test_a_non_empty_folder_no_export_wrote_is_refused_without_force(tmp_path: Path) -> None:
    target = tmp_path / "mine"
    target.mkdir()
    (target / "notes.md").write_text("mine\n")
    code, out = export(target)
    assert code == 2
    assert f"{target}: the folder is not empty and no claude-kit export wrote it; nothing was changed" in out
    assert sorted(p.name for p in target.iterdir()) == ["notes.md"]

    code, out = export(target, "--force")
    assert code == 0, out
    assert (target / "notes.md").read_text() == "mine\n"  # its other files stay
    assert (target / "hooks/hooks.json").is_file()


def test_dry_run_lists_the_files_and_writes_nothing(tmp_path: Path) -> None:
    target = tmp_path / "plugin"
    code, out = export(target, "--dry-run")
    assert code == 0 and "write    hooks/hooks.json" in out and "dry run: nothing was written" in out
    assert not target.exists()


@pytest.mark.parametrize(
    ("setup", "message"),
    [
        (lambda t: t.write_text("x"), "{t}: is a file, not a folder; nothing was changed"),
        (
            lambda t: (t.mkdir(), (t / "hooks").write_text("x")),
            "{t}/hooks: is a file where the kit needs a folder (for hooks/claude_kit_hooks/__init__.py)",
        ),
        (
            lambda t: (t.mkdir(), (t / plugin_export.RECORD).write_text("{not json")),
            "{t}/" + plugin_export.RECORD + ": unreadable record of an earlier export",
        ),
    ],
    ids=["target-is-a-file", "file-in-the-way", "broken-record"],
)
def test_bad_targets_get_a_path_qualified_error_and_nothing_changes(
    tmp_path: Path, setup: object, message: str
) -> None:
    target = tmp_path / "plugin"
    setup(target)  # type: ignore[operator]
    before = sorted(str(p) for p in tmp_path.rglob("*"))
    with pytest.raises(KitError) as err:
        plugin_export.plan_export(target, plugin_export.plugin_files(), force=True)
    assert message.format(t=target) in err.value.message
    assert sorted(str(p) for p in tmp_path.rglob("*")) == before
