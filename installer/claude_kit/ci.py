"""`claude-kit ci init`: a GitHub Actions workflow that runs a governed headless session, and a
devcontainer recipe; the kit owns both like its other files (manifest, 3-way update, uninstall).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jinja2

from claude_kit import ci_session
from claude_kit._version import __version__
from claude_kit.claude_runtime import PACKAGE, PINNED_VERSION
from claude_kit.plan import Desired
from claude_kit_hooks.contract.layout import DECISION_LOG, SHARED_IN_GIT
from claude_kit_hooks.contract.records import Manifest

# The shared decision log as a job sees it: actions/checkout makes a plain clone, `.git` a folder.
LOG_FILE = f".git/{SHARED_IN_GIT}/{DECISION_LOG}"

WORKFLOW = ".github/workflows/claude-kit.yml"
DEVCONTAINER = ".devcontainer/devcontainer.json"
COMPONENT = "ci"
# The action's newest release when this was written, pinned by its commit so that a moved tag cannot
# change what runs with the repository's API key (the tag is named beside it for people).
ACTION = "anthropics/claude-code-action"
ACTION_TAG = "v1.0.200"
ACTION_SHA = "24dcd50c0568f0fc9e9211213a4fd2d9eb15c4e0"
PYTHON_VERSION = "3.12"
NODE_VERSION = "22"
DEVCONTAINER_IMAGE = f"mcr.microsoft.com/devcontainers/python:{PYTHON_VERSION}"
LOG_EXPORT = "claude-kit-log.json"  # `claude-kit log --format json`, uploaded with the decision log
REPORT = "claude-kit-report.html"  # `claude-kit report`, uploaded with them
_TEMPLATES = Path(__file__).parent / "templates"


def install_commands() -> list[str]:
    """The shell commands that put the pinned Claude Code and this claude-kit on a fresh machine."""
    return [f"npm install -g {PACKAGE}@{PINNED_VERSION}", f"pip install claude-kit=={__version__}"]


def workflow_text(cfg: dict[str, Any]) -> str:
    """The workflow for the team config `cfg` (its budget goes into the session's flags)."""
    # GitHub's own expressions use {{ }}: the template's placeholders are [[ ]] and [% %].
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(_TEMPLATES),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        variable_start_string="[[",
        variable_end_string="]]",
        block_start_string="[%",
        block_end_string="%]",
        comment_start_string="[#",
        comment_end_string="#]",
        autoescape=False,
    )
    env.filters["quoted"] = lambda value: json.dumps(str(value), ensure_ascii=False)
    return env.get_template("claude-kit.yml.j2").render(
        kit_version=__version__,
        claude_package=PACKAGE,
        claude_version=PINNED_VERSION,
        python_version=PYTHON_VERSION,
        action=ACTION,
        action_sha=ACTION_SHA,
        action_tag=ACTION_TAG,
        claude_args=ci_session.claude_args_text(cfg),
        decision_log=LOG_FILE,
        log_export=LOG_EXPORT,
        report=REPORT,
    )


def devcontainer_text() -> str:
    """devcontainer.json: Python and Node, the pinned Claude Code and claude-kit, `claude-kit doctor`
    when the container is created (a broken kit wiring shows there, not in a first session)."""
    data = {
        "name": "claude-kit",
        "image": DEVCONTAINER_IMAGE,
        "features": {"ghcr.io/devcontainers/features/node:1": {"version": NODE_VERSION}},
        "postCreateCommand": " && ".join([*install_commands(), "claude-kit doctor"]),
    }
    return json.dumps(data, indent=2) + "\n"


def wanted(cfg: dict[str, Any], *, devcontainer: bool) -> list[Desired]:
    """What `claude-kit ci init` writes."""
    files = [Desired(WORKFLOW, workflow_text(cfg).encode("utf-8"), COMPONENT)]
    if devcontainer:
        files.append(Desired(DEVCONTAINER, devcontainer_text().encode("utf-8"), COMPONENT))
    return files


def recorded(cfg: dict[str, Any], manifest: Manifest | None) -> list[Desired]:
    """The CI files an earlier `ci init` wrote and the manifest still records, rendered anew: update
    and sync keep them current instead of removing them as no longer in the kit."""
    if manifest is None:
        return []
    owned = {rel for rel, rec in manifest["files"].items() if rec.get("component") == COMPONENT}
    if not owned:
        return []
    return [d for d in wanted(cfg, devcontainer=DEVCONTAINER in owned) if d.path in owned]
