"""Bad input: one clear, path-qualified error, a non-zero exit, and nothing changed."""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import Result

from claude_kit.manifest import sha256
from tests.conftest import build_file_tree, unchanged

CK = Callable[..., Result]


def refused_install(ck: CK, repo: Path) -> str:
    """`claude-kit install` exits 2 and leaves every file as it was; returns what it said."""
    with unchanged(repo):
        res = ck("install", str(repo))
        assert res.exit_code == 2, res.output
    return res.output


def test_not_a_git_repo(ck: CK, tmp_path: Path) -> None:
    res = ck("install", str(tmp_path))
    assert res.exit_code == 2
    assert f"{tmp_path.resolve()}: not a git repository" in res.output
    assert "git init" in res.output
    assert list(tmp_path.iterdir()) == []


def test_settings_json_not_json(ck: CK, sample_repo: Path) -> None:
    build_file_tree(sample_repo, {".claude/settings.json": '{"model": "opus",\n  "hooks": [}\n'})
    output = refused_install(ck, sample_repo)
    assert ".claude/settings.json:2:" in output and "not valid JSON" in output
    assert "nothing was changed" in output


def test_invalid_yaml_names_the_line(ck: CK, sample_repo: Path) -> None:
    build_file_tree(sample_repo, {".claude/claude-kit.yaml": "version: 1\ndomains:\n  backend: [\n"})
    output = refused_install(ck, sample_repo)
    assert ".claude/claude-kit.yaml:4" in output and "invalid YAML" in output


def test_schema_errors_are_path_qualified(ck: CK, sample_repo: Path) -> None:
    build_file_tree(sample_repo, {".claude/claude-kit.yaml": (
        "version: 1\ndomains:\n  backend:\n    paths: []\ncompaction:\n  deny_percent: 'high'\nlimtis: {}\n"
    )})  # fmt: skip
    output = refused_install(ck, sample_repo)
    assert ".claude/claude-kit.yaml:4: $.domains.backend.paths -> [] should be non-empty" in output
    assert "$.compaction.deny_percent -> 'high' is not of type 'integer'" in output
    assert "'limtis' was unexpected" in output


def _deny_writes_to(monkeypatch: pytest.MonkeyPatch, target: Path) -> None:
    """Root ignores permission bits, so make os.access report `target` as read-only."""
    real_access = os.access
    blocked = target.resolve()

    def access(path: object, mode: int, **kw: object) -> bool:
        if Path(str(path)).resolve() == blocked and mode & os.W_OK:
            return False
        return real_access(path, mode)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "access", access)


def test_read_only_file_changes_nothing(ck: CK, sample_repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    build_file_tree(sample_repo, {"CLAUDE.md": "# Rules\n"})
    _deny_writes_to(monkeypatch, sample_repo / "CLAUDE.md")
    assert "CLAUDE.md: file is read-only; nothing was changed" in refused_install(ck, sample_repo)


def test_read_only_folder_changes_nothing(ck: CK, sample_repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _deny_writes_to(monkeypatch, sample_repo)
    assert "folder is not writable; nothing was changed" in refused_install(ck, sample_repo)


def test_update_without_install(ck: CK, sample_repo: Path) -> None:
    res = ck("update", str(sample_repo))
    assert res.exit_code == 2 and "not installed here" in res.output and "claude-kit install" in res.output


# -- odd inputs that ended in "internal error" (exit 3), found by trying them on every command ----------

MANIFEST = ".claude/.claude-kit/manifest.json"
LIFECYCLE = ("install", "update", "sync", "uninstall")


@pytest.fixture(scope="module")
def installed_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One installed repository per module; each case works on a copy of it."""
    from click.testing import CliRunner

    from claude_kit.cli import cli
    from tests.conftest import git_repo

    repo = git_repo(tmp_path_factory.mktemp("template") / "repo")
    build_file_tree(repo, {"cmd/api/main.go": "package main\n", "README.md": "# sample\n"})
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("HOME", str(tmp_path_factory.mktemp("home")))
        res = CliRunner().invoke(cli, ["install", str(repo)], catch_exceptions=False)
    assert res.exit_code == 0, res.output
    return repo


def _manifest(change: Callable[[dict[str, object]], None]) -> Callable[[Path], None]:
    def setup(repo: Path) -> None:
        path = repo / MANIFEST
        data = json.loads(path.read_text())
        change(data)
        path.write_text(json.dumps(data))

    return setup


def _replace(rel: str, content: str | bytes | None) -> Callable[[Path], None]:
    """Put `content` at `rel` (None: an empty folder), whatever was there."""

    def setup(repo: Path) -> None:
        path = repo / rel
        if path.is_dir():
            shutil.rmtree(path)
        elif path.exists():
            path.unlink()
        path.parent.mkdir(parents=True, exist_ok=True)
        if content is None:
            path.mkdir()
        else:
            path.write_bytes(content if isinstance(content, bytes) else content.encode())

    return setup


def _outside(repo: Path) -> None:
    """A manifest entry outside the repository, recorded with that file's very hash."""
    outside = repo.parent / "outside.txt"
    outside.write_text("not the kit's\n")
    _manifest(lambda m: m["files"].update({"../outside.txt": {"sha256": sha256(outside.read_bytes())}}))(repo)  # type: ignore[attr-defined]


FIRST_FILE = ".claude/agents/backend-developer.md"
# case -> (setup, commands, what the error says; {root} is the repository)
BAD: dict[str, tuple[Callable[[Path], None], tuple[str, ...], str]] = {
    "manifest is a folder": (
        _replace(MANIFEST, None),
        (*LIFECYCLE, "status", "doctor"),
        f"{{root}}/{MANIFEST}: cannot read the kit's manifest (Is a directory)",
    ),
    "manifest files is a list": (
        _manifest(lambda m: m.update(files=[])),
        (*LIFECYCLE, "status"),
        "the kit's manifest is damaged; nothing was changed:\n  $.files -> [] is not of type 'object'",
    ),
    "manifest file record is a string": (
        _manifest(lambda m: m["files"].update({FIRST_FILE: "x"})),  # type: ignore[attr-defined]
        (*LIFECYCLE, "status"),
        f"$.files['{FIRST_FILE}'] -> 'x' is not of type 'object'",
    ),
    "manifest hash is a number": (
        _manifest(lambda m: m["files"][FIRST_FILE].update(sha256=5)),  # type: ignore[index]
        ("uninstall", "update"),
        f"$.files['{FIRST_FILE}'].sha256 -> 5 is not of type 'string'",
    ),
    "manifest path outside the repository": (
        _outside,
        ("uninstall", "update"),
        "$.files -> '../outside.txt' is not a path inside the repository",
    ),
    "manifest deleted is a string": (
        _manifest(lambda m: m.update(deleted="abc")),
        ("update", "uninstall"),
        "$.deleted -> 'abc' is not of type 'array'",
    ),
    "manifest settings is a string": (
        _manifest(lambda m: m.update(settings="x")),
        LIFECYCLE,
        "$.settings -> 'x' is not of type 'object', 'null'",
    ),
    "manifest CLAUDE.md record lacks its separator": (
        _manifest(lambda m: m.update(claude_md={"existed": False})),
        LIFECYCLE,
        "$.claude_md -> 'separator' is a required property",
    ),
    "manifest kit_version is a number": (
        _manifest(lambda m: m.update(kit_version=5)),
        LIFECYCLE,
        "$.kit_version -> 5 is not of type 'string', 'null'",
    ),
    "settings.json is a folder": (
        _replace(".claude/settings.json", None),
        LIFECYCLE,
        "{root}/.claude/settings.json: is a folder where a file belongs; nothing was changed",
    ),
    "settings.json nested too deeply": (
        _replace(".claude/settings.json", "[" * 100_000 + "]" * 100_000),
        LIFECYCLE,
        "{root}/.claude/settings.json: not valid JSON (nested too deeply); nothing was changed",
    ),
    "settings.json holds a number too long": (
        _replace(".claude/settings.json", '{"a": ' + "9" * 5000 + "}"),
        LIFECYCLE,
        "{root}/.claude/settings.json: not valid JSON (Exceeds the limit",
    ),
    "config nested too deeply": (
        _replace(".claude/claude-kit.yaml", "a: " + "[" * 5000 + "]" * 5000 + "\n"),
        ("install", "update", "sync"),
        ".claude/claude-kit.yaml: invalid YAML: nested too deeply",
    ),
    "CLAUDE.md is a folder": (
        _replace("CLAUDE.md", None),
        LIFECYCLE,
        "{root}/CLAUDE.md: is a folder where a file belongs; nothing was changed",
    ),
    ".claude is a file": (
        _replace(".claude", "x"),
        (*LIFECYCLE, "status", "doctor"),
        "{root}/.claude: is a file where the kit needs a folder (for .claude/.claude-kit/manifest.json)",
    ),
    ".claude/.claude-kit is a file": (
        _replace(".claude/.claude-kit", "x"),
        (*LIFECYCLE, "status"),
        "{root}/.claude/.claude-kit: is a file where the kit needs a folder",
    ),
    ".claude/hooks is a file": (
        _replace(".claude/hooks", "x"),
        ("install", "update", "sync", "uninstall"),
        "{root}/.claude/hooks: is a file where the kit needs a folder (for .claude/hooks/",
    ),
    ".claude/agents is a file": (
        _replace(".claude/agents", "x"),
        ("install", "update", "uninstall"),
        "{root}/.claude/agents: is a file where the kit needs a folder (for .claude/agents/",
    ),
    ".claude/skill-library is a file": (
        _replace(".claude/skill-library", "x"),
        LIFECYCLE,
        "{root}/.claude/skill-library: is a file where the kit needs a folder (for .claude/skill-library/",
    ),
    "the shared locks folder is a file": (
        _replace(".git/claude-kit/locks", "x"),
        ("lock list",),
        "{root}/.git/claude-kit/locks: is a file where the kit needs a folder (for .git/claude-kit/locks/",
    ),
}
CASES = [(case, command) for case, (_, commands, _) in BAD.items() for command in commands]


@pytest.mark.parametrize(("case", "command"), CASES, ids=[f"{c}-{cmd}" for c, cmd in CASES])
def test_odd_input_is_a_clear_error_that_changes_nothing(
    ck: CK, installed_template: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, case: str, command: str
) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(installed_template, repo, symlinks=True)
    setup, _, message = BAD[case]
    setup(repo)
    monkeypatch.chdir(repo)
    args = command.split() + ([] if command.startswith("lock") else [str(repo)])
    with unchanged(repo.parent):
        res = ck(*args)
    if command == "doctor":  # doctor reports the problem as a failed check, or refuses like the rest
        assert res.exit_code in (1, 2), res.output
    else:
        assert res.exit_code == 2, res.output
    assert message.format(root=repo.resolve()) in res.output


def test_doctor_names_a_config_that_is_a_folder(ck: CK, installed_template: Path, tmp_path: Path) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(installed_template, repo, symlinks=True)
    _replace(".claude/claude-kit.yaml", None)(repo)
    res = ck("doctor", str(repo))
    assert res.exit_code == 1
    assert f"FAIL {repo.resolve()}/.claude/claude-kit.yaml: cannot be read (Is a directory)" in res.output


def test_status_names_a_compiled_config_that_is_not_an_object(
    ck: CK, installed_template: Path, tmp_path: Path
) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(installed_template, repo, symlinks=True)
    _replace(".claude/hooks/claude-kit.json", "[]")(repo)
    res = ck("status", str(repo))
    assert res.exit_code == 0, res.output
    assert "config: .claude/hooks/claude-kit.json is not a JSON object: run `claude-kit sync`" in res.output
    assert "FAIL .claude/hooks/claude-kit.json is current" in ck("doctor", str(repo)).output


def test_a_path_inside_git_is_named_as_such(ck: CK, sample_repo: Path) -> None:
    res = ck("install", str(sample_repo / ".git"))
    assert res.exit_code == 2
    assert f"{sample_repo.resolve()}/.git: is a git folder, not a working tree" in res.output


def test_an_age_beyond_the_calendar_means_every_record(
    ck: CK, sample_repo: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(sample_repo)
    res = ck("log", "--since", "99999999999d")
    assert res.exit_code == 0, res.output


@pytest.mark.parametrize(
    ("settings", "why"),
    [
        ("[" * 100_000 + "]" * 100_000, "nested too deeply"),
        ('{"a": ' + "9" * 5000 + "}", "Exceeds the limit"),
    ],
    ids=["nested too deeply", "a number too long"],
)
def test_audit_reports_settings_it_cannot_parse(
    ck: CK, installed_template: Path, tmp_path: Path, settings: str, why: str
) -> None:
    repo = tmp_path / "repo"
    shutil.copytree(installed_template, repo, symlinks=True)
    _replace(".claude/settings.json", settings)(repo)
    res = ck("audit", str(repo))
    assert res.exit_code == 1, res.output
    assert f".claude/settings.json: error SETTINGS_INVALID not valid JSON: {why}" in res.output


UNREADABLE = {
    ".claude/settings.json": "{path}: cannot be read (Permission denied); nothing was changed",
    "CLAUDE.md": "{path}: cannot be read (Permission denied); nothing was changed",
    ".claude/claude-kit.yaml": "{path}: cannot be read (Permission denied); nothing was changed",
    MANIFEST: "{path}: cannot read the kit's manifest (Permission denied)",
    FIRST_FILE: "{path}: cannot be read (Permission denied); nothing was changed",
}
UNREADABLE_CASES = [(command, rel) for command in ("update", "uninstall") for rel in UNREADABLE]


@pytest.mark.parametrize(("command", "rel"), UNREADABLE_CASES, ids=[f"{c}-{r}" for c, r in UNREADABLE_CASES])
def test_an_unreadable_file_is_named(
    ck: CK, installed_template: Path, tmp_path: Path, command: str, rel: str
) -> None:
    """Root reads any file whatever its mode, so the read itself is made to fail for this one path."""
    repo = tmp_path / "repo"
    shutil.copytree(installed_template, repo, symlinks=True)
    blocked = repo.resolve() / rel
    real_bytes, real_text = Path.read_bytes, Path.read_text

    def deny(path: Path) -> None:
        if path.resolve() == blocked:
            raise PermissionError(13, "Permission denied", str(path))

    def read_bytes(self: Path) -> bytes:
        deny(self)
        return real_bytes(self)

    def read_text(self: Path, *args: object, **kw: object) -> str:
        deny(self)
        return real_text(self, *args, **kw)  # type: ignore[arg-type]

    with unchanged(repo), pytest.MonkeyPatch.context() as mp:
        mp.setattr(Path, "read_bytes", read_bytes)
        mp.setattr(Path, "read_text", read_text)
        res = ck(command, str(repo))
    assert res.exit_code == 2, res.output
    assert UNREADABLE[rel].format(path=blocked) in res.output
