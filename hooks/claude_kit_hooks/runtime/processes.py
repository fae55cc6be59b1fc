# claude-kit: managed, id=hooks/claude_kit_hooks/runtime/processes
"""Child processes the hooks run: git (the Stop loop's scans, the shell checks' questions about
ignored files and branches), and shell commands (quality-gate checks, the advisor) that get their
own process group, so a timeout kills everything they started.

subprocess is imported here, inside the functions: only the paths that run a command pay for it.
"""

from __future__ import annotations

import os

TYPE_CHECKING = False  # typing costs ~14 ms at a hook's start-up; mypy still reads the branch
if TYPE_CHECKING:
    import subprocess


def git(root: str, args: list[str], timeout: float = 15, stdin: bytes | None = None) -> bytes | None:
    """git's stdout (bytes) run in `root` (fed `stdin` when given), or None when git is missing, fails
    (a non-zero exit) or times out."""
    import subprocess

    try:
        if stdin is None:
            proc = subprocess.run(
                ["git", *args], cwd=root, stdin=subprocess.DEVNULL, capture_output=True, timeout=timeout
            )
        else:
            proc = subprocess.run(["git", *args], cwd=root, input=stdin, capture_output=True, timeout=timeout)
    except (OSError, subprocess.SubprocessError):
        return None
    return proc.stdout if proc.returncode == 0 else None


def run_shell(
    root: str, command: str, timeout: float, stdin: bytes | None = None, merge_stderr: bool = False
) -> tuple[int, bytes, bool]:
    """(exit code, stdout bytes, timed out) of `command` run through the shell from `root`.

    stdin is closed unless `stdin` is given; stderr is merged into stdout or dropped. On a timeout the
    whole process group is killed and whatever it printed so far is returned. Raises OSError when the
    shell cannot start.
    """
    import contextlib
    import subprocess

    proc = subprocess.Popen(
        command,
        shell=True,
        cwd=root,
        stdin=subprocess.DEVNULL if stdin is None else subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT if merge_stderr else subprocess.DEVNULL,
        start_new_session=os.name != "nt",
    )
    try:
        out, _ = proc.communicate(stdin, timeout=timeout)
    except subprocess.TimeoutExpired:
        kill_group(proc)
        out = b""
        with contextlib.suppress(subprocess.TimeoutExpired, OSError, ValueError):
            out, _ = proc.communicate(timeout=5)
        return proc.returncode, out or b"", True
    return proc.returncode, out or b"", False


def kill_group(proc: subprocess.Popen[bytes]) -> None:
    try:
        if os.name != "nt":
            import signal

            os.killpg(proc.pid, signal.SIGKILL)
        else:  # pragma: no cover
            import subprocess

            subprocess.run(["taskkill", "/F", "/T", "/PID", str(proc.pid)], capture_output=True, check=False)
    except OSError:
        import contextlib

        with contextlib.suppress(OSError):
            proc.kill()
