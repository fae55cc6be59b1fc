# claude-kit: managed, id=hooks/claude_kit_hooks/edit/coordinator
"""coordinator_no_edit (PreToolUse on Edit/Write/NotebookEdit): while an orchestration is active, the
main thread only coordinates: it delegates the domains' code (`orchestration.feature_scope: code`, the
default while a feature is in progress) or every file outside the kit's output folder (`everything`,
and always in coordinator mode).

An orchestration is active while `<output_dir>/features/active.json` holds a feature in progress
(written by `claude-kit feature`, removed when none is), or when `orchestration.coordinator_mode` is
on. Paths outside the project root are left alone, as in agent_first.
"""

from __future__ import annotations

from claude_kit_hooks.contract.layout import ACTIVE_FEATURE, CONFIG_YAML, output_dir_of
from claude_kit_hooks.edit.delegation import developer_for, off_switch, short_path, spawn_call
from claude_kit_hooks.store.jsonfile import read_json

TYPE_CHECKING = False  # typing costs ~14 ms at a hook's start-up; mypy still reads the branch
if TYPE_CHECKING:
    from claude_kit_hooks.contract.records import CompiledConfig
    from claude_kit_hooks.runtime.hook import Hook
    from claude_kit_hooks.runtime.project import Project


def active_orchestration(project: Project, cfg: CompiledConfig) -> tuple[str, str, str] | None:
    """(feature name, phase, feature id) while a feature is in progress, ("", "", "") for
    coordinator_mode, else None."""
    data = read_json(project.paths.shared_file(ACTIVE_FEATURE))
    if isinstance(data, dict) and data.get("status") == "in_progress":
        # Older `claude-kit feature` versions wrote id/slug/phase: read those too.
        fid = str(data.get("feature_id") or data.get("id") or "")
        name = data.get("name") or data.get("slug") or fid or "unnamed"
        phase = data.get("current_phase") or data.get("phase") or "unknown"
        return str(name)[:80], str(phase)[:40], fid[:120]
    if cfg["orchestration"]["coordinator_mode"]:
        return "", "", ""
    return None


def _developers(project: Project, cfg: CompiledConfig) -> list[str]:
    return [d for d in (developer_for(cfg, name) for name in cfg["domains"]) if project.agent_exists(d)]


def coordinator_no_edit(h: Hook) -> None:
    if h.is_subagent or not h.enabled("coordinator_no_edit"):
        return
    cfg = h.config
    active = active_orchestration(h.project, cfg)
    h.task = (active[2], active[1]) if active and active[2] else ("", "")
    if active is None:
        return
    path = h.edit_path
    rel = h.edit_relpath()
    if rel is None:
        if path:
            h.allow("coordinator_no_edit", "outside the project root (not governed by the kit)", file=path)
        return
    out_dir = output_dir_of(cfg)
    if rel == out_dir or rel.startswith(out_dir + "/"):
        h.allow("coordinator_no_edit", "inside the output folder", file=rel)
        return
    name, phase, fid = active
    if name and cfg["orchestration"].get("feature_scope") != "everything":
        # A feature hands the code to developers; docs and files outside every domain stay the main
        # thread's, as they are without a feature (`feature_scope: everything` takes them too).
        domain = h.project.domain_of(cfg, rel)
        if domain is None or h.project.exemption_of(cfg, rel) == "docs":
            what = "not a domain's file" if domain is None else f"documentation in {domain}"
            h.allow("coordinator_no_edit", f"feature in progress, but {what} (feature_scope: code)", file=rel)
            return
    if name:
        why = f'Feature "{name}" is in progress (phase: {phase}), so the main thread only coordinates'
        off = f"end the feature ({fid or 'the active one'}) from their terminal, or"
        off += f" {off_switch('coordinator_no_edit')}; ask them if the feature is really over"
    else:
        why = f"Coordinator mode is on (`orchestration.coordinator_mode: true` in {CONFIG_YAML})"
        off = f"set it to false, or {off_switch('coordinator_no_edit')}"
    domain = h.project.domain_of(cfg, rel)
    devs = _developers(h.project, cfg)
    dev = developer_for(cfg, domain) if domain else None
    if dev is not None and not h.project.agent_exists(dev):
        dev = None  # the domain has no developer agent: suggest one that exists
    if dev is None:
        dev = devs[0] if devs else "general-purpose"
        others = f" (developer agents here: {', '.join(devs)})" if len(devs) > 1 else ""
    else:
        others = ""
    reason = (
        f"claude-kit: {why}: it may write only under {out_dir}/, not {short_path(rel)}. "
        f"This edit was not made.\n"
        f"Delegate it: {spawn_call(dev, rel)}{others}; or write plans and notes under {out_dir}/.\n"
        f"(The user can {off}.)"
    )
    # h.task puts the feature's id and phase on the record; its name helps a person reading the log.
    h.deny("coordinator_no_edit", reason, file=rel, feature_name=name or "coordinator_mode")
