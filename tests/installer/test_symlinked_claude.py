"""A `.claude` that is a symlink, into the repository or out of it, is supported: install writes
through it, the hooks take the repository holding the link as their project (not the link target's
parent) and name the files behind it `.claude/...`, doctor asks the installed hooks what they see,
and uninstall gives back every byte on both sides of the link. A link the kit cannot live behind
(dangling, to a file, to the repository itself) is refused before anything changes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from claude_kit_hooks.runtime.entry import project_root_of
from claude_kit_hooks.runtime.project import Project
from tests.conftest import build_file_tree, tree_hashes
from tests.hooks.hookrun import BACKEND, LOG_REL, fixture, launch, log_records

CK = Callable[..., Result]


def _link(repo: Path, tmp_path: Path, where: str) -> Path:
    """`.claude` in `repo` as a symlink to a folder inside or outside the repository; returns the folder."""
    if where == "inside":
        target = repo / "config/claude"
        link_text = "config/claude"  # relative, as a team would commit it
    else:
        target = tmp_path / "shared/claude"
        link_text = str(target)
    target.mkdir(parents=True)
    build_file_tree(target, {"claude-kit.yaml": BACKEND, "notes.txt": "the team's own file\n"})
    (repo / ".claude").symlink_to(link_text, target_is_directory=True)
    return target


def _snapshot(repo: Path, target: Path) -> tuple[dict[str, str], dict[str, str], str]:
    return tree_hashes(repo), tree_hashes(target), os.readlink(repo / ".claude")


def _settings_command(repo: Path, event: str) -> str:
    settings = json.loads((repo / ".claude/settings.json").read_text(encoding="utf-8"))
    return str(settings["hooks"][event][0]["hooks"][0]["command"])


@pytest.mark.parametrize("where", ["inside", "outside"])
def test_install_hooks_doctor_and_uninstall_through_a_symlinked_claude(
    ck: CK, sample_repo: Path, tmp_path: Path, where: str
) -> None:
    target = _link(sample_repo, tmp_path, where)
    before = _snapshot(sample_repo, target)

    assert ck("install", str(sample_repo)).exit_code == 0
    assert (target / "hooks/pre_tool_use.py").is_file()  # written through the link
    assert (sample_repo / ".claude").is_symlink()

    doctor = ck("doctor", str(sample_repo))
    assert doctor.exit_code == 0, doctor.output
    assert f".claude is a symlink to {target} ({where} the repository)" in doctor.output
    assert f"the hooks take {sample_repo} as the project" in doctor.output

    # As settings.json launches the hook: a main-thread edit of a domain file is the project's.
    command = ["sh", "-c", _settings_command(sample_repo, "PreToolUse")]
    edit = json.dumps(fixture("PreToolUse-edit", sample_repo, file_path=str(sample_repo / "cmd/api/main.go")))
    answer = launch(command, sample_repo, edit, cwd=sample_repo)
    assert answer["hookSpecificOutput"]["permissionDecision"] == "deny", answer

    # A report written behind the link is in the output folder, under the name the config uses.
    report = fixture("PreToolUse-write", sample_repo, file_path=str(target / ".output/review.md"))
    proc = subprocess.run(
        command, input=json.dumps(report), capture_output=True, text=True, cwd=sample_repo, check=False,
        env={**os.environ, "CLAUDE_PROJECT_DIR": str(sample_repo)}, timeout=60,
    )  # fmt: skip
    assert (proc.returncode, proc.stdout) == (0, ""), proc  # allowed silently
    (rec,) = log_records(sample_repo, tool_use_id=report["tool_use_id"])
    assert (rec["file"], rec["decision"], rec["reason"]) == (
        ".claude/.output/review.md",
        "allow",
        "exempt (output_dir)",
    )

    # Started through the resolved path (the old bug's trigger), the runtime's project still wins.
    resolved = os.path.realpath(sample_repo / ".claude/hooks/pre_tool_use.py")
    proc = subprocess.run(
        [sys.executable, "-E", "-S", "-B", resolved], input=edit, capture_output=True, text=True, check=False,
        env={**os.environ, "CLAUDE_PROJECT_DIR": str(sample_repo)}, timeout=60,
    )  # fmt: skip
    assert json.loads(proc.stdout)["hookSpecificOutput"]["permissionDecision"] == "deny", proc

    assert (sample_repo / LOG_REL).is_file()
    assert not (target.parent / ".claude").exists()  # no stray kit folder beside the link target

    for command in ("sync", "update"):  # through the link, like install
        res = ck(command, str(sample_repo))
        assert res.exit_code == 0, (command, res.output)
    assert ck("uninstall", str(sample_repo)).exit_code == 0
    assert _snapshot(sample_repo, target) == before


@pytest.mark.parametrize(
    ("make", "said"),
    [
        (lambda repo, tmp: (repo / ".claude").symlink_to(tmp / "missing"), "which does not exist"),
        (lambda repo, tmp: (repo / ".claude").symlink_to(repo / "README.md"), "which is not a folder"),
        (lambda repo, tmp: (repo / ".claude").symlink_to("."), "the repository itself or a folder above it"),
        (
            lambda repo, tmp: (repo / ".claude").symlink_to(repo.parent),
            "the repository itself or a folder above",
        ),
    ],
    ids=["dangling", "to-a-file", "to-the-repo", "above-the-repo"],
)
def test_a_link_the_kit_cannot_live_behind_is_refused_and_nothing_changes(
    ck: CK, sample_repo: Path, tmp_path: Path, make: Callable[[Path, Path], None], said: str
) -> None:
    make(sample_repo, tmp_path)
    before = tree_hashes(sample_repo), sorted(p.name for p in tmp_path.iterdir())
    for command in ("install", "update", "sync", "uninstall"):
        res = ck(command, str(sample_repo))
        assert res.exit_code == 2, (command, res.output)
        assert f"{sample_repo / '.claude'}: a symlink to" in res.output and said in res.output, res.output
        assert "nothing was changed" in res.output and "internal error" not in res.output
    doctor = ck("doctor", str(sample_repo))
    assert doctor.exit_code == 1 and said in doctor.output, doctor.output
    assert (tree_hashes(sample_repo), sorted(p.name for p in tmp_path.iterdir())) == before


def test_doctor_fails_when_the_installed_hooks_resolve_the_link(
    ck: CK, sample_repo: Path, tmp_path: Path
) -> None:
    # The hooks of an older kit took the link target's parent for the project: doctor must say so.
    target = _link(sample_repo, tmp_path, "outside")
    assert ck("install", str(sample_repo)).exit_code == 0
    entry = target / "hooks/claude_kit_hooks/runtime/entry.py"
    text = entry.read_text(encoding="utf-8")
    start = text.index("def project_root_of(")
    end = text.index("\n\n\ndef ", start)
    entry.write_text(
        text[:start]
        + "def project_root_of(dispatcher_file: str) -> str:\n"
        + "    return os.path.dirname(os.path.dirname(os.path.dirname(os.path.realpath(dispatcher_file))))"
        + text[end:]
    )
    doctor = ck("doctor", str(sample_repo))
    assert doctor.exit_code == 1, doctor.output
    assert "the hooks do not see this repository as their project" in doctor.output
    assert str(tmp_path / "shared") in doctor.output  # what they take instead


# -- the hook runtime's side, in-process ------------------------------------------------------------
def test_project_root_of_keeps_the_link_and_trusts_a_consistent_project_dir(tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    target = tmp_path / "shared/claude"
    (target / "hooks").mkdir(parents=True)
    repo.mkdir()
    (repo / ".claude").symlink_to(target)
    given = str(repo / ".claude/hooks/pre_tool_use.py")
    resolved = str(target / "hooks/pre_tool_use.py")

    assert project_root_of(given, {}) == str(repo)
    assert project_root_of(given, {"CLAUDE_PROJECT_DIR": str(repo)}) == str(repo)
    assert project_root_of(given, {"CLAUDE_PROJECT_DIR": str(repo) + "/"}) == str(repo)
    assert project_root_of(resolved, {"CLAUDE_PROJECT_DIR": str(repo)}) == str(repo)
    # Another project's dir (its .claude/hooks is not this folder): the dispatcher's own place.
    other = tmp_path / "other"
    (other / ".claude/hooks").mkdir(parents=True)
    assert project_root_of(resolved, {"CLAUDE_PROJECT_DIR": str(other)}) == str(tmp_path / "shared")
    assert project_root_of(resolved, {"CLAUDE_PROJECT_DIR": str(tmp_path / "nowhere")}) == str(
        tmp_path / "shared"
    )


@pytest.mark.parametrize("where", ["inside", "outside"])
def test_relpath_names_files_behind_the_link_as_the_config_does(tmp_path: Path, where: str) -> None:
    repo = tmp_path / "repo"
    repo.mkdir()
    target = _link(repo, tmp_path, where)
    project = Project(str(repo))
    for path in (repo / ".claude/.output/r.md", target / ".output/r.md", target / "hooks/x.py"):
        expected = (
            ".claude/"
            + path.relative_to(target if path.is_relative_to(target) else repo / ".claude").as_posix()
        )
        assert project.relpath(str(path)) == expected
    assert project.relpath(str(repo / ".claude")) == ".claude"
    assert project.relpath(str(repo / "src/app.py")) == "src/app.py"
    assert project.relpath(str(tmp_path / "elsewhere.py")) is None


def test_relpath_of_a_plain_claude_folder_is_unchanged(tmp_path: Path) -> None:
    (tmp_path / ".claude").mkdir()
    project = Project(str(tmp_path))
    assert project.real_claude == ""
    assert project.relpath(str(tmp_path / ".claude/settings.json")) == ".claude/settings.json"
