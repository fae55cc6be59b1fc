"""Generated knowledge files: the routing index of the skill library and the gateways' tables.

The index and the tables are built from the union of the kit's packaged library and the skills a
team added under `.claude/skill-library/` (those stay the team's files: only `index.json` and the
kit's gateway `SKILL.md` files are regenerated).
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path
from typing import Any

from claude_kit.manifest import sha256
from claude_kit_hooks.contract.layout import SKILL_INDEX, SKILL_LIBRARY_DIR, SKILLS_DIR
from claude_kit_hooks.contract.records import Manifest
from claude_kit_hooks.routing.terms import terms

INDEX_FORMAT = 1
ROUTING_START = "<!-- claude-kit:routing:start -->"
ROUTING_END = "<!-- claude-kit:routing:end -->"
TABLE_INTENTS = 5


def yaml_load(text: str) -> Any:
    """yaml.safe_load with the C loader when available (the audit parses hundreds of files)."""
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load(text, Loader=loader)  # noqa: S506 - a safe loader


def split_frontmatter(text: str) -> tuple[dict[str, Any] | None, int]:
    """(frontmatter mapping or None, line number where the body starts). Raises yaml.YAMLError."""
    if not text.startswith("---"):
        return None, 1
    end = text.find("\n---", 3)
    if end == -1:
        return None, 1
    data = yaml_load(text[3:end])
    return (data if isinstance(data, dict) else None), text[: end + 4].count("\n") + 2


# Symptoms a skill's body names: section headings, the first cell of the rows of a table headed
# "Symptom", "Error", "Pitfall"..., and code spans that read like an error message. Indexed below the
# frontmatter (routing.lexical.Weights.symptom): agents describe work by what they see.
SYMPTOM_TABLE_RE = re.compile(
    r"^\|\s*(symptom|error|pitfall|mistake|problem|smell|anti-?pattern|warning|message)", re.I
)
ERROR_SPAN_RE = re.compile(
    r"error|warning|fatal|panic|cannot|can't|failed|not |no such|undefined|denied|refused|exceeded|"
    r"timeout|deadlock|never|invalid|unexpected|exception|already|missing|too many",
    re.I,
)
# A section headed "Pitfalls", "Common mistakes"...: each of its bullets names a symptom and its
# cause ("`pytest | tee log` passes even when pytest fails"), the way a pitfall table's row does.
PITFALL_HEADING_RE = re.compile(r"pitfall|mistake|gotcha|anti-?pattern|red flag|trap", re.I)
BULLET_RE = re.compile(r"^(?:[-*+]|\d+\.)\s+")
MAX_SYMPTOMS = 60
MAX_SYMPTOM_CHARS = 120
MAX_PITFALL_CHARS = 240  # a bullet's lead and the symptom it explains


def body_symptoms(body: str) -> list[str]:
    """Headings, symptom-table rows, pitfall bullets and error-like code spans of a skill body, in
    order, deduplicated."""
    out: list[str] = []
    in_fence = in_table = in_pitfalls = False
    bullet: list[str] = []

    def end_bullet() -> None:
        if bullet:
            text = " ".join(bullet).replace("**", "").replace("`", "")
            out.append(text.split(". ", 1)[0][:MAX_PITFALL_CHARS])  # the symptom, not the fix after it
            bullet.clear()

    for line in body.splitlines():
        stripped = line.strip()
        if stripped.startswith("```"):
            in_fence = not in_fence
            end_bullet()
            continue
        if in_fence:
            continue
        if stripped.startswith("#"):
            end_bullet()
            heading = stripped.lstrip("#").strip()
            in_pitfalls = bool(PITFALL_HEADING_RE.search(heading))
            out.append(heading[:MAX_SYMPTOM_CHARS])
        elif in_pitfalls and BULLET_RE.match(stripped):
            end_bullet()
            bullet.append(BULLET_RE.sub("", stripped))
        elif bullet and stripped and line.startswith(" "):
            bullet.append(stripped)  # the bullet's continuation line
        else:
            end_bullet()
        if not stripped.startswith("|"):
            in_table = False
        elif SYMPTOM_TABLE_RE.match(stripped):
            in_table = True
            continue
        elif in_table and not set(stripped) <= set("|-: "):
            out.append(stripped.strip("|").split("|", 1)[0].replace("`", "").strip()[:MAX_SYMPTOM_CHARS])
        for span in re.findall(r"`([^`\n]+)`", line):
            if len(span.split()) >= 3 and ERROR_SPAN_RE.search(span):
                out.append(span[:MAX_SYMPTOM_CHARS])
    end_bullet()
    return list(dict.fromkeys(x for x in out if x))[:MAX_SYMPTOMS]


# The body's vocabulary: its most frequent routing terms (code included: API names are what agents
# paste), each at least twice, so a word said once in passing does not make a skill match.
# Indexed at the lowest weight (routing.lexical.Weights.body), stemmed, space-separated.
MAX_BODY_TERMS = 300
# A linter rule or error code (G112, E501, TS2322, SC2086) names one problem exactly, so it is
# indexed even when the body says it once: agents paste it from the tool's output.
RULE_ID_RE = re.compile(r"^[a-z]{1,4}[0-9]{3,5}$")


def body_terms(body: str) -> str:
    """The body's most frequent routing terms (2+ occurrences), most frequent first."""
    from collections import Counter

    counts = Counter(terms(body))
    return " ".join(t for t, n in counts.most_common(MAX_BODY_TERMS) if n >= 2 or RULE_ID_RE.match(t))


def entry_for(text: str, category: str, rel_dir: str) -> dict[str, Any] | None:
    """The index entry of one library SKILL.md (None when its frontmatter is missing or broken)."""
    import yaml

    try:
        meta, body_line = split_frontmatter(text)
    except yaml.YAMLError:
        return None  # the audit reports it; routing skips it
    if meta is None:
        return None
    triggers = meta.get("triggers") or []
    body = "\n".join(text.splitlines()[body_line - 1 :])
    extra = meta.get("gateways") or []
    extra_list = extra if isinstance(extra, list) else [extra]
    gateways = [category, *[str(g) for g in extra_list if str(g) != category]]
    return {
        "name": str(meta.get("name", rel_dir.rsplit("/", 1)[-1])),
        "category": category,
        "gateways": gateways,
        "description": str(meta.get("description", "")),
        "triggers": [str(t) for t in triggers] if isinstance(triggers, list) else [],
        "symptoms": body_symptoms(body),
        "body_terms": body_terms(body),
        "path": f"{SKILL_LIBRARY_DIR}/{rel_dir}/SKILL.md",
    }


def library_entries(library: Path) -> list[dict[str, Any]]:
    """Index entries of every `<category>/<name>/SKILL.md` under `library`, sorted by path."""
    entries = []
    for skill in sorted(library.glob("*/*/SKILL.md")):
        rel_dir = skill.parent.relative_to(library).as_posix()
        entry = entry_for(skill.read_text(encoding="utf-8"), skill.parent.parent.name, rel_dir)
        if entry is not None:
            entries.append(entry)
    return entries


def repo_library_entries(
    payload_library: Path, root: Path | None, old: Manifest | None = None, *, installed_only: bool = False
) -> list[dict[str, Any]]:
    """Entries of the library as it will be on disk after install/update (or sync) in `root`, whose
    manifest is `old`.

    - a kit skill the team edited (on disk, not as the kit wrote it): its frontmatter on disk;
    - a kit skill the team deleted (recorded by the manifest, gone from disk): left out;
    - any other kit skill: the packaged version (an install writes it; with `installed_only`, as a
      sync, only when it is on disk);
    - a skill the team added (on disk, not in the payload): its frontmatter on disk.
    """
    if root is None:
        return library_entries(payload_library)
    repo_library = root / SKILL_LIBRARY_DIR
    files = old["files"] if old else {}
    deleted = set(old["deleted"]) if old else set()
    entries: dict[str, dict[str, Any]] = {}
    for skill in sorted(payload_library.glob("*/*/SKILL.md")):
        rel_dir = skill.parent.relative_to(payload_library).as_posix()
        installed = f"{SKILL_LIBRARY_DIR}/{rel_dir}/SKILL.md"
        disk_path = root / installed
        text = skill.read_text(encoding="utf-8")
        if not disk_path.is_file():
            if installed_only or (old is not None and (installed in files or installed in deleted)):
                continue  # deleted by the team: stays deleted
        elif installed in files:
            disk = disk_path.read_bytes()
            rec = files[installed]
            if sha256(disk) not in (rec.get("sha256"), rec.get("base_sha256")):
                text = disk.decode("utf-8", "replace")  # the team's edit is kept by the plan
        entry = entry_for(text, skill.parent.parent.name, rel_dir)
        if entry is not None:
            entries[rel_dir] = entry
    if repo_library.is_dir():
        for skill in sorted(repo_library.glob("*/*/SKILL.md")):
            rel_dir = skill.parent.relative_to(repo_library).as_posix()
            if rel_dir in entries or (payload_library / rel_dir / "SKILL.md").is_file():
                continue
            recorded = files.get(f"{SKILL_LIBRARY_DIR}/{rel_dir}/SKILL.md")
            data = skill.read_bytes()
            if recorded is not None and sha256(data) in (recorded.get("sha256"), recorded.get("base_sha256")):
                continue  # a kit skill this kit version dropped: the plan removes it
            entry = entry_for(data.decode("utf-8", "replace"), skill.parent.parent.name, rel_dir)
            if entry is not None:
                entries[rel_dir] = entry
    return [entries[k] for k in sorted(entries)]


def index_bytes(entries: list[dict[str, Any]]) -> bytes:
    return (json.dumps({"format": INDEX_FORMAT, "skills": entries}, indent=1) + "\n").encode()


def top_intents(entry: dict[str, Any], idf: dict[str, float], n: int = TABLE_INTENTS) -> list[str]:
    """The entry's most distinctive triggers: highest mean IDF of their terms, multi-word first on ties."""
    scored = []
    for pos, trigger in enumerate(entry["triggers"]):
        ts = terms(trigger)
        if not ts:
            continue
        mean = sum(idf.get(t, 0.0) for t in ts) / len(ts)
        scored.append((-round(mean + 0.15 * min(len(ts), 3), 3), pos, trigger))
    return [t for _, _, t in sorted(scored)[:n]]


def term_idf(entries: list[dict[str, Any]]) -> dict[str, float]:
    df: dict[str, int] = {}
    for e in entries:
        words = set(terms(" ".join([e["name"].replace("-", " "), e["description"], *e["triggers"]])))
        for t in words:
            df[t] = df.get(t, 0) + 1
    n = max(len(entries), 1)
    return {t: math.log(1.0 + n / d) for t, d in df.items()}


def routing_table(gateway: str, entries: list[dict[str, Any]]) -> str:
    """Markdown table for one gateway: each skill, its most distinctive intents, the path to Read.

    Distinctive = rare among this gateway's skills, so adding a skill elsewhere never rewrites it.
    """
    mine = sorted((e for e in entries if gateway in e["gateways"]), key=lambda e: e["name"])
    idf = term_idf(mine)
    rows = ["| Skill | Top intents | Read |", "|---|---|---|"]
    for e in mine:
        intents = "; ".join(top_intents(e, idf)) or e["name"].replace("-", " ")
        rows.append(f"| {e['name']} | {_cell(intents)} | `{e['path']}` |")
    if len(rows) == 2:
        hint = f'run `claude-kit route "<intent>" --gateway {gateway}`'
        rows.append(f"| (no library skills for this gateway yet) | - | {hint} |")
    return "\n".join(rows)


def _cell(text: str) -> str:
    return text.replace("|", "\\|").replace("\n", " ")


def routing_block(text: str) -> str | None:
    """The text between the routing markers (None when the markers are missing or out of order)."""
    start, end = text.find(ROUTING_START), text.find(ROUTING_END)
    if start == -1 or end == -1 or end < start:
        return None
    return text[start + len(ROUTING_START) : end]


def fill_gateway(text: str, gateway: str, entries: list[dict[str, Any]]) -> str:
    start, end = text.find(ROUTING_START), text.find(ROUTING_END)
    if start == -1 or end == -1 or end < start:
        return text
    table = routing_table(gateway, entries)
    return text[: start + len(ROUTING_START)] + "\n" + table + "\n" + text[end:]


def gateway_domain(skill_dir_name: str) -> str:
    return skill_dir_name.removeprefix("gateway-")


def generated(
    payload: Path, root: Path | None = None, manifest: Manifest | None = None, *, installed_only: bool = False
) -> dict[str, bytes]:
    """Installed rel path -> bytes for every file the kit generates (index + kit gateways).

    With `root` (whose kit manifest is `manifest`), the library is the union of the payload and the
    repo's own library skills; see repo_library_entries for `installed_only`.
    """
    entries = repo_library_entries(payload / "skill-library", root, manifest, installed_only=installed_only)
    out = {SKILL_INDEX: index_bytes(entries)}
    for gw in sorted((payload / "skills").glob("gateway-*/SKILL.md")):
        rel = f"{SKILLS_DIR}/{gw.parent.name}/SKILL.md"
        if installed_only and root is not None and not (root / rel).is_file():
            continue
        text = gw.read_text(encoding="utf-8")
        out[rel] = fill_gateway(text, gateway_domain(gw.parent.name), entries).encode("utf-8")
    return out
