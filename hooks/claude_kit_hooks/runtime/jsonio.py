# claude-kit: managed, id=hooks/claude_kit_hooks/runtime/jsonio
"""JSON for the hot path through CPython's C accelerator (`_json`), without importing the `json`
package: its import compiles a dozen regular expressions, about 9% of a PreToolUse hook's whole run.
Same results as `json.loads` / `json.dumps` with default options (tests/hooks/runtime/test_jsonio.py
compares them); invalid input, an object json cannot encode, or an interpreter without the
accelerator go through `json` itself, so errors and edge cases are json's own."""

from __future__ import annotations

TYPE_CHECKING = False  # typing costs ~14 ms at a hook's start-up; mypy still reads the branch
if TYPE_CHECKING:
    from typing import Any

try:
    import _json as _c
except ImportError:  # pragma: no cover (PyPy and friends: json itself is then the only way)
    _c = None  # type: ignore[assignment,unused-ignore]

_WHITESPACE = " \t\n\r"


class _Context:
    """What the C scanner reads from a JSONDecoder: the defaults of `json.loads`."""

    strict = True
    object_hook = None
    object_pairs_hook = None
    parse_float = float
    parse_int = int
    memo: dict[str, str] = {}

    @staticmethod
    def parse_constant(name: str) -> float:
        return {"-Infinity": float("-inf"), "Infinity": float("inf"), "NaN": float("nan")}[name]


def _scanner() -> Any:
    try:
        return _c.make_scanner(_Context())  # type: ignore[arg-type]  # duck-typed: it reads these attributes
    except Exception:
        return None


_scan = _scanner() if _c is not None else None


def loads(text: str) -> Any:
    if _scan is not None:
        start = len(text) - len(text.lstrip(_WHITESPACE))
        try:
            obj, end = _scan(text, start)
        except Exception:
            obj, end = None, -1
        if end >= 0 and not text[end:].strip(_WHITESPACE):
            return obj
    import json  # invalid JSON: json raises its usual JSONDecodeError

    return json.loads(text)


def _unencodable(obj: object) -> Any:
    raise TypeError(f"Object of type {type(obj).__name__} is not JSON serializable")


def dumps(obj: Any, *, ensure_ascii: bool = True) -> str:
    if _c is not None:
        encode = _c.encode_basestring_ascii if ensure_ascii else _c.encode_basestring
        try:
            chunks = _c.make_encoder({}, _unencodable, encode, None, ": ", ", ", False, False, True)(obj, 0)
            return "".join(chunks)
        except Exception:
            pass
    import json

    return json.dumps(obj, ensure_ascii=ensure_ascii)
