"""Team config: defaults, path-qualified schema errors with lines, the compiled view the hooks read."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import pytest

from claude_kit import config, globs
from claude_kit.errors import KitError
from claude_kit_hooks.contract.defaults import DOC_FILE_RULES, TEST_FILE_RULES

SRC = ".claude/claude-kit.yaml"


def _errors(text: str) -> str:
    with pytest.raises(KitError) as info:
        config.parse(text, SRC)
    return info.value.message


def test_minimal_config_gets_every_default() -> None:
    cfg = config.parse("version: 1\n", SRC)
    for key, value in config.DEFAULTS.items():
        assert cfg[key] == value, key
    assert cfg["version"] == 1


def test_user_values_override_defaults_deeply_but_domains_replace() -> None:
    cfg = config.parse(
        "version: 1\ncompaction:\n  deny_percent: 90\nlimits:\n  max_stop_blocks: 4\n"
        "domains:\n  api:\n    paths: ['api/**']\n",
        SRC,
    )
    assert cfg["compaction"] == {**config.DEFAULTS["compaction"], "deny_percent": 90}
    assert cfg["limits"]["max_stop_blocks"] == 4
    assert cfg["limits"]["max_feedback_iterations"] == config.DEFAULTS["limits"]["max_feedback_iterations"]
    assert cfg["domains"] == {"api": {"paths": ["api/**"]}}
    assert config.DEFAULTS["compaction"]["deny_percent"] == 85  # the defaults were not mutated


def test_empty_file_is_missing_version() -> None:
    assert "'version' is a required property" in _errors("")


def test_top_level_must_be_a_mapping() -> None:
    assert _errors("- a\n- b\n") == f"{SRC}: the config must be a mapping (got list)"


def test_yaml_syntax_error_names_line_and_column() -> None:
    msg = _errors("version: 1\ndomains:\n  backend: {paths: [\n")
    assert msg.startswith(f"{SRC}:4:1: invalid YAML")
    assert "claude-kit sync" in msg


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("version: 2\n", f"{SRC}:1: $.version -> 1 was expected"),
        (
            "version: 1\ndomains:\n  backend:\n    paths: []\n",
            f"{SRC}:4: $.domains.backend.paths -> [] should be non-empty",
        ),
        (
            "version: 1\ndomains:\n  backend:\n    paths: ['a']\n"
            "    checks:\n      - name: t\n        run: x\n        timeout: soon\n",
            f"{SRC}:8: $.domains.backend.checks[0].timeout -> 'soon' is not of type 'integer'",
        ),
        (
            "version: 1\ncompaction:\n  warn_percent: 70\n  deny_percent: high\n",
            f"{SRC}:4: $.compaction.deny_percent -> 'high' is not of type 'integer'",
        ),
        # Unknown and misspelt keys point at the key's own line.
        ("version: 1\n\nlimtis: {}\n", f"{SRC}:3: $ -> Additional properties are not allowed ('limtis'"),
        (
            "version: 1\nhooks:\n  budget: {enabled: true}\n  agent_first:\n    enabld: false\n",
            f"{SRC}:5: $.hooks.agent_first -> Additional properties are not allowed ('enabld'",
        ),
        ("version: 1\nhooks:\n  budget: {}\n  bogus: {}\n", f"{SRC}:4: $.hooks -> 'bogus' is not one of"),
        (
            "version: 1\ndomains:\n  ok:\n    paths: [a]\n  Bad_Name:\n    paths: [a]\n",
            f"{SRC}:5: $.domains -> 'Bad_Name' does not match",
        ),
        (
            "version: 1\ncompaction:\n  warn_percent: 90\n",
            f"{SRC}:2: $.compaction -> warn_percent <= must_percent <= deny_percent must hold"
            " (got 90, 80, 85)",
        ),
    ],
)
def test_schema_errors_are_path_qualified_with_lines(text: str, expected: str) -> None:
    msg = _errors(text)
    assert msg.startswith("invalid config:\n")
    assert expected in msg, msg
    assert "hint: fix the lines above" in msg


def test_every_problem_is_reported_at_once() -> None:
    msg = _errors("version: 1\nspawn:\n  max_depth: 9\nlogging:\n  keep: 0\nadvisor:\n  timeout: x\n")
    assert msg.count(f"\n  {SRC}:") == 3


def test_load_reports_missing_and_undecodable_files(tmp_path: Path) -> None:
    with pytest.raises(KitError, match="no team config") as info:
        config.load(tmp_path)
    assert "claude-kit install" in info.value.message
    (tmp_path / ".claude").mkdir()
    (tmp_path / SRC).write_bytes(b"version: 1\n\xff\n")
    with pytest.raises(KitError, match="not UTF-8 text"):
        config.load(tmp_path)


def _compiled(text: str) -> dict[str, object]:
    return config.compile_config(config.parse(text, SRC), text.encode())


DOMAINS = """version: 1
domains:
  backend:
    paths: ["**/*.go"]
  api:
    paths: ["cmd/api/**/*.go"]
    exclude: ["cmd/api/gen/**"]
    agents: {developer: api-dev}
    checks:
      - {name: vet, run: go vet ./...}
  frontend:
    paths: ["ui/**/*.tsx", "ui/components/**/*.tsx"]
    test_planning: true
"""


def test_domain_rules_are_sorted_most_specific_first() -> None:
    out = _compiled(DOMAINS)
    rules = out["domain_rules"]
    assert isinstance(rules, list)
    order = [r[2] for r in rules]
    # Two literal directories, then one, then none; ties broken by literal characters.
    assert order == ["ui/components/**/*.tsx", "cmd/api/**/*.go", "ui/**/*.tsx", "**/*.go"]

    def domain_of(rel: str) -> str | None:
        domains = out["domains"]
        assert isinstance(domains, dict)
        for name, rx, *_ in rules:
            if re.match(rx, rel) and not any(re.match(x, rel) for x in domains[name]["exclude"]):
                return str(name)
        return None

    assert domain_of("cmd/api/handler.go") == "api"
    assert domain_of("cmd/api/gen/types.go") == "backend"  # excluded from api, falls to backend
    assert domain_of("internal/x.go") == "backend"
    assert domain_of("ui/components/Button.tsx") == "frontend"
    assert domain_of("README.md") is None


def test_domain_agents_checks_and_flags() -> None:
    domains = _compiled(DOMAINS)["domains"]
    assert isinstance(domains, dict)
    assert domains["api"]["agents"] == {
        "lead": "api-lead",
        "developer": "api-dev",
        "reviewer": "api-reviewer",
        "tester": "api-tester",
    }
    assert domains["api"]["checks"] == [{"name": "vet", "run": "go vet ./...", "timeout": 300}]
    assert domains["frontend"]["test_planning"] is True
    assert domains["backend"]["test_planning"] is False


def _exempt(out: dict[str, object], rel: str) -> str | None:
    rules = out["exempt_rules"]
    assert isinstance(rules, list)
    return next((label for label, rx, *_ in rules if re.search(rx, rel)), None)


def test_exemptions_default_to_tests_docs_and_output_dir() -> None:
    out = _compiled("version: 1\n")
    assert _exempt(out, ".claude/.output/features/x/MANIFEST.yaml") == "output_dir"
    assert _exempt(out, "internal/store/store_test.go") == "tests"
    assert _exempt(out, "tests/test_x.py") == "tests"
    assert _exempt(out, "src/conftest.py") == "tests"
    assert _exempt(out, "ui/Button.test.tsx") == "tests"
    assert _exempt(out, "docs/guide.md") == "docs"
    assert _exempt(out, "README.md") == "docs"
    assert _exempt(out, "internal/store/store.go") is None
    assert _exempt(out, "src/testing_utils.py") is None
    assert _exempt(out, "latest/x.go") is None


@pytest.mark.parametrize(
    ("rel", "label"),
    [
        # Code stays code: folders named like docs or tests inside a package are production code.
        ("backend/docs/docs.go", None), ("docs/docs.go", None), ("docs/conf.py", None),
        ("internal/spec/openapi.go", None), ("pkg/test/helpers.go", None), ("web/spec/api.ts", None),
        ("backend/requirements.txt", None), ("requirements-dev.txt", None), ("CMakeLists.txt", None),
        # Docs: documentation file types anywhere, anything but code under a top-level docs/.
        ("backend/docs/swagger.md", "docs"), ("docs/img/flow.png", "docs"), ("LICENSE.txt", "docs"),
        # Tests: names the test runners find, reserved test folders anywhere, test/ and spec/ on top.
        ("spec/models/user_spec.rb", "tests"), ("test/helpers.go", "tests"),
        ("backend/tests/utils/user.py", "tests"), ("pkg/x/testdata/in.json", "tests"),
        ("ui/__snapshots__/a.snap", "tests"), ("packages/app/e2e/fixtures/seed.ts", "tests"),
        ("server/api/test/memo_test.go", "tests"),
    ],
)  # fmt: skip
def test_built_in_exemptions_are_anchored(rel: str, label: str | None) -> None:
    assert _exempt(_compiled("version: 1\n"), rel) == label


def test_exemptions_can_be_turned_off_and_extended() -> None:
    out = _compiled(
        "version: 1\noutput_dir: ./reports/\nexemptions:\n  tests: false\n  docs: false\n"
        "  globs: ['scripts/**', Makefile]\n"
    )
    assert _exempt(out, "x_test.go") is None
    assert _exempt(out, "README.md") is None
    assert _exempt(out, "scripts/release.sh") == "glob scripts/**"
    assert _exempt(out, "sub/Makefile") == "glob Makefile"
    # `./reports/` is normalised: hooks compare project-relative paths without `./`.
    assert out["output_dir"] == "reports"
    assert _exempt(out, "reports/a.md") == "output_dir"


def test_every_rule_ends_with_its_hints() -> None:
    out = _compiled(DOMAINS + "output_dir: ./notes/out/\nexemptions:\n  globs: ['scripts/**', '*']\n")
    domain_rules, exempt_rules = out["domain_rules"], out["exempt_rules"]
    assert isinstance(domain_rules, list) and isinstance(exempt_rules, list)
    # [name, regex, glob, hints]: the texts every path the glob matches contains.
    assert [(r[2], r[3]) for r in domain_rules] == [
        ("ui/components/**/*.tsx", ["ui/components/"]),
        ("cmd/api/**/*.go", ["cmd/api/"]),
        ("ui/**/*.tsx", [".tsx"]),  # the longest literal run
        ("**/*.go", [".go"]),
    ]
    # [label, regex, hints]: the output folder's prefix, the built-in regexes' declared hints, the
    # globs' literals ([] when a glob has none: the hooks always run that regex).
    assert exempt_rules[0] == ["output_dir", "^notes/out/", ["notes/out/"]]
    built_in = [*TEST_FILE_RULES, *DOC_FILE_RULES]
    assert [(rx, tuple(hints)) for _, rx, hints in exempt_rules[1:-2]] == built_in
    assert exempt_rules[-2:] == [
        ["glob scripts/**", globs.glob_to_regex("scripts/**"), ["scripts/"]],
        ["glob *", globs.glob_to_regex("*"), []],
    ]


def test_compiled_hooks_are_all_listed_with_enabled_flags() -> None:
    out = _compiled("version: 1\nhooks:\n  budget: {enabled: false}\n  advisor: {}\n")
    hooks = out["hooks"]
    assert isinstance(hooks, dict)
    assert set(hooks) == set(config.HOOK_NAMES)
    assert hooks["budget"] is False
    assert hooks["advisor"] is True and hooks["file_locks"] is True


def test_every_hook_name_is_accepted_by_the_schema() -> None:
    text = "version: 1\nhooks:\n" + "".join(f"  {h}: {{enabled: false}}\n" for h in config.HOOK_NAMES)
    hooks = _compiled(text)["hooks"]
    assert isinstance(hooks, dict)
    assert not any(hooks.values())


def test_compiled_bytes_record_the_source_hash_and_are_deterministic() -> None:
    cfg = config.parse(DOMAINS, SRC)
    data = config.compiled_bytes(cfg, DOMAINS.encode())
    assert data == config.compiled_bytes(cfg, DOMAINS.encode())
    assert data.endswith(b"\n")
    loaded = json.loads(data)
    assert loaded["source_sha256"] == hashlib.sha256(DOMAINS.encode()).hexdigest()
    assert loaded["format"] == config.COMPILED_FORMAT and loaded["source"] == SRC


def _write_compiled(root: Path, text: str) -> None:
    (root / ".claude/hooks").mkdir(parents=True, exist_ok=True)
    (root / config.CONFIG_REL).write_text(text)
    cfg = config.parse(text, SRC)
    (root / config.COMPILED_REL).write_bytes(config.compiled_bytes(cfg, text.encode()))


def test_staleness(tmp_path: Path) -> None:
    assert config.compiled_is_stale(tmp_path) == f"{config.COMPILED_REL} is missing"
    _write_compiled(tmp_path, "version: 1\n")
    assert config.compiled_is_stale(tmp_path) is None
    (tmp_path / config.CONFIG_REL).write_text("version: 1\nspawn: {max_depth: 2}\n")
    assert config.compiled_is_stale(tmp_path) == f"{config.CONFIG_REL} changed after it was compiled"
    # Touching the YAML without changing its bytes is not staleness: the hash decides.
    _write_compiled(tmp_path, "version: 1\n")
    (tmp_path / config.CONFIG_REL).write_text("version: 1\n")
    assert config.compiled_is_stale(tmp_path) is None
    (tmp_path / config.COMPILED_REL).write_text("{not json")
    assert config.compiled_is_stale(tmp_path) == f"{config.COMPILED_REL} is not valid JSON"
    _write_compiled(tmp_path, "version: 1\n")
    (tmp_path / config.CONFIG_REL).unlink()
    assert config.compiled_is_stale(tmp_path) == f"{config.CONFIG_REL} is missing"


def test_a_glob_that_yields_no_valid_regex_is_a_config_error() -> None:
    cfg = config.parse("version: 1\ndomains:\n  api:\n    paths: ['api/[z-a]*.go']\n", SRC)
    with pytest.raises(KitError) as info:
        config.compile_config(cfg, b"")
    assert info.value.message.startswith(f"{SRC}: glob 'api/[z-a]*.go' is not valid (bad character range")


def test_a_duplicate_key_is_an_error_at_its_line() -> None:
    text = (
        "version: 1\ndomains:\n  backend:\n    paths: ['api/**']\n"
        "domains:\n  frontend:\n    paths: ['web/**']\n"
    )
    with pytest.raises(KitError) as exc:
        config.parse(text, ".claude/claude-kit.yaml")
    assert exc.value.message.startswith(
        ".claude/claude-kit.yaml:5:1: invalid YAML: duplicate key 'domains' (first on line 2)\n"
    )
    nested = "version: 1\ndomains:\n  backend:\n    paths: ['a/**']\n    paths: ['b/**']\n"
    with pytest.raises(KitError, match=r"claude-kit.yaml:5:5: invalid YAML: duplicate key 'paths'"):
        config.parse(nested, ".claude/claude-kit.yaml")
