"""Path globs from the team config, compiled to regular expressions for the hooks.

Syntax (matched against the path relative to the project root, with `/` separators):
`**` any number of directories (including none), `*` any characters within one segment, `?` one
character, `[abc]` a class, `{ts,tsx}` alternatives. A pattern without `/` matches a file name at any
depth (`*.go` == `**/*.go`), as in .gitignore; a leading `/` or `./` anchors it at the root.
"""

from __future__ import annotations

import re


def glob_to_regex(pattern: str) -> str:
    pat = pattern.strip()
    # `./x` and `/x` are anchored at the project root, as in .gitignore.
    anchored = pat.startswith(("./", "/"))
    pat = pat[2:] if pat.startswith("./") else pat.lstrip("/")
    if not anchored and "/" not in pat.rstrip("/"):
        pat = "**/" + pat
    if pat.endswith("/"):
        pat += "**"
    out: list[str] = []
    i, n = 0, len(pat)
    while i < n:
        c = pat[i]
        if pat.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pat.startswith("**", i):
            out.append(".*")
            i += 2
        elif c == "*":
            out.append("[^/]*")
            i += 1
        elif c == "?":
            out.append("[^/]")
            i += 1
        elif c == "[":
            j = pat.find("]", i + 1)
            if j in (i + 1, i + 2) and pat[i + 1 : j] in ("", "!", "^"):
                j = -1  # `[]` / `[!]`: no class, a literal `[`
            if j == -1:
                out.append(re.escape(c))
                i += 1
            else:
                body = pat[i + 1 : j].replace("\\", "\\\\")
                if body.startswith("!"):
                    body = "^" + body[1:]
                out.append(f"[{body}]")
                i = j + 1
        elif c == "{":
            j = pat.find("}", i + 1)
            if j == -1:
                out.append(re.escape(c))
                i += 1
            else:
                alts = pat[i + 1 : j].split(",")
                out.append("(?:" + "|".join(re.escape(a) for a in alts) + ")")
                i = j + 1
        else:
            out.append(re.escape(c))
            i += 1
    return "^" + "".join(out) + "$"


def specificity(pattern: str) -> tuple[int, int]:
    """Order for 'most specific first': more literal directory segments, then more literal chars."""
    segments = [s for s in pattern.split("/") if s]
    literal_dirs = sum(1 for s in segments[:-1] if not any(ch in s for ch in "*?[{"))
    literal_chars = sum(1 for ch in pattern if ch not in "*?[]{}/")
    return literal_dirs, literal_chars


def matches(pattern: str, relpath: str) -> bool:
    return re.match(glob_to_regex(pattern), relpath) is not None
