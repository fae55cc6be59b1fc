# claude-kit: managed, id=hooks/claude_kit_hooks/runtime/answer
"""What a hook prints for Claude Code 2.1.329 (shared/docs/claude-code-reference.md):

- allow = no output, exit 0;
- PreToolUse deny = hookSpecificOutput.permissionDecision "deny" + permissionDecisionReason, and the
  same for PreSkillShellCommand (2.1.332), whose hookSpecificOutput takes no additionalContext;
- Stop/SubagentStop/PostToolUse block = {"decision": "block", "reason": ...};
- PreToolUse with a changed tool input (no deny) = hookSpecificOutput.updatedInput, the whole input;
- context = hookSpecificOutput.additionalContext; user-facing notes = systemMessage;
- PreCompact = plain stdout, appended to the compactor's instructions.
"""

from __future__ import annotations

from claude_kit_hooks.runtime.jsonio import dumps

TYPE_CHECKING = False  # typing costs ~14 ms at a hook's start-up; mypy still reads the branch
if TYPE_CHECKING:
    from typing import Any

    from claude_kit_hooks.runtime.hook import Hook


def render(hook: Hook) -> str:
    out: dict[str, Any] = {}
    ctx = "\n\n".join(hook.contexts)
    if hook.stale and hook.event in ("SessionStart", "UserPromptSubmit"):
        ctx = (ctx + "\n" if ctx else "") + f"claude-kit: {hook.stale}; run `claude-kit sync`."
    if hook.event == "PreCompact":
        return ctx
    if hook.event in ("PreToolUse", "PreSkillShellCommand"):
        spec: dict[str, Any] = {"hookEventName": hook.event}
        if hook.decision == "deny":
            spec["permissionDecision"] = "deny"
            spec["permissionDecisionReason"] = hook.reason
        elif hook.updated_input is not None and hook.event == "PreToolUse":
            spec["updatedInput"] = hook.updated_input
        if ctx and hook.event == "PreToolUse":
            spec["additionalContext"] = ctx
        if len(spec) > 1:
            out["hookSpecificOutput"] = spec
    else:
        if hook.decision == "block":
            out["decision"] = "block"
            out["reason"] = hook.reason
        if ctx:
            out["hookSpecificOutput"] = {"hookEventName": hook.event, "additionalContext": ctx}
    if hook.messages:
        out["systemMessage"] = "\n".join(hook.messages)
    return dumps(out) if out else ""


def deny_pretooluse(reason: str) -> str:
    return dumps(
        {
            "hookSpecificOutput": {
                "hookEventName": "PreToolUse",
                "permissionDecision": "deny",
                "permissionDecisionReason": reason,
            }
        }
    )


def system_message(text: str) -> str:
    return dumps({"systemMessage": text})
