"""`status` (what is installed, modified, missing) and `doctor` (is the wiring sound)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import click

from claude_kit import (
    claude_link,
    claude_runtime,
    config,
    journal,
    manifest,
    render,
    repo,
    settings_merge,
    settings_protection,
    versions,
)
from claude_kit._version import __version__
from claude_kit.errors import KitError
from claude_kit.output import emit
from claude_kit_hooks.contract.defaults import (
    DISABLE_HOOKS_ENV,
    HOOK_TIMEOUT_MAX,
    HOOK_TIMEOUT_MIN,
    KILL_SWITCH,
    valid_hook_timeout,
)
from claude_kit_hooks.contract.layout import (
    COMPILED_CONFIG,
    CONFIG_YAML,
    CONFLICT_SUFFIX,
    HOOKS_DIR,
    LAUNCHER,
    PYTHON_CACHE,
    SETTINGS,
    SETTINGS_LOCAL,
)
from claude_kit_hooks.contract.protected import INTEGRITY_TREES
from claude_kit_hooks.contract.records import Manifest


def collect_status(root: Path) -> dict[str, Any]:
    unfinished = journal.describe(root)
    rec = manifest.load(root)
    if rec is None:
        return {
            "root": str(root),
            "installed": False,
            "package_version": __version__,
            "unfinished": unfinished,
        }
    files: dict[str, list[str]] = {"ok": [], "modified": [], "missing": []}
    for rel, info in sorted(rec["files"].items()):
        p = root / rel
        if not p.is_file():
            files["missing"].append(rel)
        elif manifest.sha256(p.read_bytes()) in (info.get("sha256"), info.get("base_sha256")):
            files["ok"].append(rel)
        else:
            files["modified"].append(rel)
    return {
        "root": str(root),
        "installed": True,
        "kit_version": rec["kit_version"],
        "package_version": __version__,
        "files": {k: len(v) for k, v in files.items()},
        "modified": files["modified"],
        "missing": files["missing"] + [p for p in rec["deleted"] if not (root / p).exists()],
        "conflicts": pending_conflicts(root, rec),
        "feature": active_feature(root),
        "config_stale": config.compiled_is_stale(root),
        "unfinished": unfinished,
    }


def pending_conflicts(root: Path, rec: Manifest) -> list[str]:
    """The kit's versions an update wrote beside a user's edit (`<file>.claude-kit-new`), not yet merged."""
    return [
        rel + CONFLICT_SUFFIX for rel in sorted(rec["files"]) if (root / (rel + CONFLICT_SUFFIX)).exists()
    ]


def active_feature(root: Path) -> dict[str, Any] | None:
    """The feature in progress as the hooks see it (`features/active.json`), None when there is none
    or it cannot be read (status reports; it never fails over the feature state)."""
    from claude_kit.feature_store import Features

    try:
        data = json.loads(Features(root).active_path.read_text(encoding="utf-8"))
    except (KitError, OSError, ValueError, RecursionError):
        return None
    return data if isinstance(data, dict) and data.get("feature_id") else None


def status(target: Path, *, fmt: str = "text") -> int:
    st = collect_status(repo.find_root(target))
    emit(st, fmt, lambda: _print_status(st))
    return 0


def _print_status(st: dict[str, Any]) -> None:
    if st["unfinished"]:
        click.echo(f"unfinished: {st['unfinished']}")
    if not st["installed"]:
        click.echo(f"claude-kit is not installed in {st['root']} (package {__version__})")
        return
    click.echo(f"claude-kit {st['kit_version']} installed in {st['root']} (package {st['package_version']})")
    f = st["files"]
    click.echo(f"files: {f['ok']} as installed, {f['modified']} modified, {f['missing']} missing")
    for rel in st["modified"]:
        click.echo(f"  modified  {rel}")
    for rel in st["missing"]:
        click.echo(f"  missing   {rel}")
    for rel in st["conflicts"]:
        click.echo(f"  conflict  {rel}: merge it into {rel.removesuffix(CONFLICT_SUFFIX)}, then delete it")
    feature = st["feature"]
    if feature:
        fid = feature["feature_id"]
        click.echo(
            f"feature in progress: {feature.get('name', fid)} ({fid}), phase {feature.get('current_phase')}, "
            f"last change {feature.get('updated_at')}; while it is open the main thread delegates the "
            "domains' code in every session"
        )
        click.echo(f"  done or dropped? close it: claude-kit feature mark {fid} --status complete|abandoned")
    if st["config_stale"]:
        click.echo(f"config: {st['config_stale']}: run `claude-kit sync`")
    if st["kit_version"] != st["package_version"] and versions.is_newer(str(st["kit_version"])):
        click.echo(
            f"this package is older than the installed kit ({st['package_version']} < {st['kit_version']}): "
            f"{versions.UPGRADE}"
        )
    elif st["kit_version"] != st["package_version"]:
        click.echo(
            f"update available: run `claude-kit update` ({st['kit_version']} -> {st['package_version']})"
        )


def kit_handlers(settings: Any) -> list[tuple[str, dict[str, Any]]]:
    """(event, handler) for every kit hook handler registered in a parsed settings file."""
    hooks = settings.get("hooks") if isinstance(settings, dict) else None
    if not isinstance(hooks, dict):
        return []
    return [
        (event, h)
        for event, groups in hooks.items()
        if isinstance(groups, list)
        for g in groups
        if isinstance(g, dict) and isinstance(g.get("hooks"), list)
        for h in g["hooks"]
        if settings_merge.is_kit_handler(h)
    ]


def subdirectory_check(target: Path, root: Path) -> tuple[bool, str]:
    """(governed, what) for a Claude Code session started in `target`: only one started at the root
    is, since Claude Code loads no project hooks in a subdirectory (tests/e2e/test_subdirectory_e2e.py)."""
    from claude_kit import user_hooks

    if user_hooks.installed(Path.home()):
        return True, (
            "claude-kit's user-level hooks are installed (`claude-kit user-hooks install`): sessions "
            f"started in a subdirectory of {root} are governed too"
        )
    here = target.resolve()
    if here != root.resolve() and here.is_relative_to(root.resolve()):
        return False, (
            f"a Claude Code session started in {here} is NOT governed: Claude Code loads no project hooks "
            f"in a subdirectory, so no kit hook runs and nothing is enforced (only sessions started at "
            f"{root} are)"
        )
    return True, (
        f"sessions started at {root} are governed; one started in a subdirectory is not (Claude Code "
        "loads no project hooks there)"
    )


def doctor(target: Path) -> int:
    root = repo.find_root(target)
    problems = 0

    def report(ok: bool, what: str, fix: str = "", *, warn: bool = False) -> None:
        """One check; a failed `warn` check is shown (`warn`) but is no problem."""
        nonlocal problems
        problems += not ok and not warn
        if ok:
            mark = click.style("ok  ", fg="green")
        else:
            mark = click.style("warn", fg="yellow") if warn else click.style("FAIL", fg="red")
        click.echo(f"{mark} {what}" + (f"\n     fix: {fix}" if fix and not ok else ""))

    bad_link = claude_link.unusable_link(root)
    if bad_link:  # everything of the kit lives behind it: nothing else can be checked
        report(False, bad_link, claude_link.LINK_FIX)
        return 1
    unfinished = journal.describe(root)
    if unfinished is not None:
        report(False, unfinished, "run `claude-kit update` (or the command that was interrupted)")
    rec = manifest.load(root)
    report(rec is not None, "kit installed (manifest present)", "run `claude-kit install`")
    if rec is None:
        return 1
    installed = rec["kit_version"]
    report(
        installed == __version__,
        f"installed kit version {installed} matches this package ({__version__})",
        versions.UPGRADE
        if installed is not None and versions.is_newer(installed)
        else "run `claude-kit update`",
    )
    for rel in pending_conflicts(root, rec):
        report(
            False,
            f"{rel}: the kit's new version of {rel.removesuffix(CONFLICT_SUFFIX)} waits to be merged",
            "merge it into your file, then delete it",
        )
    try:
        settings = repo.check_settings(root) or {}
        report(True, f"{SETTINGS} is valid JSON")
    except KitError as exc:
        report(False, exc.message)
        settings = {}
    handlers = kit_handlers(settings)
    expected = {(e["event"], e["handler"]["command"]) for e in render.settings_entries()}
    present = {(ev, h["command"]) for ev, h in handlers}
    for event, command in sorted(expected):
        report((event, command) in present, f"settings.json wires {event}", "run `claude-kit update`")
    dupes = len(handlers) - len({(ev, h["command"]) for ev, h in handlers})
    report(dupes == 0, "no kit hook registered twice", f"remove duplicate kit entries from {SETTINGS}")
    _protection_checks(root, settings, report)
    for _event, h in handlers:
        module = settings_merge.module_of(str(h["command"]))
        hook_file = root / HOOKS_DIR / f"{module}.py"
        report(
            hook_file.is_file(), f"hook file exists: {hook_file.relative_to(root)}", "run `claude-kit update`"
        )
        timeout = h.get("timeout")
        report(
            valid_hook_timeout(timeout),
            f"{module}: timeout {timeout!r} is in seconds ({HOOK_TIMEOUT_MIN}-{HOOK_TIMEOUT_MAX})",
        )
    launcher = root / LAUNCHER
    if launcher.is_file():
        env = {k: v for k, v in os.environ.items() if k != KILL_SWITCH}
        proc = subprocess.run(
            ["sh", str(launcher), "--which"], capture_output=True, text=True, check=False, env=env
        )
        py, works, why = proc.stdout.strip(), proc.returncode == 0, proc.stderr.strip()
        if works and py:
            # A cached interpreter is not re-checked by the launcher: run it as the hooks do.
            try:
                run = subprocess.run(
                    [py, "-E", "-S", "-c", "import json, sys; sys.exit(sys.version_info < (3, 9))"],
                    capture_output=True,
                    text=True,
                    check=False,
                )
                works = run.returncode == 0
                why = run.stderr.strip() or f"does not run as Python 3.9+ (exit {run.returncode})"
            except OSError as exc:
                works, why = False, str(exc)
        ok = works and bool(py)
        report(
            ok,
            f"hook interpreter works: {py}" if ok else f"hook interpreter works: {py} {why}".strip(),
            f"install Python 3.9+ as python3, then delete {PYTHON_CACHE}",
        )
        link_check = claude_link.doctor_check(root, py if ok else None)
        if link_check is not None:
            report(*link_check)
    else:
        report(False, f"hook launcher {LAUNCHER} exists", "run `claude-kit update`")
    try:
        config.load(root)
        report(True, f"{CONFIG_YAML} validates")
    except KitError as exc:
        report(False, exc.message)
    stale = config.compiled_is_stale(root)
    report(
        stale is None,
        f"{COMPILED_CONFIG} is current" + (f" ({stale})" if stale else ""),
        "run `claude-kit sync`",
    )
    _integrity_checks(root, report)
    from claude_kit import worktree_checks

    for check in worktree_checks.checks(root, rec):
        report(check.ok, check.what, check.fix, warn=check.warn)
    local_settings = root / SETTINGS_LOCAL
    if local_settings.is_file():
        try:
            dup = bool(kit_handlers(json.loads(local_settings.read_text(encoding="utf-8"))))
        except (OSError, ValueError, RecursionError):
            dup = False
        report(
            not dup,
            f"kit hooks not also registered in {SETTINGS_LOCAL} (they would fire twice)",
            f"remove the kit entries from {SETTINGS_LOCAL}",
        )
    governed, what = subdirectory_check(target, root)
    report(governed, what, f"start `claude` from {root}, or run `claude-kit user-hooks install`", warn=True)
    in_range, what = claude_runtime.path_runtime_check()
    report(
        in_range,
        what,
        "install a tested version: npm install -g @anthropic-ai/claude-code@" + claude_runtime.NEWEST_VERSION,
        warn=True,
    )
    click.echo("all checks passed" if problems == 0 else f"{problems} problem(s)")
    return 0 if problems == 0 else 1


def _protection_checks(root: Path, settings: dict[str, Any], report: Any) -> None:
    """The runtime-enforced protection the team config asks for is in settings.json, and the sandbox
    can start here (without bubblewrap and socat Claude Code runs commands unsandboxed, with a warning)."""
    try:
        want = settings_protection.wanted(config.load(root))
    except KitError:
        return  # reported by the config check
    permissions = settings.get("permissions")
    deny = permissions.get("deny") if isinstance(permissions, dict) else None
    missing = [r for r in want.deny if not isinstance(deny, list) or r not in deny]
    if want.deny:
        report(
            not missing,
            f"{SETTINGS} denies Claude Code's file tools the kit's files"
            + (f" (missing: {', '.join(missing)})" if missing else ""),
            "run `claude-kit sync`",
        )
    if not want.sandbox:
        return
    box = settings.get("sandbox")
    off = [k for k, v in want.sandbox.items() if not isinstance(box, dict) or box.get(k) != v]
    report(not off, f"{SETTINGS} turns the sandbox on (protection.sandbox)", "run `claude-kit sync`")
    if sys.platform.startswith("linux"):
        absent = [tool for tool in ("bwrap", "socat") if shutil.which(tool) is None]
        report(
            not absent,
            "the sandbox can start (bubblewrap and socat installed)"
            + (f" (not found: {', '.join(absent)})" if absent else ""),
            "install them (Debian/Ubuntu: apt-get install bubblewrap socat)",
        )


def _integrity_checks(root: Path, report: Any) -> None:
    """The kit's hooks and agents as installed (what the Stop integrity check watches), and no kill
    switch in the settings Claude Code reads. An edited hook fails; an edited agent may be the team's
    own change, so it warns."""
    st = collect_status(root)
    for tree, fails in zip(INTEGRITY_TREES, (True, False), strict=True):
        changed = [r for r in st["modified"] + st["missing"] if r.startswith(tree + "/")]
        report(
            not changed,
            f"the kit's files under {tree}/ are as installed"
            + (f" (changed: {', '.join(changed[:5])})" if changed else ""),
            "if you did not make these changes, `claude-kit doctor --fix` restores them"
            + ("" if fails else " (an edited agent is kept beside it)"),
            warn=not fails,
        )
    for rel in (SETTINGS, SETTINGS_LOCAL):
        off = kill_switch_in(root / rel)
        report(
            not off,
            f"{rel} does not switch the hooks off" + (f" ({off})" if off else ""),
            f"remove {off} from {rel}",
        )


def kill_switch_in(path: Path) -> str:
    """What in a Claude Code settings file turns the kit's hooks off (`env.CLAUDE_KIT_DISABLE`,
    `disableAllHooks`), or ''."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):
        return ""
    if not isinstance(data, dict):
        return ""
    env = data.get("env")
    env = env if isinstance(env, dict) else {}
    found = [f"env.{k}" for k in (KILL_SWITCH, DISABLE_HOOKS_ENV) if env.get(k)]
    if data.get("disableAllHooks") is True:
        found.append("disableAllHooks")
    return ", ".join(found)
