"""The routing index as a search structure: built from the index entries once, cached on disk.

The state is the hooks' routing.lexical.build_state (postings per term and field, word strings for
bigrams, trigger terms, and the flat list of choices rapidfuzz searches). It is flat (bytes,
strings, lists), so marshal caches it per index file (routing.lexical.cached_state, shared with the
spawn hook) and a call on a 2,000-skill library costs a few tens of milliseconds more than on a
50-skill one (bench/bench_route.py). route_scoring queries it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from claude_kit_hooks.routing import lexical
from claude_kit_hooks.routing.lexical import WEIGHTS, Weights, build_state, gateways_of

__all__ = ["WEIGHTS", "Weights", "build_state", "cached_state", "gateways_of"]


def cached_state(
    entries: list[dict[str, Any]], index: Path | None, weights: Weights = WEIGHTS
) -> tuple[Any, ...]:
    """The built state of `entries`; for an index file, cached per (path, size, mtime)."""
    return lexical.cached_state(entries, None if index is None else str(index), weights)
