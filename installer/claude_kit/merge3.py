"""Three-way merge of a user-edited kit file with a newer kit version (`git merge-file`)."""

from __future__ import annotations

import subprocess
import tempfile
from pathlib import Path


def merge3(ours: bytes, base: bytes, theirs: bytes) -> tuple[bytes, bool]:
    """Return (merged, clean). `ours` is the user's file, `base` what the kit wrote, `theirs` the new kit."""
    with tempfile.TemporaryDirectory(prefix="claude-kit-merge-") as tmp:
        paths = []
        for name, data in (("ours", ours), ("base", base), ("theirs", theirs)):
            p = Path(tmp) / name
            p.write_bytes(data)
            paths.append(str(p))
        proc = subprocess.run(
            ["git", "merge-file", "-p", "-L", "yours", "-L", "installed", "-L", "claude-kit", *paths],
            capture_output=True,
            check=False,
        )
    if proc.returncode < 0 or proc.returncode > 127:
        raise RuntimeError(f"git merge-file failed: {proc.stderr.decode(errors='replace').strip()}")
    return proc.stdout, proc.returncode == 0
