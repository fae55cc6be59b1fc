"""The lifecycle as separate processes, for the crash and race tests: a kit payload of our choosing,
the test-only kill points (claude_kit.killpoints), and what "healthy" and "as before" mean."""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

from claude_kit import killpoints, payload
from claude_kit_hooks.contract.layout import JOURNAL, LAUNCHER

# `python -c DRIVER <payload> <claude-kit args...>`: the CLI with the payload a test built.
DRIVER = """import sys
from pathlib import Path
from claude_kit import cli, render
kit = Path(sys.argv[1])
render.payload_root = lambda: kit
sys.argv = ["claude-kit", *sys.argv[2:]]
cli.main()
"""
TIMEOUT = 180


def small_kit(dst: Path) -> Path:
    """The payload with one library skill per category (the rest is the same): fewer writes per run."""
    src = payload.payload_root()
    for name in (*payload.PAYLOAD_DIRS, payload.TEMPLATE):
        if (src / name).is_dir():
            shutil.copytree(src / name, dst / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(src / name, dst / name)
    for category in sorted(p for p in (dst / "skill-library").iterdir() if p.is_dir()):
        for skill in sorted(p for p in category.iterdir() if p.is_dir())[1:]:
            shutil.rmtree(skill)
    return dst


def next_release(kit: Path, dst: Path) -> Path:
    """`kit` as its next release: every hook module and the CLAUDE.md template changed, one module added."""
    shutil.copytree(kit, dst)
    for module in sorted((dst / "hooks").rglob("*.py")):
        module.write_text(module.read_text() + "# next release\n")
    (dst / "hooks/claude_kit_hooks/runtime/next_release.py").write_text('"""Only in the next release."""\n')
    template = dst / payload.TEMPLATE
    template.write_text(template.read_text() + "\nA rule of the next release.\n")
    return dst


def env(**extra: str) -> dict[str, str]:
    base = {k: v for k, v in os.environ.items() if not k.startswith("CLAUDE_KIT_TEST_")}
    return {**base, **extra}


def popen(kit: Path, repo: Path, *args: str, **extra: str) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-c", DRIVER, str(kit), *args, str(repo)],
        cwd=repo,
        env=env(**extra),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def run(kit: Path, repo: Path, *args: str, **extra: str) -> subprocess.CompletedProcess[str]:
    proc = popen(kit, repo, *args, **extra)
    out, err = proc.communicate(timeout=TIMEOUT)
    return subprocess.CompletedProcess(proc.args, proc.returncode, out, err)


def write_log(kit: Path, repo: Path, log: Path, *args: str) -> list[tuple[int, str, str]]:
    """Run a command to its end, logging its writes: (N, kind, path) for every write it made."""
    done = run(kit, repo, *args, **{killpoints.WRITE_LOG: str(log)})
    assert done.returncode == 0, done.stderr
    rows = [line.split("\t") for line in log.read_text().splitlines()]
    return [(int(n), kind, path) for n, kind, path in rows]


def snapshot(root: Path) -> dict[str, str]:
    """Every file (sha256, and `->` target for a symlink) and every folder below root, outside .git."""
    out: dict[str, str] = {}
    for p in sorted(root.rglob("*")):
        rel = p.relative_to(root).as_posix()
        if rel == ".git" or rel.startswith(".git/"):
            continue
        if p.is_symlink():
            out[rel] = "-> " + os.readlink(p)
        elif p.is_dir():
            out[rel] = "dir"
        else:
            out[rel] = hashlib.sha256(p.read_bytes()).hexdigest()
    return out


def journal_exists(repo: Path) -> bool:
    return (repo / JOURNAL).exists()


def launch_hook(repo: Path) -> subprocess.CompletedProcess[str]:
    """The launcher as Claude Code runs it for SessionStart."""
    return subprocess.run(
        ["sh", str(repo / LAUNCHER), "session_start"],
        input='{"session_id": "s", "hook_event_name": "SessionStart", "source": "startup"}',
        capture_output=True,
        text=True,
        env={**env(), "CLAUDE_PROJECT_DIR": str(repo)},
        check=False,
        timeout=60,
    )
