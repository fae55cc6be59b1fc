"""The verdict schema: the copy the hooks embed equals the installer's file, and the stdlib validator
(stoploop.verdict_schema) gives jsonschema's answer on ~500 valid and invalid verdicts."""

from __future__ import annotations

import copy
import json
import random
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator

from claude_kit_hooks.stoploop import verdict_schema
from claude_kit_hooks.stoploop.verdicts import VERDICT_SCHEMA

SCHEMA_FILE = Path(__file__).resolve().parents[3] / "installer/claude_kit/schemas/verdict.schema.json"
VALID: dict[str, Any] = {
    "claude_kit": "verdict",
    "role": "review",
    "domain": "backend",
    "verdict": "PASS",
    "issues": [],
    "summary": "ok",
}
FAILING = dict(VALID, verdict="FAIL", issues=[{"file": "a.go", "line": 3, "problem": "bug"}])


# -- the schema and the validator ---------------------------------------------------------------------
def test_schema_file_is_the_schema_the_hooks_embed() -> None:
    assert json.loads(SCHEMA_FILE.read_text()) == VERDICT_SCHEMA
    Draft202012Validator.check_schema(VERDICT_SCHEMA)


def test_schema_uses_only_keywords_the_stdlib_validator_implements() -> None:
    def keywords(node: Any, in_properties: bool = False) -> set[str]:
        found: set[str] = set()
        if isinstance(node, dict):
            for key, value in node.items():
                if not in_properties:
                    found.add(key)
                found |= keywords(value, in_properties=key == "properties" and not in_properties)
        elif isinstance(node, list):
            for item in node:
                found |= keywords(item)
        return found

    assert keywords(VERDICT_SCHEMA) <= verdict_schema.SUPPORTED_KEYWORDS


MUTATIONS: list[tuple[str, Any]] = [
    ("claude_kit", "plan"),
    ("claude_kit", None),
    ("role", "reviewer"),
    ("role", "testing"),
    ("role", "test_planning"),
    ("role", 1),
    ("domain", "Backend"),
    ("domain", "back end"),
    ("domain", ""),
    ("domain", "a" * 41),
    ("domain", "a" * 42),
    ("domain", "x-1"),
    ("domain", 7),
    ("verdict", "pass"),
    ("verdict", "FAIL"),
    ("verdict", True),
    ("issues", None),
    ("issues", {}),
    ("issues", "none"),
    ("summary", ""),
    ("summary", "s" * 2000),
    ("summary", "s" * 2001),
    ("summary", 3),
    ("summary", None),
    ("extra", "allowed"),
    ("summary", "\u00e9" * 2000),
]
ISSUES: list[Any] = [
    [],
    [{"file": "a.go", "line": 1, "problem": "p"}],
    [{"file": "a.go", "line": None, "problem": "p"}],
    [{"file": "a.go", "problem": "p"}],
    [{"file": "a.go", "line": "3", "problem": "p"}],
    [{"file": "a.go", "line": 3.0, "problem": "p"}],
    [{"file": "a.go", "line": 3.5, "problem": "p"}],
    [{"file": "a.go", "line": True, "problem": "p"}],
    [{"file": "a.go", "line": -1, "problem": "p"}],
    [{"file": "a.go", "line": 0, "problem": "p"}],
    [{"file": "", "line": 1, "problem": "p"}],
    [{"file": "a.go", "line": 1, "problem": ""}],
    [{"line": 1, "problem": "p"}],
    [{"file": "a.go", "line": 1}],
    [{"file": 1, "line": 1, "problem": "p"}],
    ["a.go:1 bug"],
    [None],
    [{"file": "a", "problem": "p", "x": 1}],
    [{"file": "a", "problem": "p"}] * 200,
    [{"file": "a", "problem": "p"}] * 201,
]


def _examples() -> list[Any]:
    out: list[Any] = [VALID, FAILING, None, [], "verdict", 3, True, {}, [VALID]]
    for base in (VALID, FAILING):
        for key, value in MUTATIONS:
            out.append(dict(base, **{key: value}))
        for key in base:
            out.append({k: v for k, v in base.items() if k != key})
        for issues in ISSUES:
            out.append(dict(base, issues=copy.deepcopy(issues)))
    rng = random.Random(20261121)
    pool = [v for _k, v in MUTATIONS] + ISSUES + ["PASS", "FAIL", "review", "backend", 0, 1.0, False]
    keys = list(VALID) + ["extra"]
    for _ in range(400):
        doc = copy.deepcopy(rng.choice([VALID, FAILING]))
        for _ in range(rng.randint(1, 3)):
            key = rng.choice(keys)
            if rng.random() < 0.2:
                doc.pop(key, None)
            else:
                doc[key] = copy.deepcopy(rng.choice(pool))
        out.append(doc)
    return out


EXAMPLES = _examples()


def test_stdlib_validator_agrees_with_jsonschema_on_every_example() -> None:
    reference = Draft202012Validator(VERDICT_SCHEMA)
    verdicts = [
        (not verdict_schema.validate(VERDICT_SCHEMA, doc), reference.is_valid(doc)) for doc in EXAMPLES
    ]
    disagreements = [doc for doc, (ours, theirs) in zip(EXAMPLES, verdicts, strict=True) if ours != theirs]
    assert disagreements == []
    valid = sum(1 for ours, _ in verdicts if ours)
    assert 20 < valid < len(EXAMPLES) - 100  # both outcomes are well represented


def test_validator_messages_name_the_path() -> None:
    errors = verdict_schema.validate(VERDICT_SCHEMA, dict(VALID, verdict="OK", issues=[{"file": "a"}]))
    assert '$.verdict: "OK" is not one of ["PASS", "FAIL"]' in errors
    assert '$.issues[0]: required property "problem" is missing' in errors
