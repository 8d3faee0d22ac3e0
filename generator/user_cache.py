"""The user's own cache folder: what a build keeps that must not come from a repository.

A project's `.carousel-cache/` sits next to its threads, so a cloned repository can
commit one. Anything read back from there is as hostile as a thread. Three caches hold
more than data a build checks again:

* Jinja's compiled templates are unmarshalled and run as Python: a planted file would
  run outside the layout sandbox;
* the memo (generator.memo) stands in for work such as sanitising a stylesheet: a
  planted entry would skip that check;
* fontconfig's binary cache is parsed by C code and names font files by path.

They live in the user's cache folder instead (`platformdirs`: `~/.cache/carousel-studio`
on Linux), shared by every project of that user, or in `$CAROUSEL_CACHE_HOME` when that
is set (CI jobs that keep a cache between runs). An empty `CAROUSEL_CACHE_HOME` turns it
off: every build then compiles and measures from scratch. A folder inside the project is
refused, since a repository could plant files in it, and so is one that other users may
write to or that another user owns.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

from generator.errors import ConfigError, Diagnostic

ENV_NAME = "CAROUSEL_CACHE_HOME"
APP_NAME = "carousel-studio"


def user_cache_dir(environ: Mapping[str, str], project_root: Path) -> Path | None:
    """The folder for compiled templates, the memo and fontconfig's cache; None when it is
    turned off, or when the default folder cannot be created (the build then keeps nothing
    between runs).

    Raises ConfigError when the folder is inside the project, writable by other users or
    owned by another one, or when a folder named by the variable cannot be created or written.
    """
    value = environ.get(ENV_NAME)
    if value == "":
        return None
    if value is None:
        import platformdirs  # only here: the CLI's other commands never need it

        folder = platformdirs.user_cache_path(APP_NAME, appauthor=False)
    else:
        folder = Path(value).expanduser()
    folder = folder.absolute()
    if _inside(folder, project_root):
        raise ConfigError(
            Diagnostic(
                ENV_NAME,
                None,
                f"{folder} is inside the project: a repository could plant compiled templates there; "
                f"choose a folder outside {project_root} (or set {ENV_NAME}= to keep nothing)",
            )
        )
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        status = folder.stat()
    except OSError as error:
        if value is None:
            return None  # no writable home (a locked-down CI user): build without a cache
        # a folder named on purpose that cannot be one (a file, a read-only disk) is a mistake to report
        raise ConfigError(
            Diagnostic(ENV_NAME, None, f"{folder} cannot be used as a folder ({error.strerror or error}); set {ENV_NAME}= to keep nothing")
        ) from error
    if hasattr(os, "getuid") and (status.st_uid != os.getuid() or status.st_mode & 0o022):
        # another user could plant compiled templates there, as a repository could in a project
        raise ConfigError(
            Diagnostic(
                ENV_NAME,
                None,
                f"{folder} is {'writable by other users' if status.st_mode & 0o022 else 'owned by another user'}: "
                f"compiled templates are kept there; use a folder only you can write (chmod go-w), or set {ENV_NAME}= to keep nothing",
            )
        )
    if os.access(folder, os.W_OK | os.X_OK):
        return folder
    if value is None:
        return None
    raise ConfigError(
        Diagnostic(ENV_NAME, None, f"{folder} is not writable; use a folder you can write, or set {ENV_NAME}= to keep nothing")
    )


def _inside(folder: Path, root: Path) -> bool:
    resolved, root = folder.resolve(), root.resolve()
    return resolved == root or root in resolved.parents
