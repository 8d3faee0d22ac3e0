"""Writing output: whole-thread replacement, the manifest, and the output folder's lock.

The output folder may sit in a repository cloned from someone else, so nothing here
writes or deletes through a symlink (`confine.unlinked_path`), and nothing is deleted
that this program did not write: a thread's own files are the ones its manifest entry
lists.

A thread's files are replaced as a set. The new set is staged in
`<out>/.carousel-staging/` (same file system), unchanged files hard-linked so they keep
their inode and mtime, then the staged folder and `<out>/<slug>/` are swapped in one
`renameat2(RENAME_EXCHANGE)`: a reader, a kill -9 or a full disk sees the old set or the
new one, never a mix. The manifest is written after each swap. A build holds
`<out>/.carousel.lock` while it writes; a second build waits for it. Staging left by an
interrupted build is cleaned (or, for a half-done fallback swap, put back) by the next.
"""

from __future__ import annotations

import ctypes
import errno
import fcntl
import hashlib
import json
import os
import re
import secrets
import shutil
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from generator.confine import ConfinementError, unlinked_path

MANIFEST_NAME = "manifest.json"
STAGING_NAME = ".carousel-staging"
LOCK_NAME = ".carousel.lock"
SLIDES_DIR = "slides"
UNIT_SEPARATOR = "+"  # in staging names, for the "/" of a target unit (slug/target)
# temp files of atomic_write: .<name>.<random>.tmp
TEMP_FILE = re.compile(r"^\..+\.[A-Za-z0-9_]{6,}\.tmp$")


def atomic_write(path: Path, data: bytes) -> None:
    """Write a file so readers see the old or the new content, never half of it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as temp_file:
            temp_file.write(data)
            temp_file.flush()
            os.fsync(temp_file.fileno())
        os.chmod(temp_name, 0o644)
        os.replace(temp_name, path)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class OutputError(Exception):
    """The output folder cannot be written safely (a symlink, a foreign folder, a full disk)."""


# --- the output folder -------------------------------------------------------------------


class OutputFolder:
    """The real output folder of a build: checked, locked, and written one thread at a time."""

    def __init__(self, root: Path):
        self.root = root

    def check(self) -> None:
        """Refuse an output folder that is a symlink (or not a folder); nothing is touched."""
        if self.root.is_symlink():
            raise ConfinementError("is a symlink; refusing to write or delete through it (nothing was touched)", self.root)
        if self.root.exists() and not self.root.is_dir():
            raise ConfinementError("is not a folder", self.root)
        for name in (MANIFEST_NAME, LOCK_NAME, STAGING_NAME):
            if (self.root / name).is_symlink():
                raise ConfinementError("is a symlink; refusing to write or delete through it (nothing was touched)", self.root / name)

    @contextmanager
    def locked(self, on_wait: Callable[[], None] | None = None) -> Iterator[None]:
        """Hold the folder's lock; a second build blocks here (after `on_wait` is told) until the first is done."""
        self.check()
        self.root.mkdir(parents=True, exist_ok=True)
        lock_path = unlinked_path(self.root, LOCK_NAME)
        descriptor = os.open(lock_path, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW, 0o644)
        try:
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                if on_wait is not None:
                    on_wait()
                fcntl.flock(descriptor, fcntl.LOCK_EX)
            self.clean_stale()
            yield
            self.clean_stale()  # an empty staging folder, or what a failed write left
        finally:
            os.close(descriptor)  # releases the lock

    # --- staging --------------------------------------------------------------------------

    @property
    def staging(self) -> Path:
        return self.root / STAGING_NAME

    def clean_stale(self) -> None:
        """Remove what an interrupted build left: staging folders and atomic_write temps.

        A fallback swap cut between its two renames left the old set in staging and no
        thread folder: that set is put back first.
        """
        staging = unlinked_path(self.root, STAGING_NAME)
        if staging.is_dir():
            for entry in sorted(staging.iterdir()):
                if entry.name.endswith(".old") and not entry.is_symlink() and entry.is_dir():
                    slug = entry.name[: -len(".old")].rsplit("~", 1)[0].replace(UNIT_SEPARATOR, "/")
                    home = self.root / slug
                    if not home.exists() and not home.is_symlink():
                        os.rename(entry, home)
                        continue
            _remove_tree(staging)
        for folder in [self.root] + [entry for entry in self.root.iterdir() if entry.is_dir() and not entry.is_symlink()]:
            for candidate in (folder, folder / SLIDES_DIR):
                if candidate.is_dir() and not candidate.is_symlink():
                    for leftover in candidate.iterdir():
                        if TEMP_FILE.match(leftover.name) and leftover.is_file() and not leftover.is_symlink():
                            leftover.unlink()

    def _new_staging(self, slug: str) -> Path:
        staging = unlinked_path(self.root, STAGING_NAME)
        staging.mkdir(exist_ok=True)
        # a target's unit is `slug/target`: one flat staging name for it ('+' is in no slug)
        folder = staging / f"{slug.replace('/', UNIT_SEPARATOR)}~{secrets.token_hex(4)}"
        folder.mkdir()
        return folder

    # --- one thread ------------------------------------------------------------------------

    def replace_thread(self, slug: str, files: dict[str, bytes], owned: Iterable[str] = ()) -> dict[str, str]:
        """Make `<out>/<slug>/` hold exactly `files` (plus anything there we did not write).

        `owned` are the paths (relative to the output folder, `slug/...`) the previous
        manifest lists: those not produced again are removed with the old set. Files
        whose bytes are unchanged keep their inode. Returns {`slug/relative`: sha256}.
        Raises ConfinementError or OutputError, leaving the previous set in place.
        """
        self.check()
        thread_dir = unlinked_path(self.root, slug)
        owned_here = {path[len(slug) + 1 :] for path in owned if path.startswith(f"{slug}/")}
        existing = _thread_entries(thread_dir)  # raises on symlinks and foreign folders
        digests = {f"{slug}/{relative}": sha256(data) for relative, data in files.items()}
        unchanged = {relative for relative, data in files.items() if relative in existing and _same_bytes(thread_dir / relative, data)}
        stale_owned = (owned_here & set(existing)) - set(files)
        if unchanged == set(files) and not stale_owned and thread_dir.is_dir():
            return digests  # nothing to do: no file is touched
        staged = self._new_staging(slug)
        try:
            keep = [relative for relative in existing if relative not in files and relative not in owned_here]
            for relative in sorted(set(files) | set(keep)):
                target = staged / relative
                target.parent.mkdir(parents=True, exist_ok=True)
                if relative in unchanged or relative in keep:
                    _link_or_copy(thread_dir / relative, target)
                else:
                    _write_new(target, files[relative])
            _fsync_tree(staged)
            self._swap_into_place(staged, thread_dir)
        except OSError as error:
            _remove_tree(staged)
            if error.errno == errno.ENOSPC:
                raise OutputError(f"no space left on the device writing {slug}/; its previous files are unchanged") from error
            raise OutputError(f"cannot write {slug}/: {error.strerror or error}; its previous files are unchanged") from error
        return digests

    def _swap_into_place(self, staged: Path, thread_dir: Path) -> None:
        if thread_dir.parent != self.root:
            thread_dir.parent.mkdir(exist_ok=True)  # <slug>/ of a target's <slug>/<target>/ (checked: no symlink on the way)
        if not thread_dir.exists():
            os.rename(staged, thread_dir)
        elif _exchange(staged, thread_dir):
            _remove_tree(staged)  # now the old set
        else:  # no RENAME_EXCHANGE here: two renames; clean_stale puts the old set back if cut between them
            old = staged.with_name(staged.name + ".old")
            os.rename(thread_dir, old)
            os.rename(staged, thread_dir)
            _remove_tree(old)
        _fsync_dir(self.root)

    def remove_thread(self, slug: str, owned: Iterable[str]) -> None:
        """Delete the files of a thread that is gone: only those its manifest lists, then its empty folders."""
        for relative in sorted(owned):
            try:
                path = unlinked_path(self.root, relative)
            except ConfinementError:
                continue  # a link or a path outside: never deleted through
            if path.is_file():
                path.unlink()
        folders = [f"{slug}/{SLIDES_DIR}", slug] + ([slug.rsplit("/", 1)[0]] if "/" in slug else [])
        for folder in folders:
            try:
                unlinked_path(self.root, folder).rmdir()
            except (OSError, ConfinementError):
                pass

    # --- the manifest ----------------------------------------------------------------------

    def read_manifest(self) -> dict[str, Any]:
        return read_manifest(self.root)

    def write_manifest(self, manifest: dict[str, Any]) -> None:
        text = json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
        atomic_write(unlinked_path(self.root, MANIFEST_NAME), text.encode("utf-8"))


def read_manifest(out_dir: Path) -> dict[str, Any]:
    """The previous manifest, or an empty one when absent or unreadable."""
    path = out_dir / MANIFEST_NAME
    if path.is_symlink():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def write_manifest(out_dir: Path, manifest: dict[str, Any]) -> None:
    OutputFolder(out_dir).write_manifest(manifest)


# --- helpers -------------------------------------------------------------------------------


def _thread_entries(thread_dir: Path) -> dict[str, Path]:
    """Regular files in a thread folder and its slides/, relative; symlinks and other folders refused."""
    entries: dict[str, Path] = {}
    if not thread_dir.exists():
        return entries
    for folder, prefix in ((thread_dir, ""), (thread_dir / SLIDES_DIR, f"{SLIDES_DIR}/")):
        if not folder.exists() and not folder.is_symlink():
            continue
        if folder.is_symlink():
            raise ConfinementError("is a symlink; refusing to write or delete through it (nothing was touched)", folder)
        for entry in folder.iterdir():
            if entry.is_symlink():
                raise ConfinementError("is a symlink; refusing to write or delete through it (nothing was touched)", entry)
            if entry.is_dir():
                if prefix == "" and entry.name == SLIDES_DIR:
                    continue
                raise ConfinementError("is a folder carousel did not write; move it away (nothing was touched)", entry)
            if entry.is_file() and not TEMP_FILE.match(entry.name):
                entries[prefix + entry.name] = entry
    return entries


def _same_bytes(path: Path, data: bytes) -> bool:
    try:
        if path.stat().st_size != len(data):
            return False
        return path.read_bytes() == data
    except OSError:
        return False


def _write_new(path: Path, data: bytes) -> None:
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644)
    with os.fdopen(descriptor, "wb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


def _link_or_copy(source: Path, target: Path) -> None:
    try:
        os.link(source, target, follow_symlinks=False)
    except OSError:
        shutil.copy2(source, target, follow_symlinks=False)


def _fsync_dir(folder: Path) -> None:
    descriptor = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _fsync_tree(root: Path) -> None:
    for folder, _, _ in os.walk(root):
        _fsync_dir(Path(folder))


def _remove_tree(root: Path) -> None:
    """Delete a folder this program made (staging), never following a link out of it."""
    if root.is_symlink():
        root.unlink()
        return
    if not root.exists():
        return
    for folder, dirs, files in os.walk(root, topdown=False, followlinks=False):
        for name in files:
            os.unlink(os.path.join(folder, name))
        for name in dirs:
            path = os.path.join(folder, name)
            if os.path.islink(path):
                os.unlink(path)
            else:
                os.rmdir(path)
    os.rmdir(root)


_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def _exchange(first: Path, second: Path) -> bool:
    """Swap two paths atomically (Linux renameat2 RENAME_EXCHANGE). False when unsupported."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    renameat2.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    if renameat2(_AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE) == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), str(second))
