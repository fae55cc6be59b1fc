# claude-kit: managed, id=hooks/claude_kit_hooks/edit/shell_writes
"""shell_write_warning (PreToolUse on Bash/PowerShell): a command that plainly writes a domain's file
is denied like an Edit (agent_first) unless the caller edits that domain (its developer, an editor):
the main thread gets the developer agent's spawn call, any other subagent (general-purpose, fork,
another domain's developer, a tester writing production code) hands the change back; a read-only
role (reviewer, lead, test-lead, Explore, Plan) may not write a domain file at all, tests included.

A shell command can write files in too many ways to recognise them all, so this denies the plain ones
(shell_lexer splits the command, this module and shell_programs know which files each form writes);
whatever else changes a domain file is found in the working tree at Stop (stoploop.working_tree) and
sent to review. Paths outside the project root are ignored, as in agent_first. docs/enforcement.md
lists what is caught.
"""

from __future__ import annotations

import os

from claude_kit_hooks.edit.delegation import (
    developer_for,
    may_edit,
    off_switch,
    read_only_role,
    short_path,
    spawn_call,
)
from claude_kit_hooks.edit.shell_lexer import lex, simple_commands, strip_wrappers
from claude_kit_hooks.edit.shell_paths import expand, without_ignored

TYPE_CHECKING = False  # typing costs ~14 ms at a hook's start-up; mypy still reads the branch
if TYPE_CHECKING:
    from claude_kit_hooks.runtime.hook import Hook

    Target = tuple[str, str]  # (path as written, how it is written)

MAX_SHELL_COMMAND = 64 * 1024  # longer commands are not parsed (logged); lexing is linear but pure Python
# A cheap first look: most commands have no redirection and no writing command at all.
HINT = (
    r">|\b(?:sed|perl|tee|cp|mv|ln|install|dd|truncate|rm|git|go|find|python[\d.]*|node|ruby|gofmt|goimports"
    r"|gofumpt|shfmt|clang-format|prettier|eslint|black|isort|autopep8|rustfmt|ruff|set-content"
    r"|add-content|clear-content|out-file|tee-object|copy-item|move-item|copy|move)\b"
)


def _operands(args: list[str], with_value: tuple[str, ...]) -> tuple[list[str], dict[str, str]]:
    """(positional args, {option: value}) for simple option syntaxes."""
    pos: list[str] = []
    opts: dict[str, str] = {}
    i = 0
    while i < len(args):
        a = args[i]
        if a == "--":
            pos += args[i + 1 :]
            break
        if a.startswith("--") and "=" in a:
            key, val = a.split("=", 1)
            opts[key] = val
        elif a in with_value:
            opts[a] = args[i + 1] if i + 1 < len(args) else ""
            i += 1
        elif a.startswith("-") and len(a) > 2 and a[:2] in with_value and not a.startswith("--"):
            opts[a[:2]] = a[2:]  # -tDIR
        elif not a.startswith("-") or a == "-":
            pos.append(a)
        i += 1
    return pos, opts


def _copy_dests(name: str, args: list[str], cwd: str) -> list[Target]:
    with_value = ("-t", "-S", "--target-directory", "--suffix", "-m", "-o", "-g", "--mode", "--owner")
    if name == "install" and any(a in ("-d", "--directory") for a in args):
        return []
    pos, opts = _operands(args, with_value)
    target_dir = opts.get("-t") or opts.get("--target-directory")
    out: list[Target] = []
    if target_dir:
        srcs, dest, is_dir = pos, target_dir, True
    else:
        if len(pos) < 2:
            return []
        srcs, dest = pos[:-1], pos[-1]
        full = dest if os.path.isabs(dest) else os.path.join(cwd, dest)
        is_dir = dest.endswith("/") or len(srcs) > 1 or os.path.isdir(full)
        if not is_dir:
            out.append((dest, name))
    if is_dir:
        out += [(os.path.join(dest, os.path.basename(s.rstrip("/"))), name) for s in srcs]
    if name == "mv":
        out += [(s, "mv (moved away)") for s in srcs]
    return out


_PS_WRITERS = {  # cmdlet/alias -> (path parameters, positional index of the written path)
    "set-content": (("-path", "-literalpath"), 0), "add-content": (("-path", "-literalpath"), 0),
    "clear-content": (("-path", "-literalpath"), 0), "out-file": (("-filepath", "-literalpath"), 0),
    "tee-object": (("-filepath", "-literalpath"), 0), "copy-item": (("-destination",), 1),
    "move-item": (("-destination",), 1), "copy": (("-destination",), 1), "move": (("-destination",), 1),
    "tee": (("-filepath", "-literalpath"), 0),
}  # fmt: skip


def _powershell_targets(name: str, args: list[str]) -> list[Target]:
    params, index = _PS_WRITERS[name]
    pos: list[str] = []
    i = 0
    while i < len(args):
        a = args[i]
        key, _, inline = a.partition(":")
        if key.lower() in params:
            return [(inline or (args[i + 1] if i + 1 < len(args) else ""), name)]
        if a.startswith("-"):
            i += 1 if a.lower() in ("-path", "-literalpath", "-value", "-encoding", "-filepath") else 0
        else:
            pos.append(a)
        i += 1
    return [(pos[index], name)] if len(pos) > index else []


# What a model puts before a command to be sure it runs at the top: the project root.
_ROOT_WORDS = (
    "$(git rev-parse --show-toplevel)", "`git rev-parse --show-toplevel`", "$CLAUDE_PROJECT_DIR",
    "${CLAUDE_PROJECT_DIR}",
)  # fmt: skip
_SHELLS = ("sh", "bash", "zsh", "dash", "ksh")
MAX_NESTING = 3  # `bash -c "sh -c '...'"` levels read


def shell_write_targets(
    command: str, cwd: str, powershell: bool = False, root: str | None = None, depth: int = 0
) -> list[Target]:
    """[(path as written, how)] for the files a shell command run in `cwd` plainly writes.

    Caught: `sed -i`, `perl -i`, `>`/`>>`/`>|`/`&>` redirections, `tee`, `cp`/`mv`/`install` (the
    destination, and what `mv` moves away), `rm`, `dd of=`, `truncate`, formatters that rewrite their
    operands (`gofmt -w`, `prettier --write`, `black` ...), `git checkout/restore` of files, `git
    apply` (the patch's files), `find -exec` of one of these, `python -c`/`node -e` code that opens a
    literal path for writing, and `$VAR` set earlier in the command (`T=f; echo > $T`); in PowerShell
    also Set-Content, Add-Content, Clear-Content, Out-File, Tee-Object, Copy-Item, Move-Item. Not
    caught: what a program decides by itself (scripts, generators, `make`), file lists from stdin
    (`xargs`), paths only the running shell knows (loops, `$(...)`).
    """
    targets: list[Target] = []
    here: str | None = ""  # where earlier `cd`s in this command moved to, relative to cwd; None = unknown
    variables: dict[str, str] = {}
    for words, redirects in simple_commands(lex(command, powershell)):
        argv = strip_wrappers(words)
        if not powershell:
            _assignments(words[: len(words) - len(argv)], variables, not argv)
            argv = [_subst(a, variables) for a in argv]
            redirects = [(_subst(p, variables), how) for p, how in redirects]
        name, args = (os.path.basename(argv[0]), argv[1:]) if argv else ("", [])
        if name in ("export", "declare", "local", "readonly", "typeset") and not powershell:
            _assignments([a for a in args if "=" in a], variables, True)
        low = name.lower()
        found = list(redirects)
        if name in ("cd", "pushd") or (powershell and low in ("set-location", "sl")):
            dest = args[0] if len(args) == 1 else None
            if dest in _ROOT_WORDS and root:
                here = os.path.relpath(root, cwd)
            elif here is not None and dest and dest != "-" and "$" not in dest and "`" not in dest:
                here = os.path.join(here, os.path.expanduser(dest))
            else:
                here = None
        elif not powershell and depth < MAX_NESTING and (name in _SHELLS or name == "eval"):
            script = _inline_script(name, args)
            if script:
                inner = os.path.join(cwd, here) if here else cwd
                found += shell_write_targets(script, inner, root=root, depth=depth + 1)
        elif powershell and low in _PS_WRITERS:
            found += _powershell_targets(low, args)
        elif name == "find":
            found += _find_exec(args, os.path.join(cwd, here) if here else cwd)
        else:
            found += command_targets(name, args, os.path.join(cwd, here) if here else cwd)
        for path, how in found:
            if not path or path == "-":
                continue
            if here and not os.path.isabs(path) and not path.startswith("~"):
                path = os.path.join(here, path)
            elif here is None and root and not os.path.isabs(path) and not path.startswith("~"):
                # After a `cd` the parser cannot follow: the command most likely went to the root
                # (or stayed where it was); both readings are checked.
                targets.append((os.path.join(root, path), how))
            targets.append((path, how))
    return targets


def _inline_script(name: str, args: list[str]) -> str:
    """The command string of `sh -c '...'` (any cluster with `c`: `-lc`, `-ec`) or of `eval ...`."""
    if name == "eval":
        return " ".join(args)
    for i, a in enumerate(args):
        if a.startswith("-") and not a.startswith("--") and "c" in a[1:]:
            return args[i + 1] if i + 1 < len(args) else ""
        if not a.startswith("-"):
            return ""  # `bash script.sh`: a script file, not recognised
    return ""


def command_targets(name: str, args: list[str], cwd: str) -> list[Target]:
    """The files one simple command (`name` with `args`, run in `cwd`) plainly writes."""
    if name in ("sed", "gsed", "perl"):
        from claude_kit_hooks.edit.shell_programs import inplace_files

        return inplace_files(name, args)
    if name == "tee":
        return [(a, "tee") for a in args if not a.startswith("-")]
    if name in ("cp", "mv", "install", "ln"):
        return _copy_dests(name, args, cwd)
    if name == "rm":
        return [(a, "rm") for a in args if not a.startswith("-")]
    if name == "dd":
        return [(a[3:], "dd of=") for a in args if a.startswith("of=")]
    if name == "truncate":
        pos, _opts = _operands(args, ("-s", "-r", "--size", "--reference"))
        return [(p, "truncate") for p in pos]
    if name in ("git", "go") or name in _FORMATTERS:
        from claude_kit_hooks.edit import shell_programs

        return shell_programs.program_targets(name, args, cwd)
    if name.startswith(("python", "node", "ruby")):
        from claude_kit_hooks.edit import shell_programs

        return shell_programs.inline_code_targets(name, args)
    return []


# Formatters that rewrite the files they are given: name -> the flag that makes them write (None: always).
_FORMATTERS = {
    "gofmt": "-w", "goimports": "-w", "gofumpt": "-w", "shfmt": "-w", "clang-format": "-i",
    "prettier": "--write", "eslint": "--fix", "black": None, "isort": None, "autopep8": "-i",
    "rustfmt": None, "ruff": None,
}  # fmt: skip


def _assignments(words: list[str], variables: dict[str, str], alone: bool) -> None:
    """`NAME=value` words: remembered when they stand alone (a prefix sets the variable only for its
    command); a value that needs the shell (`$`, backticks) makes the name unknown."""
    if not alone:
        return
    for word in words:
        key, _sep, value = word.partition("=")
        if "$" in value or "`" in value:
            variables.pop(key, None)
        else:
            variables[key] = value


def _subst(word: str, variables: dict[str, str]) -> str:
    if "$" not in word or not variables:
        return word
    import re

    return re.sub(
        r"\$(?:\{(\w+)\}|(\w+))",
        lambda m: variables.get(m.group(1) or m.group(2), m.group(0)),
        word,
    )


def _find_exec(args: list[str], cwd: str) -> list[Target]:
    """`find ROOTS ... -exec CMD ... {} ;`: when CMD writes its `{}`, the files find would pass it
    (a bounded walk of ROOTS, filtered by -name/-iname/-path)."""
    if "-exec" not in args and "-execdir" not in args:
        return []
    from claude_kit_hooks.edit import shell_programs

    return shell_programs.find_exec_targets(args, cwd, command_targets)


def shell_write_warning(h: Hook) -> None:
    """Deny a command that plainly writes a domain file whose developer agent exists, unless the
    caller edits that domain, and a command of a read-only role (reviewer, lead, test-lead, Explore,
    Plan) that writes any domain file.
    (The check kept its first name, from when it only warned: configs switch it off by that name.)"""
    if not h.enabled("shell_write_warning"):
        return
    role = read_only_role(h.config, h.agent_type) if h.is_subagent else None
    command = h.tool_input.get("command")
    if not isinstance(command, str) or not command:
        return
    import re

    if not re.search(HINT, command, re.IGNORECASE):
        return  # the common case: no redirection and no writing command at all
    if len(command) > MAX_SHELL_COMMAND:
        h.allow("shell_write_warning", f"command longer than {MAX_SHELL_COMMAND} characters; not inspected")
        return
    cwd = h.cwd
    found = _domain_writes(h, command, cwd, need_developer=role is None)
    if role is None and h.agent_type:  # a developer or editor (or `claude --agent` as one) may
        found = {d: v for d, v in found.items() if not may_edit(h.config, d, h.agent_type)}
    if not found:
        return
    domain, (dev, files) = next(iter(found.items()))
    listed = "; ".join(_listed(d, fs) for d, (_dev, fs) in found.items())
    if role is None and h.is_subagent:
        who = h.agent_type or "this agent"
        reason = (
            f"claude-kit: this command writes {listed}, and {dev} makes {domain} changes, not {who}. "
            "It was not run; don't retry it, with this or another tool. Finish your task without it "
            f"and end your final message with `NEEDS: spawn {dev} for <the change to "
            f"{short_path(files[0][0])}>`; the main thread spawns it: {spawn_call(dev, files[0][0])}\n"
            f"(The user can allow {who} with `domains: {{{domain}: {{editors: [...]}}}}` or turn this "
            f"off with {off_switch('shell_write_warning')}.)"
        )
        h.deny(
            "shell_write_warning", reason, file=files[0][0], domain=domain, agent=dev, command=command[:300]
        )
        return
    if role is None:
        head = (
            f"claude-kit: this command writes {listed}. The main thread coordinates; {dev} makes "
            f"{domain} changes, so this command was not run. Don't retry it here or another way: "
            "domain files changed outside Edit/Write are found at Stop and sent to review anyway."
        )
    else:
        head = (
            f"claude-kit: this command writes {listed}. {h.agent_type} is a read-only role ({role}): "
            f"it reports what should change, {dev} makes {domain} changes. This command was not run; "
            "put the change in your findings (with file and line) for the coordinator to delegate."
        )
    reason = f"{head}\nSpawn it: {spawn_call(dev, files[0][0])}\n"
    if role is not None:
        reason = f"{head}\nThe coordinator will spawn: {spawn_call(dev, files[0][0])}\n"
    reason += f"(The user can turn this off with {off_switch('shell_write_warning')}.)"
    h.deny(
        "shell_write_warning", reason, file=files[0][0], domain=domain, agent=dev,
        command=command[:300], **({"role": role} if role else {}),
    )  # fmt: skip


def _listed(domain: str, files: list[Target]) -> str:
    shown = ", ".join(f"{short_path(rel)} ({how})" for rel, how in files[:3])
    more = f" and {len(files) - 3} more" if len(files) > 3 else ""
    return f"{domain} files: {shown}{more}"


def _domain_writes(
    h: Hook, command: str, cwd: str, need_developer: bool
) -> dict[str, tuple[str, list[Target]]]:
    """{domain: (developer, [(relpath, how)])} of the domain files the command plainly writes."""
    cfg = h.config
    found: dict[str, tuple[str, list[Target]]] = {}
    root = h.project.root
    for written, how in shell_write_targets(command, cwd, powershell=h.tool_name == "PowerShell", root=root):
        for full in expand(written, cwd, root):
            rel = h.project.relpath(full)
            if rel is None:
                continue
            exempt = h.project.exemption_of(cfg, rel)
            if exempt and (need_developer or exempt in ("output_dir", "docs")):
                continue  # the main thread may write exempt files; a read-only role also tests
            domain = h.project.domain_of(cfg, rel)
            if domain is None:
                continue
            dev = developer_for(cfg, domain)
            if need_developer and not h.project.agent_exists(dev):
                continue
            files = found.setdefault(domain, (dev, []))[1]
            if (rel, how) not in files:
                files.append((rel, how))
    return without_ignored(root, found) if found else found
