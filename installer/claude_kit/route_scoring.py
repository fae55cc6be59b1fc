"""Scoring a query against the routing index (route_index) and ranking the library's skills.

A query's score per skill = lexical (IDF-weighted best field per term; unknown terms matched with
rapidfuzz `fuzz.ratio` at a discount; SYNONYMS/IMPLIES of route_terms add vocabulary) + bigrams +
trigger hits (a trigger all of whose terms are in the query) + phrase similarity
(`process.extract` with `fuzz.token_set_ratio` over the choices list). rapidfuzz is imported on the
first query only.
"""

from __future__ import annotations

import math
from array import array
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NamedTuple

from claude_kit.route_index import WEIGHTS, Weights, build_state, cached_state, gateways_of
from claude_kit.route_terms import STOPWORDS, all_words, bigrams, implications, synonym_groups, terms


class Hit(NamedTuple):
    rank: int
    score: float
    name: str
    path: str
    description: str
    category: str


class Router:
    """The search structure over one library's index entries: built once, queried many times.

    `state` holds only flat data (term -> packed postings as bytes, one word string per skill and
    field, trigger terms, the choices list), so marshal loads it in milliseconds (`load_router`)
    and a query decodes only the postings of its own terms.
    """

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
        self.choices: list[str] = state[6]
        self.choice_owner = array("I")
        self.choice_owner.frombytes(state[7])
        self.n = max(len(self.entries), 1)
        self.vocab = list(self.postings)

    def idf(self, term: str) -> float:
        df = len(self.postings[term]) // 4
        return float(math.log(1.0 + self.n / df) ** self.w.idf_power)

    def posting(self, term: str) -> list[tuple[int, float]]:
        arr = array("I")
        arr.frombytes(self.postings[term])
        return [(x >> 8, (x & 255) / 10.0) for x in arr]

    # -- scoring ----------------------------------------------------------------------------------
    def _expand(self, qterms: Sequence[str], words: Sequence[str]) -> dict[str, dict[str, float]]:
        """Query term -> {vocabulary term: similarity 0..1}; `~term` keys are vocabulary additions."""
        from rapidfuzz import fuzz, process

        out: dict[str, dict[str, float]] = {}
        present = set(qterms)
        joined = " " + " ".join(words) + " "
        added: list[tuple[str, ...]] = []
        for group in synonym_groups():
            if any(f" {' '.join(phrase)} " in joined for phrase in group):
                added.extend(group)
        added.extend(implied for phrase, implied in implications() if f" {' '.join(phrase)} " in joined)
        for phrase in added:
            for t in phrase:
                if t not in present and t not in STOPWORDS and t in self.postings:
                    out.setdefault("~" + t, {})[t] = self.w.synonym
        for q in qterms:
            matches: dict[str, float] = {}
            if q in self.postings:
                matches[q] = 1.0
            if len(q) >= 6:  # typos and other word forms; short words match too much by accident
                for v, s, _ in process.extract(
                    q, self.vocab, scorer=fuzz.ratio, score_cutoff=self.w.fuzzy_term_cutoff, limit=4
                ):
                    if v != q and len(v) >= 4 and v[0] == q[0]:
                        matches[v] = max(matches.get(v, 0.0), self.w.fuzzy_term * s / 100.0)
            if matches:
                out[q] = matches
        return out

    def _bigrams(self, words: Sequence[str], total: dict[int, float]) -> None:
        for g in set(bigrams(words)):
            a, b = g.split(" ")
            content = a not in STOPWORDS and b not in STOPWORDS
            factor = self.w.bigram * (1.0 if content else self.w.stop_bigram)
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
                else:
                    weight = self.w.description
                total[i] = total.get(i, 0.0) + factor * idf * weight

    def scores(
        self, intent: str, *, allowed: set[int] | None = None, parts: dict[int, list[float]] | None = None
    ) -> dict[int, float]:
        """Skill index -> score. `parts`, when given, receives [lexical, trigger hits, phrase] per skill."""
        from rapidfuzz import fuzz, process

        qterms = list(dict.fromkeys(terms(intent)))
        words = all_words(intent)
        expanded = self._expand(qterms, words)
        total: dict[int, float] = {}
        self._bigrams(words, total)
        idf = {v: self.idf(v) for matches in expanded.values() for v in matches}
        for matches in expanded.values():
            best: dict[int, float] = {}
            for v, sim in matches.items():
                for i, weight in self.posting(v):
                    s = idf[v] * sim * weight
                    if s > best.get(i, 0.0):
                        best[i] = s
            for i, s in best.items():
                total[i] = total.get(i, 0.0) + s
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
        # Phrase similarity over the flat choices list (names and triggers as term strings).
        if qterms and self.choices:
            best_phrase: dict[int, float] = {}
            for _, s, k in process.extract(
                " ".join(qterms),
                self.choices,
                scorer=fuzz.token_set_ratio,
                score_cutoff=self.w.phrase_cutoff,
                limit=None,
            ):
                i = self.choice_owner[k]
                if i in total and s > best_phrase.get(i, 0.0):
                    best_phrase[i] = s
            for i, s in best_phrase.items():
                add = self.w.phrase * (s - self.w.phrase_cutoff) / (100.0 - self.w.phrase_cutoff)
                total[i] += add
                if parts is not None:
                    parts[i][2] = add
        return total

    def rank(self, intent: str, *, gateway: str | None = None, limit: int = 5) -> list[Hit]:
        allowed = None
        if gateway:
            allowed = {i for i, e in enumerate(self.entries) if gateway in gateways_of(e)}
        scored = self.scores(intent, allowed=allowed)
        order = sorted(scored.items(), key=lambda kv: (-kv[1], str(self.entries[kv[0]].get("name"))))
        hits = []
        for rank, (i, s) in enumerate(order[:limit], start=1):
            e = self.entries[i]
            hits.append(
                Hit(
                    rank,
                    round(s, 2),
                    str(e.get("name")),
                    str(e.get("path")),
                    str(e.get("description", "")),
                    str(e.get("category", "")),
                )
            )
        return hits


def load_router(entries: list[dict[str, Any]], index: Path | None, weights: Weights = WEIGHTS) -> Router:
    """A Router for `entries`, its state loaded from the cache of `index` when it is current."""
    return Router(entries, weights, cached_state(entries, index, weights))
