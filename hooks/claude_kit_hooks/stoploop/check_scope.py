# claude-kit: managed, id=hooks/claude_kit_hooks/stoploop/check_scope
"""Which of a domain's checks a change concerns: a check covers the domain's files in its folder
(`cwd`), except those in a nested folder that has its own check of the same name (a nested Go module
has its own `go test`; a package's `test` script tests that package). So one changed file in a
monorepo runs the checks of its own module or package, not every package's.
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing costs ~14 ms at a hook's start-up; mypy still reads the branch
if TYPE_CHECKING:
    from collections.abc import Iterable

    from claude_kit_hooks.contract.records import Check


def is_under(relpath: str, folder: str) -> bool:
    return folder in ("", ".") or relpath == folder or relpath.startswith(folder + "/")


def covers(check: Check, domain_checks: list[Check], relpath: str) -> bool:
    """Whether `check` is the one of its name that answers for `relpath` (a file of its domain)."""
    cwd = check.get("cwd") or "."
    if not is_under(relpath, cwd):
        return False
    for other in domain_checks:
        ocwd = other.get("cwd") or "."
        if other["name"] != check["name"] or ocwd == cwd:
            continue
        if is_under(ocwd, cwd) and is_under(relpath, ocwd):
            return False  # a nearer check of the same name answers for it
    return True


def concerned(domain_checks: list[Check], changed: Iterable[str]) -> list[Check]:
    """The checks, in configured order, that cover at least one of the changed files."""
    paths = list(changed)
    return [c for c in domain_checks if any(covers(c, domain_checks, p) for p in paths)]
