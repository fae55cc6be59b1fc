"""Path globs of the team config -> the regexes the hooks match project-relative paths against."""

from __future__ import annotations

import random
import re
import warnings

import pytest

from claude_kit import globs
from tests.pathsamples import corpus_layouts, corpus_paths, random_paths


@pytest.mark.parametrize(
    ("pattern", "path", "expected"),
    [
        # `**/` spans any number of directories, including none.
        ("cmd/**/*.go", "cmd/main.go", True),
        ("cmd/**/*.go", "cmd/api/v1/main.go", True),
        ("cmd/**/*.go", "internal/cmd/main.go", False),
        ("cmd/**/*.go", "cmd/main.gox", False),
        # `*` stays inside one segment.
        ("cmd/*.go", "cmd/api/main.go", False),
        ("cmd/*.go", "cmd/main.go", True),
        # No `/`: a file name at any depth, as in .gitignore.
        ("*.go", "main.go", True),
        ("*.go", "a/b/main.go", True),
        ("Makefile", "tools/Makefile", True),
        # A leading `/` or `./` anchors at the root.
        ("/Makefile", "Makefile", True),
        ("/Makefile", "tools/Makefile", False),
        ("./Makefile", "tools/Makefile", False),
        ("./cmd/*.go", "cmd/main.go", True),
        # A trailing `/` means everything below that directory (at any depth unless anchored).
        ("build/", "build/out/a.js", True),
        ("build/", "web/build/a.js", True),
        ("/build/", "web/build/a.js", False),
        ("build/", "build", False),
        # `?`, classes, negated classes, alternatives.
        ("src/?.ts", "src/a.ts", True),
        ("src/?.ts", "src/ab.ts", False),
        ("src/?.ts", "src//.ts", False),
        ("src/[ab].ts", "src/b.ts", True),
        ("src/[ab].ts", "src/c.ts", False),
        ("src/[!ab].ts", "src/c.ts", True),
        ("src/[!ab].ts", "src/a.ts", False),
        ("ui/**/*.{ts,tsx}", "ui/x/App.tsx", True),
        ("ui/**/*.{ts,tsx}", "ui/App.ts", True),
        ("ui/**/*.{ts,tsx}", "ui/App.js", False),
        ("{cmd,internal}/**", "internal/store/s.go", True),
        ("{cmd,internal}/**", "pkg/s.go", False),
        # Regex metacharacters in names are literal.
        ("docs/a+b.md", "docs/a+b.md", True),
        ("docs/a+b.md", "docs/aab.md", False),
        ("a.b/*.py", "axb/x.py", False),
        # Unclosed class or brace is literal, not a crash.
        ("src/[ab.ts", "src/[ab.ts", True),
        ("src/{a.ts", "src/{a.ts", True),
        ("src/[]x", "src/[]x", True),  # an empty class would be an invalid regex in every hook
        ("src/[!]x", "src/[!]x", True),
        # Surrounding whitespace from YAML is ignored.
        ("  cmd/*.go ", "cmd/x.go", True),
    ],
)
def test_matches(pattern: str, path: str, expected: bool) -> None:
    assert globs.matches(pattern, path) is expected
    # The hooks compile the same string with the standard library: it must be a valid regex.
    assert (re.match(globs.glob_to_regex(pattern), path) is not None) is expected


def test_regex_is_anchored_at_both_ends() -> None:
    rx = globs.glob_to_regex("cmd/*.go")
    assert rx.startswith("^") and rx.endswith("$")
    assert not globs.matches("cmd/*.go", "x/cmd/a.go")
    assert not globs.matches("cmd/*.go", "cmd/a.go.bak")


@pytest.mark.parametrize(
    ("more", "less"),
    [
        ("ui/components/**/*.tsx", "ui/**/*.tsx"),  # more literal directories
        ("ui/**/*.tsx", "**/*.tsx"),
        ("cmd/api/main.go", "cmd/**/*.go"),
        ("internal/**/*_test.go", "internal/**/*.go"),  # same dirs, more literal characters
    ],
)
def test_specificity_orders_more_specific_first(more: str, less: str) -> None:
    assert globs.specificity(more) > globs.specificity(less)


def test_specificity_ignores_wildcard_directories() -> None:
    assert globs.specificity("**/*.go")[0] == 0
    assert globs.specificity("cmd/*/x/*.go")[0] == 2


# -- literal hints: texts every matching path contains (the hooks skip a rule's regex without one) --
@pytest.mark.parametrize(
    ("pattern", "hints"),
    [
        ("**/*.go", [".go"]),
        ("*.go", [".go"]),
        ("Makefile", ["Makefile"]),
        ("/build/", ["build/"]),
        ("cmd/api/**/*.go", ["cmd/api/"]),  # the longest literal run
        ("a/**/b", ["a/"]),  # `**/` makes its `/` optional: "a/b" matches, so "/b" is no hint
        ("{cmd,internal}/**", ["cmd/", "internal/"]),  # one per alternative
        ("*.{ts,tsx}", [".ts"]),  # ".tsx" contains ".ts": the shorter text says it all
        ("*.test.{js,ts}", [".test.js", ".test.ts"]),
        ("x{,y}z", ["xyz", "xz"]),  # an empty alternative joins its neighbours
        ("{,a}", []),  # may match nothing at all
        ("src/[ab].ts", ["src/"]),  # a class is one unknown character
        ("src/[ab.ts", ["src/[ab.ts"]),  # unclosed: literal
        ("*", []),
        ("**", []),
        ("**/?", []),
    ],
)
def test_literal_hints(pattern: str, hints: list[str]) -> None:
    assert globs.literal_hints(pattern) == hints


def test_alternatives_beyond_the_limit_start_a_new_run() -> None:
    hints = globs.literal_hints("{a,b}{c,d}{e,f}{g,h}")
    assert len(hints) == globs.MAX_HINTS and all(len(h) == 3 for h in hints)
    assert globs.literal_hints("x{a,b,c,d,e,f,g,h,i}y") == ["x"]  # too many: the runs beside it
    assert globs.literal_hints("{a,b,c,d,e,f,g,h,i}") == []


def _compiled(pattern: str) -> re.Pattern[str] | None:
    """The glob's regex; None for one the CLI refuses (config._glob_regex), such as `[b-a]`."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)  # `[[`: "possible nested set", still a class
        try:
            return re.compile(globs.glob_to_regex(pattern))
        except re.error:
            return None


def _assert_sound(rx: re.Pattern[str], pattern: str, paths: list[str]) -> int:
    """Every path the glob's regex matches contains a hint; returns how many matched."""
    hints = globs.literal_hints(pattern)
    assert "" not in hints
    matched = 0
    for path in paths:
        if rx.match(path):
            matched += 1
            assert not hints or any(h in path for h in hints), (pattern, hints, path)
    return matched


# Glob syntax, odd corners included: classes (negated, ranges, unclosed), alternatives (empty, with
# `/`, unclosed), `**` in every position, regex metacharacters, anchors, surrounding blanks.
GLOB_ATOMS = (
    "a", "b", "ab", "x", ".go", ".ts", "/", "/", "/", "*", "*", "**", "**/", "?", "[ab]", "[!a]", "[a-c]",
    "[^b]", "[/]", "[", "]", "{a,b}", "{,a}", "{a/b,x}", "{ts,tsx}", "{", "}", ",", "!", "^", ".", "\\",
    "+", "$", "(", " ",
)  # fmt: skip


def _random_glob(rnd: random.Random) -> str:
    body = "".join(rnd.choice(GLOB_ATOMS) for _ in range(rnd.randint(0, 8)))
    return rnd.choice(("", "", "", "./", "/", " ")) + body + rnd.choice(("", "", "", "/", " "))


def _matching_candidates(pattern: str, rnd: random.Random, count: int) -> list[str]:
    """Paths spelled token by token after the glob (a literal, an alternative, a filler for each
    wildcard or class): most match, those whose class filler misses do not."""
    fillers = {
        "(?:.*/)?": ("", "", "a/", "x/y/", "/", ".go/", "\n/"),
        ".*": ("", "a", "x/y", "/", "\n", "ab/"),
        "[^/]*": ("", "a", "b.", "x\n", "[", "{"),
    }
    tokens = globs._tokens(pattern)
    paths = []
    for _ in range(count):
        out = []
        for rx, literals in tokens:
            if literals is not None:
                out.append(rnd.choice(literals))
            else:  # `?` or a class: one character, which may or may not be in the class
                out.append(rnd.choice(fillers.get(rx, tuple("abxz/.^!-"))))
        paths.append("".join(out) + rnd.choice(("", "", "", "\n", "/", "x")))
    return paths


def test_hints_of_random_globs_are_in_every_path_they_match() -> None:
    rnd = random.Random(8)
    matched = hinted = 0
    for _ in range(3000):
        pattern = _random_glob(rnd)
        rx = _compiled(pattern)
        if rx is None:
            continue
        paths = _matching_candidates(pattern, rnd, 60) + random_paths(rnd, 20)
        n = _assert_sound(rx, pattern, paths)
        matched += n
        hinted += n if globs.literal_hints(pattern) else 0
    # Not vacuous: many matches, most of them for globs whose hints were tested.
    assert matched > 50_000 and hinted > matched // 2, (matched, hinted)


def _globify(path: str, rnd: random.Random) -> str:
    """A glob a team might write for a real path, which still matches it (unless the path holds glob
    syntax, `app/[id]/page.tsx`): segments widened to `*`/`**`, a character to `?` or a class, the
    extension to alternatives; leading directories dropped (`**/x`, a bare file name) or anchored;
    or only the directories kept (`dir/`)."""
    segments = path.split("/")
    if len(segments) > 1 and rnd.random() < 0.3:
        segments = segments[: rnd.randint(1, len(segments) - 1)] + [""]
    out = []
    for seg in segments:
        roll = rnd.random()
        if seg and roll < 0.15:
            seg = "*"
        elif seg and roll < 0.25:
            seg = "**"
        elif seg and roll < 0.4:
            i = rnd.randrange(len(seg))
            ch = seg[i]
            wild = rnd.choice(("?", f"[{ch}z]", f"[!{'y' if ch == 'z' else 'z'}]")) if ch.isalnum() else "?"
            seg = seg[:i] + wild + seg[i + 1 :]
        elif "." in seg and roll < 0.6:
            stem, ext = seg.rsplit(".", 1)
            seg = (
                rnd.choice(("*", stem))
                + ".{"
                + ",".join(rnd.sample([ext, rnd.choice(("md", "go"))], 2))
                + "}"
            )
        out.append(seg)
    if len(out) > 1 and rnd.random() < 0.3:
        rest = out[rnd.randint(1, len(out) - 1) :]
        return "**/" + "/".join(rest) if len(rest) > 1 else rest[0] or "/".join(out)
    return rnd.choice(("", "./", "/")) + "/".join(out)


@pytest.mark.parametrize(
    "layout", corpus_layouts() or [pytest.param("", marks=pytest.mark.skip("no corpus"))]
)
def test_hints_of_globs_written_for_a_real_layout_are_in_every_path_they_match(layout: str) -> None:
    rnd = random.Random(layout)
    paths = list(corpus_paths(layout))
    matched = hinted = 0
    for path in rnd.sample(paths, 40):
        pattern = _globify(path, rnd)
        rx = _compiled(pattern)
        if rx is not None:
            matched += _assert_sound(rx, pattern, paths)
            hinted += bool(globs.literal_hints(pattern))
    assert matched >= 40 and hinted >= 30, (matched, hinted)
