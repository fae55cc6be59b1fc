# claude-kit: managed, id=hooks/claude_kit_hooks/routing/terms
"""The words of a routing query and of a skill's index entry, made to meet halfway.

Lowercase words, stop words, contractions and one-letter words dropped, a small stemmer
(``migrations`` -> ``migration``, ``committed`` -> ``commit``, ``concurrency`` -> ``concurrent``),
camelCase split, phrasal verbs joined (``timed out`` -> ``timeout``); SYNONYMS and IMPLIES add
the vocabulary a skill author would use for the words a developer types (docs/knowledge.md,
"How ranking works"). The one definition the CLI (`claude-kit route`, the gateways' tables) and
the spawn hook (routing.spawn_skills) share; standard library only.
"""

from __future__ import annotations

import re

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence

# A word, with the contraction or possessive that follows it ("isn't", "user's"): the tail is
# dropped whole, so "isn't" never becomes the one-letter term "t".
_TOKEN_RE = re.compile(r"[A-Za-z0-9]+(?:['\u2019][A-Za-z]+)?")
_TAIL_RE = re.compile(r"['\u2019].*")
_CAMEL_RE = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|[0-9]+")
# Numbers spelled out count like the quantifiers: "three times", "two weeks ago" say how often or
# how long, not what broke ("twice" stays: "charged twice" names the bug).
STOPWORDS = frozenset(
    """a an the and or but if then else of in on at to for from by with without into onto over under
    about as is are was were be been being do does did doing done have has had having i me my we our
    you your it its this that these those there here what which who whom whose when where why how
    can could should would will shall may might must not no nor so too very just only also than
    use uses used using want wants wanted need needs needed needing get gets getting got make makes
    made some any all each every other others another same such one ones thing things way ways
    something anything please help let lets before after while again still keep keeps keeping kept
    ever never up down out off
    isn aren wasn weren don doesn didn won wouldn shouldn couldn hasn haven hadn ca
    they them their theirs us he him his she her hers am many much several few more most lot lots
    two three four five six seven eight nine ten twelve twenty hundred thousand once""".split()  # noqa: SIM905
)
_STEM_CACHE: dict[str, str] = {}
# A phrasal verb and its closed compound are one word to a reader ("log in" / "login", "timed out" /
# "timeout"), but the particle is a stop word: "logged out" would leave only "log" and match every
# logging skill. Joined before tokenizing, in queries and skills alike.
_COMPOUND_RE = re.compile(
    r"\b(log|sign|time|roll|shut|start|set|clean|back|look|fall|warm)(?:s|ed|d|ged|ging|ing|ting)?"
    r"[ -](in|out|up|down|back)\b",
    re.I,
)
COMPOUNDS = frozenset(
    """login logout signin signout signup timeout rollback shutdown startup setup cleanup backup
    lookup fallback warmup""".split()  # noqa: SIM905
)


def _join_compound(m: re.Match[str]) -> str:
    joined = (m.group(1) + m.group(2)).lower()
    return joined if joined in COMPOUNDS else m.group(0)


# "~/.gitconfig" is a file in the home directory: the "~" is the word a skill uses ("HOME").
_HOME_RE = re.compile(r"(?<![\w~/])~/")


def compounds(text: str) -> str:
    """`text` with phrasal verbs written as their compound ("timed out" -> "timeout") and a "~/"
    path's home spelled out."""
    return _COMPOUND_RE.sub(_join_compound, _HOME_RE.sub("home ~/", text))


# Developer vocabulary that names one thing in several ways. When every word of one phrase of a
# group is in the query, the other phrases' words are added as (discounted) query terms: people
# type "largest contentful paint" where a skill says "LCP", or "db" where it says "database".
SYNONYMS: tuple[tuple[str, ...], ...] = (
    ("db", "database"),
    ("postgres", "postgresql", "pg"),
    ("js", "javascript"),
    ("ts", "typescript"),
    ("py", "python"),
    ("e2e", "end to end", "browser test"),
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
    # Not "slow": it would pull in every performance skill; the words around it decide.
    ("perf", "performance"),
    ("bench", "benchmark"),
    ("auth", "authentication", "login"),
    ("login", "signin"),
    ("logout", "signout"),
    ("authz", "authorization", "permission", "access control"),
    ("config", "configuration", "settings"),
    ("env", "environment"),
    ("deps", "dependency", "package"),
    ("cve", "vulnerability", "vulnerable"),
    ("secret", "credential", "api key"),
    ("commit", "push"),
    ("regression", "used to work", "stopped working", "broke", "broken"),
    ("crash", "exception", "panic"),
    # "at once" / "at the same time" is how a bug report says two things raced.
    ("concurrent", "parallel", "simultaneous", "at the same time", "at once"),
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
    ("which function", "profile"),  # finding where the time goes is what a profiler answers
    ("which line", "profile"),
    # A call that hangs is a call without a timeout (or a deadline): the fix lives there.
    ("hang", "timeout"),
    ("hung", "timeout"),
    # Dates a day (or an hour) off are a time zone, whatever the stack.
    ("day off", "timezone"),
    ("hour off", "timezone"),
    ("scroll", "pagination"),
    # A page right only after a hard refresh served a cached copy.
    ("hard refresh", "cache"),
    ("hard reload", "cache"),
    # What disappears was lost: "lost update", "lost work" are the names skills use.
    ("disappear", "lost"),
    ("vanish", "lost"),
    ("out of order", "race"),
    # A component that renders nothing returns null: the report's words for the code's.
    ("renders nothing", "return null"),
    # A symptom told as a comparison ("3x slower") meets the adjective a skill uses, as a synonym:
    # a skill that says "faster" itself (a benchmark's) still matches best.
    ("slower", "slow"),
    ("faster", "fast"),
    ("bigger", "big"),
    ("larger", "large"),
    ("smaller", "small"),
    ("longer", "long"),
    ("higher", "high"),
    ("lower", "low"),
    ("older", "old"),
    ("newer", "new"),
)


def stem(word: str) -> str:
    """A deliberately small stemmer: enough to meet plurals and -ing/-ed forms halfway."""
    cached = _STEM_CACHE.get(word)
    if cached is not None:
        return cached
    w = word
    if len(w) > 6 and w.endswith("ency"):
        w = w[:-2] + "t"  # concurrency -> concurrent, dependency -> dependent: one word family
    elif len(w) > 4 and w.endswith(("ies", "ied")):
        w = w[:-3] + "y"  # retries, retried -> retry
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
    for token in _TOKEN_RE.findall(compounds(text)):
        raw = _TAIL_RE.sub("", token)
        low = raw.lower()
        if low not in STOPWORDS and len(low) > 1:
            out.append(stem(low))
        if raw != low and raw != raw.upper() and not raw[1:].islower():
            parts = (x.lower() for x in _CAMEL_RE.findall(raw))
            out.extend(stem(p) for p in parts if p not in STOPWORDS and p != low and len(p) > 1)
    return out


_SYN_GROUPS: list[list[tuple[str, ...]]] = []


def all_words(text: str) -> list[str]:
    """Every word stemmed, stop words kept: for matching multi-word phrases in order."""
    return [stem(_TAIL_RE.sub("", t)) for t in _TOKEN_RE.findall(compounds(text).lower())]


def bigrams(words: Sequence[str]) -> list[str]:
    pairs = zip(words, words[1:], strict=False)
    return [f"{a} {b}" for a, b in pairs if a not in STOPWORDS or b not in STOPWORDS]


_IMPLICATIONS: list[tuple[tuple[str, ...], tuple[str, ...]]] = []


def implications() -> list[tuple[tuple[str, ...], tuple[str, ...]]]:
    if not _IMPLICATIONS:
        _IMPLICATIONS.extend((tuple(all_words(a)), tuple(all_words(b))) for a, b in IMPLIES)
    return _IMPLICATIONS


def synonym_groups() -> list[list[tuple[str, ...]]]:
    if not _SYN_GROUPS:
        _SYN_GROUPS.extend([tuple(all_words(p)) for p in g] for g in SYNONYMS)
    return _SYN_GROUPS


# Words that make an intent about the kit itself (its skills, agents, hooks, gateways): only then do
# the kit's own library skills compete with the team's (`hooks` alone is React's as often).
KIT_WORDS = [
    "kit",
    "claude",
    "skill",
    "gateway",
    "subagent",
    "agent",
    "frontmatter",
    "manifest",
    "hook",
    "pretooluse",
    "posttooluse",
    "compacted",
]
_KIT_TERMS: set[str] = set()


def about_the_kit(text: str) -> bool:
    if not _KIT_TERMS:
        _KIT_TERMS.update(stem(w) for w in KIT_WORDS)
    return any(t in _KIT_TERMS for t in terms(text.replace("-", " ")))
