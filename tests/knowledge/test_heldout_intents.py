"""The held-out symptom intents stay well formed: enough of them, known gateways, existing skills."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from claude_kit.payload import payload_root

HERE = Path(__file__).parent

# Each held-out set with the minimum size it was written to: the first set from issue 13, the
# second, third and fourth written later, each by someone who saw neither the router nor the other sets.
HELDOUT_SETS = {
    "heldout_intents.yaml": 40,
    "heldout_intents_2.yaml": 80,
    "heldout_intents_3.yaml": 100,
    "heldout_intents_4.yaml": 120,
}


@pytest.mark.parametrize(("name", "minimum"), sorted(HELDOUT_SETS.items()))
def test_heldout_intents_name_existing_skills_and_gateways(name: str, minimum: int) -> None:
    root = payload_root()
    entries = yaml.safe_load((HERE / name).read_text(encoding="utf-8"))
    assert len(entries) >= minimum
    problems = []
    for entry in entries:
        assert set(entry) == {"intent", "gateway", "expect"}, entry
        if not (root / "skills" / f"gateway-{entry['gateway']}" / "SKILL.md").is_file():
            problems.append(f"{entry['intent']!r}: no gateway {entry['gateway']!r}")
        if not (isinstance(entry["expect"], list) and entry["expect"]):
            problems.append(f"{entry['intent']!r}: expect must be a non-empty list")
            continue
        for path in entry["expect"]:
            if not (path.startswith("skill-library/") and (root / path / "SKILL.md").is_file()):
                problems.append(f"{entry['intent']!r}: no library skill {path!r}")
    assert not problems, "\n".join(problems)
    intents = [entry["intent"] for entry in entries]
    assert len(set(intents)) == len(intents)
