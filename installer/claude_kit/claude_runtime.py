"""Find or install the pinned Claude Code CLIs that e2e tests and `claude-kit demo` drive.

Two versions are pinned: the one the kit was built against (PINNED_VERSION, used by the demo and by
default) and the newest on npm when it was last checked (NEWEST_VERSION). CI runs the e2e suite on
both; they bound the tested range that `claude-kit doctor` compares the user's `claude` with.

The npm package `@anthropic-ai/claude-code` only ships a stub plus a postinstall script that copies
the native binary out of a per-platform package. npm may refuse to run that script, so we never rely
on it: the binary is taken straight from `node_modules/@anthropic-ai/claude-code-<platform>/`.
"""

from __future__ import annotations

import functools
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from claude_kit.errors import KitError

PINNED_VERSION = "2.1.329"
NEWEST_VERSION = "2.1.332"
TESTED_VERSIONS = (PINNED_VERSION, NEWEST_VERSION)
PACKAGE = "@anthropic-ai/claude-code"
ENV_CACHE = "CLAUDE_KIT_CACHE"
ENV_BIN = "CLAUDE_KIT_CLAUDE_BIN"
_NPM_TIMEOUT = 900  # seconds; the platform package is a ~380 MB download
PROGRESS_EVERY = 10.0  # seconds between the download's progress lines


class ClaudeRuntimeError(KitError):
    """The pinned Claude Code could not be found, installed or run."""


def cache_root() -> Path:
    override = os.environ.get(ENV_CACHE)
    return Path(override).expanduser() if override else Path.home() / ".cache" / "claude-kit"


def install_dir(cache_dir: Path | None = None, version: str = PINNED_VERSION) -> Path:
    return (cache_dir or cache_root()) / f"claude-code-{version}"


def parse_version(text: str) -> tuple[int, ...] | None:
    """(2, 1, 329) from `2.1.329 (Claude Code)` or `2.1.329`; None when it names no version."""
    head = text.strip().split()[:1]
    parts = head[0].split(".") if head else []
    if len(parts) != 3 or not all(p.isdigit() for p in parts):
        return None
    return tuple(int(p) for p in parts)


def tested_range() -> tuple[str, str]:
    """(oldest, newest) Claude Code version the e2e suite runs on."""
    ordered = sorted(TESTED_VERSIONS, key=lambda v: parse_version(v) or ())
    return ordered[0], ordered[-1]


def in_tested_range(version: str) -> bool:
    """True if `version` (as `claude --version` prints it) lies within the tested range."""
    found = parse_version(version)
    low, high = (parse_version(v) for v in tested_range())
    return found is not None and low is not None and high is not None and low <= found <= high


def platform_keys() -> list[str]:
    """npm platform package suffixes to try, best match first (as the package's install.cjs)."""
    machine = platform.machine().lower()
    cpu = {"x86_64": "x64", "amd64": "x64", "aarch64": "arm64", "arm64": "arm64"}.get(machine, machine)
    if sys.platform == "win32":
        return [f"win32-{cpu}"]
    if sys.platform == "darwin":
        # An x64 Python under Rosetta reports x86_64; the arm64 build is the one that runs natively.
        return ["darwin-arm64", "darwin-x64"] if cpu == "x64" else [f"darwin-{cpu}"]
    glibc = platform.libc_ver()[0] == "glibc"
    plain, musl = f"linux-{cpu}", f"linux-{cpu}-musl"
    return [plain, musl] if glibc else [musl, plain]


def _binary_name() -> str:
    return "claude.exe" if sys.platform == "win32" else "claude"


def candidate_binaries(cache_dir: Path | None = None, version: str = PINNED_VERSION) -> list[Path]:
    modules = install_dir(cache_dir, version) / "node_modules" / "@anthropic-ai"
    return [modules / f"claude-code-{key}" / _binary_name() for key in platform_keys()]


@functools.cache
def _reported_version(path: Path, mtime_ns: int) -> str | None:
    del mtime_ns  # part of the cache key only: a replaced binary is checked again
    try:
        completed = subprocess.run(
            [str(path), "--version"],
            capture_output=True,
            text=True,
            timeout=60,
            stdin=subprocess.DEVNULL,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired):
        return None
    if completed.returncode != 0:
        return None
    return completed.stdout.strip()


def reported_version(path: Path) -> str | None:
    """What `path --version` prints (`2.1.329 (Claude Code)`), None if it does not run."""
    try:
        mtime_ns = path.stat().st_mtime_ns
    except OSError:
        return None
    return _reported_version(path.resolve(), mtime_ns)


def path_runtime_check() -> tuple[bool, str]:
    """(within the tested range, what) about the `claude` on PATH, for `claude-kit doctor`."""
    low, high = tested_range()
    tested = f"the tested range {low} to {high}"
    found = shutil.which("claude")
    if found is None:
        return False, f"no `claude` on PATH: its version cannot be checked against {tested}"
    reported = reported_version(Path(found))
    if reported is None:
        return False, f"`{found} --version` did not run: its version cannot be checked against {tested}"
    version = reported.split()[0] if reported.split() else reported
    if in_tested_range(reported):
        return True, f"claude on PATH ({found}) is {version}, within {tested}"
    return False, (
        f"claude on PATH ({found}) is {version}, outside {tested}: the hooks may meet events or "
        "payloads they were not tested with"
    )


def verify(path: Path, version: str = PINNED_VERSION) -> bool:
    """True if `path` runs and reports `version` (`2.1.329 (Claude Code)`)."""
    reported = reported_version(path)
    return reported is not None and reported.split()[:1] == [version]


def find_claude(version: str = PINNED_VERSION) -> Path | None:
    """That CLI from the cache, else from $CLAUDE_KIT_CLAUDE_BIN; None if neither verifies."""
    for candidate in candidate_binaries(version=version):
        if candidate.is_file() and verify(candidate, version):
            return candidate
    override = os.environ.get(ENV_BIN)
    if override and verify(Path(override).expanduser(), version):
        return Path(override).expanduser()
    return None


def install_claude(
    cache_dir: Path | None = None,
    version: str = PINNED_VERSION,
    progress: Callable[[str], None] | None = None,
) -> Path:
    """npm-install that CLI into the cache (if needed) and return its verified binary; `progress`
    hears what is happening while the download runs (it takes a while)."""
    for candidate in candidate_binaries(cache_dir, version):
        if candidate.is_file() and verify(candidate, version):
            return candidate
    npm = shutil.which("npm")
    if npm is None:
        raise ClaudeRuntimeError(
            f"cannot install Claude Code {version}: npm is not on PATH",
            hint=f"install Node.js (it provides npm), or set {ENV_BIN} to a claude {version} binary",
        )
    target = install_dir(cache_dir, version)
    target.parent.mkdir(parents=True, exist_ok=True)
    # Install beside the target and rename into place, so an interrupted download never leaves a
    # half-filled folder that looks installed, and two concurrent installs cannot interleave.
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    try:
        if progress is not None:
            progress(f"Downloading Claude Code {version} with npm into {target} (once; it is cached) ...")
        _npm_install(npm, staging, version, progress)
        staging.chmod(0o755)  # mkdtemp makes it private; the cache is an ordinary folder
        if target.exists():
            shutil.rmtree(target)
        staging.rename(target)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
    for candidate in candidate_binaries(cache_dir, version):
        if candidate.is_file() and verify(candidate, version):
            return candidate
    raise ClaudeRuntimeError(
        f"npm installed {PACKAGE}@{version} into {target} but no runnable platform binary was "
        f"found (tried {', '.join(str(c) for c in candidate_binaries(cache_dir, version))})",
        hint="this platform may not be supported by Claude Code; see install.log in that folder",
    )


def _npm_install(npm: str, folder: Path, version: str, progress: Callable[[str], None] | None = None) -> None:
    # A package.json of our own stops npm from walking up and installing into an enclosing project.
    (folder / "package.json").write_text(
        '{"name": "claude-kit-runtime", "private": true}\n', encoding="utf-8"
    )
    command = [
        npm,
        "install",
        "--no-audit",
        "--no-fund",
        "--save-exact",
        # The postinstall only copies the platform binary over a stub we never use.
        "--ignore-scripts",
        f"{PACKAGE}@{version}",
    ]
    log = folder / "install.log"
    try:
        with log.open("w", encoding="utf-8") as out:
            returncode = _wait_with_progress(
                subprocess.Popen(
                    command, cwd=folder, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL
                ),
                log,
                progress,
            )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise ClaudeRuntimeError(f"npm install of {PACKAGE}@{version} failed: {exc}") from exc
    if returncode != 0:
        tail = log.read_text(encoding="utf-8", errors="replace")[-2000:]
        raise ClaudeRuntimeError(
            f"npm install of {PACKAGE}@{version} failed (exit {returncode}):\n{tail}",
            hint="check network access to the npm registry",
        )


def _wait_with_progress(
    process: subprocess.Popen[bytes], log: Path, progress: Callable[[str], None] | None
) -> int:
    """npm's exit code; every PROGRESS_EVERY seconds meanwhile, how long it has run and the size of
    what it has fetched so far, so a slow download does not look like a hang."""
    started = time.monotonic()
    with process:
        while True:
            try:
                return process.wait(timeout=PROGRESS_EVERY)
            except subprocess.TimeoutExpired:
                elapsed = time.monotonic() - started
                if elapsed > _NPM_TIMEOUT:
                    process.kill()
                    raise
                if progress is not None:
                    fetched = sum(f.stat().st_size for f in log.parent.rglob("*") if f.is_file())
                    progress(f"  still downloading: {elapsed:.0f} s, {fetched / 1e6:.1f} MB so far")
