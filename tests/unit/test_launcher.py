"""The POSIX sh launcher `hooks/run`: kill switch, interpreter resolution and cache, the settings command.

Fake interpreters are small sh scripts on a controlled PATH: a pyenv-like shim that logs each call
and execs the real Python, the Windows store stub (exits 49, prints nothing), a Python too old
(prints an empty path), and a `py` launcher that needs `-3`.
"""

from __future__ import annotations

import json
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from claude_kit import lifecycle, payload
from tests.conftest import REPO_ROOT
from tests.hooks.hookrun import launch

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="POSIX sh launcher")

REAL = sys.executable
SH = shutil.which("sh") or "/bin/sh"
PROBE = """import json, sys
print(json.dumps({"exe": sys.executable, "E": sys.flags.ignore_environment, "S": sys.flags.no_site,
                  "stdin": sys.stdin.read(), "argv": sys.argv}))
"""


def _script(path: Path, body: str) -> Path:
    path.write_text("#!/bin/sh\n" + body + "\n")
    path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
    return path


@pytest.fixture
def kit(tmp_path: Path) -> Path:
    """A project with only the launcher and a probe hook in .claude/hooks/."""
    root = tmp_path / "proj"
    hooks = root / ".claude" / "hooks"
    hooks.mkdir(parents=True)
    shutil.copy(payload.payload_root() / "hooks" / "run", hooks / "run")
    (hooks / "probe.py").write_text("import probe_helper\n")
    (hooks / "probe_helper.py").write_text(PROBE)
    return root


@pytest.fixture
def bin_dir(tmp_path: Path) -> Path:
    """A PATH folder with the few tools the launcher needs and no Python at all."""
    d = tmp_path / "bin"
    d.mkdir()
    for tool in ("mkdir", "mv"):
        found = shutil.which(tool)
        assert found is not None
        (d / tool).symlink_to(found)
    return d


def shim(bin_dir: Path, name: str = "python3") -> Path:
    """A pyenv-style shim: logs every call, then execs the real interpreter."""
    log = bin_dir.parent / f"{name}.calls"
    _script(bin_dir / name, f'echo call >> "{log}"\nexec "{REAL}" "$@"')
    return log


def run(
    kit: Path, *args: str, path: Path | str, stdin: str = "{}", extra: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    env = {"PATH": str(path), "HOME": str(kit.parent), **(extra or {})}
    return subprocess.run(
        [SH, str(kit / ".claude/hooks/run"), *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=env,
        cwd=kit.parent,
        check=False,
        timeout=60,
    )


def cache(kit: Path) -> Path:
    return kit / ".claude/.claude-kit/local/python"


def test_kill_switch_exits_before_python_starts(kit: Path, bin_dir: Path) -> None:
    log = shim(bin_dir)
    res = run(kit, "probe", path=bin_dir, extra={"CLAUDE_KIT_DISABLE": "1"})
    assert (res.returncode, res.stdout, res.stderr) == (0, "", "")
    assert not log.exists() and not cache(kit).exists()
    # Any other value is not the switch: the hook runs.
    res = run(kit, "probe", path=bin_dir, extra={"CLAUDE_KIT_DISABLE": "0"})
    assert res.returncode == 0 and json.loads(res.stdout)["exe"] == REAL


def test_resolves_through_a_shim_once_then_execs_the_cached_interpreter(kit: Path, bin_dir: Path) -> None:
    log = shim(bin_dir)
    first = run(kit, "probe", "extra-arg", path=bin_dir, stdin='{"hook_event_name": "Stop"}')
    assert first.returncode == 0, first.stderr
    out = json.loads(first.stdout)
    assert out["exe"] == REAL
    assert (out["E"], out["S"]) == (1, 1)  # -E -S: no PYTHON* variables, no site-packages
    assert out["stdin"] == '{"hook_event_name": "Stop"}'
    assert out["argv"][0] == str(kit / ".claude/hooks/probe.py")
    assert cache(kit).read_text() == REAL + "\n"
    assert log.read_text() == "call\n"  # the shim ran once, to resolve
    second = run(kit, "probe", path=bin_dir)
    assert second.returncode == 0 and json.loads(second.stdout)["exe"] == REAL
    assert log.read_text() == "call\n"  # ... and never again: later calls skip the shim


def test_stale_cache_is_resolved_again(kit: Path, bin_dir: Path) -> None:
    cache(kit).parent.mkdir(parents=True)
    cache(kit).write_text("/nonexistent/python3.12\n")
    shim(bin_dir)
    res = run(kit, "probe", path=bin_dir)
    assert res.returncode == 0, res.stderr
    assert json.loads(res.stdout)["exe"] == REAL
    assert cache(kit).read_text() == REAL + "\n"


def test_a_cache_that_names_no_python_is_resolved_again(kit: Path, bin_dir: Path) -> None:
    cache(kit).parent.mkdir(parents=True)
    cache(kit).write_text("/bin/true\n")  # executable, and would answer every hook with nothing
    shim(bin_dir)
    res = run(kit, "probe", path=bin_dir)
    assert res.returncode == 0, res.stderr
    assert json.loads(res.stdout)["exe"] == REAL
    assert cache(kit).read_text() == REAL + "\n"


def test_which_prints_the_interpreter_without_running_a_hook(kit: Path, bin_dir: Path) -> None:
    shim(bin_dir)
    res = run(kit, "--which", path=bin_dir)
    assert (res.returncode, res.stdout) == (0, REAL + "\n")
    assert cache(kit).read_text() == REAL + "\n"


def test_no_python_found_is_a_clear_non_blocking_error(kit: Path, bin_dir: Path) -> None:
    res = run(kit, "probe", path=bin_dir)
    assert res.returncode == 1  # never 2: Claude Code would read exit 2 as a block
    assert res.stdout == ""
    assert "claude-kit: no Python 3.9+ found (tried python3, python, py -3)" in res.stderr
    assert "CLAUDE_KIT_DISABLE=1" in res.stderr
    assert not cache(kit).exists()


def test_store_stub_and_old_python_are_skipped(kit: Path, bin_dir: Path) -> None:
    stub = _script(bin_dir / "python3", "exit 49")  # the Windows store stub: no output, exit 49
    _script(bin_dir / "python", "echo")  # answers the version probe with "": older than 3.9
    _script(bin_dir / "py", f'[ "$1" = -3 ] || exit 9\nshift\nexec "{REAL}" "$@"')
    res = run(kit, "--which", path=bin_dir)
    assert (res.returncode, res.stdout) == (0, REAL + "\n"), res.stderr
    stub.unlink()
    _script(bin_dir / "python3", 'echo "/nonexistent/python3"')  # prints a path that is not executable
    cache(kit).unlink()
    assert run(kit, "--which", path=bin_dir).stdout == REAL + "\n"


def test_interpreter_with_crlf_stdout_is_resolved(kit: Path, bin_dir: Path) -> None:
    # Windows Python writes text-mode stdout with \r\n; `$(...)` strips only the \n.
    crlf = (
        "import subprocess, sys; "
        f"out = subprocess.run([{REAL!r}] + sys.argv[1:], stdout=subprocess.PIPE).stdout; "
        "sys.stdout.buffer.write(out.replace(b'\\n', b'\\r\\n'))"
    )
    _script(bin_dir / "python3", f'exec "{REAL}" -c "{crlf}" "$@"')
    res = run(kit, "--which", path=bin_dir)
    assert (res.returncode, res.stdout) == (0, REAL + "\n"), res.stderr


def test_an_unfinished_journal_pauses_every_hook_without_blocking(kit: Path, bin_dir: Path) -> None:
    """Mid-update (or after a kill) the hooks could import half old, half new modules: none runs."""
    log = shim(bin_dir)
    journal = kit / ".claude/.claude-kit/local/journal.json"
    journal.parent.mkdir(parents=True)
    journal.write_text("{}")
    res = run(kit, "probe", path=bin_dir)
    assert (res.returncode, res.stdout) == (1, "")  # 1: a non-blocking error the user sees; never 2
    assert res.stderr.startswith("claude-kit: hooks paused") and res.stderr.count("\n") == 1
    assert "`claude-kit update`" in res.stderr and "`claude-kit doctor`" in res.stderr
    assert not log.exists()  # Python never started
    assert sorted(p.name for p in journal.parent.iterdir()) == ["journal.json"]  # no interpreter cache


def test_missing_hook_is_a_non_blocking_error(kit: Path, bin_dir: Path) -> None:
    shim(bin_dir)
    res = run(kit, "no_such_hook", path=bin_dir)
    assert res.returncode == 1 and res.stdout == ""
    assert "claude-kit: hook 'no_such_hook' is missing" in res.stderr and "claude-kit doctor" in res.stderr


def test_bytecode_goes_to_the_local_state_folder(kit: Path, bin_dir: Path) -> None:
    shim(bin_dir)
    assert run(kit, "probe", path=bin_dir).returncode == 0
    assert not (kit / ".claude/hooks/__pycache__").exists()  # nothing new in the committed folder
    assert list((kit / ".claude/.claude-kit/local/pycache").rglob("probe_helper*.pyc"))


def test_relative_invocation_finds_its_folder(kit: Path, bin_dir: Path) -> None:
    shim(bin_dir)
    res = subprocess.run(
        [SH, ".claude/hooks/run", "probe"],
        input="{}",
        capture_output=True,
        text=True,
        env={"PATH": str(bin_dir)},
        cwd=kit,
        check=False,
    )
    assert res.returncode == 0, res.stderr
    assert json.loads(res.stdout)["argv"][0] == ".claude/hooks/probe.py"


def test_settings_command_runs_the_hook_with_spaces_in_the_project_dir(tmp_path: Path) -> None:
    root = tmp_path / "my project (copy)"
    root.mkdir()
    subprocess.run(["git", "init", "-q", str(root)], check=True)
    assert lifecycle.install(root) == 0
    settings = json.loads((root / ".claude/settings.json").read_text())
    [group] = settings["hooks"]["SessionStart"]
    command = group["hooks"][0]["command"]
    assert str(tmp_path) not in command
    fixture = (REPO_ROOT / "tests/fixtures/SessionStart.json").read_text()
    # Claude Code runs the command through a shell, from some cwd, with CLAUDE_PROJECT_DIR set.
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    out = launch([SH, "-c", command], root, fixture, cwd=elsewhere)
    assert out["hookSpecificOutput"]["hookEventName"] == "SessionStart"
    assert "claude-kit is active" in out["hookSpecificOutput"]["additionalContext"]
    assert (root / ".claude/.claude-kit/local/python").is_file()


# -- the plugin edition: the launcher in the plugin's folder, the machine-local files in the project --
@pytest.fixture
def plugin(tmp_path: Path) -> Path:
    """A plugin folder holding the launcher and probe hooks (read-only, as a plugin cache may be)."""
    root = tmp_path / "plugin"
    hooks = root / "hooks"
    hooks.mkdir(parents=True)
    shutil.copy(payload.payload_root() / "hooks" / "run", hooks / "run")
    for name in ("probe", "session_start"):
        (hooks / f"{name}.py").write_text("import probe_helper\n")
    (hooks / "probe_helper.py").write_text(PROBE)
    return root


def run_plugin(plugin: Path, project: Path, module: str, bin_dir: Path) -> subprocess.CompletedProcess[str]:
    env = {
        "PATH": str(bin_dir),
        "HOME": str(plugin.parent),
        "CLAUDE_PLUGIN_ROOT": str(plugin),
        "CLAUDE_PROJECT_DIR": str(project),
    }
    return subprocess.run(
        [SH, f"{plugin}/hooks/run", module],
        input="{}", capture_output=True, text=True, env=env, cwd=project, check=False, timeout=60,
    )  # fmt: skip


def configured_project(tmp_path: Path) -> Path:
    project = tmp_path / "proj"
    (project / ".claude/hooks").mkdir(parents=True)
    (project / ".claude/hooks/claude-kit.json").write_text("{}\n")
    return project


def test_a_plugins_launcher_keeps_its_machine_local_files_in_the_project(
    plugin: Path, bin_dir: Path, tmp_path: Path
) -> None:
    project = configured_project(tmp_path)
    shim(bin_dir)
    res = run_plugin(plugin, project, "probe", bin_dir)
    assert res.returncode == 0, res.stderr
    assert json.loads(res.stdout)["exe"] == REAL
    local = project / ".claude/.claude-kit/local"
    assert (local / "python").read_text() == REAL + "\n"
    assert list((local / "pycache").rglob("probe_helper*.pyc"))
    assert sorted(p.name for p in plugin.rglob("*")) == sorted(
        ["hooks", "run", "probe.py", "session_start.py", "probe_helper.py"]
    )  # nothing written in the plugin's folder
    # The project's journal pauses the plugin's hooks as it does a repository install's.
    (local / "journal.json").write_text("{}")
    paused = run_plugin(plugin, project, "probe", bin_dir)
    assert paused.returncode == 1 and "hooks paused" in paused.stderr and paused.stdout == ""


def test_in_a_project_without_a_compiled_config_only_session_start_runs_and_writes_nothing(
    plugin: Path, bin_dir: Path, tmp_path: Path
) -> None:
    project = tmp_path / "bare"
    project.mkdir()
    log = shim(bin_dir)
    res = run_plugin(plugin, project, "probe", bin_dir)
    assert (res.returncode, res.stdout, res.stderr) == (0, "", "")
    assert not log.exists()  # no Python started for a tool call the kit has nothing to say about
    start = run_plugin(plugin, project, "session_start", bin_dir)
    assert start.returncode == 0 and json.loads(start.stdout)["exe"] == REAL
    assert list(project.iterdir()) == [] and not list(plugin.rglob("*.pyc"))


def test_another_plugins_root_leaves_a_repository_install_as_it_was(kit: Path, bin_dir: Path) -> None:
    shim(bin_dir)
    elsewhere = kit.parent / "other-plugin"
    (elsewhere / "hooks").mkdir(parents=True)
    res = run(kit, "probe", path=bin_dir, extra={"CLAUDE_PLUGIN_ROOT": str(elsewhere)})
    assert res.returncode == 0, res.stderr
    assert cache(kit).read_text() == REAL + "\n"
    assert not (elsewhere / ".claude").exists()


def test_the_launcher_names_the_compiled_config_the_kit_writes() -> None:
    from claude_kit_hooks.contract.layout import COMPILED_CONFIG

    assert (
        f'"${{CLAUDE_PROJECT_DIR:-.}}/{COMPILED_CONFIG}"'
        in (payload.payload_root() / "hooks/run").read_text()
    )
