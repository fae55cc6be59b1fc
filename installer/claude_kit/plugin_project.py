"""`claude-kit sync --plugin`: the team config of a repository the plugin edition serves, and its
compiled form, the one file the plugin's hooks read (`.claude/hooks/claude-kit.json`)."""

from __future__ import annotations

from pathlib import Path

import click

from claude_kit import apply, claude_link, config, detect, detect_report, manifest, render, repo
from claude_kit.errors import KitError, read_text
from claude_kit.fsutil import atomic_write
from claude_kit.payload import payload_root
from claude_kit.plan import Desired
from claude_kit_hooks.contract.layout import COMPILED_CONFIG, CONFIG_YAML, LOCAL_DIR

# The launcher keeps this machine's interpreter cache, state and decision log in the project's
# LOCAL_DIR (hooks/run); the same .gitignore as the repository install keeps them out of git.
LOCAL_GITIGNORE = b"# claude-kit: machine-local state, never committed\n*\n!.gitignore\n"


def desired(root: Path) -> list[Desired]:
    """The files the plugin's hooks need in `root`: the config (detected when missing; the team's once
    written), the compiled config, and the .gitignore files of the machine-local and output folders."""
    path = root / CONFIG_YAML
    text = read_text(root, path)
    if text is None:
        found = detect.detect(root)
        text = render.initial_config_text(found)
        agents = sorted(p.stem for p in (payload_root() / "agents").glob("*.md"))
        click.echo("\n".join(detect_report.lines(found, agents, [])) + "\n")
    cfg = config.parse(text, CONFIG_YAML)
    return [
        Desired(CONFIG_YAML, text.encode("utf-8"), "config", user_owned=True),
        render.compiled_file(cfg, text),
        Desired(f"{LOCAL_DIR}/.gitignore", LOCAL_GITIGNORE, "state", user_owned=True),
        render.output_gitignore(cfg),
    ]


def sync_plugin(target: Path, *, dry_run: bool = False) -> int:
    """Write what `desired` lists where it differs, under the repository's lock; refuse a repository
    install (its own hooks and the plugin's would both run on every event)."""
    root = repo.find_root(target)
    claude_link.refuse_unusable(root)
    with apply.locked(root, dry_run=dry_run):
        if manifest.load(root) is not None:
            raise KitError(
                f"{root}: claude-kit is installed in this repository; nothing was changed",
                hint="run `claude-kit sync` (without --plugin); with the plugin enabled too, every hook "
                "would run twice, so use one of them",
            )
        changes: list[tuple[str, Desired]] = []
        for d in desired(root):
            current = read_text(root, root / d.path)
            if current is None:
                changes.append(("create", d))
            elif not d.user_owned and current.encode("utf-8") != d.data:
                changes.append(("update", d))
        if any(d.path == COMPILED_CONFIG for _, d in changes):
            from claude_kit.session_guard import refuse_in_tool_call

            refuse_in_tool_call("sync", f"would change the rules the hooks enforce ({COMPILED_CONFIG})")
        for status, d in changes:
            click.echo(f"{status:<9} {d.path}")
        if not changes:
            click.echo("nothing to do")
        if dry_run:
            click.echo("dry run: nothing was written")
            return 0
        for _, d in changes:
            atomic_write(root / d.path, d.data, mode=d.mode)
    return 0
