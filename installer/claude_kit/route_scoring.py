"""Scoring a query against the routing index (route_index) and ranking the library's skills.

The lexical score (IDF-weighted best field per term, synonyms, bigrams, trigger hits) is the hooks'
routing.lexical, shared with the spawn hook; the CLI adds what needs rapidfuzz: unknown terms
matched with `fuzz.ratio` at a discount, and phrase similarity (`process.extract` with
`fuzz.token_set_ratio` over the names and triggers). rapidfuzz is imported on the first query only.
"""

from __future__ import annotations

from array import array
from collections.abc import Sequence
from functools import cached_property
from pathlib import Path
from typing import Any, NamedTuple

from claude_kit.route_index import WEIGHTS, Weights, cached_state
from claude_kit_hooks.routing.lexical import LexicalRouter


class Hit(NamedTuple):
    rank: int
    score: float
    name: str
    path: str
    description: str
    category: str


class Router(LexicalRouter):
    """LexicalRouter plus rapidfuzz: typos and word forms of query terms, and phrase likeness."""

    @cached_property
    def vocab(self) -> list[str]:
        return list(self.postings)

    @cached_property
    def choices(self) -> list[str]:
        """Every skill's name and triggers as term strings, for phrase likeness."""
        return list(self.state[6])

    @cached_property
    def choice_owner(self) -> array[int]:
        owner = array("I")
        owner.frombytes(self.state[7])
        return owner

    def similar_terms(self, term: str) -> dict[str, float]:
        from rapidfuzz import fuzz, process

        matches: dict[str, float] = {}
        if len(term) >= 6:  # typos and other word forms; short words match too much by accident
            for v, s, _ in process.extract(
                term, self.vocab, scorer=fuzz.ratio, score_cutoff=self.w.fuzzy_term_cutoff, limit=4
            ):
                if v != term and len(v) >= 4 and v[0] == term[0]:
                    matches[v] = max(matches.get(v, 0.0), self.w.fuzzy_term * s / 100.0)
        return matches

    def phrase_bonus(self, qterms: Sequence[str], total: dict[int, float]) -> dict[int, float]:
        from rapidfuzz import fuzz, process

        if not qterms or not self.choices:
            return {}
        best: dict[int, float] = {}
        for _, s, k in process.extract(
            " ".join(qterms),
            self.choices,
            scorer=fuzz.token_set_ratio,
            score_cutoff=self.w.phrase_cutoff,
            limit=None,
        ):
            i = self.choice_owner[k]
            if i in total and s > best.get(i, 0.0):
                best[i] = s
        return {
            i: self.w.phrase * (s - self.w.phrase_cutoff) / (100.0 - self.w.phrase_cutoff)
            for i, s in best.items()
        }

    def rank(self, intent: str, *, gateway: str | None = None, limit: int = 5) -> list[Hit]:
        hits = []
        for rank, (i, s) in enumerate(
            self.ranked(intent, gateways=[gateway] if gateway else None, limit=limit), 1
        ):
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
