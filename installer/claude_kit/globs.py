"""Path globs from the team config, compiled to regular expressions for the hooks, with the literal
hints that let a hook skip a glob's regex (and `import re`) for a path that cannot match it.

Syntax (matched against the path relative to the project root, with `/` separators):
`**` any number of directories (including none), `*` any characters within one segment, `?` one
character, `[abc]` a class, `{ts,tsx}` alternatives. A pattern without `/` matches a file name at any
depth (`*.go` == `**/*.go`), as in .gitignore; a leading `/` or `./` anchors it at the root.
"""

from __future__ import annotations

import re
from typing import TypeAlias

# A glob token: its regex fragment and, when it matches only literal text, the texts it may match
# (one for a plain character, one per alternative for `{a,b}`); None for a wildcard or a class.
_Token: TypeAlias = tuple[str, tuple[str, ...] | None]
# More alternatives than this in one hint list cost more substring tests than they save.
MAX_HINTS = 8


def _tokens(pattern: str) -> list[_Token]:
    pat = pattern.strip()
    # `./x` and `/x` are anchored at the project root, as in .gitignore.
    anchored = pat.startswith(("./", "/"))
    pat = pat[2:] if pat.startswith("./") else pat.lstrip("/")
    if not anchored and "/" not in pat.rstrip("/"):
        pat = "**/" + pat
    if pat.endswith("/"):
        pat += "**"
    out: list[_Token] = []
    i, n = 0, len(pat)
    while i < n:
        c = pat[i]
        if pat.startswith("**/", i):
            out.append(("(?:.*/)?", None))  # the `/` is optional with the directories: not a literal
            i += 3
        elif pat.startswith("**", i):
            out.append((".*", None))
            i += 2
        elif c == "*":
            out.append(("[^/]*", None))
            i += 1
        elif c == "?":
            out.append(("[^/]", None))
            i += 1
        elif c == "[":
            j = pat.find("]", i + 1)
            if j in (i + 1, i + 2) and pat[i + 1 : j] in ("", "!", "^"):
                j = -1  # `[]` / `[!]`: no class, a literal `[`
            if j == -1:
                out.append((re.escape(c), (c,)))
                i += 1
            else:
                body = pat[i + 1 : j].replace("\\", "\\\\")
                if body.startswith("!"):
                    body = "^" + body[1:]
                out.append((f"[{body}]", None))
                i = j + 1
        elif c == "{":
            j = pat.find("}", i + 1)
            if j == -1:
                out.append((re.escape(c), (c,)))
                i += 1
            else:
                alts = pat[i + 1 : j].split(",")
                out.append(("(?:" + "|".join(re.escape(a) for a in alts) + ")", tuple(alts)))
                i = j + 1
        else:
            out.append((re.escape(c), (c,)))
            i += 1
    return out


def glob_to_regex(pattern: str) -> str:
    return "^" + "".join(rx for rx, _ in _tokens(pattern)) + "$"


def literal_hints(pattern: str) -> list[str]:
    """Texts of which every path the glob matches contains at least one; [] when the glob has no
    literal worth testing (`*`, `**/?`), so the hooks always run its regex.

    Consecutive literal tokens must appear side by side in a match, so each run of them yields one
    list: every way of spelling the run (`*.{ts,tsx}` -> `.ts`, `.tsx`). The most selective run wins:
    the longest shortest-text, then the fewest texts."""
    runs: list[set[str]] = []
    run: set[str] | None = None
    for _, literals in _tokens(pattern):
        if literals is None:
            run = None
            continue
        if run is not None and len(run) * len(literals) <= MAX_HINTS:
            run = {head + tail for head in run for tail in literals}
            runs[-1] = run
        elif len(literals) <= MAX_HINTS:
            run = set(literals)  # a run too wide to extend starts over: its tail is still necessary
            runs.append(run)
        else:
            run = None
    best: list[str] = []
    best_key = (0, 0)
    for texts in runs:
        if "" in texts:
            continue  # an empty spelling is in every path: no test
        # One text inside another is implied by it: keep the shortest ones.
        kept = sorted(t for t in texts if not any(o != t and o in t for o in texts))
        key = (min(map(len, kept)), -len(kept))
        if key > best_key:
            best, best_key = kept, key
    return best


def specificity(pattern: str) -> tuple[int, int]:
    """Order for 'most specific first': more literal directory segments, then more literal chars."""
    segments = [s for s in pattern.split("/") if s]
    literal_dirs = sum(1 for s in segments[:-1] if not any(ch in s for ch in "*?[{"))
    literal_chars = sum(1 for ch in pattern if ch not in "*?[]{}/")
    return literal_dirs, literal_chars


def matches(pattern: str, relpath: str) -> bool:
    return re.match(glob_to_regex(pattern), relpath) is not None
