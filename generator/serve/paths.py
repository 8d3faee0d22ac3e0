"""Which files the studio may serve: built output and project images, nothing outside.

A requested path is refused unless every segment is a plain name (no `..`, no
`.`-hidden names, no absolute paths, no backslashes or NUL, no `%` left after the
server decoded it once, so double-encoded `%252e` is refused too) and the file it
resolves to, after following symlinks, is a regular file inside the served root.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from pathlib import Path

IMAGE_SUFFIXES = frozenset({".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg"})
SKIPPED_FOLDERS = frozenset({".git", ".hg", ".svn", "__pycache__", "node_modules", ".venv", "venv", ".idea", ".vscode"})
MAX_IMAGES = 500


def safe_file(root: Path, relative: str) -> Path | None:
    """The file `relative` names inside `root`, or None when it is not a plain path to a file there."""
    if not relative or "\\" in relative or "\x00" in relative or "%" in relative or relative.startswith("/"):
        return None
    parts = relative.split("/")
    if any(part in ("", ".", "..") or part.startswith(".") for part in parts):
        return None
    base = root.resolve()
    try:
        path = (base / Path(*parts)).resolve(strict=True)
    except (OSError, RuntimeError, ValueError):
        return None
    if base not in path.parents or not path.is_file():
        return None  # a symlink out of the root, or not a regular file
    return path


def safe_project_image(root: Path, relative: str) -> Path | None:
    """Like `safe_file`, for image files only."""
    path = safe_file(root, relative)
    return path if path is not None and path.suffix.lower() in IMAGE_SUFFIXES else None


def project_images(root: Path, skip: Iterable[Path] = ()) -> list[str]:
    """Image files inside the project (relative, sorted), leaving out `skip` folders (output, cache)."""
    base = root.resolve()
    skipped = {path.resolve() for path in skip}
    found: list[str] = []
    for folder, folders, files in os.walk(base):
        current = Path(folder)
        folders[:] = sorted(
            name
            for name in folders
            if name not in SKIPPED_FOLDERS and not name.startswith(".") and (current / name).resolve() not in skipped
        )
        for name in sorted(files):
            relative = (current / name).relative_to(base).as_posix()
            if Path(name).suffix.lower() in IMAGE_SUFFIXES and safe_project_image(base, relative) is not None:
                found.append(relative)
                if len(found) >= MAX_IMAGES:
                    return found
    return found
