"""briefings/state_summary in-process: the active feature and the feedback state as the briefings read
them, for any project root, whatever shape the files are in."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from claude_kit_hooks.briefings import state_summary
from claude_kit_hooks.contract.layout import KitPaths
from claude_kit_hooks.contract.records import ActiveFeature
from claude_kit_hooks.runtime.config import complete
from tests.hooks.hookrun import FEATURE

CFG = complete({})


def write(path: str, data: Any) -> None:
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_text(data if isinstance(data, str) else json.dumps(data))


def as_feature(data: dict[str, Any]) -> ActiveFeature:
    """A feature as read from disk: any subset of the fields."""
    feature: Any = data
    return feature  # type: ignore[no-any-return]


def feature_file(paths: KitPaths) -> str:
    return paths.shared_file("features/active.json")


# -- active feature ------------------------------------------------------------------------------------
def test_the_active_feature_is_the_repositorys_whatever_the_output_dir(tmp_path: Path) -> None:
    one, two = KitPaths(str(tmp_path / "one")), KitPaths(str(tmp_path / "two"))
    write(feature_file(one), FEATURE)
    write(two.abs(".claude/.output/features/active.json"), {**FEATURE, "name": "Other"})  # where kits were

    assert state_summary.active_feature(one, CFG) == FEATURE
    assert state_summary.active_feature(one, complete({"output_dir": "notes/"})) == FEATURE
    assert state_summary.active_feature(two, CFG) is None


@pytest.mark.parametrize(
    "data",
    ["not json", "[1, 2]", {}, {"status": "in_progress"}, {**FEATURE, "status": "Done"},
     {**FEATURE, "status": "archived"}],
)  # fmt: skip
def test_no_feature_when_the_file_is_not_an_open_feature(tmp_path: Path, data: Any) -> None:
    paths = KitPaths(str(tmp_path))
    write(feature_file(paths), data)

    assert state_summary.active_feature(paths, CFG) is None


def test_no_feature_without_the_file(tmp_path: Path) -> None:
    assert state_summary.active_feature(KitPaths(str(tmp_path)), CFG) is None


def test_the_feature_line_names_what_is_known() -> None:
    full = state_summary.feature_line(as_feature(FEATURE), CFG)

    assert full == (
        "Active feature: Login rate limit (feature), phase implementation, status in_progress; "
        f"MANIFEST: {FEATURE['dir']}/MANIFEST.yaml."
    )
    assert state_summary.feature_line(
        as_feature({"feature_id": "20261121-x"}), complete({"output_dir": "notes"})
    ) == ("Active feature: 20261121-x; MANIFEST: notes/features/20261121-x/MANIFEST.yaml.")
    assert state_summary.feature_line(as_feature({"name": "N"}), CFG) == "Active feature: N."


def test_the_feature_line_is_clipped() -> None:
    line = state_summary.feature_line(as_feature({"name": "x " * 300}), CFG)

    assert len(line) == 240 and line.endswith("...")


# -- feedback state --------------------------------------------------------------------------------
def test_dirty_domains_lists_changed_files_and_verdicts(tmp_path: Path) -> None:
    paths = KitPaths(str(tmp_path))
    write(paths.state("s", "feedback"), {"domains": {
        "ui": {"files": [], "changes": 2, "phases": {"testing": "PASS"}},
        "backend": {"files": ["a.go", 3, "b.go"],
                    "phases": {"review": {"verdict": "FAIL"}, "x": {"verdict": 1}}},
        "clean": {"files": [], "changes": 0},
        "odd": "dirty",
    }})  # fmt: skip

    assert state_summary.dirty_domains(paths, "s") == [
        ("backend", ["a.go", "b.go"], ["review FAIL"]),
        ("ui", [], ["testing PASS"]),
    ]
    assert state_summary.dirty_domains(paths, "other-session") == []


@pytest.mark.parametrize("data", ["not json", "[]", {"domains": [1]}, {"domains": {"b": {"files": "a.go"}}}])
def test_dirty_domains_of_a_malformed_state_is_empty(tmp_path: Path, data: Any) -> None:
    paths = KitPaths(str(tmp_path))
    write(paths.state("s", "feedback"), data)

    assert state_summary.dirty_domains(paths, "s") == []


def test_the_fallback_readers_say_what_the_state_files_hold(tmp_path: Path) -> None:
    paths = KitPaths(str(tmp_path))
    write(paths.state("s", "loop"), {"active": True, "iteration": 3, "max_iterations": 20})
    write(paths.state("s", "feedback"), {"domains": {"backend": {"files": ["a.go"]}}})
    write(paths.state("done", "loop"), {"active": False, "iteration": 3})

    assert state_summary._fallback_loop(paths, "s") == "completion loop iteration 3/20"
    assert state_summary._fallback_feedback(paths, "s") == "feedback loop open for backend"
    assert state_summary._fallback_loop(paths, "done") == ""
    assert state_summary._fallback_feedback(paths, "done") == ""
