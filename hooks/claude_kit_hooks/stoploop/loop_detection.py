# claude-kit: managed, id=hooks/claude_kit_hooks/stoploop/loop_detection
"""Loop detection (docs/loop.md, "Loop detection"): three stop attempts answering the same instruction
with messages more than `limits.loop_similarity_percent` alike mean the agent is stuck.

Similarity is rapidfuzz.fuzz.ratio's metric computed in pure Python (hooks stay stdlib-only), not
difflib.SequenceMatcher, whose junk heuristics diverge from rapidfuzz on long texts.
"""

from __future__ import annotations

TYPE_CHECKING = False  # typing costs ~14 ms at a hook's start-up; mypy still reads the branch
if TYPE_CHECKING:
    from claude_kit_hooks.stoploop.records import StopAttempt


def similarity(a: str, b: str) -> float:
    """Indel similarity in percent, 2*LCS/(len a + len b)*100: the same number as rapidfuzz.fuzz.ratio.

    The longest common subsequence is computed bit-parallel (Hyyroe 2004) on Python ints, so two
    4,000-character messages cost a few milliseconds and the hook needs no third-party package.
    """
    if not a and not b:
        return 100.0
    if not a or not b:
        return 0.0
    if len(a) < len(b):
        a, b = b, a
    masks: dict[str, int] = {}
    for i, ch in enumerate(b):
        masks[ch] = masks.get(ch, 0) | (1 << i)
    full = (1 << len(b)) - 1
    v = full
    for ch in a:
        u = v & masks.get(ch, 0)
        v = ((v + u) | (v - u)) & full
    lcs = len(b) - bin(v).count("1")
    return 200.0 * lcs / (len(a) + len(b))


def stuck(history: list[StopAttempt], threshold: float) -> bool:
    """Three stop attempts under the same instruction with messages more than `threshold`% alike."""
    if len(history) < 3:
        return False
    last = history[-3:]
    if len({item.get("key") for item in last}) != 1:
        return False
    msgs = [str(item.get("msg") or "") for item in last]
    return all(similarity(msgs[i], msgs[j]) > threshold for i in range(3) for j in range(i + 1, 3))


IDLE_LOOKBACK = 1024 * 1024  # bytes of the transcript read back to the previous block at most


def worked_since_block(transcript_path: str, tools: tuple[str, ...] | None = None) -> bool:
    """Did the main thread call a tool (one of `tools`, when given) since the Stop hook last blocked
    it? Read from the transcript's end back to the runtime's record of that block (a
    `stop_hook_summary` line, or the "Stop hook feedback" message it shows the model). A stuck agent
    tries the step between stops; one that only says "Done." again (after a `git status`, when the
    step is a spawn) is not stuck and is not escalated as if it were. Unknown (no transcript, no
    block record within IDLE_LOOKBACK) counts as work, as before."""
    from claude_kit_hooks.runtime.jsonio import loads
    from claude_kit_hooks.transcript.reader import tail_lines

    for line in tail_lines(transcript_path, IDLE_LOOKBACK):
        if b'"stop_hook_summary"' in line or b"Stop hook feedback" in line:
            return False
        if b'"tool_use"' not in line or b'"assistant"' not in line:
            continue
        try:
            entry = loads(line.decode("utf-8", "replace"))
            content = entry["message"]["content"] if entry.get("type") == "assistant" else []
        except (ValueError, KeyError, TypeError, AttributeError):
            continue
        for item in content if isinstance(content, list) else []:
            if (
                isinstance(item, dict)
                and item.get("type") == "tool_use"
                and (tools is None or item.get("name") in tools)
            ):
                return True
    return True
