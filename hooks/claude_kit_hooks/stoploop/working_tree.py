# claude-kit: managed, id=hooks/claude_kit_hooks/stoploop/working_tree
"""What changed in the working tree since the session started, whatever tool changed it
(docs/loop.md, "Tracking changes").

Edit/Write/NotebookEdit changes are tracked as they happen (tracking); Bash, scripts, formatters and
generators change files without any hook seeing which. So:

- SessionStart records a baseline (state/<session>/baseline.json): HEAD and a fingerprint of every
  domain file that is already dirty (`git status`), so the user's own unfinished work is not the
  session's change. A session without one gets it at its first scan (changes before then are unseen).
- PostToolUse Edit|Write|NotebookEdit notes the fingerprint the tracked tool left (worktree.json).
- SubagentStop and the main thread's Stop scan: one `git status` limited to pathspecs made from the
  domains' globs (plus one `git log` of the commits made since the session started, when HEAD
  moved: a pull brings older commits), and the same in each worktree
  under `.claude/worktrees/` the session made or edited in; a domain file whose content
  differs from what was last seen (or from the baseline) changed outside the tracked tools. It is
  recorded under its domain like a tracked change (it reopens review and testing and feeds the
  quality gate), with who was found to change it and which agent should have: found_note words it
  for the feedback loop's message.

Fingerprints are a sha256 of the content (files over 4 MiB: size and mtime). `git --no-optional-locks`
never takes the index lock a running `git commit` needs. No git, no scan.
"""

from __future__ import annotations

import os
import time

from claude_kit_hooks.contract.layout import WORKTREES_DIR
from claude_kit_hooks.runtime import processes
from claude_kit_hooks.runtime.project import split_worktree
from claude_kit_hooks.stoploop import session_state

TYPE_CHECKING = False  # typing costs ~14 ms at a hook's start-up; mypy still reads the branch
if TYPE_CHECKING:
    from typing import Any

    from claude_kit_hooks.contract.records import CompiledConfig
    from claude_kit_hooks.runtime.hook import Hook
    from claude_kit_hooks.runtime.project import Project
    from claude_kit_hooks.stoploop.records import FeedbackState

BASELINE, SEEN = "baseline", "worktree"
CLEAN = ""  # the fingerprint of "as in the baseline's HEAD"
GONE = "-"  # the file does not exist
HASH_LIMIT = 4 * 1024 * 1024
DIRTY_CAP = 5000  # dirty domain files fingerprinted in a baseline (beyond: as they are at the first scan)
FOUND_CAP = 20  # found changes kept per domain
SESSION_START_GIT_TIMEOUT = 5  # SessionStart's hook has 10 s: its briefing must still get out
_STATUS = ["--no-optional-locks", "status", "--porcelain=v2", "-z", "--branch", "--untracked-files=all",
           "--no-renames", "--ignore-submodules=all"]  # fmt: skip


def fingerprint(path: str) -> str:
    """sha256 of the file's content; size and mtime for a file over HASH_LIMIT; GONE when missing."""
    import hashlib

    try:
        st = os.stat(path)
        if st.st_size > HASH_LIMIT:
            return f"stat:{st.st_size}:{st.st_mtime_ns}"
        with open(path, "rb") as f:
            return hashlib.sha256(f.read()).hexdigest()
    except OSError:
        return GONE


def git_status(root: str, timeout: float = 60, specs: list[str] | None = None) -> tuple[str, set[str]] | None:
    """(HEAD or "" before the first commit, paths git shows as changed or untracked, limited to the
    pathspecs `specs`); None without git (or when git fails or takes longer than `timeout` seconds)."""
    out = processes.git(root, [*_STATUS, "--", *(specs or ["."])], timeout=timeout)
    if out is None:
        return None
    prefix = _prefix(root)
    head, paths = "", set()
    records = out.decode("utf-8", "surrogateescape").split("\0")
    i = 0
    while i < len(records):
        rec = records[i]
        i += 1
        kind = rec[:1]
        if rec.startswith("# branch.oid "):
            oid = rec[len("# branch.oid ") :]
            head = "" if oid == "(initial)" else oid
        elif kind == "1":
            paths.add(rec.split(" ", 8)[-1])
        elif kind == "2":  # a rename: the new path, then the old one in the next record
            paths.add(rec.split(" ", 9)[-1])
            if i < len(records):
                paths.add(records[i])
                i += 1
        elif kind == "u":
            paths.add(rec.split(" ", 10)[-1])
        elif kind == "?":
            paths.add(rec[2:])
    if prefix:  # git names paths from the repository's top; the kit from the project root below it
        paths = {p[len(prefix) :] for p in paths if p.startswith(prefix)}
    return head, paths


def _prefix(root: str) -> str:
    """The project root's path inside its git repository ('' at the top, else 'sub/dir/')."""
    here = os.path.realpath(root)
    folder = here
    while True:
        if os.path.exists(os.path.join(folder, ".git")):
            rel = os.path.relpath(here, folder).replace(os.sep, "/")
            return "" if rel == "." else rel + "/"
        parent = os.path.dirname(folder)
        if parent == folder:
            return ""
        folder = parent


def pathspecs(cfg: CompiledConfig) -> list[str]:
    """git pathspecs that cover every domain's globs (a superset: domain_of decides), so git looks
    only where a domain can be: `backend/**` skips the rest of the tree, `**/*.go` lstat()s only Go
    files. ["."] when a glob has no git equivalent."""
    out: list[str] = []
    for rule in cfg["domain_rules"]:
        glob = rule[2] if len(rule) > 2 else None
        if not isinstance(glob, str) or not glob.strip():
            return ["."]
        pat = glob.strip()
        anchored = pat.startswith(("./", "/"))
        pat = pat[2:] if pat.startswith("./") else pat.lstrip("/")
        if not anchored and "/" not in pat.rstrip("/"):
            pat = "**/" + pat  # the kit's `*.go` is at any depth, git's only at the top
        if pat.endswith("/"):
            pat += "**"
        alts = _braces(pat)
        if not alts or any(_bad_stars(a) for a in alts):
            return ["."]
        out += [":(glob)" + a for a in alts]
    return sorted(set(out)) if 0 < len(set(out)) <= 64 else ["."]


def _braces(pat: str, budget: int = 64) -> list[str]:
    """`{a,b}` alternatives expanded ([] past `budget` patterns or with unbalanced braces)."""
    i = pat.find("{")
    if i < 0:
        return [pat] if "}" not in pat else []
    j = pat.find("}", i)
    if j < 0:
        return []
    out: list[str] = []
    for alt in pat[i + 1 : j].split(","):
        out += _braces(pat[:i] + alt + pat[j + 1 :], budget)
        if len(out) > budget:
            return []
    return out


def _bad_stars(pat: str) -> bool:
    """`**` that git's glob magic does not read as 'any directories' (only `**/`, `/**/`, `/**`)."""
    return any("**" in part and part != "**" for part in pat.split("/"))


def _committed(root: str, base: str, head: str, specs: list[str], since: float) -> set[str]:
    """Files changed by the commits between `base` and `head` that were made since `since` (the
    session's start): its own commits, and its own rebased or cherry-picked ones. A `git pull` or a
    branch switch brings teammates' older commits, which are not this session's changes; merge
    commits add nothing of their own."""
    when = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(since - 1))
    args = ["--no-optional-locks", "log", "--no-merges", "--format=", "--name-only", "--relative", "-z",
            f"--since={when}", f"{base}..{head}", "--", *specs]  # fmt: skip
    out = processes.git(root, args, timeout=60)
    return {
        p.strip("\n") for p in (out or b"").decode("utf-8", "surrogateescape").split("\0") if p.strip("\n")
    }


def domain_of(project: Project, cfg: CompiledConfig, rel: str) -> str | None:
    """The domain a changed file counts for, as tracking counts Edit/Write changes (tests are code;
    the output folder and docs are not)."""
    exempt = project.exemption_of(cfg, rel)
    if exempt in ("output_dir", "docs"):
        return None
    domain = project.domain_of(cfg, rel)
    return domain if domain in cfg["domains"] else None


def record_baseline(h: Hook) -> None:
    """SessionStart: the session's starting point, once per session (a resume or compaction keeps it)."""
    if not h.enabled("track_modifications") or session_state.read(h.paths, h.session_id, BASELINE):
        return
    if take_baseline(h, SESSION_START_GIT_TIMEOUT) is None:
        h.log(
            "track_modifications",
            "allow",
            "no baseline (no git, or git status too slow): taken at the first stop",
        )


def take_baseline(h: Hook, timeout: float = 60) -> dict[str, Any] | None:
    cfg = h.config
    status = git_status(h.project.root, timeout, pathspecs(cfg))
    if status is None:
        return None
    head, paths = status
    dirty: dict[str, str] = {}
    for rel in sorted(paths):
        if len(dirty) >= DIRTY_CAP:
            break
        if domain_of(h.project, cfg, rel):
            dirty[rel] = fingerprint(h.project.abspath(rel))
    base = {"head": head, "dirty": dirty, "ts": time.time(), "truncated": len(dirty) >= DIRTY_CAP}

    def apply(d: dict[str, Any]) -> None:
        if not d.get("ts"):
            d.update(base)

    kept = session_state.update(h.paths, h.session_id, BASELINE, apply)
    session_state.keep_copy(h.paths, h.session_id, BASELINE, kept)
    return kept


def note_tool_edit(h: Hook) -> None:
    """PostToolUse Edit|Write|NotebookEdit: the content the tracked tool left, so a scan does not find
    it again (and does find a shell change made to the same file afterwards)."""
    if not h.enabled("track_modifications"):
        return
    rel = h.edit_relpath()
    if rel is None or domain_of(h.project, h.config, rel) is None:
        return
    if h.is_subagent:
        from claude_kit_hooks.edit.delegation import read_only_role

        if read_only_role(h.config, h.agent_type):
            return  # a reviewer's or lead's edit stays unseen: its stop finds it and reopens the review
    fp = fingerprint(h.project.abspath(rel))

    def apply(d: dict[str, Any]) -> None:
        d[rel] = fp

    session_state.update(h.paths, h.session_id, SEEN, apply)


def scan(h: Hook) -> dict[str, list[str]]:
    """Stop/SubagentStop: record every domain file changed outside the tracked tools since it was last
    seen; returns {domain: [files]} found now."""
    if not h.enabled("track_modifications"):
        return {}
    base: dict[str, Any] | None = session_state.read(h.paths, h.session_id, BASELINE)
    if not base:
        # The session's state folder deleted mid-session is not "nothing changed": the copy kept
        # beside it restores the starting point, so every change since it is found again.
        base = session_state.read_copy(h.paths, h.session_id, BASELINE)
        if base:
            restored = base
            session_state.update(h.paths, h.session_id, BASELINE, lambda d: d.update(restored))
            h.log(
                "track_modifications",
                "warn",
                "the session's state was missing: baseline restored from its copy",
            )
    if not base:
        if take_baseline(h) is not None:
            h.log(
                "track_modifications",
                "allow",
                "no baseline from SessionStart: taken now; earlier changes unseen",
            )
        return {}
    cfg = h.config
    specs = pathspecs(cfg)
    status = git_status(h.project.root, specs=specs)
    if status is None:
        return {}
    head, now_dirty = status
    differs = set(now_dirty)
    if base.get("head") and head and head != base["head"]:
        differs |= _committed(h.project.root, str(base["head"]), head, specs, float(base.get("ts") or 0))
    for where in worktrees(h, base):
        differs |= _worktree_changes(h.project.abspath(where), where, base, specs)
    base_dirty: dict[str, str] = base.get("dirty") or {}
    found: dict[str, list[str]] = {}
    gone_trees: dict[str, bool] = {}

    def apply(seen: dict[str, Any]) -> None:
        for rel in sorted(differs | set(base_dirty) | set(seen)):
            domain = domain_of(h.project, cfg, rel)
            if domain is None:
                continue
            tree = split_worktree(rel)[0]
            if tree and gone_trees.setdefault(tree, not os.path.isdir(h.project.abspath(tree))):
                seen.pop(rel, None)  # a removed worktree: merged (the root shows it) or thrown away
                continue
            fp = fingerprint(h.project.abspath(rel))
            ref = seen.get(rel, base_dirty.get(rel, CLEAN))
            if (rel in differs and fp != ref) if ref == CLEAN else fp != ref:
                found.setdefault(domain, []).append(rel)
            seen[rel] = fp

    session_state.update(h.paths, h.session_id, SEEN, apply)
    if found:
        _record(h, found)
    return found


def worktrees(h: Hook, base: dict[str, Any]) -> list[str]:
    """The git worktrees (`.claude/worktrees/<name>`) this session may have changed: those made since
    it started (an `isolation: "worktree"` agent's, EnterWorktree's) and those it already edited in."""
    top = h.project.abspath(WORKTREES_DIR)
    try:
        names = os.listdir(top)
    except OSError:
        return []
    seen = session_state.read(h.paths, h.session_id, SEEN) or {}
    touched = {split_worktree(rel)[0] for rel in seen}
    since = float(base.get("ts") or 0)
    out = []
    for name in sorted(names):
        where = f"{WORKTREES_DIR}/{name}"
        try:
            made = os.stat(os.path.join(top, name)).st_mtime
        except OSError:
            continue
        if where in touched or made >= since - 1:
            out.append(where)
    return out


def _worktree_changes(path: str, where: str, base: dict[str, Any], specs: list[str]) -> set[str]:
    """Domain-candidate paths changed in one worktree (project-relative, under `where`): its dirty and
    untracked files, and what its commits since the session started changed."""
    status = git_status(path, specs=specs)
    if status is None:
        return set()
    head, dirty = status
    base_head = str(base.get("head") or "")
    if base_head and head and head != base_head:
        dirty |= _committed(path, base_head, head, specs, float(base.get("ts") or 0))
    return {f"{where}/{rel}" for rel in dirty}


def _record(h: Hook, found: dict[str, list[str]]) -> None:
    """Record found changes like tracked ones; a tester's own test files reopen nothing (tracking)."""
    from claude_kit_hooks.edit.delegation import developer_for, read_only_role
    from claude_kit_hooks.stoploop.roles import is_verifier

    cfg = h.config
    who = (h.agent_type or "a subagent") if h.is_subagent else "the main thread or a subagent"
    tester = h.is_subagent and is_verifier(cfg, h.agent_type) and not read_only_role(cfg, h.agent_type)
    now = time.time()

    def apply(d: FeedbackState) -> None:
        for domain, files in found.items():
            d["seq"] += 1
            e = session_state.domain_entry(d, domain)
            for rel in files:
                if rel in e["files"]:
                    e["files"].remove(rel)
                e["files"].append(rel)
            del e["files"][: -session_state.FILE_CAP]
            e["changes"] += len(files)
            notes = e.setdefault("found", [])
            notes += [{"file": rel, "by": who, "seq": d["seq"], "ts": now} for rel in files]
            del notes[:-FOUND_CAP]
            if tester and all(
                h.project.exemption_of(cfg, rel) == "tests" and os.path.exists(h.project.abspath(rel))
                for rel in files
            ):  # a tester's tests reopen nothing; a test it deleted (the failing one?) is reviewed
                e["verifier_changes"] += len(files)
                continue
            e["phases"] = {}
            e["changed_seq"] = d["seq"]

    session_state.update_feedback(h.paths, h.session_id, apply)
    for domain, files in found.items():
        dev = developer_for(cfg, domain)
        h.log(
            "track_modifications", "warn",
            f"{len(files)} {domain} file(s) changed outside Edit/Write, found when {who} stopped; "
            f"{dev} makes {domain} changes; review and checks run on them",
            file=files[0], domain=domain, agent=dev, found=files[:20],
        )  # fmt: skip


def found_note(cfg: CompiledConfig, name: str, e: Any) -> str:
    """One line for the feedback loop's message: the domain's files changed outside the tracked tools
    since its last reopening, when they were not found on its developer's stop ('' otherwise)."""
    from claude_kit_hooks.edit.delegation import developer_for

    dev = developer_for(cfg, name)
    since = int(e.get("changed_seq", 0))
    notes = [n for n in e.get("found") or [] if int(n.get("seq", 0)) >= since and n.get("by") != dev]
    if not notes:
        return ""
    files = list(dict.fromkeys(str(n.get("file")) for n in notes))
    listed = ", ".join(files[:5]) + (f" (+{len(files) - 5} more)" if len(files) > 5 else "")
    by = notes[-1].get("by")
    return (
        f"Changed outside Edit/Write (found in the working tree when {by} stopped): {listed}. "
        f"{dev} should have made these {name} changes: delegate {name} changes to it."
    )
