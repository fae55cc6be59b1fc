"""decisionlog/redact: secrets never reach the decision log; ordinary text is kept as it is."""

from __future__ import annotations

import pytest

from claude_kit_hooks.decisionlog.redact import redact


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("sk-ant-api03-abcdefghijklmnopqrstuvwxyz", "abcdefghijklmnopqrstuvwxyz"),
        ("token ghp_abcdefghijklmnopqrstuvwxyz0123", "ghp_abcdefghijklmnopqrstuvwxyz0123"),
        ("AKIAABCDEFGHIJKLMNOP", "AKIAABCDEFGHIJKLMNOP"),
        ('curl -H "Authorization: Bearer abcdef1234567890xyz"', "abcdef1234567890xyz"),
        ("export AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMIK7MDENG", "wJalrXUtnFEMIK7MDENG"),
        ('{"password": "hunter2hunter2"}', "hunter2hunter2"),
        ("api_key='abc def ghi'", "abc def ghi"),
        ("-----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY-----", "MIIEow"),
        ("-----BEGIN PRIVATE KEY-----\nMIIEtruncated", "MIIEtruncated"),
        ("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N", "dozjgNryP4J3jVmNHl0w5N"),
    ],
)
def test_secrets_are_redacted(text: str, secret: str) -> None:
    out = redact(text)
    assert secret not in out and "[REDACTED]" in out


@pytest.mark.parametrize("text", ["input_tokens: 5, max_tokens=3", "context tokens: 85%", "the secret sauce"])
def test_ordinary_text_is_kept(text: str) -> None:
    assert redact(text) == text
