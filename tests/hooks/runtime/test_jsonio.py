"""runtime/jsonio: the hot path's JSON gives exactly what json.loads / json.dumps give, errors included."""

from __future__ import annotations

import json
import math
import random
import string

import pytest

from claude_kit_hooks.runtime import jsonio

SAMPLES: list[object] = [
    {},
    [],
    "",
    0,
    -1.5e-7,
    1e300,
    True,
    None,
    {"a": [1, 2, {"b": None}], "é": "ünïcödé \u2028 \ud83d\ude00", "tab": '\t\n"\\'},
    {"session_id": "s-1", "tool_input": {"file_path": "/repo/cmd/api/main.go", "old_string": "a"}},
    [1, 2.0, 3.25, -0.0, 10**30],
]


def _random_value(rng: random.Random, depth: int = 0) -> object:
    kind = rng.randrange(7 if depth < 3 else 5)
    if kind == 0:
        return rng.randint(-(10**12), 10**12)
    if kind == 1:
        return rng.uniform(-1e6, 1e6)
    if kind == 2:
        return "".join(rng.choice(string.printable + "éü\u2603\U0001f600") for _ in range(rng.randrange(12)))
    if kind == 3:
        return rng.choice([True, False, None])
    if kind == 4:
        return ""
    if kind == 5:
        return [_random_value(rng, depth + 1) for _ in range(rng.randrange(4))]
    return {str(_random_value(rng, 3)): _random_value(rng, depth + 1) for _ in range(rng.randrange(4))}


@pytest.mark.parametrize("value", SAMPLES)
@pytest.mark.parametrize("ensure_ascii", [True, False])
def test_same_text_and_values_as_json(value: object, ensure_ascii: bool) -> None:
    text = json.dumps(value, ensure_ascii=ensure_ascii)
    assert jsonio.dumps(value, ensure_ascii=ensure_ascii) == text
    assert jsonio.loads(text) == json.loads(text)
    assert jsonio.loads(f" \n\t{text}\r\n ") == json.loads(text)


def test_random_documents_round_trip_like_json() -> None:
    rng = random.Random(20261202)
    for _ in range(2000):
        value = _random_value(rng)
        for ensure_ascii in (True, False):
            text = json.dumps(value, ensure_ascii=ensure_ascii)
            assert jsonio.dumps(value, ensure_ascii=ensure_ascii) == text
            assert jsonio.loads(text) == json.loads(text)


def test_constants_and_non_finite_floats_as_json_writes_them() -> None:
    assert jsonio.dumps([math.inf, -math.inf]) == "[Infinity, -Infinity]"
    assert jsonio.loads("[Infinity, -Infinity]") == [math.inf, -math.inf]
    assert math.isnan(jsonio.loads("NaN"))  # type: ignore[arg-type]


@pytest.mark.parametrize("text", ["", "   ", "{", '{"a": 1} x', "[1,]", "\ufeff{}", '"\x01"', "nul"])
def test_invalid_json_raises_jsons_own_error(text: str) -> None:
    with pytest.raises(json.JSONDecodeError) as expected:
        json.loads(text)
    with pytest.raises(json.JSONDecodeError) as got:
        jsonio.loads(text)
    assert str(got.value) == str(expected.value)


def test_an_object_json_cannot_encode_raises_type_error() -> None:
    with pytest.raises(TypeError, match="not JSON serializable"):
        jsonio.dumps({"x": object()})
    circular: list[object] = []
    circular.append(circular)
    with pytest.raises(ValueError):
        jsonio.dumps(circular)
