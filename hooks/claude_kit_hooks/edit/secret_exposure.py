# claude-kit: managed, id=hooks/claude_kit_hooks/edit/secret_exposure
"""secret_exposure (PreToolUse on Bash/PowerShell, Read and Grep): a configured secret never reaches the
context.

A tool result goes into every later request to the model, so a secret printed once is sent again and
again. When the team config names secrets, a shell command that reads one of their env files (`cat`,
`grep`, `source`, a `<` redirect: any word naming the file), prints the environment (`env`,
`printenv`, `set`, `export -p`, `declare -x`, `/proc/*/environ`, PowerShell's `env:` drive) or uses a
secret variable outside `claude-kit secrets run` (`echo $API_TOKEN`, `os.environ["API_TOKEN"]`) is
denied with the `claude-kit secrets run NAME -- <command>` form to use instead, and so is a Read or
Grep of a secret file. The hooks know the names and the files, never the values.
"""

from __future__ import annotations

import os

from claude_kit_hooks.contract.secrets import RUN_FORM, run_form, secret_file_path

TYPE_CHECKING = False  # typing costs ~14 ms at a hook's start-up; mypy still reads the branch
if TYPE_CHECKING:
    from claude_kit_hooks.runtime.hook import Hook

NAME = "secret_exposure"
# Words any environment-printing command line contains (lower case), checked before lexing.
_ENV_HINTS = ("env", "set", "export", "declare", "typeset", "environ")
_DECLARES = ("declare", "typeset")
# Shell and program words that read a variable's value by name.
_ENV_READERS = ("environ", "getenv", "process.env", "env[", "env.fetch", "$env:", "getenvironmentvariable")
_PS_LISTERS = ("get-childitem", "gci", "ls", "dir", "get-item", "gi", "get-content", "gc", "cat", "type")
_GLOB_CHARS = "*?["


def secret_shell(h: Hook) -> None:
    """Bash/PowerShell: deny a command that would print a configured secret."""
    if not h.enabled(NAME):
        return
    command = h.tool_input.get("command")
    secrets = h.config["secrets"]
    names, files = secrets["names"], secrets["files"]
    if not isinstance(command, str) or not command or not names:
        return
    low = command.lower()
    paths = [secret_file_path(f, h.project.root) for f in files]
    if not (
        any(hint in low for hint in _ENV_HINTS)
        or any(n in command for n in names)
        or any(os.path.basename(p) in command for p in paths)
    ):
        return
    from claude_kit_hooks.edit.shell_lexer import lex, simple_commands, strip_wrappers

    powershell = h.tool_name == "PowerShell"
    tokens = lex(command, powershell)
    cwd = h.cwd
    for kind, word in tokens:  # any word: `cat f`, `< f`, `--env-file=f`, even after `secrets run`
        if kind != "word":
            continue
        if "/proc/" in word and word.endswith("environ"):
            _deny(h, names, "prints a process's environment (/proc/.../environ)", command=command[:300])
            return
        found = _secret_file_in(word, cwd, paths)
        if found:
            _deny(h, names, f"reads the secret file {found}", file=found, command=command[:300])
            return
    with_secrets = False
    for argv, _redirects in simple_commands(tokens):
        words = strip_wrappers(argv)
        if _runs_with_secrets(words):
            with_secrets = True
            continue  # the form to use: its output comes back redacted
        why = _prints_environment(argv, words, names, powershell) or _uses_secret(argv, names)
        if why:
            _deny(h, names, why, command=command[:300])
            return
    expanded = _expanded_by_caller(command, names) if with_secrets and not powershell else None
    if expanded:
        h.deny(
            NAME,
            f"claude-kit: in this command your own shell expands ${expanded} before `{RUN_FORM}` starts, "
            "where it is not set, so the command would get an empty value; it was not run. Let the "
            f"command's shell expand it: `{RUN_FORM} {expanded} -- sh -c '... ${expanded} ...'` (single "
            "quotes around the whole command).",
            command=command[:300],
        )


def secret_read(h: Hook) -> None:
    """Read/Grep: deny reading a secret file (a Grep of a folder that holds one too)."""
    if not h.enabled(NAME):
        return
    secrets = h.config["secrets"]
    if not secrets["files"]:
        return
    key = "file_path" if h.tool_name == "Read" else "path"
    given = h.tool_input.get(key)
    if not isinstance(given, str) or not given:
        return
    target = secret_file_path(given, h.project.root)
    for path in (secret_file_path(f, h.project.root) for f in secrets["files"]):
        inside = h.tool_name == "Grep" and path.startswith(target.rstrip(os.sep) + os.sep)
        if _same_file(target, path) or inside:
            _deny(h, secrets["names"], f"reads the secret file {path}", file=path)
            return


def _same_file(a: str, b: str) -> bool:
    return a == b or os.path.realpath(a) == os.path.realpath(b)


def _secret_file_in(word: str, cwd: str, paths: list[str]) -> str | None:
    """The secret file `word` names (as a path, a glob, or the value of `--opt=` / `VAR=`), if any."""
    if not word or not paths:
        return None
    for text in {word, word.rsplit("=", 1)[-1]}:
        for prefix in ("$HOME", "${HOME}"):
            if text.startswith(prefix + "/"):
                text = "~" + text[len(prefix) :]
        glob = any(c in text for c in _GLOB_CHARS)
        if not text or not (glob or any(os.path.basename(p) in text for p in paths)):
            continue
        full = secret_file_path(text, cwd)
        for path in paths:
            if _same_file(full, path):
                return path
            if glob:
                import fnmatch

                if fnmatch.fnmatchcase(path, full):
                    return path
    return None


def _runs_with_secrets(words: list[str]) -> bool:
    """Is this `claude-kit secrets run ...` (or `python -m claude_kit secrets run ...`)?"""
    for i, word in enumerate(words[:-2]):
        if os.path.basename(word).lower() in ("claude-kit", "claude_kit"):
            return words[i + 1 : i + 3] == ["secrets", "run"]
    return False


def _prints_environment(argv: list[str], words: list[str], names: list[str], powershell: bool) -> str | None:
    if not words:
        # `env` (and `env -0`, `FOO=1 env`) with no command after it prints the environment
        if any(os.path.basename(w) == "env" for w in argv):
            return "prints the environment (`env`)"
        return None
    prog, args = os.path.basename(words[0]).lower(), words[1:]
    operands = [a for a in args if not a.startswith("-")]
    if prog == "printenv" and (not operands or any(a in names for a in operands)):
        return "prints the environment (`printenv`)"
    if prog == "set" and not args and not powershell:
        return "prints every shell variable (`set`)"
    if prog == "export" and not operands:
        return "prints the exported environment (`export -p`)"
    if prog in _DECLARES and (not operands or any(a in names for a in operands)):
        return f"prints shell variables (`{' '.join(words)}`)"
    if prog in _PS_LISTERS and any(a.lower().startswith("env:") for a in args):
        return "prints the environment (the `env:` drive)"
    if any("getenvironmentvariables" in w.lower() for w in words):
        return "prints the environment ([Environment]::GetEnvironmentVariables())"
    return None


def _uses_secret(argv: list[str], names: list[str]) -> str | None:
    """Why `argv` reads a secret variable's value in this shell, where its output is not redacted."""
    for word in argv:
        for name in names:
            at = word.find(name)
            while at >= 0:
                before, after = word[:at], word[at + len(name) : at + len(name) + 1]
                whole = not (after.isalnum() or after == "_")
                if whole and (before.endswith(("$", "${", "$env:", "$ENV:", "${!")) or _reads_env(word)):
                    return f"uses the secret variable {name}"
                at = word.find(name, at + 1)
    return None


def _expanded_by_caller(command: str, names: list[str]) -> str | None:
    """The first secret name `command` writes as `$NAME` or `${NAME}` outside single quotes: the
    calling shell expands it, not the command `claude-kit secrets run` starts."""
    single = double = False
    i = 0
    while i < len(command):
        c = command[i]
        if c == "\\" and not single:
            i += 2
            continue
        if c == "'" and not double:
            single = not single
        elif c == '"' and not single:
            double = not double
        elif c == "$" and not single:
            rest = command[i + 1 : i + 66].lstrip("{")
            for name in names:
                after = rest[len(name) : len(name) + 1]
                if rest.startswith(name) and not (after.isalnum() or after == "_"):
                    return name
        i += 1
    return None


def _reads_env(word: str) -> bool:
    low = word.lower()
    return any(reader in low for reader in _ENV_READERS)


def _deny(h: Hook, names: list[str], why: str, **extra: str) -> None:
    what = "command" if h.tool_name not in ("Read", "Grep") else f"{h.tool_name} call"
    h.deny(
        NAME,
        f"claude-kit: this {what} {why}, which would put a secret into the conversation, so it was not "
        f"run. Run what needs a secret through `{run_form(names)}`: the command gets the secrets in its "
        f"own environment, and what it prints comes back with their values redacted. Configured "
        f"secrets: {', '.join(names)} (`{RUN_FORM}` works only with these). How: the library skill "
        "`running-commands-with-secrets`.",
        **extra,
    )
