"""Audit of what skills and agents say about the kit: config keys against the config schema,
`claude-kit` commands and options against the CLI, agent names against the agents, and the file
names of a feature folder against the feature playbook.

A model follows these texts literally, so a wrong key, command, agent or file name costs a failed
`sync`, a `no such command`, a spawn of an agent that does not exist or a search for a file nobody
writes. Config keys are read only in texts about the kit (core skills, the `kit` library category,
agents), where a dotted name such as `logging.keep` means the team config and not Python's module.
"""

from __future__ import annotations

import json
import re
import shlex
from collections.abc import Iterator
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

import yaml

from claude_kit.audit_base import Audit, Doc
from claude_kit.config import domain_agents, error_key_path, schema, yaml_line_of
from claude_kit.payload import payload_root
from claude_kit_hooks.contract.layout import CONFIG_YAML

if TYPE_CHECKING:
    import click

ROLES = ("lead", "developer", "reviewer", "tester", "architect")
DOMAIN_ROLES = ("developer", "reviewer", "tester")  # every domain has these; `test-lead` is no domain
_ROLE = "|".join(ROLES)
_AGENT_RE = re.compile(rf"(?<![\w<>/.$-])([a-z][a-z0-9]*(?:-[a-z0-9]+)*-(?:{_ROLE}))(?![\w-])")
# `<agent>-<artifact>.md`, and any file directly in a feature folder (`features/<ts>-<slug>/<name>`).
_OUTPUT_NAME_RE = re.compile(
    rf"(?<![\w<>/.$-])((?:<[a-z]+>|[a-z][a-z0-9]*)(?:-[a-z0-9]+)*-(?:{_ROLE})-[a-z0-9<>-]+\.md)\b"
)
_FEATURE_FILE_RE = re.compile(r"features/[^/\s`]+/([A-Za-z0-9<>_.-]+\.(?:md|ya?ml|json))")
_PLACEHOLDER_RE = re.compile(r"<[a-z _-]+>|\*")
_SPAN_RE = re.compile(r"`([^`\n]+)`")
_FENCE_RE = re.compile(r"\s*(```|~~~)\s*([\w+-]*)")
_CONFIG_SPAN_RE = re.compile(r"([a-z_]+(?:\.(?:[a-z0-9_]+|<[a-z_-]+>|\*))+)(?:\s*:\s*(\S.*))?")
# `claude-kit` where a command starts: at the start of the code, after a shell operator, a quote
# or a `$ ` prompt; a message quoted in a span (`claude-kit could not check ...`) is no command.
_COMMAND_RE = re.compile(r"(?:^|[;&|(\"'])\s*(?:\$\s+)?claude-kit[ \t]+")
_COMMAND_END_RE = re.compile(r"&&|\|\||[;|&)#]|\$\(")
_NAME_LINE_RE = re.compile(r"^\s*name:\s*([a-z][a-z0-9-]*)\s*$", re.M)
_NEW_AGENT_RE = re.compile(r"claude-kit new agent ([a-z][a-z0-9-]*) ([a-z]+)")


class Snippet(NamedTuple):
    """Code in a doc: an inline `span`, or one line of a fenced block."""

    line: int
    text: str
    fenced: bool


def check_claims(a: Audit) -> None:
    known_agents = _agent_names(a)
    for docs, kit_text in _doc_groups(a):
        local = set().union(*(_agents_defined_in(d.text) for d in docs))
        agents = known_agents | local
        domains = {n.rsplit("-", 1)[0] for n in agents if n.endswith(DOMAIN_ROLES)}
        for doc in docs:
            snippets = list(_snippets(doc))
            _check_agent_names(a, doc, agents)
            _check_output_names(a, doc, domains)
            _check_commands(a, doc, snippets)
            _check_block_examples(a, doc, agents)
            if kit_text:
                _check_config_spans(a, doc, snippets)
                _check_config_blocks(a, doc)


def _agent_names(a: Audit) -> set[str]:
    """Agents that exist: the layout's own and, installed, every agent the kit ships (a repository
    without a frontend may drop the frontend agents; the kit's texts still name them truly) and
    every agent the team config names for its domains (the hooks name those to spawn)."""
    names = {d.path.stem for d in a.agent_docs}
    if not a.layout.source:
        names |= {p.stem for p in (payload_root() / "agents").glob("*.md")}
        names |= _configured_agents(a.layout.root / CONFIG_YAML)
    return names


def _configured_agents(path: Path) -> set[str]:
    """The agents the team config's domains name; none when it is missing or broken (the config
    check reports that)."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError):
        return set()
    return _domain_agents(data.get("domains") if isinstance(data, dict) else None)


def _domain_agents(domains: object) -> set[str]:
    """The agents a config's `domains` mapping names (configured or by the `<domain>-<role>` default)."""
    if not isinstance(domains, dict):
        return set()
    return {
        agent
        for name, dom in domains.items()
        if isinstance(dom, dict)
        for agent in domain_agents(str(name), dom).values()
        if isinstance(agent, str)
    }


def _doc_groups(a: Audit) -> Iterator[tuple[list[Doc], bool]]:
    """Each skill with its references/ (they share the examples they define), then each agent;
    and whether the texts are about the kit itself."""
    for doc in a.core.values():
        yield [doc, *a.reference_docs.get(doc.path.parent, [])], True
    for key, doc in a.library.items():
        yield [doc, *a.reference_docs.get(doc.path.parent, [])], key.startswith("kit/")
    for doc in a.agent_docs:
        yield [doc], True


def _agents_defined_in(text: str) -> set[str]:
    """Agents a text defines as examples: an agent file shown in it, one it tells the reader to
    create with `claude-kit new agent`, the agents of a config it shows."""
    names = set(_NAME_LINE_RE.findall(text))
    names |= {f"{name}-{role}" for name, role in _NEW_AGENT_RE.findall(text)}
    for _, block in _config_blocks(text.splitlines()):
        names |= _domain_agents(block.get("domains"))
    return names


def _fenced(lines: list[str]) -> Iterator[tuple[int, str, int, str | None]]:
    """(line number, line, fenced block number, the block's language) of each line; the language is
    None outside fences, "" for a fence without one. The fence lines themselves are left out."""
    fence, lang, block = "", "", 0
    for lineno, line in enumerate(lines, start=1):
        m = _FENCE_RE.match(line)
        if m and not fence:
            fence, lang, block = m.group(1), m.group(2), block + 1
        elif m and m.group(1) == fence:
            fence = ""
        else:
            yield lineno, line, block, lang if fence else None


def _snippets(doc: Doc) -> Iterator[Snippet]:
    for lineno, line, _, lang in _fenced(doc.lines):
        if lang is not None:
            yield Snippet(lineno, line, True)
        else:
            for span in _SPAN_RE.findall(line):
                yield Snippet(lineno, span, False)


def _check_agent_names(a: Audit, doc: Doc, agents: set[str]) -> None:
    reported = set()
    for lineno, line in enumerate(doc.lines, start=1):
        for name in _AGENT_RE.findall(line):
            if name not in agents and name not in reported:
                reported.add(name)
                a.add(
                    "AGENT_UNKNOWN",
                    doc.path,
                    lineno,
                    f"names the agent `{name}`, which does not exist "
                    f"(agents: {', '.join(sorted(agents)) or 'none'})",
                )


@cache
def _output_templates() -> tuple[tuple[str, re.Pattern[str]], ...]:
    """The file names a feature folder holds (feature_manifest.PLAYBOOK), as patterns whose
    `<domain>` group the caller checks."""
    from claude_kit.feature_manifest import MANIFEST_NAME, PLAYBOOK

    names = sorted({output for _, _, output in PLAYBOOK.values()} | {MANIFEST_NAME})
    out = []
    for name in names:
        rx = re.escape(name).replace(re.escape("<domain>"), r"(?P<domain>[a-z][a-z0-9-]*|<[a-z]+>)")
        rx = rx.replace(re.escape("<n>"), r"(?:\d+|<[a-z]+>)")
        out.append((name, re.compile(rx)))
    return tuple(out)


def _output_name_ok(name: str, domains: set[str]) -> bool:
    for _, rx in _output_templates():
        m = rx.fullmatch(name)
        if m and (m.groupdict().get("domain") is None or _known_or_placeholder(m["domain"], domains)):
            return True
    return False


def _known_or_placeholder(domain: str, domains: set[str]) -> bool:
    return domain in domains or domain.startswith("<")


def _check_output_names(a: Audit, doc: Doc, domains: set[str]) -> None:
    reported = set()
    for lineno, line in enumerate(doc.lines, start=1):
        names = _OUTPUT_NAME_RE.findall(line) + _FEATURE_FILE_RE.findall(line)
        for name in names:
            if name in reported or _output_name_ok(name, domains):
                continue
            reported.add(name)
            expected = ", ".join(f"`{n}`" for n, _ in _output_templates())
            a.add(
                "OUTPUT_NAME_UNKNOWN",
                doc.path,
                lineno,
                f"names the feature file `{name}`, which the orchestration never writes "
                f"(it writes {expected})",
            )


def _check_commands(a: Audit, doc: Doc, snippets: list[Snippet]) -> None:
    if a.commands is None:
        return
    for snip in snippets:
        for m in _COMMAND_RE.finditer(snip.text):
            rest = _COMMAND_END_RE.split(snip.text[m.end() :], maxsplit=1)[0]
            problem = command_problem(a.commands, _words(rest))
            if problem:
                a.add("COMMAND_UNKNOWN", doc.path, snip.line, problem)


def _words(text: str) -> list[str]:
    try:
        words = shlex.split(text)
    except ValueError:  # an unclosed quote in prose-like code: plain words are good enough
        words = text.split()
    return [w.strip("[]") for w in words]


def command_problem(root: click.Command, words: list[str]) -> str | None:
    """What is wrong with `claude-kit <words>` as a command line of the CLI whose root is `root`, if
    anything. A placeholder word (`<file>`, `...`) ends the check: nothing after it is known."""
    import click

    cmd = root
    path = ["claude-kit"]
    rest = list(words)
    while isinstance(cmd, click.Group) and rest and not rest[0].startswith("-"):
        word = rest[0]
        if not re.fullmatch(r"[a-z][a-z-]*", word):
            return None
        sub = cmd.commands.get(word)
        if sub is None:
            has = ", ".join(sorted(cmd.commands))
            return f"`{' '.join([*path, word])}` is not a command (`{' '.join(path)}` has: {has})"
        cmd, path, rest = sub, [*path, word], rest[1:]
    options = _options(cmd)
    for word in rest:
        if word == "--" or _PLACEHOLDER_RE.search(word) or word.startswith("..."):
            return None
        if re.match(r"--?[A-Za-z]", word) and word.split("=", 1)[0] not in options:
            return (
                f"`{' '.join(path)} {word.split('=', 1)[0]}` is not an option "
                f"(`{' '.join(path)}` takes: {', '.join(sorted(options))})"
            )
    return None


def _options(cmd: click.Command) -> set[str]:
    names = {"-h", "--help"}
    for param in cmd.params:
        names.update(param.opts, param.secondary_opts)
    return names


def _check_block_examples(a: Audit, doc: Doc, agents: set[str]) -> None:
    """A plan or verdict block shown as an example is copied by the model: it must pass the checks
    the kit applies to the real one. Templates with placeholders are no JSON and are skipped."""
    from jsonschema import Draft202012Validator

    from claude_kit import lead_plan

    blocks: dict[int, list[tuple[int, str]]] = {}
    for lineno, line, block, lang in _fenced(doc.lines):
        if lang is not None:
            blocks.setdefault(block, []).append((lineno, line))
    for body in blocks.values():
        try:
            data = json.loads("\n".join(line for _, line in body))
        except json.JSONDecodeError:
            continue
        kind = data.get("claude_kit") if isinstance(data, dict) else None
        if kind == "plan":
            problems = lead_plan.check_plan(data, agents).problems
        elif kind == "verdict":
            validator = Draft202012Validator(_verdict_schema())
            problems = [f"{e.json_path}: {e.message}" for e in validator.iter_errors(data)]
        else:
            continue
        for problem in problems[:3]:
            a.add("BLOCK_EXAMPLE_INVALID", doc.path, body[0][0], f"the {kind} block shown here: {problem}")


@cache
def _verdict_schema() -> dict[str, Any]:
    data: dict[str, Any] = json.loads((Path(__file__).parent / "schemas" / "verdict.schema.json").read_text())
    return data


def _check_config_spans(a: Audit, doc: Doc, snippets: list[Snippet]) -> None:
    top = set(schema()["properties"])
    for snip in snippets:
        if snip.fenced:
            continue
        m = _CONFIG_SPAN_RE.fullmatch(snip.text.strip())
        if not m or m.group(1).split(".", 1)[0] not in top:
            continue
        keys, raw = m.group(1).split("."), m.group(2)
        value: Any = None
        if raw is not None:
            try:
                value = yaml.safe_load(raw)
            except yaml.YAMLError:
                raw = None
        data: Any = value
        for key in reversed(keys):
            data = {key: data}
        for problem, _ in config_problems(data, values=raw is not None):
            a.add("CONFIG_KEY_UNKNOWN", doc.path, snip.line, f"`{snip.text.strip()}`: {problem}")


def _check_config_blocks(a: Audit, doc: Doc) -> None:
    for (first_line, text), data in _config_blocks(doc.lines):
        for problem, path in config_problems(data, values=True):
            line = yaml_line_of(text, path)
            a.add(
                "CONFIG_KEY_UNKNOWN",
                doc.path,
                first_line + (line or 1) - 1,
                f"the config shown here fails the schema: {problem}",
            )


def _config_blocks(lines: list[str]) -> Iterator[tuple[tuple[int, str], dict[str, Any]]]:
    """((first line, text), mapping) of each fenced yaml block that shows the team config: every
    top-level key of it is a config key."""
    blocks: dict[int, list[tuple[int, str]]] = {}
    for lineno, line, block, lang in _fenced(lines):
        if lang in ("yaml", "yml"):
            blocks.setdefault(block, []).append((lineno, line))
    top = set(schema()["properties"])
    for body in blocks.values():
        text = "\n".join(line for _, line in body)
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError:
            continue
        if isinstance(data, dict) and data and all(isinstance(k, str) and k in top for k in data):
            yield (body[0][0], text), data


def config_problems(data: Any, *, values: bool) -> list[tuple[str, list[str | int]]]:
    """Why `data` (a piece of a team config) fails the schema, with the path to point at.

    A piece lacks required keys by nature; `<name>` and `*` stand for any key; without `values`
    only the keys are judged."""
    from jsonschema import Draft202012Validator

    problems = []
    for err in Draft202012Validator(schema()).iter_errors(data):
        if err.validator == "required" or (not values and err.validator not in _KEY_VALIDATORS):
            continue
        path = error_key_path(err)
        if any(isinstance(p, str) and _PLACEHOLDER_RE.search(p) for p in path) or _placeholder_value(err):
            continue
        problems.append((_describe(err, path), path))
    return sorted(problems, key=lambda p: p[0])


_KEY_VALIDATORS = ("additionalProperties", "propertyNames")


def _placeholder_value(err: Any) -> bool:
    return isinstance(err.instance, str) and bool(_PLACEHOLDER_RE.search(err.instance))


def _describe(err: Any, path: list[str | int]) -> str:
    dotted = ".".join(str(p) for p in path)
    parent = ".".join(str(p) for p in path[:-1]) or "the config"
    if err.validator == "additionalProperties":
        known = ", ".join(sorted(err.schema.get("properties", {})))
        return f"`{dotted}` is not a config key ({parent} takes: {known})"
    if "propertyNames" in err.relative_schema_path:
        allowed = err.schema.get("enum")
        return f"`{dotted}` is not a config key" + (
            f" ({parent} takes: {', '.join(allowed)})" if allowed else f" ({err.message})"
        )
    return f"`{dotted}`: {err.message}"
