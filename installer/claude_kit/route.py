"""`claude-kit route "<intent>"`: rank the skill library for an intent and print the paths to Read.

The index (`.claude/skill-library/index.json`, generated from the skills' frontmatter) becomes a
search structure (docs/knowledge.md, "How ranking works"):

- terms: lowercase words, stop words dropped, a small stemmer (``migrations`` -> ``migration``,
  ``committed`` -> ``commit``), camelCase split, so word forms meet;
- postings per term with the best field weight (name > triggers > description > gateway) and an
  IDF from the posting length, so a rare word (``pgbouncer``) outweighs a common one (``test``);
- one word string per skill and field, for bigram checks at query time;
- one flat list of choices (every skill's name and triggers) for rapidfuzz.

A query's score per skill = lexical (IDF-weighted best field per term; unknown terms matched with
rapidfuzz `fuzz.ratio` at a discount; SYNONYMS/IMPLIES add vocabulary) + bigrams + trigger hits
(a trigger all of whose terms are in the query) + phrase similarity (`process.extract` with
`fuzz.token_set_ratio` over the choices list).

The built state is flat (bytes, strings, lists) and cached with marshal per index file, so a call
on a 2,000-skill library costs a few tens of milliseconds more than on a 50-skill one
(bench/bench_route.py).
"""

from __future__ import annotations

import json
import math
import os
import re
from array import array
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

import click

from claude_kit.errors import KitError

INDEX_REL = ".claude/skill-library/index.json"
_TOKEN_RE = re.compile(r"[A-Za-z0-9]+")
_CAMEL_RE = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|[0-9]+")
STOPWORDS = frozenset(
    """a an the and or but if then else of in on at to for from by with without into onto over under
    about as is are was were be been being do does did doing done have has had having i me my we our
    you your it its this that these those there here what which who whom whose when where why how
    can could should would will shall may might must not no nor so too very just only also than
    use used using want need needs needed get gets got make makes made some any all each every
    other another same such one ones thing things way ways something anything please help let lets
    before after while again still keep keeps kept ever never up down out off""".split()  # noqa: SIM905
)
_STEM_CACHE: dict[str, str] = {}
# Developer vocabulary that names one thing in several ways. When every word of one phrase of a
# group is in the query, the other phrases' words are added as (discounted) query terms: people
# type "largest contentful paint" where a skill says "LCP", or "db" where it says "database".
SYNONYMS: tuple[tuple[str, ...], ...] = (
    ("db", "database"),
    ("postgres", "postgresql", "pg"),
    ("js", "javascript"),
    ("ts", "typescript"),
    ("py", "python"),
    ("e2e", "end to end"),
    ("a11y", "accessibility"),
    ("lcp", "largest contentful paint"),
    ("inp", "interaction to next paint"),
    ("cls", "cumulative layout shift", "layout shift"),
    ("xss", "cross site scripting"),
    ("csrf", "cross site request forgery"),
    ("ssrf", "server side request forgery"),
    ("idor", "insecure direct object reference"),
    ("pr", "pull request"),
    ("ci", "continuous integration", "build server"),
    ("perf", "performance", "slow", "latency"),
    ("auth", "authentication", "login"),
    ("authz", "authorization", "permission", "access control"),
    ("config", "configuration", "settings"),
    ("env", "environment"),
    ("deps", "dependency", "package"),
    ("cve", "vulnerability", "vulnerable"),
    ("secret", "credential", "api key"),
    ("commit", "push"),
    ("regression", "used to work", "stopped working", "broke", "broken"),
    ("crash", "exception", "panic"),
    ("concurrent", "parallel"),
    ("repo", "repository"),
    ("k8s", "kubernetes"),
    ("regex", "regular expression"),
)
# One-way: a plain-words phrase implies the term a skill author would use.
IMPLIES: tuple[tuple[str, str], ...] = (
    ("safely", "security"),
    ("securely", "security"),
    ("attacker", "security"),
    ("malicious", "security"),
    ("exploit", "security"),
    ("user input", "untrusted input"),
    ("user supplied", "untrusted input"),
    ("user provided", "untrusted input"),
    ("user controlled", "untrusted input"),
    ("another user", "idor"),
    ("other user", "idor"),
    ("other customer", "idor"),
    ("someone else", "idor"),
    ("which commit", "regression"),
)


def stem(word: str) -> str:
    """A deliberately small stemmer: enough to meet plurals and -ing/-ed forms halfway."""
    cached = _STEM_CACHE.get(word)
    if cached is not None:
        return cached
    w = word
    if len(w) > 4 and w.endswith("ies"):
        w = w[:-3] + "y"
    elif len(w) > 5 and w.endswith("ing"):
        w = w[:-3]
    elif (len(w) > 4 and w.endswith("ed") and not w.endswith("eed")) or (
        len(w) > 3 and w.endswith("es") and w[-3] in "sxz"
    ):
        w = w[:-2]
    elif len(w) > 3 and w.endswith("s") and not w.endswith(("ss", "us", "is")):
        w = w[:-1]
    elif len(w) > 5 and w.endswith("ly"):
        w = w[:-2]
    if len(w) > 4 and w.endswith("e"):
        w = w[:-1]
    if len(w) > 3 and w[-1] == w[-2] and w[-1] not in "aeiouszl0123456789":
        w = w[:-1]  # committed -> committ -> commit, stopped -> stopp -> stop
    _STEM_CACHE[word] = w
    return w


def terms(text: str) -> list[str]:
    """Words of `text` as search terms. camelCase is split (`dangerouslySetInnerHTML` also yields
    `dangerously`, `set`, `inner`, `html`) and the joined word is kept too."""
    out: list[str] = []
    for raw in _TOKEN_RE.findall(text):
        low = raw.lower()
        if low not in STOPWORDS:
            out.append(stem(low))
        if raw != low and raw != raw.upper() and not raw[1:].islower():
            parts = (x.lower() for x in _CAMEL_RE.findall(raw))
            out.extend(stem(p) for p in parts if p not in STOPWORDS and p != low)
    return out


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


_SYN_GROUPS: list[list[tuple[str, ...]]] = []


def all_words(text: str) -> list[str]:
    """Every word stemmed, stop words kept: for matching multi-word phrases in order."""
    return [stem(t) for t in _TOKEN_RE.findall(text.lower())]


def bigrams(words: Sequence[str]) -> list[str]:
    pairs = zip(words, words[1:], strict=False)
    return [f"{a} {b}" for a, b in pairs if a not in STOPWORDS or b not in STOPWORDS]


_IMPLICATIONS: list[tuple[tuple[str, ...], tuple[str, ...]]] = []


def _implications() -> list[tuple[tuple[str, ...], tuple[str, ...]]]:
    if not _IMPLICATIONS:
        _IMPLICATIONS.extend((tuple(all_words(a)), tuple(all_words(b))) for a, b in IMPLIES)
    return _IMPLICATIONS


def _synonym_groups() -> list[list[tuple[str, ...]]]:
    if not _SYN_GROUPS:
        _SYN_GROUPS.extend([tuple(all_words(p)) for p in g] for g in SYNONYMS)
    return _SYN_GROUPS


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
            state = self.build(self.entries, weights)
        self.state = state
        self.postings: dict[str, bytes] = state[0]
        self.names_w, self.triggers_w, self.descs_w, self.all_w = state[1], state[2], state[3], state[4]
        self.trigger_terms: list[str] = state[5]
        self.choices: list[str] = state[6]
        self.choice_owner = array("I")
        self.choice_owner.frombytes(state[7])
        self.n = max(len(self.entries), 1)
        self.vocab = list(self.postings)

    @staticmethod
    def build(entries: Sequence[dict[str, Any]], w: Weights) -> tuple[Any, ...]:
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
        for group in _synonym_groups():
            if any(f" {' '.join(phrase)} " in joined for phrase in group):
                added.extend(group)
        added.extend(implied for phrase, implied in _implications() if f" {' '.join(phrase)} " in joined)
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


def gateways_of(entry: dict[str, Any]) -> list[str]:
    gws = entry.get("gateways")
    return [str(g) for g in gws] if isinstance(gws, list) and gws else [str(entry.get("category", ""))]


# -- the cache: the built state, keyed by the index file's identity ----------------------------------
CACHE_FORMAT = 2


def _cache_file(index: Path) -> Path:
    import hashlib

    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "claude-kit" / "route"
    return base / (hashlib.sha1(str(index).encode(), usedforsecurity=False).hexdigest()[:20] + ".marshal")


def load_router(entries: list[dict[str, Any]], index: Path | None, weights: Weights = WEIGHTS) -> Router:
    """A Router for `entries`; for an index file, the built state is cached per (path, size, mtime).

    The cache lives in ~/.cache/claude-kit/route (XDG_CACHE_HOME), holds only derived data, and is
    ignored when unreadable or when anything in its key differs (including the Python version).
    """
    if index is None:
        return Router(entries, weights)
    import marshal
    import sys

    index = index.resolve()
    try:
        st = index.stat()
    except OSError:
        return Router(entries, weights)
    key = f"{CACHE_FORMAT}|{sys.version}|{weights!r}|{index}|{st.st_size}|{st.st_mtime_ns}"
    cache = _cache_file(index)
    try:
        with open(cache, "rb") as f:
            cached_key, state = marshal.load(f)
        if cached_key == key:
            return Router(entries, weights, state)
    except (OSError, ValueError, EOFError, TypeError):
        pass
    router = Router(entries, weights)
    try:
        from claude_kit.fsutil import atomic_write

        atomic_write(cache, marshal.dumps((key, router.state)))
    except (OSError, ValueError):
        pass  # a read-only home only costs the next call the build again
    return router


# -- where the index comes from -------------------------------------------------------------------
def find_index(start: Path) -> Path | None:
    """The installed index of the repository containing `start` (walks up; no git call)."""
    here = start.resolve()
    for d in (here, *here.parents):
        candidate = d / INDEX_REL
        if candidate.is_file():
            return candidate
        if (d / ".git").exists():
            return None
    return None


def load_entries(index: Path | None) -> tuple[list[dict[str, Any]], str]:
    """(entries, where they came from): the given/installed index, else the packaged library."""
    if index is not None:
        try:
            data = json.loads(index.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise KitError(f"{index}: no such index", hint="run `claude-kit sync` to regenerate it") from None
        except (ValueError, UnicodeDecodeError) as exc:
            msg = f"{index}: not a valid routing index ({exc})"
            raise KitError(msg, hint="run `claude-kit sync`") from None
        skills = data.get("skills") if isinstance(data, dict) else None
        if not isinstance(skills, list):
            raise KitError(f"{index}: no `skills` list in the routing index", hint="run `claude-kit sync`")
        return [s for s in skills if isinstance(s, dict)], str(index)
    from claude_kit import knowledge
    from claude_kit.payload import payload_root

    lib = payload_root() / "skill-library"
    return knowledge.library_entries(lib), f"{lib} (packaged library; the kit is not installed here)"


def normalize_gateway(gateway: str | None) -> str | None:
    if not gateway:
        return None
    return gateway.removeprefix("gateway-")


def route(
    intent: str,
    *,
    gateway: str | None = None,
    limit: int = 5,
    fmt: str = "text",
    index: Path | None = None,
    cwd: Path | None = None,
) -> int:
    if not intent.strip():
        raise KitError("the intent is empty", hint='describe the task in 3-8 words: "postgres add column"')
    if limit < 1:
        raise KitError(f"--limit must be at least 1 (got {limit})")
    index_path = index if index is not None else find_index(cwd or Path(os.getcwd()))
    entries, source = load_entries(index_path)
    gw = normalize_gateway(gateway)
    if gw is not None:
        known = sorted({g for e in entries for g in gateways_of(e)})
        if gw not in known:
            raise KitError(f"unknown gateway {gateway!r}", hint=f"use one of: {', '.join(known)}")
    hits = load_router(entries, index_path).rank(intent, gateway=gw, limit=limit)
    if fmt == "json":
        click.echo(
            json.dumps(
                {"intent": intent, "gateway": gw, "index": source, "results": [h._asdict() for h in hits]},
                indent=1,
            )
        )
        return 0 if hits else 1
    if not hits:
        scope = f" in gateway {gw}" if gw else ""
        click.echo(f"no library skill matches {intent!r}{scope}.")
        click.echo(
            "Rephrase with the words a developer would type (API names, tools), try another --gateway, "
            "or say in your output that no library skill covers it."
        )
        return 1
    for h in hits:
        click.echo(f"{h.rank}. {h.score:6.2f}  {h.path}")
        click.echo(f"   {h.description}")
    click.echo("Read the paths that fit (usually the first 1-3) before writing code.")
    return 0
