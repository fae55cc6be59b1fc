"""The routing index as a search structure: built from the index entries once, cached on disk.

The state is the hooks' routing.lexical.build_state (postings per term and field, word strings for
bigrams, trigger terms, and the flat list of choices rapidfuzz searches). It is flat (bytes,
strings, lists), so marshal caches it per index file and a call on a 2,000-skill library costs a few
tens of milliseconds more than on a 50-skill one (bench/bench_route.py). route_scoring queries it.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from claude_kit_hooks.routing.lexical import WEIGHTS, Weights, build_state, gateways_of

__all__ = ["WEIGHTS", "Weights", "build_state", "cached_state", "gateways_of"]


CACHE_FORMAT = 4


def _cache_file(index: Path) -> Path:
    import hashlib

    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "claude-kit" / "route"
    return base / (hashlib.sha1(str(index).encode(), usedforsecurity=False).hexdigest()[:20] + ".marshal")


def cached_state(
    entries: list[dict[str, Any]], index: Path | None, weights: Weights = WEIGHTS
) -> tuple[Any, ...]:
    """The built state of `entries`; for an index file, cached per (path, size, mtime).

    The cache lives in ~/.cache/claude-kit/route (XDG_CACHE_HOME), holds only derived data, and is
    ignored when unreadable or when anything in its key differs (including the Python version).
    """
    if index is None:
        return build_state(entries, weights)
    import marshal
    import sys

    index = index.resolve()
    try:
        st = index.stat()
    except OSError:
        return build_state(entries, weights)
    key = f"{CACHE_FORMAT}|{sys.version}|{weights!r}|{index}|{st.st_size}|{st.st_mtime_ns}"
    cache = _cache_file(index)
    try:
        with open(cache, "rb") as f:
            cached_key, state = marshal.load(f)
        if cached_key == key:
            return tuple(state)
    except (OSError, ValueError, EOFError, TypeError):
        pass
    state = build_state(entries, weights)
    try:
        from claude_kit.fsutil import atomic_write

        atomic_write(cache, marshal.dumps((key, state)))
    except (OSError, ValueError):
        pass  # a read-only home only costs the next call the build again
    return state
