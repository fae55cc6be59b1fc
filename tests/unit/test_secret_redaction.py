"""A command's output streamed through the Redactor: every secret value and its common encodings are
gone, however the output is split into reads; other text passes unchanged."""

from __future__ import annotations

import base64
import json
from urllib.parse import quote

import pytest

from claude_kit.secret_redaction import Redactor, variants

TOKEN = "tok_live/9f8e+7d6c=5b4a"


def stream(secrets: dict[str, str], data: bytes, size: int) -> bytes:
    redactor = Redactor(secrets)
    out = b"".join(redactor.feed(data[i : i + size]) for i in range(0, len(data), size))
    return out + redactor.close()


ENCODED = [
    TOKEN.encode(),
    base64.b64encode(TOKEN.encode()),
    base64.b64encode(TOKEN.encode() + b"\n"),  # `echo $T | base64`
    base64.b64encode(b"user:" + TOKEN.encode()),  # Basic auth: the value at another offset
    base64.urlsafe_b64encode(TOKEN.encode()),
    TOKEN.encode().hex().encode(),
    TOKEN.encode().hex().upper().encode(),
    quote(TOKEN, safe="").encode(),
    json.dumps({"token": TOKEN}).encode(),
]


@pytest.mark.parametrize("form", ENCODED)
@pytest.mark.parametrize("size", [1, 3, 7, 4096])
def test_every_form_is_redacted_whatever_the_chunking(form: bytes, size: int) -> None:
    out = stream({"API_TOKEN": TOKEN}, b"before " + form + b" after\n", size)
    assert TOKEN.encode() not in out
    assert base64.b64encode(TOKEN.encode())[:12] not in out
    assert b"[REDACTED:API_TOKEN]" in out
    assert out.startswith(b"before ") and out.endswith(b" after\n")


def test_text_without_a_secret_passes_unchanged_and_in_order() -> None:
    data = b"".join(f"line {i}: ok\n".encode() for i in range(2000))
    assert stream({"API_TOKEN": TOKEN}, data, 333) == data


def test_each_secret_is_named_and_a_multi_line_value_is_redacted_line_by_line() -> None:
    key = "-----BEGIN KEY-----\nMIIEvQIBADANBgkqhkiG9w0B\n-----END KEY-----"
    out = stream({"API_TOKEN": TOKEN, "SIGNING_KEY": key}, f"{TOKEN}\nMIIEvQIBADANBgkqhkiG9w0B\n".encode(), 5)
    assert out == b"[REDACTED:API_TOKEN]\n[REDACTED:SIGNING_KEY]\n"


def test_short_encodings_are_not_variants() -> None:
    assert all(len(v) >= 6 or v == b"abcd" for v in variants("abcd"))
