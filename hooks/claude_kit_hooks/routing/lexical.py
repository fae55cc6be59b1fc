# claude-kit: managed, id=hooks/claude_kit_hooks/routing/lexical
"""Lexical ranking of library skills for a task: the one scoring definition the CLI's router extends.

Per skill and field (name > triggers > description > symptoms > gateway > body terms, see Weights)
the terms of routing.terms become postings with the field's weight, packed as bytes; one word
string per skill and field serves the bigram checks. A query's score per skill = the IDF-weighted
best field per term (SYNONYMS/IMPLIES add vocabulary; their multi-word phrases count only whole),
scaled by the share of the query the skill covers, + bigrams + trigger hits (a trigger all of whose
terms are in the query). The CLI's router (claude_kit.route_scoring) adds rapidfuzz's fuzzy terms and phrase
similarity; the spawn hook uses this class as it is. Standard library only.
"""

from __future__ import annotations

import contextlib
import math
from array import array

from claude_kit_hooks.routing.terms import (
    STOPWORDS,
    about_the_kit,
    all_words,
    bigrams,
    implications,
    synonym_groups,
    terms,
)

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import Any

KIT_CATEGORY = "kit"  # the kit's own skills: ranked only for intents about the kit


class Weights:
    """The ranking's weights; `Weights(phrase=3.0)` overrides one."""

    name = 3.0
    trigger = 2.0
    description = 1.0
    symptom = 0.8  # headings, error strings and pitfall rows of the body: below what the author chose
    body = 0.4  # the body's most frequent terms (index `body_terms`): its whole vocabulary, weakest
    # score x (share of the query's IDF mass the skill matches) ** coverage: a skill that meets
    # several of the query's words beats one that meets a single rare one strongly
    coverage = 0.5
    category = 0.5
    fuzzy_term = 0.7  # a fuzzily matched term counts this much of an exact one (CLI only)
    synonym = 0.8  # a term added from SYNONYMS counts this much
    idf_power = 1.0
    bigram = 1.0  # two consecutive words (stop words included) found in a name/trigger/description
    stop_bigram = 0.5  # ... of which one is a stop word ("which commit")
    fuzzy_term_cutoff = 84.0
    trigger_hit = 1.0
    phrase = 2.5
    phrase_cutoff = 70.0

    def __init__(self, **overrides: float) -> None:
        for key, value in overrides.items():
            if not hasattr(Weights, key):
                raise TypeError(f"unknown routing weight {key!r}")
            setattr(self, key, float(value))

    def __repr__(self) -> str:
        keys = sorted(k for k in vars(Weights) if not k.startswith("_"))
        return "Weights(" + ", ".join(f"{k}={getattr(self, k)}" for k in keys) + ")"


WEIGHTS = Weights()


def gateways_of(entry: dict[str, Any]) -> list[str]:
    gws = entry.get("gateways")
    return [str(g) for g in gws] if isinstance(gws, list) and gws else [str(entry.get("category", ""))]


def build_state(entries: Sequence[dict[str, Any]], w: Weights) -> tuple[Any, ...]:
    """The flat search state of `entries`: postings, word strings, trigger terms, phrase choices."""
    postings: dict[str, array[int]] = {}
    names_w, triggers_w, descs_w, all_w, trigger_terms, choices = [], [], [], [], [], []
    owner = array("I")
    for i, e in enumerate(entries):
        name = str(e.get("name", "")).replace("-", " ")
        triggers = [str(t) for t in e.get("triggers") or []]
        description = str(e.get("description", ""))
        symptoms = " | ".join(str(s) for s in e.get("symptoms") or [])
        name_terms = terms(name)
        trig = [t for t in (tuple(dict.fromkeys(terms(x))) for x in triggers) if t]
        best: dict[str, float] = {}
        body = e.get("body_terms")
        for field_terms, weight in (
            (body.split() if isinstance(body, str) else [], w.body),
            (terms(" ".join(gateways_of(e))), w.category),
            (terms(symptoms), w.symptom),
            (terms(description), w.description),
            ([t for tr in trig for t in tr], w.trigger),
            (name_terms, w.name),
        ):
            for t in field_terms:
                if weight > best.get(t, 0.0):
                    best[t] = weight
        for t, weight in best.items():
            postings.setdefault(t, array("I")).append(i << 8 | round(weight * 10))
        # Word strings (stop words kept) for bigram checks at query time; " | " keeps two
        # triggers from forming a bigram across their boundary.
        names_w.append(f" {' '.join(all_words(name))} ")
        triggers_w.append(" " + " | ".join(" ".join(all_words(t)) for t in triggers) + " ")
        descs_w.append(f" {' '.join(all_words(description))} ")
        symptoms_w = " | ".join(" ".join(all_words(s)) for s in symptoms.split(" | "))
        all_w.append(names_w[-1] + "|" + triggers_w[-1] + "|" + descs_w[-1] + "| " + symptoms_w + " ")
        trigger_terms.append("\t".join(" ".join(t) for t in trig))
        for phrase in (tuple(name_terms), *trig):
            if phrase:
                choices.append(" ".join(phrase))
                owner.append(i)
    packed = {t: p.tobytes() for t, p in postings.items()}
    return packed, names_w, triggers_w, descs_w, all_w, trigger_terms, choices, owner.tobytes()


# Bumped when build_state's output changes shape or meaning for the same index and weights (the
# tokenizer of routing.terms included: a cached state holds its terms).
CACHE_FORMAT = 6


def cache_file(index: str) -> str:
    """Where the built state of the index file `index` (an absolute path) is cached."""
    import hashlib
    import os

    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    name = hashlib.sha1(index.encode(), usedforsecurity=False).hexdigest()[:20] + ".marshal"
    return os.path.join(base, "claude-kit", "route", name)


def cached_state(
    entries: Sequence[dict[str, Any]], index: str | None, w: Weights = WEIGHTS
) -> tuple[Any, ...]:
    """build_state(entries) of the index file `index` (which `entries` were read from), cached per
    (path, size, mtime, weights, Python version) in ~/.cache/claude-kit/route ($XDG_CACHE_HOME).

    Building tokenizes every field of every skill; the spawn hook and `claude-kit route` both load
    it from here instead. Only derived data: an unreadable or stale cache is rebuilt, and a cache that
    cannot be written costs the next call the build again."""
    if index is None:
        return build_state(entries, w)
    import marshal
    import os
    import sys

    index = os.path.realpath(index)
    try:
        st = os.stat(index)
    except OSError:
        return build_state(entries, w)
    key = f"{CACHE_FORMAT}|{sys.version}|{w!r}|{index}|{st.st_size}|{st.st_mtime_ns}"
    cache = cache_file(index)
    try:
        with open(cache, "rb") as f:
            cached_key, state = marshal.load(f)
        if cached_key == key:
            return tuple(state)
    except (OSError, ValueError, EOFError, TypeError):
        pass
    state = build_state(entries, w)
    tmp = f"{cache}.{os.getpid()}.tmp"
    try:
        os.makedirs(os.path.dirname(cache), exist_ok=True)
        with open(tmp, "wb") as f:
            marshal.dump((key, state), f)
        os.replace(tmp, cache)  # atomic: a concurrent reader sees the old file or the new one
    except (OSError, ValueError):
        with contextlib.suppress(OSError):
            os.unlink(tmp)
    return state


class LexicalRouter:
    """The search structure over one library's index entries: built once, queried many times."""

    def __init__(
        self,
        entries: Sequence[dict[str, Any]],
        weights: Weights = WEIGHTS,
        state: tuple[Any, ...] | None = None,
    ) -> None:
        self.entries = list(entries)
        self.w = weights
        if state is None:
            state = build_state(self.entries, weights)
        self.state = state
        self.postings: dict[str, bytes] = state[0]
        self.names_w, self.triggers_w, self.descs_w, self.all_w = state[1], state[2], state[3], state[4]
        self.trigger_terms: list[str] = state[5]
        self.n = max(len(self.entries), 1)

    def idf(self, term: str) -> float:
        df = len(self.postings[term]) // 4
        return float(math.log(1.0 + self.n / df) ** self.w.idf_power)

    def posting(self, term: str) -> list[tuple[int, float]]:
        arr = array("I")
        arr.frombytes(self.postings[term])
        return [(x >> 8, (x & 255) / 10.0) for x in arr]

    # -- what subclasses add ----------------------------------------------------------------------
    def similar_terms(self, term: str) -> dict[str, float]:
        """Vocabulary terms like `term` (typos, other word forms) -> similarity; none here."""
        return {}

    def phrase_bonus(self, qterms: Sequence[str], total: dict[int, float]) -> dict[int, float]:
        """Skill index -> score added for a whole-phrase likeness; none here."""
        return {}

    # -- scoring ----------------------------------------------------------------------------------
    def _added_phrases(self, words: Sequence[str]) -> list[tuple[tuple[str, ...], list[tuple[str, ...]]]]:
        """(the query's phrase, the SYNONYMS/IMPLIES vocabulary it brings in) per group that fires,
        as stemmed word tuples."""
        joined = " " + " ".join(words) + " "
        found: list[tuple[tuple[str, ...], list[tuple[str, ...]]]] = []
        for group in synonym_groups():
            here = [phrase for phrase in group if f" {' '.join(phrase)} " in joined]
            if here:
                found.append((here[0], [phrase for phrase in group if phrase not in here]))
        found.extend(
            (phrase, [implied]) for phrase, implied in implications() if f" {' '.join(phrase)} " in joined
        )
        return found

    def _expand(self, qterms: Sequence[str], words: Sequence[str]) -> dict[str, dict[str, float]]:
        """Query term -> {vocabulary term: similarity 0..1}; `~phrase` keys hold what a query phrase
        brings in.

        A synonym joins the query word it stands for: one concept counts once, by its best match in
        a skill ("broke" finding "regression" and "broken" is one match, not three). Only one-word
        additions become terms: a phrase ("build server", "used to work") names the thing only as a
        whole, and its words alone ("server", "work") would match anything; _bigrams scores it where
        the skill has the whole phrase."""
        out: dict[str, dict[str, float]] = {}
        for q in qterms:
            matches = self.similar_terms(q)
            if q in self.postings:
                matches[q] = 1.0
            out[q] = matches
        present = set(qterms)
        for phrase, additions in self._added_phrases(words):
            key = phrase[0] if len(phrase) == 1 and phrase[0] in out else "~" + " ".join(phrase)
            matches = out.setdefault(key, {})
            for added in additions:
                t = added[0]
                if len(added) == 1 and t not in present and t not in STOPWORDS and t in self.postings:
                    matches[t] = max(matches.get(t, 0.0), self.w.synonym)
        return {q: matches for q, matches in out.items() if matches}

    def _bigrams(self, words: Sequence[str], total: dict[int, float]) -> None:
        needles: dict[str, float] = {}
        for g in set(bigrams(words)):
            a, b = g.split(" ")
            content = a not in STOPWORDS and b not in STOPWORDS
            needles[g] = self.w.bigram * (1.0 if content else self.w.stop_bigram)
        for _, additions in self._added_phrases(words):
            for added in additions:
                if len(added) > 1:
                    g = " ".join(added)
                    needles[g] = max(needles.get(g, 0.0), self.w.synonym * self.w.bigram)
        self._phrases(needles, total)

    def _phrases(self, needles: dict[str, float], total: dict[int, float]) -> None:
        """Add factor x IDF x field weight for each skill whose words hold a needle phrase."""
        for g, factor in needles.items():
            needle = f" {g} "
            hits = [i for i, text in enumerate(self.all_w) if needle in text]
            if not hits:
                continue
            idf = math.log(1.0 + self.n / len(hits)) ** self.w.idf_power
            for i in hits:
                if needle in self.names_w[i]:
                    weight = self.w.name
                elif needle in self.triggers_w[i]:
                    weight = self.w.trigger
                elif needle in self.descs_w[i]:
                    weight = self.w.description
                else:
                    weight = self.w.symptom
                total[i] = total.get(i, 0.0) + factor * idf * weight

    def scores(
        self, intent: str, *, allowed: set[int] | None = None, parts: dict[int, list[float]] | None = None
    ) -> dict[int, float]:
        """Skill index -> score. `parts`, when given, receives [lexical, trigger hits, phrase] per skill."""
        qterms = list(dict.fromkeys(terms(intent)))
        words = all_words(intent)
        expanded = self._expand(qterms, words)
        total: dict[int, float] = {}
        self._bigrams(words, total)
        idf = {v: self.idf(v) for matches in expanded.values() for v in matches}
        covered: dict[int, float] = {}
        mass = 0.0
        for matches in expanded.values():
            best: dict[int, float] = {}
            reach: dict[int, float] = {}
            for v, sim in matches.items():
                for i, weight in self.posting(v):
                    s = idf[v] * sim * weight
                    if s > best.get(i, 0.0):
                        best[i] = s
                    if idf[v] * sim > reach.get(i, 0.0):
                        reach[i] = idf[v] * sim
            mass += max(idf[v] * sim for v, sim in matches.items())
            for i, s in best.items():
                total[i] = total.get(i, 0.0) + s
                covered[i] = covered.get(i, 0.0) + reach[i]
        if self.w.coverage and mass:
            total = {i: s * (covered.get(i, 0.0) / mass) ** self.w.coverage for i, s in total.items()}
        if allowed is not None:
            total = {i: s for i, s in total.items() if i in allowed}
        if parts is not None:
            parts.update({i: [s, 0.0, 0.0] for i, s in total.items()})
        # Trigger hits: every term of a trigger occurs in the query (exactly, fuzzily or as a synonym).
        present = {v: sim for matches in expanded.values() for v, sim in matches.items()}
        for i in total:
            bonus = 0.0
            for trig in self.trigger_terms[i].split("\t") if self.trigger_terms[i] else ():
                ts = trig.split(" ")
                if all(t in present for t in ts):
                    bonus += sum(idf[t] * present[t] for t in ts) * (1.0 + 0.25 * (len(ts) - 1))
            total[i] += self.w.trigger_hit * bonus
            if parts is not None:
                parts[i][1] = self.w.trigger_hit * bonus
        for i, add in self.phrase_bonus(qterms, total).items():
            total[i] += add
            if parts is not None:
                parts[i][2] = add
        return total

    def allowed(self, intent: str, gateways: Sequence[str] | None) -> set[int] | None:
        """The skills an intent may reach: those of `gateways`; without them every skill, the kit's
        own only when the intent is about the kit (they would crowd out ordinary intents)."""
        if gateways:
            return {i for i, e in enumerate(self.entries) if set(gateways_of(e)) & set(gateways)}
        if about_the_kit(intent):
            return None
        return {i for i, e in enumerate(self.entries) if KIT_CATEGORY not in gateways_of(e)}

    def ranked(
        self, intent: str, *, gateways: Sequence[str] | None = None, limit: int = 5
    ) -> list[tuple[int, float]]:
        """(skill index, score) of the best `limit` skills, best first (name breaks ties)."""
        scored = self.scores(intent, allowed=self.allowed(intent, gateways))
        order = sorted(scored.items(), key=lambda kv: (-kv[1], str(self.entries[kv[0]].get("name"))))
        return order[:limit]
