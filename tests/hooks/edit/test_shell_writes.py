"""shell_writes: main-thread shell commands that plainly write domain files are denied like an Edit, and
so are read-only roles' (reviewers, leads, test-lead, Explore, Plan) shell writes to domain files."""

from __future__ import annotations

from pathlib import Path

import pytest

from claude_kit_hooks.edit.shell_writes import shell_write_targets
from tests.hooks.hookrun import BACKEND, fixture, install, kit_repo, log_records, run_hook


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    go = "package main\n"
    return kit_repo(tmp_path_factory, "shell", files={"cmd/api/main.go": go, "cmd/api/util.go": go})


CAUGHT = [
    ("sed -i 's/a/b/' cmd/api/main.go", [("cmd/api/main.go", "sed -i")]),
    ("sed -i '' -e 's/a/b/' x.go y.go", [("x.go", "sed -i"), ("y.go", "sed -i")]),  # BSD form
    ("sed -ie 's/a/b/' x.go", [("x.go", "sed -i")]),
    ("sed --in-place=.bak -e s/a/b/ -- x.go", [("x.go", "sed -i")]),
    ("sed -n -i 's/a/b/p' x.go", [("x.go", "sed -i")]),
    ("perl -pi -e 's/a/b/' a.go b.go", [("a.go", "perl -i"), ("b.go", "perl -i")]),
    ("perl -i.bak -pe 's/a/b/' a.go", [("a.go", "perl -i")]),
    ("echo hi > out.go; cat a >> b.go 2>&1", [("out.go", ">"), ("b.go", ">>")]),
    ("echo x>y.go", [("y.go", ">")]),
    ("echo x &> all.log", [("all.log", "&>")]),
    ("echo x >| f.go", [("f.go", ">|")]),
    ("cat x | tee -a a.go b.go", [("a.go", "tee"), ("b.go", "tee")]),
    ("cp a.go b.go cmd/", [("cmd/a.go", "cp"), ("cmd/b.go", "cp")]),
    ("cp -t cmd/ a.go", [("cmd/a.go", "cp")]),
    ("cp -r src dst.go", [("dst.go", "cp")]),
    ("mv cmd/api/main.go /tmp/x", [("/tmp/x", "mv"), ("cmd/api/main.go", "mv (moved away)")]),
    ("install -m 644 a b.go", [("b.go", "install")]),
    ("dd if=/dev/zero of=cmd/x.go bs=1", [("cmd/x.go", "dd of=")]),
    ("truncate -s 0 x.go", [("x.go", "truncate")]),
    ("FOO=1 sudo -u root sed -i s/a/b/ x.go", [("x.go", "sed -i")]),
    ("timeout 5 env -u X sed -i s/a/b/ t.go", [("t.go", "sed -i")]),
    ("x=$(sed -i s/a/b/ f.go) && echo `tee g.go`", [("f.go", "sed -i"), ("g.go", "tee")]),
    ("cat <<'EOF' > gen.go\nx > y.go\nEOF\necho done > z.txt", [("gen.go", ">"), ("z.txt", ">")]),
    ("echo a#b > c.go # comment > d.go", [("c.go", ">")]),
    ('echo "a \\"q\\" b" > \'sp ace.go\'', [("sp ace.go", ">")]),
    ("cd cmd/api &&\\\n sed -i s/a/b/ main.go", [("cmd/api/main.go", "sed -i")]),
    ("cd /srv; cd app; echo x > main.go", [("/srv/app/main.go", ">")]),
    ("T=cmd/x.go; echo y > $T", [("cmd/x.go", ">")]),
    ('export OUT=a.go && sed -i s/a/b/ "${OUT}"', [("a.go", "sed -i")]),
    ("rm -f cmd/old.go", [("cmd/old.go", "rm")]),
    (
        "git checkout HEAD~1 -- cmd/a.go cmd/b.go",
        [("cmd/a.go", "git checkout"), ("cmd/b.go", "git checkout")],
    ),
    ("git checkout other cmd/a.go", [("cmd/a.go", "git checkout")]),
    ("git -C cmd restore --source=HEAD a.go", [("cmd/a.go", "git restore")]),
    ("gofmt -w cmd/a.go", [("cmd/a.go", "gofmt")]),
    ("goimports -l -w a.go", [("a.go", "goimports")]),
    ("black a.py", [("a.py", "black")]),
    ("ruff format a.py", [("a.py", "ruff")]),
    ("prettier --write ui/a.ts", [("ui/a.ts", "prettier")]),
    ("python3 -c \"open('cmd/x.go', 'w').write('package x')\"", [("cmd/x.go", "python3 -c")]),
    ("python -c \"import pathlib; pathlib.Path('a.go').write_text('')\"", [("a.go", "python -c")]),
    ("node -e \"require('fs').writeFileSync('ui/a.ts', '')\"", [("ui/a.ts", "node -e")]),
    ('bash -c "sed -i s/a/b/ x.go"', [("x.go", "sed -i")]),
    ("sh -ec 'echo y > a.go'", [("a.go", ">")]),
    ("eval 'echo y > a.go'", [("a.go", ">")]),
    ("gsed -i s/a/b/ x.go", [("x.go", "sed -i")]),
    ("cd $DIR && sed -i s/a/b/ main.go", [("main.go", "sed -i")]),  # an unknown cd: read as no cd (and root)
    ("npx prettier --write ui/a.ts", [("ui/a.ts", "prettier")]),
    ("uv run black a.py", [("a.py", "black")]),
    ("poetry run -- isort a.py", [("a.py", "isort")]),
    ("python3 -m black a.py", [("a.py", "black")]),
    ("pnpm exec eslint --fix ui/a.ts", [("ui/a.ts", "eslint")]),
]

NOT_CAUGHT = [
    "sed -n 's/a/b/p' x.go",  # no -i: prints
    "perl -ne 'print' a.go",
    "echo '>' a.go",  # a quoted > is an argument
    "git commit -m 'fix > stuff'",
    "go test ./... 2>&1 | tail -5",  # fd duplication
    "cat x.go > /dev/null",  # a target, but outside the project (filtered later): listed here for the parser
    "install -d cmd/x",  # creates directories
    "find . -name '*.go' | xargs sed -i s/a/b/",  # files from stdin: unknown
    "python -c \"open('x.go').read()\"",  # reads
    "python3 gen.py",  # a script decides by itself: found at Stop instead
    "go generate ./...",
    "git checkout main",  # switches branches
    "git checkout -b topic",
    "git restore --staged x.go",  # the index only
    "gofmt -l x.go",  # lists
    "black --check x.py",
    "bash script.sh",  # a script file decides by itself
]


@pytest.mark.parametrize(("command", "expected"), CAUGHT)
def test_write_targets_are_found(tmp_path: Path, command: str, expected: list) -> None:
    assert shell_write_targets(command, str(tmp_path)) == expected


@pytest.mark.parametrize("command", NOT_CAUGHT)
def test_reads_and_opaque_writes_are_not_targets(tmp_path: Path, command: str) -> None:
    found = shell_write_targets(command, str(tmp_path))
    assert found in ([], [("/dev/null", ">")]), found


def test_a_cd_to_the_top_goes_to_the_project_root_and_an_unknown_one_checks_both(tmp_path: Path) -> None:
    root, sub = str(tmp_path), str(tmp_path / "cmd")
    command = 'cd "$(git rev-parse --show-toplevel)" && sed -i s/a/b/ cmd/api/main.go'
    assert shell_write_targets(command, sub, root=root) == [("../cmd/api/main.go", "sed -i")]
    assert shell_write_targets("cd $CLAUDE_PROJECT_DIR && rm a.go", sub, root=root) == [("../a.go", "rm")]
    assert shell_write_targets("cd - && rm a.go", root, root=root) == [
        (f"{root}/a.go", "rm"), ("a.go", "rm"),
    ]  # fmt: skip


def test_a_lone_checkout_operand_that_is_a_file_and_no_branch_restores_the_file(tmp_path: Path) -> None:
    import subprocess

    subprocess.run(["git", "init", "-q"], cwd=tmp_path, check=True)
    (tmp_path / "main.go").write_text("x")
    (tmp_path / "dev").mkdir()
    assert shell_write_targets("git checkout main.go", str(tmp_path)) == [("main.go", "git checkout")]
    assert shell_write_targets("git checkout dev", str(tmp_path)) == [("dev", "git checkout")]
    assert shell_write_targets("git checkout nothing-here", str(tmp_path)) == []


def test_git_apply_writes_the_patchs_files(tmp_path: Path) -> None:
    (tmp_path / "fix.patch").write_text(
        "--- a/cmd/a.go\n+++ b/cmd/a.go\n@@ -1 +1 @@\n-x\n+y\n--- /dev/null\n+++ b/cmd/new.go\n"
    )
    assert shell_write_targets("git apply fix.patch", str(tmp_path)) == [
        ("cmd/a.go", "git apply"), ("cmd/new.go", "git apply"),
    ]  # fmt: skip
    assert shell_write_targets("git apply --check fix.patch", str(tmp_path)) == []


def test_find_exec_of_a_writer_targets_the_files_find_would_pass(tmp_path: Path) -> None:
    for rel in ("cmd/a.go", "cmd/sub/b.go", "cmd/c.txt", ".git/x.go"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("x")
    found = shell_write_targets("find cmd -name '*.go' -exec sed -i s/a/b/ {} \\;", str(tmp_path))
    assert sorted(found) == [("cmd/a.go", "find -exec sed"), ("cmd/sub/b.go", "find -exec sed")]
    assert shell_write_targets("find cmd -name '*.go' -exec grep -l x {} +", str(tmp_path)) == []


def test_formatters_walk_directories(tmp_path: Path) -> None:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg/a.go").write_text("x")
    (tmp_path / "pkg/notes.md").write_text("x")
    assert shell_write_targets("gofmt -w pkg", str(tmp_path)) == [("pkg/a.go", "gofmt")]
    assert shell_write_targets("go fmt ./pkg/...", str(tmp_path)) == [("pkg/a.go", "go fmt")]


def test_cp_into_an_existing_directory_targets_the_file_inside(tmp_path: Path) -> None:
    (tmp_path / "pkg").mkdir()
    assert shell_write_targets("cp new.go pkg", str(tmp_path)) == [("pkg/new.go", "cp")]
    assert shell_write_targets("cp new.go other.go", str(tmp_path)) == [("other.go", "cp")]


def test_powershell_cmdlets_and_windows_paths(tmp_path: Path) -> None:
    command = "Set-Content -Path C:\\r\\a.go -Value x; 'x' | Out-File b.go; Copy-Item a c.go; tee t.go"
    assert shell_write_targets(command, str(tmp_path), powershell=True) == [
        ("C:\\r\\a.go", "set-content"), ("b.go", "out-file"), ("c.go", "copy-item"), ("t.go", "tee"),
    ]  # fmt: skip


def _bash(repo: Path, command: str, **extra: object) -> dict[str, object]:
    payload = fixture("PreToolUse-bash", repo, command=command)
    payload.update(extra)
    return payload


def test_sed_in_place_on_a_domain_file_is_denied_with_the_agent_to_spawn(repo: Path) -> None:
    payload = _bash(repo, "sed -i 's/main/app/' cmd/api/main.go")

    result = run_hook(repo, "pre_tool_use", payload)

    assert result.returncode == 0 and result.permission == "deny"
    reason = result.reason
    assert reason.startswith(
        "claude-kit: this command writes backend files: cmd/api/main.go (sed -i). The main thread "
        "coordinates; backend-developer makes backend changes, so this command was not run."
    )
    assert 'Spawn it: Agent(subagent_type="backend-developer", description="Edit cmd/api/main.go"' in reason
    assert "`hooks: {shell_write_warning: {enabled: false}}`" in reason
    [rec] = log_records(repo, tool_use_id=payload["tool_use_id"])
    assert (rec["hook"], rec["decision"], rec["file"], rec["agent"]) == (
        "shell_write_warning", "deny", "cmd/api/main.go", "backend-developer"
    )  # fmt: skip
    assert rec["command"] == "sed -i 's/main/app/' cmd/api/main.go"


def test_relative_paths_follow_the_payload_cwd(repo: Path) -> None:
    payload = _bash(repo, "echo '// x' >> util.go", cwd=str(repo / "cmd/api"))
    assert "cmd/api/util.go (>>)" in run_hook(repo, "pre_tool_use", payload).reason


def test_globs_are_expanded(repo: Path) -> None:
    ctx = run_hook(repo, "pre_tool_use", _bash(repo, "sed -i s/a/b/ cmd/api/*.go")).reason
    assert "cmd/api/main.go (sed -i)" in ctx and "cmd/api/util.go (sed -i)" in ctx


def test_several_files_are_summarised(repo: Path) -> None:
    command = "tee a.go b.go c.go d.go e.go < /dev/null"
    ctx = run_hook(repo, "pre_tool_use", _bash(repo, command)).reason
    assert "a.go (tee), b.go (tee), c.go (tee) and 2 more." in ctx


@pytest.mark.parametrize(
    "command",
    [
        "go test ./... 2>&1 | tail -5",
        "git status --short",
        "echo notes > notes.txt",  # outside every domain
        "sed -i s/a/b/ cmd/api/main_test.go",  # exempt test file
        "echo x > /tmp/scratch.go",  # outside the project
        "sed -i s/a/b/ $FILE",  # unknown until the shell runs
        "T=cmd/api/main.go cat > $T",  # a prefix assignment is for its command only, not the redirect
        "echo '>' cmd/api/main.go",
    ],
)
def test_not_denied(repo: Path, command: str) -> None:
    result = run_hook(repo, "pre_tool_use", _bash(repo, command))
    assert (result.returncode, result.stdout) == (0, "")


def test_the_domains_developer_writes_its_code_and_a_tester_its_tests_through_the_shell(repo: Path) -> None:
    for agent, command in [
        ("backend-developer", "sed -i s/a/b/ cmd/api/main.go"),
        ("backend-tester", "cat > cmd/api/main_test.go <<'EOF'\npackage main\nEOF"),
        ("general-purpose", "sed -i s/a/b/ README.md"),  # outside every domain
    ]:
        payload = fixture("PreToolUse-subagent-bash", repo, command=command)
        payload["agent_type"] = agent
        assert run_hook(repo, "pre_tool_use", payload).stdout == "", agent


@pytest.mark.parametrize(
    "agent", ["general-purpose", "fork", "claude", "frontend-developer", "backend-tester"]
)
def test_any_other_subagent_writing_domain_code_through_the_shell_hands_it_back(
    repo: Path, agent: str
) -> None:
    # As agent_first denies their Edit: `sed -i` is the form the runtime's own prompt recommends.
    payload = fixture("PreToolUse-subagent-bash", repo, command="sed -i s/a/b/ cmd/api/main.go")
    payload["agent_type"] = agent

    result = run_hook(repo, "pre_tool_use", payload)

    assert result.permission == "deny"
    assert f"backend-developer makes backend changes, not {agent}" in result.reason
    assert "`NEEDS: spawn backend-developer for <the change to cmd/api/main.go>`" in result.reason


@pytest.mark.parametrize(
    ("agent", "role"),
    [
        ("backend-reviewer", "backend reviewer"),
        ("test-lead", "test-lead"),
        ("Explore", "Explore"),
        ("Plan", "Plan"),
    ],
)
def test_a_read_only_role_writing_code_through_the_shell_is_denied(repo: Path, agent: str, role: str) -> None:
    payload = fixture("PreToolUse-subagent-bash", repo, command="cat > cmd/api/main.go <<'EOF'\nx\nEOF")
    payload["agent_type"] = agent

    result = run_hook(repo, "pre_tool_use", payload)

    assert result.permission == "deny"
    assert f"{agent} is a read-only role ({role}): it reports what should change" in result.reason
    assert "backend-developer makes backend changes. This command was not run" in result.reason
    [rec] = log_records(repo, tool_use_id=payload["tool_use_id"])
    assert (rec["decision"], rec["role"]) == ("deny", role)


def test_a_reviewer_may_write_its_report_but_not_tests(repo: Path) -> None:
    payload = fixture("PreToolUse-subagent-bash", repo, command="printf '# notes' > review.md")
    payload["agent_type"] = "backend-reviewer"
    assert run_hook(repo, "pre_tool_use", payload).stdout == ""
    payload = fixture("PreToolUse-subagent-bash", repo, command="echo x > cmd/api/main_test.go")
    payload["agent_type"] = "backend-reviewer"
    assert run_hook(repo, "pre_tool_use", payload).permission == "deny"  # tests are code


def test_powershell_tool(repo: Path) -> None:
    payload = _bash(repo, "Set-Content -Path cmd/api/main.go -Value 'package x'", tool_name="PowerShell")
    assert "cmd/api/main.go (set-content)" in run_hook(repo, "pre_tool_use", payload).reason


def test_huge_commands_are_not_parsed_but_logged(repo: Path) -> None:
    payload = _bash(repo, "echo " + "x" * 70_000 + " > cmd/api/main.go")
    assert run_hook(repo, "pre_tool_use", payload).stdout == ""
    [rec] = log_records(repo, tool_use_id=payload["tool_use_id"])
    assert rec["reason"] == "command longer than 65536 characters; not inspected"


def test_no_developer_agent_no_deny(tmp_repo: Path) -> None:
    install(tmp_repo)
    (tmp_repo / ".claude/agents/backend-developer.md").unlink()
    assert run_hook(tmp_repo, "pre_tool_use", _bash(tmp_repo, "sed -i s/a/b/ x.go")).stdout == ""


def test_switch_off(tmp_repo: Path) -> None:
    install(tmp_repo, BACKEND + "hooks:\n  shell_write_warning: {enabled: false}\n")
    assert run_hook(tmp_repo, "pre_tool_use", _bash(tmp_repo, "sed -i s/a/b/ x.go")).stdout == ""


def test_secrets_in_the_command_are_not_logged(repo: Path) -> None:
    command = 'curl -H "Authorization: Bearer abcdefghijklmnop1234" https://x > cmd/api/main.go'
    payload = _bash(repo, command)
    assert "cmd/api/main.go (>)" in run_hook(repo, "pre_tool_use", payload).reason
    [rec] = log_records(repo, tool_use_id=payload["tool_use_id"])
    assert "abcdefghijklmnop1234" not in rec["command"] and "[REDACTED]" in rec["command"]


def test_a_main_thread_running_as_the_developer_may_write_its_domain(repo: Path) -> None:
    payload = _bash(repo, "sed -i s/a/b/ cmd/api/main.go", agent_type="backend-developer")
    assert run_hook(repo, "pre_tool_use", payload).stdout == ""


def test_a_folder_operand_is_the_domain_files_under_it_and_ignored_files_are_housekeeping(
    tmp_path_factory: pytest.TempPathFactory,
) -> None:
    files = {".gitignore": "build/\n", "cmd/api/main.go": "package main\n", "build/gen/x.go": "package gen\n"}
    repo = kit_repo(tmp_path_factory, "folders", files=files)
    top = 'cd "$(git rev-parse --show-toplevel)" && rm -r cmd'
    for command, cwd in [
        ("rm -rf cmd/api", repo), ("git checkout -- .", repo), ("mv cmd cmd2", repo), (top, repo / "build"),
    ]:  # fmt: skip
        result = run_hook(repo, "pre_tool_use", _bash(repo, command, cwd=str(cwd)))
        assert result.permission == "deny", command
        assert "cmd/api/main.go" in result.reason
    for command in ("rm -rf build", "rm -rf build/gen/x.go", "echo x > build/gen/y.go"):
        assert run_hook(repo, "pre_tool_use", _bash(repo, command)).stdout == "", command


def test_a_deep_glob_outside_the_project_is_not_expanded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Expanding '/*/*/*/*/*/*/*/x.go' walks the whole file system, past the hook's timeout, and the
    # runtime then runs the command: only globs under the project are expanded, and not too deep.
    import glob

    from claude_kit_hooks.edit.shell_paths import expand

    (tmp_path / "cmd").mkdir()
    (tmp_path / "cmd/a.go").write_text("x")
    assert expand("cmd/*.go", str(tmp_path), str(tmp_path)) == [str(tmp_path / "cmd/a.go")]

    def walks(*_args: object, **_kw: object) -> list[str]:
        raise AssertionError("expanded")

    monkeypatch.setattr(glob, "iglob", walks)
    assert expand("/*/*/*/*/*/*/*/x.go", str(tmp_path), str(tmp_path)) == ["/*/*/*/*/*/*/*/x.go"]
    deep = "cmd/*/*/*/*/*/x.go"
    assert expand(deep, str(tmp_path), str(tmp_path)) == [str(tmp_path / deep)]
