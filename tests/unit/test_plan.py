"""The decision table of plan_install / plan_uninstall on small fixtures (no payload, no git repo)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from claude_kit import apply, claude_md, settings_merge
from claude_kit.manifest import base_path, sha256
from claude_kit.plan import (
    ASIDE_SUFFIX,
    CLAUDE_MD_REL,
    SETTINGS_REL,
    Action,
    Desired,
    Plan,
    plan_install,
)
from claude_kit.plan_uninstall import plan_uninstall
from claude_kit_hooks.contract.layout import KEPT

AGENT = ".claude/agents/dev.md"
SKILL = ".claude/skills/s/SKILL.md"
CONFIG = ".claude/claude-kit.yaml"
V1 = b"".join(f"kit line {i}\n".encode() for i in range(1, 9))
ENTRIES = [
    {
        "event": "Stop",
        "matcher": None,
        "handler": {"type": "command", "command": settings_merge.command_for("stop"), "timeout": 60},
    }
]


def kit(agent: bytes = V1, skill: bytes = b"skill v1\n", config: bytes = b"version: 1\n") -> list[Desired]:
    return [
        Desired(AGENT, agent, "agents"),
        Desired(SKILL, skill, "skills"),
        Desired(CONFIG, config, "config", user_owned=True),
    ]


def plan(root: Path, desired: list[Desired], old: dict[str, Any] | None, *, force: bool = False) -> Plan:
    return plan_install(root, desired, ENTRIES, "kit block", old, "1.0", force=force)


def install(root: Path, desired: list[Desired], old: dict[str, Any] | None = None) -> dict[str, Any]:
    p = plan(root, desired, old)
    apply.apply_plan(root, p)
    assert p.manifest is not None
    return p.manifest


def act(p: Plan, path: str) -> Action:
    return next(a for a in p.actions if a.path == path)


def edit(root: Path, rel: str, index: int, line: bytes) -> None:
    lines = (root / rel).read_bytes().splitlines(keepends=True)
    lines[index] = line
    (root / rel).write_bytes(b"".join(lines))


def snapshot(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


# -- first install -----------------------------------------------------------------------------------


def test_fresh_install_creates_everything(tmp_path: Path) -> None:
    p = plan(tmp_path, kit(), None)
    assert {a.path: a.status for a in p.actions} == {
        AGENT: "create",
        SKILL: "create",
        CONFIG: "create",
        SETTINGS_REL: "create",
        CLAUDE_MD_REL: "create",
    }
    assert p.errors == [] and p.changes
    assert p.manifest is not None
    rec = p.manifest["files"][AGENT]
    assert rec == {"sha256": sha256(V1), "base_sha256": sha256(V1), "component": "agents"}
    assert p.manifest["files"][CONFIG]["user_owned"] is True
    assert p.base_files[base_path(AGENT)] == V1
    assert base_path(AGENT) == ".claude/.claude-kit/base/agents/dev.md"  # never discovered as an agent
    assert p.counts()["create"] == 5
    assert not any(tmp_path.iterdir())  # planning writes nothing


def test_identical_preexisting_file_is_claimed_but_kept_on_uninstall(tmp_path: Path) -> None:
    (tmp_path / ".claude").mkdir()
    (tmp_path / CONFIG).write_bytes(b"version: 1\n")  # the team wrote its config before installing
    p = plan(tmp_path, kit(), None)
    assert act(p, CONFIG).status == "identical"
    assert p.manifest is not None and p.manifest["files"][CONFIG]["preexisting"] is True
    apply.apply_plan(tmp_path, p)
    un = plan_uninstall(tmp_path, p.manifest)
    assert act(un, CONFIG).status == "skip"
    apply.apply_plan(tmp_path, un)
    assert (tmp_path / CONFIG).read_bytes() == b"version: 1\n"
    assert sorted(snapshot(tmp_path)) == [CONFIG]


def test_foreign_file_is_refused_without_force(tmp_path: Path) -> None:
    (tmp_path / ".claude/agents").mkdir(parents=True)
    (tmp_path / AGENT).write_bytes(b"mine\n")
    p = plan(tmp_path, kit(), None)
    assert act(p, AGENT).status == "conflict"
    assert p.errors == [
        f"{AGENT}: exists and was not installed by claude-kit; rerun with --force to move it aside "
        f"to {AGENT}{ASIDE_SUFFIX} (uninstall puts it back)"
    ]
    before = snapshot(tmp_path)
    with pytest.raises(Exception, match="refusing to change anything"):
        apply.apply_plan(tmp_path, p)
    assert snapshot(tmp_path) == before


def test_foreign_file_with_force_is_moved_aside_and_restored(tmp_path: Path) -> None:
    (tmp_path / ".claude/agents").mkdir(parents=True)
    (tmp_path / AGENT).write_bytes(b"mine\n")
    before = snapshot(tmp_path)
    p = plan(tmp_path, kit(), None, force=True)
    a = act(p, AGENT)
    assert (a.status, a.move_aside, a.write) == ("update", True, V1)
    assert p.manifest is not None and p.manifest["moved_aside"] == {AGENT: AGENT + ASIDE_SUFFIX}
    apply.apply_plan(tmp_path, p)
    assert (tmp_path / (AGENT + ASIDE_SUFFIX)).read_bytes() == b"mine\n"
    assert (tmp_path / AGENT).read_bytes() == V1
    apply.apply_plan(tmp_path, plan_uninstall(tmp_path, p.manifest))
    assert snapshot(tmp_path) == before


def test_force_never_overwrites_an_existing_aside_file(tmp_path: Path) -> None:
    (tmp_path / ".claude/agents").mkdir(parents=True)
    (tmp_path / AGENT).write_bytes(b"mine\n")
    (tmp_path / (AGENT + ASIDE_SUFFIX)).write_bytes(b"older copy\n")
    p = plan(tmp_path, kit(), None, force=True)
    assert act(p, AGENT).status == "conflict"
    assert "is taken too" in p.errors[0]


def test_edited_kit_file_is_not_replaced_by_the_file_moved_aside(tmp_path: Path) -> None:
    (tmp_path / ".claude/agents").mkdir(parents=True)
    (tmp_path / AGENT).write_bytes(b"mine\n")
    p = plan(tmp_path, kit(), None, force=True)
    apply.apply_plan(tmp_path, p)
    manifest = p.manifest
    edit(tmp_path, AGENT, 0, b"team edit\n")
    edited = (tmp_path / AGENT).read_bytes()
    un = plan_uninstall(tmp_path, manifest)
    assert act(un, AGENT).status == "skip"
    assert not any(a.restore for a in un.actions)
    assert un.warnings == [
        f"{AGENT}: your original stays at {AGENT}{ASIDE_SUFFIX} (the file here has your edits)"
    ]
    apply.apply_plan(tmp_path, un)
    assert (tmp_path / AGENT).read_bytes() == edited
    assert (tmp_path / (AGENT + ASIDE_SUFFIX)).read_bytes() == b"mine\n"


# -- second install / update -------------------------------------------------------------------------


def test_second_install_is_all_identical(tmp_path: Path) -> None:
    manifest = install(tmp_path, kit())
    p = plan(tmp_path, kit(), manifest)
    assert {a.status for a in p.actions} == {"identical"}
    assert not p.changes
    assert p.manifest == manifest


def test_untouched_file_is_replaced_by_the_new_version(tmp_path: Path) -> None:
    manifest = install(tmp_path, kit())
    v2 = V1 + b"kit line 9\n"
    p = plan(tmp_path, kit(agent=v2), manifest)
    a = act(p, AGENT)
    assert (a.status, a.write) == ("update", v2)
    assert p.manifest is not None and p.manifest["files"][AGENT]["sha256"] == sha256(v2)
    assert p.base_files[base_path(AGENT)] == v2


def test_user_edit_stands_when_the_kit_did_not_change_the_file(tmp_path: Path) -> None:
    manifest = install(tmp_path, kit())
    edit(tmp_path, AGENT, 2, b"team rule\n")
    p = plan(tmp_path, kit(), manifest)
    a = act(p, AGENT)
    assert (a.status, a.write, a.note) == ("skip", None, "kept your edit")
    assert p.manifest is not None and p.manifest["files"][AGENT] == manifest["files"][AGENT]


def test_user_edit_is_merged_and_then_owned_by_the_user(tmp_path: Path) -> None:
    manifest = install(tmp_path, kit())
    edit(tmp_path, AGENT, 1, b"team rule\n")
    v2 = V1 + b"kit line 9\n"
    p = plan(tmp_path, kit(agent=v2), manifest)
    a = act(p, AGENT)
    assert a.status == "update" and a.note == "merged your edit with the new kit version"
    assert a.write is not None and b"team rule\n" in a.write and a.write.endswith(b"kit line 9\n")
    apply.apply_plan(tmp_path, p)
    assert p.manifest is not None
    # The merged file holds the user's edit: recorded against the kit's version, not as pristine.
    assert p.manifest["files"][AGENT]["sha256"] == sha256(v2)
    assert (tmp_path / base_path(AGENT)).read_bytes() == v2
    # A later update with nothing new keeps it; uninstall keeps it too (it is not only the kit's).
    again = plan(tmp_path, kit(agent=v2), p.manifest)
    assert act(again, AGENT).status == "skip"
    un = plan_uninstall(tmp_path, p.manifest)
    assert act(un, AGENT).status == "skip"


def test_conflicting_edit_keeps_the_file_and_writes_the_new_version_beside(tmp_path: Path) -> None:
    manifest = install(tmp_path, kit())
    edit(tmp_path, AGENT, 3, b"ours\n")
    v2 = V1.replace(b"kit line 4\n", b"theirs\n")
    p = plan(tmp_path, kit(agent=v2), manifest)
    a = act(p, AGENT)
    assert (a.status, a.write, a.beside) == ("conflict", None, v2)
    assert p.changes and p.errors == []
    # The old base stays for the next merge; what was offered is remembered for when it is merged.
    assert p.manifest is not None
    assert p.manifest["files"][AGENT] == {**manifest["files"][AGENT], "pending_sha256": sha256(v2)}
    assert p.base_files[base_path(AGENT)] == V1


def test_deleted_file_stays_deleted(tmp_path: Path) -> None:
    manifest = install(tmp_path, kit())
    (tmp_path / AGENT).unlink()
    p = plan(tmp_path, kit(agent=V1 + b"newer\n"), manifest)
    assert (act(p, AGENT).status, act(p, AGENT).note) == ("skip", "deleted by you; left deleted")
    assert p.manifest is not None
    assert AGENT not in p.manifest["files"] and p.manifest["deleted"] == [AGENT]
    apply.apply_plan(tmp_path, p)
    again = plan(tmp_path, kit(agent=V1 + b"newest\n"), p.manifest)
    assert act(again, AGENT).status == "skip" and not (tmp_path / AGENT).exists()


def test_file_deleted_then_recreated_by_the_user_is_theirs(tmp_path: Path) -> None:
    manifest = install(tmp_path, kit())
    (tmp_path / AGENT).unlink()
    manifest = install(tmp_path, kit(), manifest)
    (tmp_path / AGENT).write_bytes(b"our own agent\n")
    p = plan(tmp_path, kit(agent=V1 + b"newer\n"), manifest)
    assert p.errors == []  # not refused as a foreign file
    assert (act(p, AGENT).status, act(p, AGENT).note) == ("skip", "yours since you deleted the kit's; kept")
    assert p.manifest is not None and p.manifest["deleted"] == [AGENT]
    apply.apply_plan(tmp_path, p)
    un = plan_uninstall(tmp_path, p.manifest)
    assert AGENT not in {a.path for a in un.actions}
    # Dropped from the kit: the record of the deletion goes with it.
    later = plan(tmp_path, [d for d in kit() if d.path != AGENT], p.manifest)
    assert later.manifest is not None and later.manifest["deleted"] == []


def test_user_owned_config_is_never_updated(tmp_path: Path) -> None:
    manifest = install(tmp_path, kit())
    (tmp_path / CONFIG).write_bytes(b"version: 1\ndomains: {}\n")
    p = plan(tmp_path, kit(config=b"version: 1\n# newer template\n"), manifest)
    assert (act(p, CONFIG).status, act(p, CONFIG).write) == ("skip", None)
    assert act(plan(tmp_path, kit(), manifest), CONFIG).status == "skip"


@pytest.mark.parametrize(("edited", "status"), [(False, "remove"), (True, "skip")])
def test_file_dropped_from_the_kit(tmp_path: Path, edited: bool, status: str) -> None:
    manifest = install(tmp_path, kit())
    if edited:
        edit(tmp_path, SKILL, 0, b"ours\n")
    p = plan(tmp_path, [d for d in kit() if d.path != SKILL], manifest)
    assert act(p, SKILL).status == status
    assert p.manifest is not None and SKILL not in p.manifest["files"]


def test_claude_md_the_user_deleted_or_emptied_of_the_block_is_left_alone(tmp_path: Path) -> None:
    manifest = install(tmp_path, kit())
    (tmp_path / CLAUDE_MD_REL).unlink()
    p = plan(tmp_path, kit(), manifest)
    assert (act(p, CLAUDE_MD_REL).status, act(p, CLAUDE_MD_REL).write) == ("skip", None)
    (tmp_path / CLAUDE_MD_REL).write_text("# only mine\n")
    p = plan(tmp_path, kit(), manifest)
    assert act(p, CLAUDE_MD_REL).note == "you removed the kit block; left out"


# -- uninstall ---------------------------------------------------------------------------------------


def test_uninstall_without_manifest_is_empty(tmp_path: Path) -> None:
    p = plan_uninstall(tmp_path, None)
    assert p.actions == [] and p.remove_paths == [] and not p.changes


@pytest.mark.parametrize(
    ("settings", "md"),
    [
        (None, None),
        ('{"model": "opus"}', "# Rules\n"),
        ('{\n    "hooks": {},\n    "env": {"A": "1"}\n}', "# Rules"),
        ("", ""),
        ('{"hooks": {"Stop": []}}', "# Rules\r\n"),
    ],
)
def test_install_then_uninstall_restores_every_byte(
    tmp_path: Path, settings: str | None, md: str | None
) -> None:
    if settings is not None:
        (tmp_path / ".claude").mkdir()
        (tmp_path / SETTINGS_REL).write_text(settings)
    if md is not None:
        (tmp_path / CLAUDE_MD_REL).write_text(md, newline="")
    before = snapshot(tmp_path)
    manifest = install(tmp_path, kit())
    un = plan_uninstall(tmp_path, manifest)
    apply.apply_plan(tmp_path, un)
    assert snapshot(tmp_path) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        n for n, present in ((".claude", settings is not None), (CLAUDE_MD_REL, md is not None)) if present
    )


def test_uninstall_keeps_edits_and_later_user_changes(tmp_path: Path) -> None:
    (tmp_path / CLAUDE_MD_REL).write_text("# Rules\n")
    manifest = install(tmp_path, kit())
    edit(tmp_path, AGENT, 0, b"team\n")
    (tmp_path / SKILL).unlink()
    settings = json.loads((tmp_path / SETTINGS_REL).read_text())
    settings["model"] = "opus"
    (tmp_path / SETTINGS_REL).write_text(json.dumps(settings, indent=3))
    (tmp_path / CLAUDE_MD_REL).write_text((tmp_path / CLAUDE_MD_REL).read_text() + "later\n")
    un = plan_uninstall(tmp_path, manifest)
    statuses = {a.path: a.status for a in un.actions}
    assert statuses == {
        AGENT: "skip",
        CONFIG: "remove",
        SETTINGS_REL: "update",
        CLAUDE_MD_REL: "update",
        KEPT: "create",  # the edited agent: the next install keeps it as the user's
    }
    assert act(un, SETTINGS_REL).write == b'{\n   "model": "opus"\n}\n'
    written = act(un, CLAUDE_MD_REL).write
    assert written is not None and written.startswith(b"# Rules\n") and written.endswith(b"later\n")
    assert b"claude-kit" not in written
    apply.apply_plan(tmp_path, un)
    assert (tmp_path / AGENT).read_bytes().startswith(b"team\n")
    # Of the kit's bookkeeping only the record of what it kept is left.
    left = [p.relative_to(tmp_path).as_posix() for p in (tmp_path / ".claude/.claude-kit").rglob("*")]
    assert left == [KEPT]


def test_uninstall_prunes_only_folders_the_kit_created(tmp_path: Path) -> None:
    (tmp_path / ".claude/agents").mkdir(parents=True)
    (tmp_path / ".claude/agents/mine.md").write_text("mine\n")
    manifest = install(tmp_path, kit())
    assert manifest["existing_dirs"] == [".claude", ".claude/agents"]
    un = plan_uninstall(tmp_path, manifest)
    assert ".claude/agents" not in un.prune_dirs and ".claude" not in un.prune_dirs
    assert un.prune_dirs.index(".claude/skills/s") < un.prune_dirs.index(".claude/skills")  # deepest first
    apply.apply_plan(tmp_path, un)
    assert sorted(snapshot(tmp_path)) == [".claude/agents/mine.md"]


def test_claude_md_the_kit_created_is_removed_but_not_one_with_user_text(tmp_path: Path) -> None:
    manifest = install(tmp_path, kit())
    assert manifest["claude_md"] == {"existed": False, "separator": ""}
    assert act(plan_uninstall(tmp_path, manifest), CLAUDE_MD_REL).status == "remove"
    text = (tmp_path / CLAUDE_MD_REL).read_text()
    (tmp_path / CLAUDE_MD_REL).write_text("# added later\n\n" + text)
    a = act(plan_uninstall(tmp_path, manifest), CLAUDE_MD_REL)
    assert (a.status, a.write) == ("update", b"# added later\n\n")
    assert claude_md.has_block(text)
