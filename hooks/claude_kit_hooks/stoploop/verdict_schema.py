# claude-kit: managed, id=hooks/claude_kit_hooks/stoploop/verdict_schema
"""A tiny JSON Schema (2020-12) validator for exactly the keywords the verdict schema uses.

Hooks cannot import jsonschema (~65 ms per hook process); tests/hooks/stoploop/test_verdict_schema.py
proves this gives jsonschema's answer on ~500 valid and invalid verdicts and that the schema uses
nothing else.
"""

from __future__ import annotations

import json

TYPE_CHECKING = False  # typing costs ~14 ms at a hook's start-up; mypy still reads the branch
if TYPE_CHECKING:
    from typing import Any

SUPPORTED_KEYWORDS = frozenset(
    {
        "$schema",
        "$id",
        "title",
        "description",
        "type",
        "const",
        "enum",
        "required",
        "properties",
        "additionalProperties",
        "items",
        "minItems",
        "maxItems",
        "minLength",
        "maxLength",
        "pattern",
        "minimum",
        "maximum",
        "if",
        "then",
        "else",
    }
)
# Bounds: (keyword, the JSON type it applies to, lower bound?, message). `{size}` is the string's or
# array's length, or the number itself.
_BOUNDS = (
    ("minLength", "string", True, "is shorter than {limit} characters"),
    ("maxLength", "string", False, "is longer than {limit} characters"),
    ("minimum", "number", True, "{size} is less than {limit}"),
    ("maximum", "number", False, "{size} is more than {limit}"),
    ("minItems", "array", True, "needs at least {limit} item(s)"),
    ("maxItems", "array", False, "must have at most {limit} item(s), has {size}"),
)


def _is_type(value: object, name: str) -> bool:
    if name == "object":
        return isinstance(value, dict)
    if name == "array":
        return isinstance(value, list)
    if name == "string":
        return isinstance(value, str)
    if name == "boolean":
        return isinstance(value, bool)
    if name == "null":
        return value is None
    if isinstance(value, bool):
        return False
    if name == "number":
        return isinstance(value, (int, float))
    if name == "integer":
        return isinstance(value, int) or (isinstance(value, float) and value.is_integer())
    return False


def _json_equal(a: object, b: object) -> bool:
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, (int, float)) and isinstance(b, (int, float)):
        return a == b
    if isinstance(a, list) and isinstance(b, list):
        return len(a) == len(b) and all(_json_equal(x, y) for x, y in zip(a, b))  # noqa: B905 (3.9)
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_json_equal(a[k], b[k]) for k in a)
    return type(a) is type(b) and a == b


def validate(schema: dict[str, Any], value: Any, path: str = "$") -> list[str]:
    """Errors of `value` against `schema` (JSON Schema 2020-12, SUPPORTED_KEYWORDS only)."""
    errors: list[str] = []
    kind = schema.get("type")
    if kind is not None:
        kinds = kind if isinstance(kind, list) else [kind]
        if not any(_is_type(value, k) for k in kinds):
            return [f"{path}: {_short(value)} is not of type {' or '.join(kinds)}"]
    if "const" in schema and not _json_equal(value, schema["const"]):
        errors.append(f"{path}: {_short(value)} is not {json.dumps(schema['const'])}")
    if "enum" in schema and not any(_json_equal(value, e) for e in schema["enum"]):
        errors.append(f"{path}: {_short(value)} is not one of {json.dumps(schema['enum'])}")
    for keyword, applies_to, lower, message in _BOUNDS:
        if keyword not in schema or not _is_type(value, applies_to):
            continue
        limit = schema[keyword]
        size = value if applies_to == "number" else len(value)
        if (size < limit) if lower else (size > limit):
            errors.append(f"{path}: " + message.format(limit=limit, size=size))
    if isinstance(value, str) and "pattern" in schema:
        import re

        if not re.search(schema["pattern"], value):
            errors.append(f"{path}: {_short(value)} does not match {schema['pattern']}")
    if isinstance(value, list) and isinstance(schema.get("items"), dict):
        for i, item in enumerate(value):
            errors += validate(schema["items"], item, f"{path}[{i}]")
    if isinstance(value, dict):
        for key in schema.get("required", ()):
            if key not in value:
                errors.append(f"{path}: required property {json.dumps(key)} is missing")
        props = schema.get("properties", {})
        for key, sub in props.items():
            if key in value:
                errors += validate(sub, value[key], f"{path}.{key}")
        extra = schema.get("additionalProperties", True)
        for key in value:
            if key in props:
                continue
            if extra is False:
                errors.append(f"{path}: unexpected property {json.dumps(key)}")
            elif isinstance(extra, dict):
                errors += validate(extra, value[key], f"{path}.{key}")
    if "if" in schema:
        branch = schema.get("then") if not validate(schema["if"], value, path) else schema.get("else")
        if branch:
            errors += validate(branch, value, path)
    return errors


def _short(value: object) -> str:
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 60 else text[:57] + "..."
