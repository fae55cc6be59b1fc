"""The held-out symptom intents stay well formed: enough of them, known gateways, existing skills."""

from __future__ import annotations

from pathlib import Path

import yaml

from claude_kit.payload import payload_root

HELDOUT = Path(__file__).parent / "heldout_intents.yaml"


def test_heldout_intents_name_existing_skills_and_gateways() -> None:
    root = payload_root()
    entries = yaml.safe_load(HELDOUT.read_text(encoding="utf-8"))
    assert len(entries) >= 40
    problems = []
    for entry in entries:
        assert set(entry) == {"intent", "gateway", "expect"}, entry
        if not (root / "skills" / f"gateway-{entry['gateway']}" / "SKILL.md").is_file():
            problems.append(f"{entry['intent']!r}: no gateway {entry['gateway']!r}")
        for path in entry["expect"]:
            if not (path.startswith("skill-library/") and (root / path / "SKILL.md").is_file()):
                problems.append(f"{entry['intent']!r}: no library skill {path!r}")
    assert not problems, "\n".join(problems)
    intents = [entry["intent"] for entry in entries]
    assert len(set(intents)) == len(intents)
