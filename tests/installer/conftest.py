"""Fixtures of the installer tests."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from claude_kit import payload, render


@pytest.fixture
def new_kit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the payload standing for the next kit release; edit it, then run `update`."""
    src = payload.payload_root()
    dst = tmp_path / "next-kit"
    for name in (*payload.PAYLOAD_DIRS, payload.TEMPLATE):
        if (src / name).is_dir():
            shutil.copytree(src / name, dst / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(src / name, dst / name)
    monkeypatch.setattr(render, "payload_root", lambda: dst)
    return dst
