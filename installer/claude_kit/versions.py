"""Which kit version may act on an install: an older package never touches a newer install unless told to.

`install`, `update` and `uninstall` refuse when the installed kit is newer than this package (the
`--allow-downgrade` flag lets them); `sync` works only with the very version that is installed,
since it keeps the installed kit files and compiles with this package.
"""

from __future__ import annotations

import re
from pathlib import Path

from claude_kit._version import __version__
from claude_kit.errors import KitError
from claude_kit_hooks.contract.records import Manifest

# claude-kit is not on a package index: a newer one comes from its checkout or a wheel (README).
UPGRADE = "install the newer claude-kit over this one (`pipx install --force <checkout or wheel>`)"

_VERSION_RE = re.compile(r"(\d+(?:\.\d+)*)(.*)", re.DOTALL)


def key(version: str) -> tuple[tuple[int, ...], bool, str] | None:
    """A sort key: release numbers, then a pre-release (`0.2.0rc1`, `0.2.0.dev1`) before the final
    release; None when `version` does not start with a release number."""
    m = _VERSION_RE.fullmatch(version.strip()) if isinstance(version, str) else None
    if m is None:
        return None
    release = tuple(int(n) for n in m.group(1).split("."))
    while len(release) > 1 and release[-1] == 0:
        release = release[:-1]
    return release, not m.group(2), m.group(2)


def is_newer(installed: str, package: str = __version__) -> bool:
    a, b = key(installed), key(package)
    return a is not None and b is not None and a > b


def check(root: Path, installed: Manifest | None, command: str, *, allow_downgrade: bool = False) -> None:
    """Refuse `command` (install, update, sync, uninstall) on `root` when its installed kit version
    does not allow it; nothing has been changed when this raises."""
    version = installed["kit_version"] if installed is not None else None
    if version is None or version == __version__:
        return
    newer = is_newer(version)
    what = f"{root}: claude-kit {version} is installed, but this is claude-kit {__version__}"
    if command == "sync":
        hint = (
            f"{UPGRADE}, then sync; "
            f"`claude-kit update --allow-downgrade` moves the repository back to {__version__}"
            if newer
            else "run `claude-kit update`: it moves the repository to this version and recompiles"
        )
        raise KitError(f"{what}; nothing was changed", hint=hint)
    if newer and not allow_downgrade:
        act = "remove it" if command == "uninstall" else f"move the repository back to {__version__}"
        raise KitError(
            f"{what}, which is older; nothing was changed",
            hint=f"{UPGRADE}, or rerun "
            f"`claude-kit {command} --allow-downgrade` to let claude-kit {__version__} {act}",
        )
