# claude-kit: managed, id=hooks/claude_kit_hooks/edit/shell_programs
"""The files programs write when their arguments say so: git (checkout/restore of files, apply),
formatters (`gofmt -w`, `prettier --write`, `black` ...), `go fmt`, inline code (`python -c`,
`node -e`, `ruby -e`) that opens a literal path for writing, and `find -exec` of any writer.

shell_writes imports this only for a command named like one of these. Directories given to a
formatter (and `find`'s roots) are walked, bounded by WALK_CAP entries, skipping dot-folders.
"""

from __future__ import annotations

import os

TYPE_CHECKING = False  # typing costs ~14 ms at a hook's start-up; mypy still reads the branch
if TYPE_CHECKING:
    from collections.abc import Callable

    Target = tuple[str, str]

WALK_CAP = 5000  # directory entries looked at per walk
PATCH_CAP = 1024 * 1024  # bytes of a patch file read for its paths
_GIT_VALUE_OPTS = ("-C", "-c", "--git-dir", "--work-tree", "--namespace")
_SOURCE_EXT = {
    "gofmt": (".go",), "goimports": (".go",), "gofumpt": (".go",), "go": (".go",), "shfmt": (".sh",),
    "black": (".py", ".pyi"), "isort": (".py", ".pyi"), "autopep8": (".py",), "ruff": (".py", ".pyi"),
    "rustfmt": (".rs",), "clang-format": (".c", ".h", ".cc", ".cpp", ".hpp"),
    "prettier": (".js", ".jsx", ".ts", ".tsx", ".css", ".json", ".vue"),
    "eslint": (".js", ".jsx", ".ts", ".tsx", ".vue"),
}  # fmt: skip
_WRITE_FLAG = {
    "gofmt": "-w", "goimports": "-w", "gofumpt": "-w", "shfmt": "-w", "clang-format": "-i",
    "prettier": ("--write", "-w"), "eslint": "--fix", "autopep8": ("-i", "--in-place"),
}  # fmt: skip
_CHECK_ONLY = ("--check", "--diff", "-l", "--list-different", "-d")


def walk(root: str, exts: tuple[str, ...] | None = None, names: list[str] | None = None) -> list[str]:
    """Files under `root` (itself when it is a file), bounded; filtered by extension or fnmatch names."""
    if not os.path.isdir(root):
        return [root]
    import fnmatch

    out: list[str] = []
    seen = 0
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if not d.startswith(".") and d != "node_modules"]
        seen += len(dirs) + len(files)
        for f in files:
            if exts is not None and not f.endswith(exts):
                continue
            if names is not None and not any(fnmatch.fnmatch(f, n) for n in names):
                continue
            out.append(os.path.join(folder, f))
        if seen > WALK_CAP:
            break
    return out


def _operands(args: list[str]) -> list[str]:
    return [a for a in args if not a.startswith("-")]


def program_targets(name: str, args: list[str], cwd: str) -> list[Target]:
    if name == "git":
        return _git(args, cwd)
    if name == "go":
        if not args or args[0] != "fmt":
            return []
        found: list[Target] = []
        for pkg in _operands(args[1:]) or ["."]:
            base = pkg[:-4] if pkg.endswith("/...") else pkg
            for f in walk(os.path.join(cwd, base or "."), (".go",))[:200]:
                found.append((os.path.relpath(f, cwd), "go fmt"))
        return found
    flag = _WRITE_FLAG.get(name)
    if flag is not None and not any(a in ((flag,) if isinstance(flag, str) else flag) for a in args):
        return []  # without -w/--write these formatters print
    if name == "ruff":
        if not args or args[0] not in ("format", "check") or (args[0] == "check" and "--fix" not in args):
            return []
        args = args[1:]
    if any(a in _CHECK_ONLY for a in args) and flag is None:
        return []
    found = []
    for op in _operands(args):
        full = op if os.path.isabs(op) else os.path.join(cwd, op)
        files = walk(full, _SOURCE_EXT.get(name)) if os.path.isdir(full) else [full]
        found += [(f if os.path.isabs(op) else os.path.relpath(f, cwd), name) for f in files[:200]]
    return found


def _git(args: list[str], cwd: str) -> list[Target]:
    base = ""  # `git -C DIR`: the operands are relative to DIR
    i = 0
    while i < len(args) and args[i].startswith("-"):
        if args[i] == "-C" and i + 1 < len(args):
            base = os.path.join(base, args[i + 1])
        i += 2 if args[i] in _GIT_VALUE_OPTS else 1
    if i >= len(args):
        return []
    sub, rest = args[i], args[i + 1 :]
    found: list[Target] = []
    if sub == "checkout":
        if any(a in ("-b", "-B", "--orphan") for a in rest):
            return []
        if "--" in rest:
            files = _operands(rest[rest.index("--") + 1 :])
        else:
            pos = _operands(rest)
            files = pos[1:]  # `git checkout REV FILE...`; a lone operand switches branches,
            if len(pos) == 1 and _is_path_not_branch(os.path.join(cwd, base), pos[0]):
                files = pos  # unless it names a file and no branch: `git checkout main.go` discards
        found = [(f, "git checkout") for f in files]
    elif sub == "restore":
        if ("--staged" in rest or "-S" in rest) and not ("--worktree" in rest or "-W" in rest):
            return []
        skip = {"-s", "--source"}
        files, j = [], 0
        while j < len(rest):
            if rest[j] in skip:
                j += 2
                continue
            if not rest[j].startswith("-"):
                files.append(rest[j])
            j += 1
        found = [(f, "git restore") for f in files]
    elif sub == "apply":
        if "--check" in rest or "--stat" in rest or "--cached" in rest:
            return []
        for patch in _operands(rest):
            found += [(p, "git apply") for p in _patch_paths(os.path.join(cwd, base, patch))]
        return [(os.path.join(base, p), how) for p, how in found]
    return [(os.path.join(base, p) if base and not os.path.isabs(p) else p, how) for p, how in found]


def _is_path_not_branch(cwd: str, operand: str) -> bool:
    """`git checkout X` restores file X when X exists and is not a local branch (git's own rule
    for an ambiguous operand prefers the branch)."""
    if not os.path.exists(os.path.join(cwd, operand)):
        return False
    from claude_kit_hooks.runtime.processes import git

    return git(cwd, ["rev-parse", "--verify", "--quiet", f"refs/heads/{operand}"], timeout=5) is None


def _patch_paths(path: str) -> list[str]:
    try:
        with open(path, "rb") as f:
            text = f.read(PATCH_CAP).decode("utf-8", "replace")
    except OSError:
        return []
    out: list[str] = []
    for line in text.splitlines():
        if line.startswith(("+++ ", "--- ")):
            name = line[4:].split("\t")[0].strip()
            if name != "/dev/null" and name[:2] in ("a/", "b/"):
                name = name[2:]
            if name != "/dev/null" and name not in out:
                out.append(name)
    return out


def inline_code_targets(name: str, args: list[str]) -> list[Target]:
    """Literal paths that `python -c`, `node -e` or `ruby -e` code opens for writing."""
    flag = "-c" if name.startswith("python") else "-e"
    code = ""
    for i, a in enumerate(args):
        if a == flag and i + 1 < len(args):
            code = args[i + 1]
            break
    if not code:
        return []
    import re

    q = r"""(['"])([^'"]+)\1"""
    patterns = (
        rf"open\(\s*{q}\s*,\s*(?:mode\s*=\s*)?['\"][^'\"]*[wax+]",  # open('f', 'w')
        rf"Path\(\s*{q}\s*\)\s*\.\s*(?:write_text|write_bytes|open\(\s*['\"][^'\"]*[wax+])",
        rf"(?:writeFileSync|appendFileSync|writeFile|appendFile)\(\s*{q}",  # node fs
        rf"File\.write\(\s*{q}",  # ruby
    )
    found: list[Target] = []
    for pat in patterns:
        for m in re.finditer(pat, code):
            path = next((g for g in m.groups()[1::2] if g), None)
            if path and (path, f"{name} {flag}") not in found:
                found.append((path, f"{name} {flag}"))
    return found


def find_exec_targets(
    args: list[str], cwd: str, targets_of: Callable[[str, list[str], str], list[Target]]
) -> list[Target]:
    roots: list[str] = []
    i = 0
    while i < len(args) and not args[i].startswith(("-", "(", "!")):
        roots.append(args[i])
        i += 1
    names: list[str] = []
    inner: list[str] = []
    while i < len(args):
        a = args[i]
        if a in ("-name", "-iname") and i + 1 < len(args):
            names.append(args[i + 1])
            i += 2
            continue
        if a in ("-exec", "-execdir", "-ok"):
            j = i + 1
            while j < len(args) and args[j] not in (";", "+"):
                j += 1
            inner = args[i + 1 : j]
            break
        i += 1
    if not inner:
        return []
    marker = "\0found\0"
    name = os.path.basename(inner[0])
    inner_args = [marker if a == "{}" else a for a in inner[1:]]
    if not any(path == marker for path, _how in targets_of(name, inner_args, cwd)):
        return []
    how = f"find -exec {name}"
    found: list[Target] = []
    for root in roots or ["."]:
        full = root if os.path.isabs(root) else os.path.join(cwd, root)
        for f in walk(full, names=names or None)[:200]:
            found.append((f if os.path.isabs(root) else os.path.relpath(f, cwd), how))
    return found


def inplace_files(name: str, args: list[str]) -> list[Target]:
    """`sed -i` (and GNU sed as `gsed`) and `perl -i`: the files they edit in place."""
    if name == "perl":
        return [(f, "perl -i") for f in _perl_files(args)]
    return [(f, "sed -i") for f in _sed_files(args)]


def _sed_files(args: list[str]) -> list[str]:
    inplace, script, files, i = False, False, [], 0
    while i < len(args):
        a = args[i]
        if a == "--":
            files += args[i + 1 :] if script else args[i + 2 :]
            break
        if a.startswith("--"):
            name = a[2:].split("=", 1)[0]
            if name == "in-place":
                inplace = True
            elif name in ("expression", "file"):
                script = True
                i += 0 if "=" in a else 1
            elif name == "line-length" and "=" not in a:
                i += 1
        elif a.startswith("-") and len(a) > 1:
            for j, ch in enumerate(a[1:], 1):
                if ch == "i":
                    inplace = True
                    if a == "-i" and i + 1 < len(args) and args[i + 1] == "":
                        i += 1  # BSD `sed -i '' ...`: empty backup suffix
                    break
                if ch in "efl":
                    script = script or ch != "l"
                    i += 1 if j == len(a) - 1 else 0
                    break
        elif not script:
            script = True
        else:
            files.append(a)
        i += 1
    return files if inplace else []


def _perl_files(args: list[str]) -> list[str]:
    inplace, script, files, i = False, False, [], 0
    while i < len(args):
        a = args[i]
        if a == "--":
            files += args[i + 1 :] if script else args[i + 2 :]
            break
        if a.startswith("-") and len(a) > 1:
            for j, ch in enumerate(a[1:], 1):
                if ch == "i":
                    inplace = True
                    break
                if ch in "eE":
                    script = True
                    i += 1 if j == len(a) - 1 else 0
                    break
                if ch in "MmIxdDCl0":
                    break  # the rest of the cluster is this option's value
        elif not script:
            script = True  # the program file
        else:
            files.append(a)
        i += 1
    return files if inplace else []
