"""What a Stop gate answers: block messages stay under the runtime's cap and keep their last line."""

from __future__ import annotations

from claude_kit_hooks.stoploop import decision


def test_cap_cuts_the_middle_and_keeps_the_last_line() -> None:
    text = "head\n" + "x" * 3000 + "\nKill switch (user): the way out."
    out = decision.cap(text)
    assert len(out) == decision.REASON_CAP
    assert out.startswith("head\nxxx") and out.endswith("\n[... cut ...]\nKill switch (user): the way out.")
    assert decision.cap("short") == "short"
