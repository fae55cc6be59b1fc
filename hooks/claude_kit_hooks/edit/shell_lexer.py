# claude-kit: managed, id=hooks/claude_kit_hooks/edit/shell_lexer
"""Just enough of POSIX sh and PowerShell syntax to split a command line into simple commands.

shell_writes needs each simple command's words and its output redirections, with quotes removed (a
quoted `>` is a word, not a redirection), comments and heredoc bodies skipped, and `$(...)` or
backticks treated as the start of a nested command. It is a lexer, not a shell: no expansion, no
grammar beyond separators; lexing is linear in the command's length.
"""

from __future__ import annotations

import os

TYPE_CHECKING = False  # typing costs ~14 ms at a hook's start-up; mypy still reads the branch
if TYPE_CHECKING:
    from collections.abc import Iterator

    Token = tuple[str, str]  # ("op" | "word", text)

# Longest first: the lexer takes the first operator the command continues with.
_OPS = ("&>>", "<<<", "<<-", "&>", ">>", ">|", ">&", "<>", "<<", "&&", "||", ";;", "|&",
        ">", "<", "|", "&", ";", "(", ")", "\n")  # fmt: skip
_SEPARATORS = {"&&", "||", ";;", "|&", "|", "&", ";", "(", ")", "\n", "`"}
_WRITE_REDIRECTS = {">", ">>", ">|", "&>", "&>>", "<>"}
# Commands that run the command after them; its words are what the shell executes.
_WRAPPERS = {
    "sudo", "env", "nohup", "time", "command", "exec", "nice", "stdbuf", "timeout", "doas", "ionice",
    "chronic", "npx", "pnpx", "bunx", "uvx",
}  # fmt: skip
# Tool runners: `uv run black .` runs `black .` (the word after the runner is its subcommand).
_RUNNERS = {"uv": "run", "poetry": "run", "pipx": "run", "pdm": "run", "hatch": "run", "rye": "run",
            "pnpm": "exec", "npm": "exec", "bun": "x", "yarn": "exec"}  # fmt: skip


def lex(cmd: str, powershell: bool = False) -> list[Token]:
    """Tokens of a shell command: ("op", text) or ("word", text).

    Quotes are removed from words (a quoted `>` is a word, not a redirection); `#` starts a
    comment only at the start of a word; heredoc bodies are skipped; `$(` and backticks start a
    nested command (treated as a separator). PowerShell: backslash is literal, backtick escapes.
    """
    escape = "`" if powershell else "\\"
    toks: list[Token] = []
    word: list[str] | None = None
    heredocs: list[tuple[str, bool]] = []
    want_delim: str | None = None
    i, n = 0, len(cmd)

    def flush() -> None:
        nonlocal word, want_delim
        if word is not None:
            text = "".join(word)
            toks.append(("word", text))
            if want_delim:
                heredocs.append((text, want_delim == "<<-"))
                want_delim = None
            word = None

    while i < n:
        c = cmd[i]
        if c in " \t\r":
            flush()
            i += 1
            continue
        if word is None and c == "#":
            j = cmd.find("\n", i)
            i = n if j < 0 else j
            continue
        if c == escape:
            if i + 1 < n and cmd[i + 1] == "\n":
                i += 2
                continue
            word = [] if word is None else word
            word.append(cmd[i + 1 : i + 2])
            i += 2
            continue
        if c == "'":
            j = cmd.find("'", i + 1)
            j = n if j < 0 else j
            word = [] if word is None else word
            word.append(cmd[i + 1 : j])
            i = j + 1
            continue
        if c == '"':
            word = [] if word is None else word
            buf = word
            i += 1
            while i < n and cmd[i] != '"':
                if cmd[i] == escape and i + 1 < n:
                    buf.append(cmd[i + 1] if powershell or cmd[i + 1] in '"\\$`\n' else cmd[i : i + 2])
                    i += 2
                else:
                    buf.append(cmd[i])
                    i += 1
            i += 1
            continue
        if c == "$" and cmd.startswith("$(", i) and not cmd.startswith("$((", i):
            flush()
            toks.append(("op", "("))
            i += 2
            continue
        if c == "`" and not powershell:
            flush()
            toks.append(("op", "`"))
            i += 1
            continue
        if c in "&|;<>()\n":
            op = next(o for o in _OPS if cmd.startswith(o, i))
            if word is not None and op[0] in "<>" and "".join(word).isdigit():
                word = None  # `2>file`: the digits are a file descriptor, not a word
            flush()
            toks.append(("op", op))
            i += len(op)
            if op in ("<<", "<<-"):
                want_delim = op
            elif op == "\n" and heredocs:
                for delim, strip_tabs in heredocs:  # skip each body up to its delimiter line
                    while i < n:
                        j = cmd.find("\n", i)
                        line = cmd[i : (n if j < 0 else j)]
                        i = n if j < 0 else j + 1
                        if (line.lstrip("\t") if strip_tabs else line) == delim:
                            break
                heredocs = []
            continue
        word = [] if word is None else word
        word.append(c)
        i += 1
    flush()
    return toks


def simple_commands(toks: list[Token]) -> Iterator[tuple[list[str], list[tuple[str, str]]]]:
    """Yield (argv, [(redirect target, operator)]) for each simple command."""
    argv: list[str] = []
    targets: list[tuple[str, str]] = []
    k = 0
    while k < len(toks):
        kind, text = toks[k]
        if kind == "op" and text in _SEPARATORS:
            if argv or targets:
                yield argv, targets
            argv, targets = [], []
        elif kind == "op":
            nxt = toks[k + 1] if k + 1 < len(toks) and toks[k + 1][0] == "word" else None
            if nxt is not None:
                k += 1
                fd_dup = text == ">&" and (nxt[1].isdigit() or nxt[1] == "-")  # 2>&1
                if (text in _WRITE_REDIRECTS or text == ">&") and not fd_dup:
                    targets.append((nxt[1], text))
        else:
            argv.append(text)
        k += 1
    if argv or targets:
        yield argv, targets


def strip_wrappers(argv: list[str]) -> list[str]:
    """argv without leading `VAR=value` assignments and wrappers (`sudo -u x`, `timeout 5`, `env`...)."""
    i = 0
    while i < len(argv):
        word = argv[i]
        name = os.path.basename(word)
        if "=" in word and not word.startswith("-") and word.split("=", 1)[0].replace("_", "a").isalnum():
            i += 1  # VAR=value prefix
        elif _RUNNERS.get(name) is not None and i + 1 < len(argv) and argv[i + 1] == _RUNNERS[name]:
            i += 2
            while i < len(argv) and argv[i].startswith("-") and argv[i] != "--":
                i += 1
            i += 1 if i < len(argv) and argv[i] == "--" else 0
        elif name.startswith("python") and i + 2 < len(argv) and argv[i + 1] == "-m":
            i += 2  # `python -m black .` runs the module as `black .`
        elif name in _WRAPPERS:
            i += 1
            while i < len(argv) and argv[i].startswith("-"):
                opt = argv[i]
                i += 1
                if opt in ("-u", "-g", "-n", "-C", "-o", "-s", "-k"):
                    i += 1  # option with a value (sudo -u x, nice -n 5, stdbuf -o L, timeout -s KILL)
            if name == "timeout" and i < len(argv):
                i += 1  # the duration
        else:
            break
    return argv[i:]
