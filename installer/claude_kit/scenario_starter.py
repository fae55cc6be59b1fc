"""`claude-kit scenario init`: the kit's starter scenarios, written for this repository's config into
`.claude/scenarios/` (a domain, its agents and a new file in it; the compaction thresholds).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

import click
import jinja2

from claude_kit import config, globs
from claude_kit.errors import KitError
from claude_kit.fsutil import atomic_write
from claude_kit.scenario_file import SCENARIOS_DIR
from claude_kit.scenario_run import listed_files

_TEMPLATES = Path(__file__).parent / "scenarios"
# The window of the pinned runtime's default model, when the config leaves `context_window` on auto.
_DEFAULT_WINDOW = 1_000_000
_PROBE_STEM = "claude_kit_probe"


@dataclass(frozen=True)
class Target:
    """The domain the starter scenarios exercise, and the new file its developer writes."""

    domain: str
    agents: dict[str, str]
    probe: str


def _in_domain(domain: dict[str, Any], rel: str) -> bool:
    return any(globs.matches(p, rel) for p in domain.get("paths") or []) and not any(
        globs.matches(p, rel) for p in domain.get("exclude") or []
    )


def _probe_for(domain: dict[str, Any], example: str) -> str | None:
    """A new file beside `example` that the domain claims: `claude_kit_probe` with its suffix(es)."""
    path = PurePosixPath(example)
    probe = path.with_name(_PROBE_STEM + "".join(path.suffixes)).as_posix()
    return probe if _in_domain(domain, probe) else None


def pick_target(root: Path, cfg: dict[str, Any]) -> Target:
    """The first domain (config order) with a file in the repository, and a probe file beside it."""
    listed = listed_files(root)
    for name, domain in (cfg.get("domains") or {}).items():
        for rel in listed:
            probe = _in_domain(domain, rel) and _probe_for(domain, rel)
            if probe:
                return Target(name, config.domain_agents(name, domain), probe)
    raise KitError(
        f"{root / config.CONFIG_REL}: no domain claims a file in the repository, so the starter scenarios "
        "have nothing to edit; nothing was written",
        hint="add a domain whose `paths` match files in the repository, or write scenarios by hand",
    )


def _verdict(domain: str, role: str, summary: str) -> str:
    block = {"claude_kit": "verdict", "role": role, "domain": domain, "verdict": "PASS",
             "issues": [], "summary": summary}  # fmt: skip
    return f"# {domain} {role}\n- result: PASS\n\n```json\n{json.dumps(block)}\n```"


def render(root: Path) -> dict[str, str]:
    """File name -> text of each starter scenario for the repository at `root`."""
    cfg = config.load(root)
    target = pick_target(root, cfg)
    compaction = cfg["compaction"]
    window = compaction["context_window"]
    window = window if isinstance(window, int) else _DEFAULT_WINDOW
    # Past the deny threshold, and below ~96% where the runtime would compact on its own first.
    full_percent = min(compaction["deny_percent"] + 3, 95)
    values = {
        "domain": target.domain,
        "developer": target.agents["developer"],
        "reviewer": target.agents["reviewer"],
        "tester": target.agents["tester"],
        "probe": target.probe,
        "window": f"{window:,}",
        "deny_percent": compaction["deny_percent"],
        "full_percent": full_percent,
        "full_tokens": math.ceil(window * full_percent / 100),
        "verdict": lambda role, summary: _verdict(target.domain, role, summary),
    }
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(_TEMPLATES),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    return {
        template.removesuffix(".j2"): env.get_template(template).render(values)
        for template in sorted(env.list_templates(extensions=["j2"]))
    }


def init(root: Path) -> int:
    """Write the starter scenarios that are not there yet (an existing file is the team's: kept)."""
    folder = root / SCENARIOS_DIR
    if folder.exists() and not folder.is_dir():
        raise KitError(f"{folder}: is a file where the scenarios folder belongs; nothing was changed")
    rendered = render(root)
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in rendered.items():
        path = folder / name
        if path.exists():
            click.echo(f"  kept     {SCENARIOS_DIR}/{name} (already there)")
            continue
        atomic_write(path, text.encode("utf-8"))
        click.echo(f"  created  {SCENARIOS_DIR}/{name}")
    click.echo("Run them with `claude-kit scenario run` (the real Claude Code CLI, offline).")
    return 0
