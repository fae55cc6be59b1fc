# claude-kit: managed, id=hooks/ck_edit
"""Edit checks for PreToolUse: agent-first, coordinators don't edit, shell-write warnings.

Standard library only; `re`, `glob` are imported where used. docs/enforcement.md describes
each behaviour, its exact messages and what is and is not caught.

- agent_first: the main thread may not Edit/Write/NotebookEdit a domain's file when that domain's
  developer agent exists; the deny names the agent and the one-step spawn call.
- coordinator_no_edit: while an orchestration is active, the main thread may write only under
  the kit's output folder.
- shell_write_warning: a main-thread Bash/PowerShell command that plainly writes a domain's file
  gets a warning (additionalContext), never a deny.

Paths outside the project root are allowed by all three (and logged): the kit governs the
project; other paths (the user's home, /tmp, plan files under ~/.claude) are the user's business.
Symlinks are resolved before matching (ckrt.project_relpath).
"""

from __future__ import annotations

import json
import os

import ckrt

CONFIG_NOTE = ".claude/claude-kit.yaml"
MAX_PATH_IN_MESSAGE = 120
MAX_SHELL_COMMAND = 64 * 1024  # longer commands are not parsed (logged); lexing is linear but pure Python


# -- shared helpers ---------------------------------------------------------------------------------
def _q(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def _short(rel: str) -> str:
    return rel if len(rel) <= MAX_PATH_IN_MESSAGE else "..." + rel[-(MAX_PATH_IN_MESSAGE - 3) :]


def _spawn_call(dev: str, rel: str) -> str:
    what = rel if len(rel) <= 40 else os.path.basename(rel)
    return (
        f"Agent(subagent_type={_q(dev)}, description={_q('Edit ' + what)}, "
        f"prompt={_q('In ' + _short(rel) + ': <the change you intended, with acceptance criteria>')})"
    )


def _off_switch(name: str) -> str:
    return f"`hooks: {{{name}: {{enabled: false}}}}` in {CONFIG_NOTE}"


def developer_for(cfg: dict, domain: str) -> str:
    dom = cfg.get("domains", {}).get(domain) or {}
    return str((dom.get("agents") or {}).get("developer") or f"{domain}-developer")


def classify(cfg: dict, rel: str):
    """(exemption label, domain, developer agent) for a project-relative path; unused parts None."""
    label = ckrt.exemption_of(cfg, rel)
    if label:
        return label, None, None
    domain = ckrt.domain_of(cfg, rel)
    if domain is None:
        return None, None, None
    return None, domain, developer_for(cfg, domain)


# -- agent-first --------------------------------------------------------------------------------------
def agent_first(h: ckrt.Hook) -> None:
    if not h.enabled("agent_first"):
        return
    path = h.edit_path
    if not path:
        h.allow("agent_first", "no file path in tool_input; nothing to check")
        return
    rel = h.edit_relpath()
    if rel is None:
        h.allow("agent_first", "outside the project root (not governed by the kit)", file=path)
        return
    if h.is_subagent:
        h.allow("agent_first", f"edit by subagent {h.agent_type or h.agent_id}", file=rel)
        return
    cfg = h.config
    label, domain, dev = classify(cfg, rel)
    if label:
        h.allow("agent_first", f"exempt ({label})", file=rel)
        return
    if domain is None:
        h.allow("agent_first", "outside every domain", file=rel)
        return
    if h.agent_type and h.agent_type == dev:
        h.allow("agent_first", f"the main thread runs as {dev} (--agent)", file=rel, domain=domain)
        return
    if not ckrt.agent_exists(dev):
        h.allow("agent_first", f"no developer agent {dev} for domain {domain}", file=rel, domain=domain)
        return
    reason = (
        f"claude-kit: {_short(rel)} is a {domain} file. The main thread coordinates; {dev} makes {domain} "
        f"changes, so this edit was not made. Don't retry it here.\n"
        f"Spawn it: {_spawn_call(dev, rel)}\n"
        f"(The user can turn this off with {_off_switch('agent_first')}.)"
    )
    h.deny("agent_first", reason, file=rel, domain=domain, agent=dev)


# -- coordinators don't edit ----------------------------------------------------------------------------
def active_orchestration(cfg: dict):
    """(feature name, phase, feature id) while an orchestration is active, ("", "", "") for
    coordinator_mode, else None.

    `<output_dir>/features/active.json` mirrors the feature in progress (written by `claude-kit
    feature`, removed when none is). Without one, `orchestration.coordinator_mode: true` turns it on.
    """
    out_dir = cfg.get("output_dir") or ".claude/.output"
    data = ckrt.read_json(os.path.join(ckrt.ROOT, out_dir, "features", "active.json"))
    if isinstance(data, dict) and data.get("status") == "in_progress":
        fid = str(data.get("feature_id") or data.get("id") or "")
        name = data.get("name") or data.get("slug") or fid or "unnamed"
        phase = data.get("current_phase") or data.get("phase") or "unknown"
        return str(name)[:80], str(phase)[:40], fid[:120]
    if (cfg.get("orchestration") or {}).get("coordinator_mode"):
        return "", "", ""
    return None


def _developers(cfg: dict) -> list:
    return [d for d in (developer_for(cfg, name) for name in cfg.get("domains", {})) if ckrt.agent_exists(d)]


def coordinator_no_edit(h: ckrt.Hook) -> None:
    if h.is_subagent or not h.enabled("coordinator_no_edit"):
        return
    cfg = h.config
    active = active_orchestration(cfg)
    if active is None:
        return
    path = h.edit_path
    rel = h.edit_relpath()
    if rel is None:
        if path:
            h.allow("coordinator_no_edit", "outside the project root (not governed by the kit)", file=path)
        return
    out_dir = str(cfg.get("output_dir") or ".claude/.output").rstrip("/")
    if rel == out_dir or rel.startswith(out_dir + "/"):
        h.allow("coordinator_no_edit", "inside the output folder", file=rel)
        return
    name, phase, fid = active
    if name:
        why = f'Feature "{name}" is in progress (phase: {phase}), so the main thread only coordinates'
        off = f"end it with `claude-kit feature mark {fid or '<id>'} --status complete` (or blocked), or"
        off += f" {_off_switch('coordinator_no_edit')}"
    else:
        why = f"Coordinator mode is on (`orchestration.coordinator_mode: true` in {CONFIG_NOTE})"
        off = f"set it to false, or {_off_switch('coordinator_no_edit')}"
    domain = ckrt.domain_of(cfg, rel)
    devs = _developers(cfg)
    dev = developer_for(cfg, domain) if domain and ckrt.agent_exists(developer_for(cfg, domain)) else None
    if dev is None:
        dev = devs[0] if devs else "general-purpose"
        others = f" (developer agents here: {', '.join(devs)})" if len(devs) > 1 else ""
    else:
        others = ""
    reason = (
        f"claude-kit: {why}: it may write only under {out_dir}/, not {_short(rel)}. This edit was not made.\n"
        f"Delegate it: {_spawn_call(dev, rel)}{others}; or write plans and notes under {out_dir}/.\n"
        f"(The user can {off}.)"
    )
    h.deny("coordinator_no_edit", reason, file=rel, feature=name or "coordinator_mode", phase=phase)


# -- shell writes ---------------------------------------------------------------------------------------
_HINT_RX = None
_OPS = ("&>>", "<<<", "<<-", "&>", ">>", ">|", ">&", "<>", "<<", "&&", "||", ";;", "|&",
        ">", "<", "|", "&", ";", "(", ")", "\n")  # fmt: skip
_SEPARATORS = {"&&", "||", ";;", "|&", "|", "&", ";", "(", ")", "\n", "`"}
_WRITE_REDIRECTS = {">", ">>", ">|", "&>", "&>>", "<>"}
_WRAPPERS = {"sudo", "env", "nohup", "time", "command", "exec", "nice", "stdbuf", "timeout", "doas"}


def _lex(cmd: str, powershell: bool = False) -> list:
    """Tokens of a shell command: ("op", text) or ("word", text).

    Quotes are removed from words (a quoted `>` is a word, not a redirection); `#` starts a
    comment only at the start of a word; heredoc bodies are skipped; `$(` and backticks start a
    nested command (treated as a separator). PowerShell: backslash is literal, backtick escapes.
    """
    escape = "`" if powershell else "\\"
    toks: list = []
    word = None
    heredocs: list = []
    want_delim = None
    i, n = 0, len(cmd)

    def flush():
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


def _simple_commands(toks: list):
    """Yield (argv, redirect targets) for each simple command."""
    argv: list = []
    targets: list = []
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


def _strip_wrappers(argv: list) -> list:
    i = 0
    while i < len(argv):
        word = argv[i]
        name = os.path.basename(word)
        if "=" in word and not word.startswith("-") and word.split("=", 1)[0].replace("_", "a").isalnum():
            i += 1  # VAR=value prefix
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


def _sed_files(args: list) -> list:
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


def _perl_files(args: list) -> list:
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


def _operands(args: list, with_value: tuple) -> tuple:
    """(positional args, {option: value}) for simple option syntaxes."""
    pos, opts, i = [], {}, 0
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


def _copy_dests(name: str, args: list, cwd: str) -> list:
    with_value = ("-t", "-S", "--target-directory", "--suffix", "-m", "-o", "-g", "--mode", "--owner")
    if name == "install" and any(a in ("-d", "--directory") for a in args):
        return []
    pos, opts = _operands(args, with_value)
    target_dir = opts.get("-t") or opts.get("--target-directory")
    out = []
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


def _powershell_targets(name: str, args: list) -> list:
    params, index = _PS_WRITERS[name]
    pos, i = [], 0
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


def shell_write_targets(command: str, cwd: str, powershell: bool = False) -> list:
    """[(path as written, how)] for the files a shell command plainly writes.

    Caught: `sed -i`, `perl -i`, `>`/`>>`/`>|`/`&>` redirections, `tee`, `cp`/`mv`/`install` (the
    destination, and what `mv` moves away), `dd of=`, `truncate`; in PowerShell also Set-Content,
    Add-Content, Clear-Content, Out-File, Tee-Object, Copy-Item, Move-Item. Not caught: anything
    a program does by itself (scripts, `python -c`, `go generate`, `git checkout`, `patch`), file
    lists from stdin (`xargs`, `find -exec`), paths in variables.
    """
    targets: list = []
    here = ""  # where earlier `cd`s in this command moved to, relative to cwd; None = unknown
    for argv, redirects in _simple_commands(_lex(command, powershell)):
        argv = _strip_wrappers(argv)
        name, args = (os.path.basename(argv[0]), argv[1:]) if argv else ("", [])
        low = name.lower()
        found = list(redirects)
        if name in ("cd", "pushd") or (powershell and low in ("set-location", "sl")):
            dest = args[0] if len(args) == 1 else None
            ok = here is not None and bool(dest) and dest != "-" and "$" not in dest
            here = os.path.join(here, os.path.expanduser(dest)) if ok else None
        elif powershell and low in _PS_WRITERS:
            found += _powershell_targets(low, args)
        elif name == "sed":
            found += [(f, "sed -i") for f in _sed_files(args)]
        elif name == "perl":
            found += [(f, "perl -i") for f in _perl_files(args)]
        elif name == "tee":
            found += [(a, "tee") for a in args if not a.startswith("-")]
        elif name in ("cp", "mv", "install"):
            found += _copy_dests(name, args, os.path.join(cwd, here) if here else cwd)
        elif name == "dd":
            found += [(a[3:], "dd of=") for a in args if a.startswith("of=")]
        elif name == "truncate":
            pos, _opts = _operands(args, ("-s", "-r", "--size", "--reference"))
            found += [(p, "truncate") for p in pos]
        for path, how in found:
            if not path or path == "-":
                continue
            if here and not os.path.isabs(path) and not path.startswith("~"):
                path = os.path.join(here, path)
            elif here is None and not os.path.isabs(path):
                continue  # after an unresolvable `cd`, relative paths are unknown
            targets.append((path, how))
    return targets


def _expand(path: str, cwd: str) -> list:
    """Absolute paths for one written path: `~` expanded, globs expanded (or kept when they match nothing)."""
    if "$" in path or "`" in path:
        return []  # a variable or command substitution: unknown until the shell runs
    path = os.path.expanduser(path)
    full = path if os.path.isabs(path) else os.path.join(cwd, path)
    if any(ch in path for ch in "*?["):
        import glob

        return glob.glob(full)[:50] or [full]
    return [full]


def shell_write_warning(h: ckrt.Hook) -> None:
    if h.is_subagent or not h.enabled("shell_write_warning"):
        return
    command = h.tool_input.get("command")
    if not isinstance(command, str) or not command:
        return
    global _HINT_RX
    import re

    if _HINT_RX is None:
        _HINT_RX = re.compile(
            r">|\b(?:sed|perl|tee|cp|mv|install|dd|truncate|set-content|add-content|clear-content|out-file"
            r"|tee-object|copy-item|move-item|copy|move)\b",
            re.IGNORECASE,
        )
    if not _HINT_RX.search(command):
        return  # the common case: no redirection and no writing command at all
    if len(command) > MAX_SHELL_COMMAND:
        h.allow("shell_write_warning", f"command longer than {MAX_SHELL_COMMAND} characters; not inspected")
        return
    cwd = h.payload.get("cwd")
    cwd = cwd if isinstance(cwd, str) and os.path.isabs(cwd) else ckrt.ROOT
    cfg = h.config
    found: dict = {}  # domain -> (developer, [(rel, how)])
    for written, how in shell_write_targets(command, cwd, powershell=h.tool_name == "PowerShell"):
        for full in _expand(written, cwd):
            rel = ckrt.project_relpath(full)
            if rel is None:
                continue
            label, domain, dev = classify(cfg, rel)
            if domain is None or not ckrt.agent_exists(dev):
                continue
            files = found.setdefault(domain, (dev, []))[1]
            if (rel, how) not in files:
                files.append((rel, how))
    if not found:
        return
    lines = []
    for domain, (dev, files) in found.items():
        listed = ", ".join(f"{_short(rel)} ({how})" for rel, how in files[:3])
        more = f" and {len(files) - 3} more" if len(files) > 3 else ""
        lines.append(
            f"claude-kit warning: this command writes {domain} files: {listed}{more}. The main thread "
            f"coordinates; {dev} makes {domain} changes. It was not blocked, but don't edit domain files "
            f"from the shell: delegate instead, {_spawn_call(dev, files[0][0])}"
        )
    off = _off_switch("shell_write_warning")
    text = "\n".join(lines) + f"\n(The user can turn this warning off with {off}.)"
    first_domain = next(iter(found))
    h.context(
        "shell_write_warning", text, file=found[first_domain][1][0][0], domain=first_domain,
        agent=found[first_domain][0], command=command[:300],
    )  # fmt: skip
