"""What the benchmarks share: a repository with the kit installed, the hook commands exactly as
settings.json launches them, timed process launches, interleaved rounds and `-X importtime` rows.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import statistics
import subprocess
import time
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path
from typing import TypeVar

from claude_kit import lifecycle

GO_CONFIG = 'version: 1\ndomains:\n  backend:\n    paths: ["**/*.go"]\n'
K = TypeVar("K")


def make_repo(base: Path, files: Iterable[str] = ("cmd/api/main.go",), config: str = GO_CONFIG) -> Path:
    """`<base>/repo`: a git repository with `files` (Go stubs), the team config and the kit installed."""
    repo = base / "repo"
    repo.mkdir()
    for rel in files:
        (repo / rel).parent.mkdir(parents=True, exist_ok=True)
        (repo / rel).write_text("package main\n")
    (repo / ".claude").mkdir()
    (repo / ".claude/claude-kit.yaml").write_text(config)
    subprocess.run(["git", "init", "-q", str(repo)], check=True)
    with contextlib.redirect_stdout(io.StringIO()):
        assert lifecycle.install(repo) == 0
    return repo


def baseline_repo(
    base: Path, rev: str, files: Iterable[str] = ("cmd/api/main.go",), config: str = GO_CONFIG
) -> Path:
    """`<base>/repo`, installed like make_repo, with its hook files replaced by those of git revision
    `rev` of this checkout: the same config and wiring, an older hook implementation, for side-by-side
    runs. The compiled config and the launcher's interpreter cache are kept; the compiled rules lose
    their hints, which hooks before them unpack as [name, regex, glob] and [label, regex]."""
    import shutil
    import tarfile

    repo = make_repo(base, files, config)
    hooks = repo / ".claude/hooks"
    source = Path(__file__).resolve().parents[1]
    archive = subprocess.run(
        ["git", "-C", str(source), "archive", "--format=tar", rev, "hooks"], capture_output=True, check=False
    )
    if archive.returncode != 0:
        raise SystemExit(f"git archive {rev} hooks failed: {archive.stderr.decode().strip()}")
    for entry in hooks.iterdir():
        if entry.name != "claude-kit.json":
            shutil.rmtree(entry) if entry.is_dir() else entry.unlink()
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
        for member in tar.getmembers():
            if member.isfile() and member.name.startswith("hooks/"):
                target = hooks / member.name[len("hooks/") :]
                target.parent.mkdir(parents=True, exist_ok=True)
                extracted = tar.extractfile(member)
                assert extracted is not None
                target.write_bytes(extracted.read())
                target.chmod(member.mode)
    compiled = hooks / "claude-kit.json"
    cfg = json.loads(compiled.read_text())
    cfg["domain_rules"] = [rule[:3] for rule in cfg["domain_rules"]]
    cfg["exempt_rules"] = [rule[:2] for rule in cfg["exempt_rules"]]
    compiled.write_text(json.dumps(cfg, indent=1) + "\n")
    return repo


def settings_command(repo: Path, event: str = "PreToolUse", module: str = "pre_tool_use") -> str:
    """The command of the kit's `event` entry in the installed settings.json that runs `module`."""
    settings = json.loads((repo / ".claude/settings.json").read_text())
    for group in settings["hooks"][event]:
        for handler in group["hooks"]:
            if module in handler.get("command", ""):
                return str(handler["command"])
    raise SystemExit(f"no claude-kit {event} entry in settings.json")


def hook_env(repo: Path, *unset: str) -> dict[str, str]:
    """This environment with CLAUDE_PROJECT_DIR set as the runtime sets it, without the kill switch
    and `unset`."""
    env = {**os.environ, "CLAUDE_PROJECT_DIR": str(repo)}
    for key in ("CLAUDE_KIT_DISABLE", *unset):
        env.pop(key, None)
    return env


def edit_payload(repo: Path, *, subagent: bool, session: str = "bench-session") -> bytes:
    """A PreToolUse Edit of the repo's Go file: the main thread's (agent_first denies it) or a subagent's."""
    payload = {
        "session_id": session, "transcript_path": "", "cwd": str(repo),
        "hook_event_name": "PreToolUse", "tool_name": "Edit", "tool_use_id": "toolu_bench",
        "tool_input": {"file_path": str(repo / "cmd/api/main.go"), "old_string": "main", "new_string": "app"},
    }  # fmt: skip
    if subagent:
        payload.update(agent_id="a1b2c3", agent_type="backend-developer")
    return json.dumps(payload).encode()


def spawn_payload(repo: Path, *, session: str = "bench-session") -> bytes:
    """A main-thread PreToolUse Agent call to backend-developer: the spawn gates allow it and
    spawn_skills routes its prompt over the library index."""
    prompt = "the orders endpoint returns 500 when postgres says too many clients already; fix the pool"
    payload = {
        "session_id": session, "transcript_path": "", "cwd": str(repo),
        "hook_event_name": "PreToolUse", "tool_name": "Agent", "tool_use_id": "toolu_bench_spawn",
        "tool_input": {"description": "fix the pool", "prompt": prompt, "subagent_type": "backend-developer"},
    }  # fmt: skip
    return json.dumps(payload).encode()


def timed(
    argv: Sequence[str],
    env: dict[str, str],
    stdin: bytes | None = None,
    *,
    silent: bool = False,
    check: bool = True,
) -> float:
    """Seconds one launch takes; exits the benchmark if it fails (unless not `check`) or, with `silent`,
    if it says anything on stdout."""
    start = time.perf_counter()
    proc = subprocess.run(list(argv), input=stdin, env=env, capture_output=True, check=False)
    elapsed = time.perf_counter() - start
    if (check and proc.returncode != 0) or (silent and proc.stdout.strip()):
        raise SystemExit(
            f"{list(argv)} answered {proc.returncode} {proc.stdout[:300]!r} {proc.stderr[:300]!r}"
        )
    return elapsed


def interleaved(cases: Sequence[K], runs: int) -> Iterator[tuple[int, K]]:
    """(round, case) for `runs` rounds of every case, the order reversed every other round, so drift
    on a shared machine and the cost of going first or second hit every case alike."""
    for r in range(runs):
        for case in cases if r % 2 == 0 else reversed(cases):
            yield r, case


def median_ms(samples: Iterable[float]) -> float:
    return statistics.median(samples) * 1000


def import_times(
    argv: Sequence[str], env: dict[str, str], stdin: bytes | None = None
) -> dict[str, tuple[int, int]]:
    """Runs argv (an interpreter with `-X importtime`) once: module -> (self us, cumulative us)."""
    proc = subprocess.run(list(argv), input=stdin, env=env, capture_output=True, check=True)
    rows = {}
    for line in proc.stderr.decode().splitlines():
        if not line.startswith("import time:") or "imported package" in line:
            continue
        self_us, cumulative, name = (part.strip() for part in line[len("import time:") :].split("|"))
        rows[name] = (int(self_us), int(cumulative))
    return rows
