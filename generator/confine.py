"""Confinement: which files a build may read, and where it may write (SPEC §6).

Projects, themes and archives may come from other people, and git happily commits
symlinks. So every read of a project file (thread, carousel.yaml, theme, layout,
font, image) goes through `confined_path`: the file's real path, symlinks resolved,
must lie inside one of the allowed roots (the project and the built-in assets). A
symlink that stays inside the project is fine; one that leaves it is refused.

Writes go through `unlinked_path`: every folder from the output root down to the
file must be a real folder, not a symlink, so a committed `output/x/slides -> ~`
cannot make a build write or delete anywhere else.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path


class ConfinementError(ValueError):
    """A path that leaves the allowed folders, or a symlink where the build writes.

    `path` is the offending path as given (the link, not its target), for messages.
    """

    def __init__(self, message: str, path: Path):
        super().__init__(message)
        self.path = path

    @property
    def reason(self) -> str:
        """The message without the (absolute) path: callers prefix the path as users see it."""
        return str(self.args[0])


def is_inside(path: Path, roots: Iterable[Path]) -> bool:
    """Whether `path` (already resolved) is one of `roots` (resolved) or below one."""
    return any(path == root or root in path.parents for root in roots)


def confined_path(path: Path, roots: Iterable[Path]) -> Path:
    """The real path of `path`, provided it lies inside one of `roots` once symlinks are resolved.

    Raises ConfinementError naming the link when it leads out.
    """
    real_roots = [Path(root).resolve() for root in roots]
    real = path.resolve()
    if not is_inside(real, real_roots):
        raise ConfinementError("a symlink leading outside the project; refused", path)
    return real


def is_confined(path: Path, roots: Iterable[Path]) -> bool:
    """Whether `path` can be read: it exists and its real path is inside `roots`."""
    try:
        confined_path(path, roots)
    except (ConfinementError, OSError, RuntimeError):
        return False
    return True


def read_confined_bytes(path: Path, roots: Iterable[Path]) -> bytes:
    """The bytes of `path`, refused (ConfinementError) when it leaves `roots`."""
    return confined_path(path, roots).read_bytes()


def read_confined_text(path: Path, roots: Iterable[Path]) -> str:
    """The UTF-8 text of `path`, refused (ConfinementError) when it leaves `roots`."""
    return confined_path(path, roots).read_text(encoding="utf-8")


def unlinked_path(root: Path, relative: str | Path) -> Path:
    """`root / relative`, after checking no folder on the way (root included) is a symlink.

    `relative` must stay below `root` (no `..`, not absolute). The file itself may not
    be a symlink either; it may not exist yet.
    """
    relative = Path(relative)
    if relative.is_absolute() or any(part in ("..", "") for part in relative.parts):
        raise ConfinementError(f"'{relative}' is not a path inside the output folder", root / relative)
    current = root
    for part in (None, *relative.parts):
        if part is not None:
            current = current / part
        if current.is_symlink():
            raise ConfinementError("is a symlink; refusing to write or delete through it (nothing was touched)", current)
        if part is not None and current != root / relative and current.exists() and not current.is_dir():
            raise ConfinementError("is not a folder", current)
    return current


def symlinks_below(root: Path) -> list[Path]:
    """Every symlink under `root` (not following them), sorted."""
    found: list[Path] = []
    for folder, dirs, files in os.walk(root, followlinks=False):
        for name in dirs + files:
            candidate = Path(folder) / name
            if candidate.is_symlink():
                found.append(candidate)
    return sorted(found)
