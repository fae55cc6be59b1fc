"""The routing index as a search structure: built from the index entries once, cached on disk.

Per skill and field (name > triggers > description > gateway, see Weights) the terms of
route_terms become postings with the field's weight, packed as bytes; one word string per skill and
field serves the bigram checks at query time, and one flat list of choices (every skill's name and
triggers) serves rapidfuzz. The state is flat (bytes, strings, lists), so marshal caches it per
index file and a call on a 2,000-skill library costs a few tens of milliseconds more than on a
50-skill one (bench/bench_route.py). route_scoring queries it.
"""

from __future__ import annotations

import os
from array import array
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from claude_kit.route_terms import all_words, terms


@dataclass(frozen=True)
class Weights:
    name: float = 3.0
    trigger: float = 2.0
    description: float = 1.0
    category: float = 0.5
    fuzzy_term: float = 0.7  # a fuzzily matched term counts this much of an exact one
    synonym: float = 0.8  # a term added from SYNONYMS counts this much
    idf_power: float = 1.0
    bigram: float = 1.0  # two consecutive words (stop words included) found in a name/trigger/description
    stop_bigram: float = 0.5  # ... of which one is a stop word ("which commit")
    fuzzy_term_cutoff: float = 84.0
    trigger_hit: float = 1.0
    phrase: float = 2.5
    phrase_cutoff: float = 70.0


WEIGHTS = Weights()


def gateways_of(entry: dict[str, Any]) -> list[str]:
    gws = entry.get("gateways")
    return [str(g) for g in gws] if isinstance(gws, list) and gws else [str(entry.get("category", ""))]


def build_state(entries: Sequence[dict[str, Any]], w: Weights) -> tuple[Any, ...]:
    """The flat search state of `entries`: see the module docstring."""
    postings: dict[str, array[int]] = {}
    names_w, triggers_w, descs_w, all_w, trigger_terms, choices = [], [], [], [], [], []
    owner = array("I")
    for i, e in enumerate(entries):
        name = str(e.get("name", "")).replace("-", " ")
        triggers = [str(t) for t in e.get("triggers") or []]
        description = str(e.get("description", ""))
        name_terms = terms(name)
        trig = [t for t in (tuple(dict.fromkeys(terms(x))) for x in triggers) if t]
        best: dict[str, float] = {}
        for field_terms, weight in (
            (terms(" ".join(gateways_of(e))), w.category),
            (terms(description), w.description),
            ([t for tr in trig for t in tr], w.trigger),
            (name_terms, w.name),
        ):
            for t in field_terms:
                best[t] = weight if weight > best.get(t, 0.0) else best[t]
        for t, weight in best.items():
            postings.setdefault(t, array("I")).append(i << 8 | round(weight * 10))
        # Word strings (stop words kept) for bigram checks at query time; " | " keeps two
        # triggers from forming a bigram across their boundary.
        names_w.append(f" {' '.join(all_words(name))} ")
        triggers_w.append(" " + " | ".join(" ".join(all_words(t)) for t in triggers) + " ")
        descs_w.append(f" {' '.join(all_words(description))} ")
        all_w.append(names_w[-1] + "|" + triggers_w[-1] + "|" + descs_w[-1])
        trigger_terms.append("\t".join(" ".join(t) for t in trig))
        for phrase in (tuple(name_terms), *trig):
            if phrase:
                choices.append(" ".join(phrase))
                owner.append(i)
    packed = {t: p.tobytes() for t, p in postings.items()}
    return packed, names_w, triggers_w, descs_w, all_w, trigger_terms, choices, owner.tobytes()


CACHE_FORMAT = 2


def _cache_file(index: Path) -> Path:
    import hashlib

    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "claude-kit" / "route"
    return base / (hashlib.sha1(str(index).encode(), usedforsecurity=False).hexdigest()[:20] + ".marshal")


def cached_state(
    entries: list[dict[str, Any]], index: Path | None, weights: Weights = WEIGHTS
) -> tuple[Any, ...]:
    """The built state of `entries`; for an index file, cached per (path, size, mtime).

    The cache lives in ~/.cache/claude-kit/route (XDG_CACHE_HOME), holds only derived data, and is
    ignored when unreadable or when anything in its key differs (including the Python version).
    """
    if index is None:
        return build_state(entries, weights)
    import marshal
    import sys

    index = index.resolve()
    try:
        st = index.stat()
    except OSError:
        return build_state(entries, weights)
    key = f"{CACHE_FORMAT}|{sys.version}|{weights!r}|{index}|{st.st_size}|{st.st_mtime_ns}"
    cache = _cache_file(index)
    try:
        with open(cache, "rb") as f:
            cached_key, state = marshal.load(f)
        if cached_key == key:
            return tuple(state)
    except (OSError, ValueError, EOFError, TypeError):
        pass
    state = build_state(entries, weights)
    try:
        from claude_kit.fsutil import atomic_write

        atomic_write(cache, marshal.dumps((key, state)))
    except (OSError, ValueError):
        pass  # a read-only home only costs the next call the build again
    return state
