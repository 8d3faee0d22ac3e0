"""Where built-in layouts and themes live, and lookup with project overrides.

In an installed wheel they are shipped as `generator/_builtin/{layouts,themes}`; in a
source checkout (editable install) they are the repository's top-level folders.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import generator
from generator.confine import confined_path


def builtin_root() -> Path:
    """The folder holding the built-in `layouts/` and `themes/`."""
    package_dir = Path(generator.__file__).resolve().parent
    shipped = package_dir / "_builtin"
    return shipped if shipped.is_dir() else package_dir.parent


@dataclass(frozen=True)
class SearchPath:
    """An ordered list of folders; a file in an earlier folder overrides the same name in a later one.

    Files are read only from inside `roots` (the project and the built-in assets):
    `find` raises ConfinementError for a symlink that leads elsewhere.
    """

    folders: tuple[Path, ...]
    roots: tuple[Path, ...] = ()

    def find(self, relative: str) -> Path | None:
        """The first existing file named `relative` along the path (a symlink out raises ConfinementError)."""
        for folder in self.folders:
            candidate = folder / relative
            if candidate.is_file() or candidate.is_symlink():
                confined_path(candidate, self.roots or self.folders)
                return candidate if candidate.is_file() else None
        return None

    def names(self, pattern: str) -> list[str]:
        """Names (relative posix paths) matching a glob in any folder, each once, sorted."""
        seen: set[str] = set()
        for folder in self.folders:
            if folder.is_dir():
                seen.update(path.relative_to(folder).as_posix() for path in folder.glob(pattern))
        return sorted(seen)
