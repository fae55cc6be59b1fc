"""Path globs of the team config -> the regexes the hooks match project-relative paths against."""

from __future__ import annotations

import re

import pytest

from claude_kit import globs


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
