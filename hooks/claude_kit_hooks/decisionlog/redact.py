# claude-kit: managed, id=hooks/claude_kit_hooks/decisionlog/redact
"""Secrets out of everything the kit writes: tokens, keys, passwords and bearer values become [REDACTED]."""

from __future__ import annotations

TYPE_CHECKING = False  # typing costs ~14 ms at a hook's start-up; mypy still reads the branch
if TYPE_CHECKING:
    import re
    from collections.abc import Iterable

_SECRET_RX: re.Pattern[str] | None = None
# Substrings (lower case) that every pattern below needs: text without any of them skips the regex,
# whose compilation alone costs ~3 ms per hook process.
_SECRET_HINTS = ("sk-", "ghp_", "gho_", "ghu_", "ghs_", "ghr_", "github_pat_", "akia", "xox", "aiza", "eyj",
                 "private key", "bearer", "passw", "secret", "token", "key", "authorization")  # fmt: skip


def redact(text: str, names: Iterable[str] = ()) -> str:
    """`text` with known secret shapes redacted, and the value given to any of the team's configured
    secret `names` (`API_TOKEN=...`, `API_TOKEN: ...`): the hooks know the names, never the values."""
    global _SECRET_RX
    if not text:
        return text
    text = _redact_named(text, [n for n in names if n in text])
    low = text.lower()
    if not any(hint in low for hint in _SECRET_HINTS):
        return text
    import re

    if _SECRET_RX is None:
        _SECRET_RX = re.compile(
            r"(sk-[A-Za-z0-9_\-]{16,}|gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,}"
            r"|AKIA[0-9A-Z]{16}|xox[abprs]-[A-Za-z0-9\-]{10,}|AIza[0-9A-Za-z_\-]{30,}"
            r"|eyJ[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{8,}"
            r"|-----BEGIN [A-Z ]*PRIVATE KEY-----[\s\S]*?(-----END [A-Z ]*PRIVATE KEY-----|$))"
            r"|bearer\s+[A-Za-z0-9._~+/\-]{8,}=*"
            r"|((?:password|passwd|secret|token|api[_-]?key|access[_-]?key|private[_-]?key|authorization)"
            r"(?:[_-][A-Za-z0-9_]*)?[\"']?\s*[=:]\s*)((?:bearer|basic|token)\s+\S+|\"[^\"]*\"|'[^']*'|\S+)",
            re.IGNORECASE,
        )

    def sub(m: re.Match[str]) -> str:
        if m.group(3):
            return m.group(3) + "[REDACTED]"
        return "[REDACTED]"

    return _SECRET_RX.sub(sub, text)


def _redact_named(text: str, names: list[str]) -> str:
    if not names:
        return text
    import re

    alternatives = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
    named = re.compile(
        r"(\b(?:"
        + alternatives
        + r")[\"']?\s*[=:]\s*)((?:bearer|basic|token)\s+\S+|\"[^\"]*\"|'[^']*'|[^\s\"';&|]+)",
        re.IGNORECASE,
    )
    return named.sub(lambda m: m.group(1) + "[REDACTED]", text)
