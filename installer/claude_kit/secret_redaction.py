"""Secret values out of a command's output as it streams: each value and its common encodings
(base64, URL-encoded, hex, JSON-escaped) become `[REDACTED:<name>]`.

The output is redacted in chunks as it arrives; the last few bytes of each chunk are held back until
the next one, so a value split across two reads is still found whole.
"""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Callable, Mapping
from urllib.parse import quote, quote_plus

MIN_VALUE = 4  # a shorter value would redact ordinary text all over the output
MIN_ENCODED = 6  # an encoded form shorter than this (a short base64 core) is left alone


def _base64_cores(raw: bytes, encode: Callable[[bytes], bytes]) -> set[bytes]:
    """The base64 characters that depend on `raw` alone, at each of the three offsets it can start at
    in an encoded stream: `echo $T | base64` (a newline after it) or `user:T` for Basic auth still
    contain one of them."""
    out = set()
    for offset in range(3):
        encoded = encode(b"\0" * offset + raw).rstrip(b"=")
        start, end = (8 * offset + 5) // 6, (8 * (offset + len(raw))) // 6
        out.add(encoded[start:end])
    return out


def variants(value: str) -> set[bytes]:
    """The byte strings that would show `value` in a command's output."""
    raw = value.encode()
    out = {raw, raw.hex().encode(), raw.hex().upper().encode()}
    out |= {json.dumps(value)[1:-1].encode(), json.dumps(value, ensure_ascii=False)[1:-1].encode()}
    out |= {quote(value, safe="").encode(), quote(value).encode(), quote_plus(value).encode()}
    out |= {base64.b64encode(raw), base64.urlsafe_b64encode(raw)}
    out |= _base64_cores(raw, base64.b64encode) | _base64_cores(raw, base64.urlsafe_b64encode)
    lines = value.splitlines()
    if len(lines) > 1:  # a key file's lines, printed one by one
        out |= {line.strip().encode() for line in lines}
    return {v for v in out if v == raw or len(v) >= MIN_ENCODED}


class Redactor:
    """Redacts one output stream, chunk by chunk."""

    def __init__(self, secrets: Mapping[str, str]) -> None:
        names: dict[bytes, str] = {}
        for name, value in secrets.items():
            for form in variants(value):
                names.setdefault(form, name)
        self._name_of = names
        forms = sorted(names, key=len, reverse=True)  # the longest form wins where two overlap
        self._rx = re.compile(b"|".join(re.escape(f) for f in forms)) if forms else None
        self._hold = max((len(f) for f in forms), default=1) - 1
        self._pending = b""

    def _redact(self, data: bytes) -> bytes:
        if self._rx is None:
            return data
        return self._rx.sub(lambda m: b"[REDACTED:" + self._name_of[m.group(0)].encode() + b"]", data)

    def feed(self, chunk: bytes) -> bytes:
        """What may be printed now; a possible start of a value at the end is kept for the next chunk."""
        data = self._redact(self._pending + chunk)
        cut = max(0, len(data) - self._hold)
        self._pending = data[cut:]
        return data[:cut]

    def close(self) -> bytes:
        """The rest, at the end of the stream."""
        data, self._pending = self._redact(self._pending), b""
        return data
