"""The one user-facing error type, rendered in one place (cli.main)."""

from __future__ import annotations

from pathlib import Path

import click


class KitError(click.ClickException):
    """A problem the user can fix: the message names the file and what to do next."""

    exit_code = 2

    def __init__(self, message: str, *, hint: str | None = None) -> None:
        super().__init__(message if hint is None else f"{message}\n  hint: {hint}")


def file_in_the_way(root: Path, path: Path) -> KitError:
    """The error for `path` below `root` when a file sits where one of its folders belongs."""
    blocker = next(
        (p for p in reversed(path.parents) if p.is_relative_to(root) and p.exists() and not p.is_dir()), path
    )
    return KitError(
        f"{blocker}: is a file where the kit needs a folder (for {path.relative_to(root).as_posix()}); "
        "nothing was changed",
        hint=f"move {blocker} away, then rerun",
    )


def read_text(root: Path, path: Path) -> str | None:
    """A UTF-8 file below `root` that the kit reads before it changes anything, or None when it is
    missing. Anything else that keeps it from being read is a KitError naming the file."""
    try:
        return path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        return None
    except NotADirectoryError:
        raise file_in_the_way(root, path) from None
    except IsADirectoryError:
        raise KitError(
            f"{path}: is a folder where a file belongs; nothing was changed",
            hint=f"move {path} away, then rerun",
        ) from None
    except UnicodeDecodeError as exc:
        raise KitError(
            f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start}); nothing was changed",
            hint="save it as UTF-8, then rerun",
        ) from None
    except OSError as exc:
        raise KitError(f"{path}: cannot be read ({exc.strerror}); nothing was changed") from None
