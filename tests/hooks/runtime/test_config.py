"""runtime/config: the compiled config a hook reads is complete (every section and domain field
present, from the shared defaults when missing) whatever the file holds, and stale when the YAML changed."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from claude_kit_hooks.contract.defaults import CHECK_TIMEOUT_DEFAULT, DEFAULTS, TEST_LEAD
from claude_kit_hooks.contract.layout import DEFAULT_OUTPUT_DIR, KitPaths
from claude_kit_hooks.runtime import config

SECTIONS = ("spawn", "orchestration", "compaction", "budget", "limits", "advisor", "logging")
DOMAIN_KEYS = {"paths", "exclude", "agents", "editors", "test_planning", "checks"}


def test_an_empty_config_is_the_defaults() -> None:
    cfg = config.complete({})

    for key in SECTIONS:
        assert cfg[key] == DEFAULTS[key], key  # type: ignore[literal-required]
    assert cfg["domains"] == {} and cfg["domain_rules"] == [] and cfg["exempt_rules"] == []
    assert cfg["hooks"] == {}
    assert cfg["output_dir"] == DEFAULT_OUTPUT_DIR
    assert cfg["test_lead"] == TEST_LEAD


def test_a_partial_section_keeps_its_values_and_gains_the_missing_keys() -> None:
    cfg = config.complete({"limits": {"max_stop_blocks": 2}, "spawn": {"max_depth": 3}, "extra": 1})

    assert cfg["limits"] == {**DEFAULTS["limits"], "max_stop_blocks": 2}
    assert cfg["spawn"] == {"max_depth": 3}
    assert cfg["logging"] == DEFAULTS["logging"]
    assert cfg["extra"] == 1  # type: ignore[typeddict-item]  # unknown keys pass through


def test_completing_never_changes_the_shared_defaults_or_the_input() -> None:
    before = json.dumps(DEFAULTS, sort_keys=True)
    raw: dict[str, Any] = {"limits": {"max_stop_blocks": 2}}
    cfg = config.complete(raw)
    cfg["limits"]["max_feedback_iterations"] = 99
    cfg["budget"]["prices"]["claude-opus"]["input"] = 0.0

    assert json.dumps(DEFAULTS, sort_keys=True) == before
    assert raw == {"limits": {"max_stop_blocks": 2}}


def test_a_domain_gets_every_field() -> None:
    cfg = config.complete({"domains": {"backend": {"paths": ["**/*.go"]}, "ui": None}})

    assert cfg["domains"]["backend"] == {
        "paths": ["**/*.go"], "exclude": [], "agents": {}, "editors": [], "test_planning": False,
        "checks": [],
    }  # fmt: skip
    assert set(cfg["domains"]["ui"]) == DOMAIN_KEYS


@pytest.mark.parametrize(
    "raw",
    [
        {"spawn": 5, "limits": [1], "logging": "big", "budget": None},
        {"domains": ["backend"], "domain_rules": {"a": 1}, "exempt_rules": "x", "hooks": [1]},
        {"output_dir": 7, "test_lead": ["x"]},
        {"output_dir": "", "test_lead": ""},
    ],
)
def test_sections_of_the_wrong_type_become_the_defaults(raw: dict[str, Any]) -> None:
    cfg = config.complete(raw)

    for key in SECTIONS:
        if key in raw:
            assert cfg[key] == DEFAULTS[key], key  # type: ignore[literal-required]
    assert cfg["domains"] == {} and cfg["domain_rules"] == [] and cfg["exempt_rules"] == []
    assert cfg["hooks"] == {}
    assert cfg["output_dir"] == DEFAULT_OUTPUT_DIR and cfg["test_lead"] == TEST_LEAD


def test_a_domain_keeps_only_what_fits_its_shape() -> None:
    raw = {
        "domains": {
            "a": {"paths": 5, "exclude": "x/.*", "agents": ["dev"], "checks": {"name": "lint"}},
            "b": {
                "paths": ["**/*.go", 3, None],
                "exclude": [1, "^vendor/"],
                "agents": {"developer": "go-dev", "reviewer": 7},
                "editors": ["go-fixer", 3],
                "test_planning": 1,
                "checks": [
                    {"name": "vet", "run": "go vet ./...", "timeout": 60},
                    {"name": "lint", "run": "golangci-lint run"},
                    {"name": "odd", "run": "x", "timeout": "soon"},
                    {"name": "no command"},
                    "go test",
                ],
            },
        }
    }
    cfg = config.complete(raw)

    assert cfg["domains"]["a"] == {
        "paths": [], "exclude": [], "agents": {}, "editors": [], "test_planning": False, "checks": []
    }  # fmt: skip
    b = cfg["domains"]["b"]
    assert b["paths"] == ["**/*.go"] and b["exclude"] == ["^vendor/"]
    assert b["agents"] == {"developer": "go-dev"} and b["test_planning"] is True
    assert b["editors"] == ["go-fixer"]
    assert b["checks"] == [
        {"name": "vet", "run": "go vet ./...", "timeout": 60, "cwd": "."},
        {"name": "lint", "run": "golangci-lint run", "timeout": CHECK_TIMEOUT_DEFAULT, "cwd": "."},
        {"name": "odd", "run": "x", "timeout": CHECK_TIMEOUT_DEFAULT, "cwd": "."},
    ]


def test_rules_keep_only_name_and_regex_pairs() -> None:
    rules = [
        ["backend", "^cmd/", "cmd/**"],
        ["short"],
        [1, "^x"],
        ["ui", 2],
        "^docs/",
        ["tests", "_test\\.go$"],
    ]
    cfg = config.complete({"domain_rules": rules, "exempt_rules": rules})

    assert cfg["domain_rules"] == [["backend", "^cmd/", "cmd/**"], ["tests", "_test\\.go$"]]
    assert cfg["exempt_rules"] == cfg["domain_rules"]


def test_a_trailing_slash_is_dropped_from_the_output_dir() -> None:
    assert config.complete({"output_dir": "notes/out/"})["output_dir"] == "notes/out"


# -- load ------------------------------------------------------------------------------------------
def test_load_without_a_compiled_file_is_none(tmp_path: Path) -> None:
    assert config.load(KitPaths(str(tmp_path))) is None


@pytest.mark.parametrize("text", ["{", "[]", "\xff"])
def test_load_of_a_broken_file_names_the_fix(tmp_path: Path, text: str) -> None:
    paths = KitPaths(str(tmp_path))
    Path(paths.config_json).parent.mkdir(parents=True)
    Path(paths.config_json).write_text(text, encoding="latin-1")

    with pytest.raises(RuntimeError, match="run `claude-kit sync`"):
        config.load(paths)


def test_load_completes_the_file(tmp_path: Path) -> None:
    paths = KitPaths(str(tmp_path))
    Path(paths.config_json).parent.mkdir(parents=True)
    Path(paths.config_json).write_text(json.dumps({"format": 1, "spawn": {"max_depth": 2}}))

    cfg = config.load(paths)

    assert cfg is not None and cfg["spawn"]["max_depth"] == 2 and cfg["limits"] == DEFAULTS["limits"]


# -- stale_reason ----------------------------------------------------------------------------------
def _compiled(tmp_path: Path, yaml: bytes, recorded: bytes) -> KitPaths:
    import hashlib

    paths = KitPaths(str(tmp_path))
    Path(paths.config_json).parent.mkdir(parents=True)
    Path(paths.config_yaml).write_bytes(yaml)
    Path(paths.config_json).write_text(json.dumps({"source_sha256": hashlib.sha256(recorded).hexdigest()}))
    return paths


def test_a_yaml_changed_after_compiling_is_stale(tmp_path: Path) -> None:
    paths = _compiled(tmp_path, b"version: 2\n", b"version: 1\n")
    os.utime(paths.config_json, (1, 1))
    cfg = config.load(paths)
    assert cfg is not None

    assert config.stale_reason(paths, cfg) == (
        ".claude/claude-kit.yaml changed after it was compiled, so the last compiled rules apply"
    )


def test_a_touched_but_unchanged_yaml_is_not_stale(tmp_path: Path) -> None:
    paths = _compiled(tmp_path, b"version: 1\n", b"version: 1\n")
    os.utime(paths.config_json, (1, 1))
    cfg = config.load(paths)
    assert cfg is not None

    assert config.stale_reason(paths, cfg) is None


def test_without_a_yaml_nothing_is_stale(tmp_path: Path) -> None:
    paths = _compiled(tmp_path, b"", b"")
    os.unlink(paths.config_yaml)

    assert config.stale_reason(paths, config.complete({})) is None
