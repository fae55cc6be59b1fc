"""bench/bench_route.py's accuracy table reads both label formats (checked on a synthetic set)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

REPO = Path(__file__).resolve().parents[2]


def bench_route() -> ModuleType:
    sys.path.insert(0, str(REPO / "bench"))  # the bench imports its sibling _common
    try:
        spec = importlib.util.spec_from_file_location("bench_route", REPO / "bench" / "bench_route.py")
        assert spec and spec.loader
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        return module
    finally:
        sys.path.remove(str(REPO / "bench"))


def test_heldout_format_ranks_in_the_gateway_and_counts_any_listed_skill(tmp_path: Path) -> None:
    pooling = "skill-library/backend/connection-pooling-and-timeouts"
    hooks = "skill-library/frontend/react-hooks-rules-and-pitfalls"
    intent = "postgres says too many clients already"
    heldout = tmp_path / "heldout.yaml"
    heldout.write_text(
        f'- {{intent: "{intent}", gateway: gateway-backend, expect: [{pooling}]}}\n'
        f'- {{intent: "{intent}", gateway: backend, expect: [{hooks}, {pooling}]}}\n'
        f'- {{intent: "{intent}", gateway: backend, expect: [{hooks}]}}\n'
        # inside the frontend gateway the backend skill cannot be ranked at all
        f'- {{intent: "{intent}", gateway: frontend, expect: [{pooling}]}}\n',
        encoding="utf-8",
    )
    tuning = tmp_path / "tuning.yaml"
    tuning.write_text(
        f'backend:\n  - {{intent: "{intent}", expect: connection-pooling-and-timeouts}}\n', encoding="utf-8"
    )
    result = bench_route().accuracy(REPO, REPO / "skill-library", [heldout, tuning])
    assert result == {"heldout.yaml": [4, 2, 2], "tuning.yaml": [1, 1, 1]}
