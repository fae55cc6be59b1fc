"""The contract between the CLI and the hooks (claude_kit_hooks.contract) holds on both sides.

Both sides import the contract's modules; this file proves equal what cannot import them: the POSIX
launcher, the team config's JSON Schema and its starter template, and the files the CLI writes for
the hooks, whose shapes the contract's records declare.
"""

from __future__ import annotations

import json
import posixpath
import re
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft202012Validator

from claude_kit import config, detect, feature, locks, loop, manifest, payload, render, settings_merge
from claude_kit_hooks.contract import defaults, layout, records
from tests.conftest import build_file_tree

LAUNCHER = payload.payload_root() / "hooks" / "run"
SCHEMA = json.loads((Path(config.__file__).parent / "schemas" / "config.schema.json").read_text())


# -- the launcher (a shell script) -------------------------------------------------------------------
def _launcher_paths(marker: str) -> set[str]:
    """Paths the launcher builds as `$here/<rel>` (here = the hooks folder) or `$local_dir/<rel>` (the
    machine-local folder, whichever edition sets it), relative to the project."""
    text = LAUNCHER.read_text()
    found = {m.group(1) for m in re.finditer(r"\$here/(\.\./[A-Za-z0-9_./-]+)", text) if marker in m.group(1)}
    paths = {posixpath.normpath(f"{layout.HOOKS_DIR}/{rel}") for rel in found}
    for m in re.finditer(r"\$local_dir/([A-Za-z0-9_./-]+)", text):
        if marker in f"local/{m.group(1)}":
            paths.add(f"{layout.LOCAL_DIR}/{m.group(1)}")
    return paths


def test_both_editions_of_the_launcher_keep_machine_local_files_in_the_contracts_folder() -> None:
    text = LAUNCHER.read_text()
    assert 'local_dir="$here/../.claude-kit/local"' in text  # the repository install: .claude/hooks/..
    assert posixpath.normpath(f"{layout.HOOKS_DIR}/../.claude-kit/local") == layout.LOCAL_DIR
    assert f'local_dir="${{CLAUDE_PROJECT_DIR:-.}}/{layout.LOCAL_DIR}"' in text  # the plugin edition


def test_launcher_caches_the_interpreter_where_the_contract_says() -> None:
    assert _launcher_paths("/python") == {layout.PYTHON_CACHE}
    assert _launcher_paths("/pycache") == {layout.PYCACHE_DIR}
    assert _launcher_paths("local") >= {layout.LOCAL_DIR, layout.PYTHON_CACHE, layout.PYCACHE_DIR}
    assert _launcher_paths("journal") == {layout.JOURNAL}  # no hook runs while the journal is there


def test_launcher_honours_the_kill_switch_and_is_the_contracts_launcher() -> None:
    assert f'"${{{defaults.KILL_SWITCH}:-}}" = "1"' in LAUNCHER.read_text()
    assert f"{layout.HOOKS_DIR}/{LAUNCHER.name}" == layout.LAUNCHER
    assert layout.LAUNCHER in render.EXECUTABLE


def test_settings_commands_run_the_launcher_and_are_recognised() -> None:
    for module in defaults.HOOK_EVENTS:
        command = settings_merge.command_for(module)
        assert f"/{layout.LAUNCHER}" in command
        assert settings_merge.module_of(command) == module


# -- the team config: schema, starter template, compiled form ------------------------------------------
def test_schema_names_every_default_section_hook_and_role() -> None:
    props = SCHEMA["properties"]
    assert set(props) == {"version", *defaults.DEFAULTS}
    for section, value in defaults.DEFAULTS.items():
        if isinstance(value, dict) and "properties" in props[section]:
            assert set(value) <= set(props[section]["properties"]), section
    assert tuple(props["hooks"]["propertyNames"]["enum"]) == defaults.HOOK_NAMES
    agents = SCHEMA["$defs"]["domain"]["properties"]["agents"]["properties"]
    assert tuple(agents) == defaults.AGENT_ROLES


def test_the_defaults_are_a_valid_config() -> None:
    errors = list(Draft202012Validator(SCHEMA).iter_errors({"version": 1, **defaults.DEFAULTS}))
    assert errors == []
    assert config.parse("version: 1\n", layout.CONFIG_YAML) == {"version": 1, **defaults.DEFAULTS}


def test_the_starter_config_spells_out_the_defaults(tmp_repo: Path) -> None:
    text = render.initial_config_text(detect.detect(tmp_repo))
    written: dict[str, Any] = yaml.safe_load(text)
    assert written["output_dir"] == layout.DEFAULT_OUTPUT_DIR == defaults.DEFAULTS["output_dir"]
    for section, value in written.items():
        if section in ("version", "output_dir"):
            continue
        expected = defaults.DEFAULTS[section]
        if isinstance(value, dict):
            assert value == {k: expected[k] for k in value}, section
        else:
            assert value == expected, section


def test_the_compiled_config_has_the_records_shape() -> None:
    cfg = config.parse(
        "version: 1\ndomains:\n  api:\n    paths: ['api/**']\n    checks: [{name: t, run: 'true'}]\n",
        layout.CONFIG_YAML,
    )
    compiled = config.compile_config(cfg, b"")
    assert set(compiled) == set(records.CompiledConfig.__annotations__)
    domain = compiled["domains"]["api"]
    assert set(domain) == set(records.Domain.__annotations__)
    assert set(domain["checks"][0]) == set(records.Check.__annotations__)
    assert domain["checks"][0]["timeout"] == defaults.CHECK_TIMEOUT_DEFAULT
    assert set(domain["agents"]) == set(defaults.AGENT_ROLES)
    for section in ("spawn", "orchestration", "compaction", "budget", "limits", "advisor", "logging"):
        record = getattr(records, section.title())
        assert set(compiled[section]) == set(record.__annotations__), section
    assert compiled["format"] == defaults.COMPILED_FORMAT and compiled["test_lead"] == defaults.TEST_LEAD
    assert set(compiled["hooks"]) == set(defaults.HOOK_NAMES)
    assert compiled["output_dir"] == layout.output_dir_of(cfg)


# -- settings entries and timeouts ------------------------------------------------------------------------
def test_settings_entries_follow_the_events_and_one_timeout_rule() -> None:
    entries = render.settings_entries()
    assert [e["event"] for e in entries] == [event for event, _, _ in defaults.HOOK_EVENTS.values()]
    for entry in entries:
        assert set(entry) == set(records.SettingsEntry.__annotations__)
        assert set(entry["handler"]) == set(records.HookHandler.__annotations__)
        assert defaults.valid_hook_timeout(entry["handler"]["timeout"])
    for module in defaults.HOOK_EVENTS:
        assert (payload.payload_root() / "hooks" / f"{module}.py").is_file(), module


def test_the_timeout_rule_and_the_stop_timeout() -> None:
    assert [defaults.valid_hook_timeout(v) for v in (None, 1, 600)] == [True, True, True]
    assert not any(defaults.valid_hook_timeout(v) for v in (0, 601, 5000, True, 10.0, "10"))
    assert defaults.stop_timeout(None) == defaults.HOOK_EVENTS["stop"][2] == 600
    assert defaults.stop_timeout([]) == 60
    assert defaults.stop_timeout([100]) == 130
    assert defaults.stop_timeout([300, 600]) == 600


def test_the_checks_budget_fits_inside_the_stop_hooks_timeout() -> None:
    # 30 s is left for the gates around the checks, 3 s at least, a quarter in between.
    assert [defaults.stop_check_budget(t) for t in (1, 4, 12, 60, 130, 600)] == [1, 1, 9, 45, 100, 570]
    for checks in ([], [30], [100], [300, 600]):
        rendered = defaults.stop_timeout(checks)
        assert defaults.stop_check_budget(rendered) < rendered
        assert defaults.stop_check_budget(rendered) >= min(sum(checks), 570)


# -- what the CLI writes for the hooks -------------------------------------------------------------------
def test_an_install_writes_the_manifest_records(tmp_repo: Path) -> None:
    from claude_kit import lifecycle

    build_file_tree(tmp_repo, {"main.go": "package main\n", "go.mod": "module x\n"})
    assert lifecycle.install(tmp_repo, show_next=False) == 0
    written = json.loads((tmp_repo / layout.MANIFEST).read_text())
    assert written == manifest.load(tmp_repo)
    assert set(written) == set(records.Manifest.__annotations__)
    required = records.ManifestFile.__required_keys__
    for rel, rec in written["files"].items():
        assert required <= set(rec) <= set(records.ManifestFile.__annotations__), rel
    assert set(written["settings"]) == set(records.ManifestSettings.__annotations__)
    assert set(written["claude_md"]) == set(records.ManifestClaudeMd.__annotations__)
    assert (tmp_repo / layout.COMPILED_CONFIG).is_file() and (tmp_repo / layout.SKILL_INDEX).is_file()


def test_the_cli_writes_the_state_files_the_hooks_read(tmp_repo: Path, monkeypatch: Any) -> None:
    from claude_kit import lifecycle

    assert lifecycle.install(tmp_repo, show_next=False) == 0
    monkeypatch.chdir(tmp_repo)
    assert feature.start(tmp_repo, "order cancellation", "small") == 0
    shared = Path(layout.shared_dir(str(tmp_repo)))
    active = json.loads((shared / layout.ACTIVE_FEATURE).read_text())
    assert set(active) == set(records.ActiveFeature.__annotations__)
    build_file_tree(tmp_repo, {"a.py": ""})
    assert locks.acquire(tmp_repo, ["a.py"], "backend-developer") == 0
    held = json.loads((shared / layout.LOCKS_FILE).read_text())
    assert set(held["a.py"]) == set(records.FileLock.__annotations__)
    assert loop.start(tmp_repo, "do it", 3, "DONE", "session/1") == 0
    state = json.loads((tmp_repo / layout.state_file("session/1", "loop")).read_text())
    assert set(state) <= set(records.CompletionLoop.__annotations__)
    assert isinstance(state["started"], float)
    assert (tmp_repo / layout.scratchpad(layout.DEFAULT_OUTPUT_DIR, "session/1")).is_file()
    assert loop.loop_path(tmp_repo, "session/1") == tmp_repo / layout.state_file("session/1", "loop")


# -- the configuration reference -----------------------------------------------------------------------
def _schema_keys(node: dict[str, Any], prefix: str = "") -> set[str]:
    """Every key path of the schema: `domains.<name>.checks[].run`, `hooks.<id>.enabled`, ..."""
    if "$ref" in node:
        node = SCHEMA["$defs"][node["$ref"].rsplit("/", 1)[-1]]
    keys: set[str] = set()
    for name, sub in node.get("properties", {}).items():
        keys |= {f"{prefix}{name}"} | _schema_keys(sub, f"{prefix}{name}.")
    placeholder = {
        "domains.": "<name>", "hooks.": "<id>", "extra_tools.": "<tool>", "budget.prices.": "<model prefix>"
    }.get(prefix)  # fmt: skip
    if placeholder and isinstance(node.get("additionalProperties"), dict):
        keys.add(f"{prefix}{placeholder}")
        if placeholder != "<model prefix>":  # a price's fields are documented in its row
            keys |= _schema_keys(node["additionalProperties"], f"{prefix}{placeholder}.")
    if isinstance(node.get("items"), dict):
        keys |= _schema_keys(node["items"], f"{prefix[:-1]}[].")
    return keys


def test_the_configuration_reference_documents_every_key() -> None:
    text = (Path(__file__).resolve().parents[2] / "docs" / "configuration.md").read_text()
    rows = set(re.findall(r"^\| `([^`]+)` \|", text, re.M))
    missing = sorted(
        key
        for key in _schema_keys(SCHEMA)
        if key not in rows and not any(r.startswith((f"{key}.", f"{key}[]")) for r in rows)
    )
    assert missing == []
    assert {"domains.<name>.checks[].timeout", "hooks.<id>.enabled", "budget.prices.<model prefix>"} <= rows
    assert set(defaults.HOOK_NAMES) <= rows
