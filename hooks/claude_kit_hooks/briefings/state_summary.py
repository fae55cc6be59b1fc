# claude-kit: managed, id=hooks/claude_kit_hooks/briefings/state_summary
"""What is in progress, in a line or two for the briefings: the active MANIFEST feature and the
open loops (feedback loop, armed completion loop).

Reads (never writes, never deletes) the state other parts of the kit keep:
- `<output_dir>/features/active.json`: the active feature, written by `claude-kit feature`;
- the open loops through `stoploop.events.active_summary`, and the session's `feedback.json` for
  the changed files per domain.
Shapes are read defensively: a field that is missing or of another type is left out, and a failing
loop module falls back to a plain reading of its state files, so it never silences a briefing.
"""

from __future__ import annotations

from claude_kit_hooks.briefings.rules import clip
from claude_kit_hooks.contract.layout import ACTIVE_FEATURE, output_dir_of
from claude_kit_hooks.store.jsonfile import read_json

TYPE_CHECKING = False  # typing costs ~14 ms at a hook's start-up; mypy still reads the branch
if TYPE_CHECKING:
    from claude_kit_hooks.contract.layout import KitPaths
    from claude_kit_hooks.contract.records import ActiveFeature, CompiledConfig, CompletionLoop
    from claude_kit_hooks.runtime.hook import Hook

    # (domain, changed files, recorded verdicts such as "review FAIL")
    DirtyDomain = tuple[str, list[str], list[str]]

STALE_DAYS = 1  # an active feature untouched this long is named as possibly abandoned
CLOSED = {"done", "complete", "completed", "closed", "cancelled", "canceled", "abandoned", "archived"}


def active_feature(paths: KitPaths, cfg: CompiledConfig) -> ActiveFeature | None:
    """The feature in progress; None when there is none, it is closed, or the file is not a feature."""
    data = read_json(paths.shared_file(ACTIVE_FEATURE))
    if not isinstance(data, dict) or not (data.get("feature_id") or data.get("name")):
        return None
    feature: ActiveFeature = data  # type: ignore[assignment]  # a dict read from disk: fields checked on use
    if str(feature.get("status") or "").lower() in CLOSED:
        return None
    return feature


def feature_line(feature: ActiveFeature, cfg: CompiledConfig) -> str:
    name = feature.get("name") or feature.get("feature_id")
    bits = [f"Active feature: {name}"]
    if feature.get("work_type"):
        bits[0] += f" ({feature['work_type']})"
    if feature.get("current_phase"):
        bits.append(f"phase {feature['current_phase']}")
    if feature.get("status"):
        bits.append(f"status {feature['status']}")
    where = feature.get("dir") or (
        f"{output_dir_of(cfg)}/features/{feature['feature_id']}" if feature.get("feature_id") else ""
    )
    line = ", ".join(bits)
    manifest = feature.get("manifest") or (f"{str(where).rstrip('/')}/MANIFEST.yaml" if where else "")
    if manifest:
        line += f"; MANIFEST: {manifest}"
    return clip(line + ".", 240)


def loop_summary(h: Hook) -> str:
    """The loop system's own one-line summary (stoploop.events.active_summary), '' when nothing is open.

    The loop system knows which phases each domain requires; if it cannot be imported or fails, a
    plain reading of its state files stands in, so a broken loop module never silences the context.
    """
    try:
        from claude_kit_hooks.stoploop import events

        return clip(events.active_summary(h.project, h.session_id, h.config) or "", 240)
    except Exception as exc:  # the loop module is another part of the kit: degrade, never fail
        failed = f"stoploop.events.active_summary failed ({type(exc).__name__}: {exc})"
        h.log("session_context", "error", failed)
        parts = (_fallback_loop(h.paths, h.session_id), _fallback_feedback(h.paths, h.session_id))
        return clip("; ".join(x for x in parts if x), 240)


def _fallback_loop(paths: KitPaths, session_id: str) -> str:
    data = read_json(paths.state(session_id, "loop"))
    if not isinstance(data, dict) or not data.get("active"):
        return ""
    loop: CompletionLoop = data  # type: ignore[assignment]  # a dict read from disk: printed as found
    return f"completion loop iteration {loop.get('iteration')}/{loop.get('max_iterations')}"


def _fallback_feedback(paths: KitPaths, session_id: str) -> str:
    dirty = dirty_domains(paths, session_id)
    return f"feedback loop open for {', '.join(d for d, _f, _v in dirty)}" if dirty else ""


def dirty_domains(paths: KitPaths, session_id: str) -> list[DirtyDomain]:
    """[(domain, changed files, recorded verdicts)] from the feedback-loop state.

    The state's shape is described in stoploop/session_state.py; every field is checked here.
    """
    data = read_json(paths.state(session_id, "feedback"))
    domains = data.get("domains") if isinstance(data, dict) else None
    out: list[DirtyDomain] = []
    for name, dom in sorted(domains.items()) if isinstance(domains, dict) else ():
        if not isinstance(dom, dict):
            continue
        files = [f for f in dom["files"] if isinstance(f, str)] if isinstance(dom.get("files"), list) else []
        changes = dom.get("changes")
        if not files and not (isinstance(changes, int) and changes > 0):
            continue
        phases = dom.get("phases")
        verdicts = []
        for role, rec in sorted(phases.items()) if isinstance(phases, dict) else ():
            verdict = rec.get("verdict") if isinstance(rec, dict) else rec
            if isinstance(verdict, str):
                verdicts.append(f"{role} {verdict}")
        out.append((str(name), files, verdicts))
    return out


def idle_days(paths: KitPaths, cfg: CompiledConfig) -> int:
    """Whole days since `claude-kit feature` last wrote the active feature (it rewrites the file on
    every change, so its age is the feature's), 0 when unknown."""
    import os
    import time

    try:
        return int((time.time() - os.stat(paths.shared_file(ACTIVE_FEATURE)).st_mtime) // 86400)
    except OSError:
        return 0


def state_lines(h: Hook) -> list[str]:
    """One line for the active feature and one for the open loops (feedback, completion)."""
    lines = []
    feature = active_feature(h.paths, h.config)
    h.task = (
        (str(feature.get("feature_id") or ""), str(feature.get("current_phase") or ""))
        if feature
        else ("", "")
    )
    if feature:
        line = feature_line(feature, h.config)
        days = idle_days(h.paths, h.config)
        if days >= STALE_DAYS:
            # A feature nobody closed keeps the coordinator rule on in every session: say so, and
            # leave closing it to the user.
            line += (
                f" No change for {days} day{'s' if days != 1 else ''}: it may be abandoned; ask the user "
                "whether to continue it or close it."
            )
        lines.append(line)
    loops = loop_summary(h)
    if loops:
        lines.append(f"Open: {loops}.")
    return lines
