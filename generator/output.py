"""Writing output: whole-thread replacement, the manifest, and the output folder's lock.

The output folder may sit in a repository cloned from someone else, so nothing here
writes or deletes through a symlink (`confine.unlinked_path`), and nothing is deleted
that this program did not write: a thread's own files are the ones its manifest entry
lists.

A thread's files are replaced as a set. The new set is staged in
`<out>/.carousel-staging/` (same file system), unchanged files hard-linked so they keep
their inode and mtime, then the staged folder and `<out>/<slug>/` are swapped in one
`renameat2(RENAME_EXCHANGE)`: a reader, a kill -9 or a full disk sees the old set or the
new one, never a mix. A removed thread is swapped the same way with a folder holding
only the files we did not write.

The manifest cannot change in the same rename as a folder, so each swap is journaled:
the manifest as it must read after the swap is written to `<out>/.carousel-manifest-next.json`
first, the folder swapped, then the journal renamed over `manifest.json`. A kill between
the swap and that rename leaves a journal that matches the files on disk (and a
manifest.json that does not): `read_manifest` — used by every command that reads the
manifest — takes whichever of the two the files on disk match, and the next build
(taking the lock) commits or drops the journal. A build holds `<out>/.carousel.lock`
while it writes; a second build waits for it. Staging left by an interrupted build is
cleaned (or, for a half-done fallback swap, put back) by the next.
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
import stat
import tempfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, NonNegativeInt, ValidationError

from generator.confine import ConfinementError, unlinked_path

MANIFEST_NAME = "manifest.json"
JOURNAL_NAME = ".carousel-manifest-next.json"  # the manifest as it reads once the swap under way is done
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


@dataclass(frozen=True)
class LinkedFile:
    """A file of another output folder (a shard's) taken as it is: hard-linked where the file system allows, else copied.

    `digest` is the sha256 it must have: the staged file is checked against it, so a
    source changed since it was checked is refused rather than swapped in.
    """

    source: Path
    digest: str


FileContent = bytes | LinkedFile  # what replace_thread puts at a name: these bytes, or that file


def regular_file_sha256(path: Path) -> str:
    """The sha256 of a regular file, opened through no final symlink; OSError for anything else (a link, a FIFO, a device)."""
    descriptor = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)  # a FIFO opens without blocking, and is refused below
    with os.fdopen(descriptor, "rb") as handle:
        if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
            raise OSError(errno.EINVAL, "not a regular file", str(path))
        return hashlib.file_digest(handle, "sha256").hexdigest()


# --- the output folder -------------------------------------------------------------------


class OutputFolder:
    """The real output folder of a build: checked, locked, and written one thread at a time."""

    def __init__(self, root: Path):
        self.root = root
        self._fragments = ManifestFragments()  # a build writes the manifest at every swap: each unit's text is made once

    def check(self) -> None:
        """Refuse an output folder that is a symlink (or not a folder); nothing is touched."""
        if self.root.is_symlink():
            raise ConfinementError("is a symlink; refusing to write or delete through it (nothing was touched)", self.root)
        if self.root.exists() and not self.root.is_dir():
            raise ConfinementError("is not a folder", self.root)
        for name in (MANIFEST_NAME, JOURNAL_NAME, LOCK_NAME, STAGING_NAME):
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
            self.recover_journal()
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

    def replace_thread(
        self, slug: str, files: Mapping[str, FileContent], owned: Iterable[str] = (), manifest: dict[str, Any] | None = None
    ) -> dict[str, str]:
        """Make `<out>/<slug>/` hold exactly `files` (plus anything there we did not write).

        A file is given as its bytes, or as a `LinkedFile` (a merge) that is hard-linked
        or copied into staging and checked against its sha256 there. `owned` are the
        paths (relative to the output folder, `slug/...`) the previous manifest lists:
        those not produced again are removed with the old set. Files whose bytes are
        unchanged keep their inode. With `manifest`, manifest.json holds it once the new
        set is in place (the swap is journaled, see the module's docstring). Returns
        {`slug/relative`: sha256}. Raises ConfinementError or OutputError, leaving the
        previous set (and manifest.json) in place.
        """
        self.check()
        thread_dir = unlinked_path(self.root, slug)
        owned_here = {path[len(slug) + 1 :] for path in owned if path.startswith(f"{slug}/")}
        existing = _thread_entries(thread_dir)  # raises on symlinks and foreign folders
        digests = file_digests(slug, files)
        unchanged = {relative for relative, data in files.items() if relative in existing and _same_content(thread_dir / relative, data)}
        stale_owned = (owned_here & set(existing)) - set(files)
        if unchanged == set(files) and not stale_owned and (thread_dir.is_dir() or not files):
            if manifest is not None:  # no file is touched: the manifest alone may change
                self.write_manifest(manifest)
            return digests
        staged = self._new_staging(slug)
        try:
            keep = [relative for relative in existing if relative not in files and relative not in owned_here]
            for relative in sorted(set(files) | set(keep)):
                target = staged / relative
                target.parent.mkdir(parents=True, exist_ok=True)
                if relative in unchanged or relative in keep:
                    _link_or_copy(thread_dir / relative, target)
                else:
                    _stage_file(target, files[relative], f"{slug}/{relative}")
            _fsync_tree(staged)
            if manifest is not None:
                self._write_journal(manifest)
            old_set = self._swap_into_place(staged, thread_dir)
        except OutputError:
            _remove_tree(staged)  # a source that changed under us: found while staging, before any journal
            raise
        except OSError as error:
            self._drop_journal()
            _remove_tree(staged)
            if error.errno == errno.ENOSPC:
                raise OutputError(f"no space left on the device writing {slug}/; its previous files are unchanged") from error
            raise OutputError(f"cannot write {slug}/: {error.strerror or error}; its previous files are unchanged") from error
        # the new set is in place: from here a kill leaves a journal that matches it
        for folder in {thread_dir.parent, self.root}:
            _fsync_dir(folder)  # the swap reaches the disk before the manifest does
        if manifest is not None:
            self._commit_journal()
        if old_set is not None:
            try:
                _remove_tree(old_set)
            except OSError:
                pass  # the new set and its manifest are in place; clean_stale removes the old one when the lock is released
        return digests

    def _swap_into_place(self, staged: Path, thread_dir: Path) -> Path | None:
        """Put `staged` at `thread_dir` in one step; returns where the old set now is (to delete), if any.

        An empty `staged` (a removed thread with no file of the user's) moves the folder away instead.
        """
        old_set: Path | None
        if not any(staged.iterdir()) and thread_dir.is_dir():
            old_set = staged.with_name(staged.name + ".gone")
            os.rename(thread_dir, old_set)
            return old_set
        if thread_dir.parent != self.root:
            thread_dir.parent.mkdir(exist_ok=True)  # <slug>/ of a target's <slug>/<target>/ (checked: no symlink on the way)
        if not thread_dir.exists():
            os.rename(staged, thread_dir)
            old_set = None
        elif _exchange(staged, thread_dir):
            old_set = staged  # now the old set
        else:  # no RENAME_EXCHANGE here: two renames; clean_stale puts the old set back if cut between them
            old_set = staged.with_name(staged.name + ".old")
            os.rename(thread_dir, old_set)
            try:
                os.rename(staged, thread_dir)
            except OSError:
                os.rename(old_set, thread_dir)
                raise
        return old_set

    def remove_thread(self, slug: str, owned: Iterable[str], manifest: dict[str, Any] | None = None) -> None:
        """Delete the files of a thread that is gone, as one swap: only those its manifest lists; then its empty folders.

        A thread folder holding a symlink (or a folder we did not write) is left untouched:
        nothing is deleted through a link. Raises OutputError (previous files in place).
        """
        try:
            self.replace_thread(slug, {}, owned, manifest)
        except ConfinementError:
            if manifest is not None:
                self.write_manifest(manifest)
            return
        folders = [f"{slug}/{SLIDES_DIR}", slug] + ([slug.rsplit("/", 1)[0]] if "/" in slug else [])
        for folder in folders:
            try:
                unlinked_path(self.root, folder).rmdir()
            except (OSError, ConfinementError):
                pass  # not empty (files of the user's), or already gone

    def holds(self, name: str, content: FileContent) -> bool:
        """Whether `name` (relative to the folder) is already a regular file with this content, read through no symlink."""
        try:
            path = unlinked_path(self.root, name)
        except ConfinementError:
            return False
        return path.is_file() and _same_content(path, content)

    # --- the manifest ----------------------------------------------------------------------

    def read_manifest(self) -> dict[str, Any]:
        return read_manifest(self.root)

    def write_manifest(self, manifest: dict[str, Any]) -> None:
        """Write manifest.json (atomically), unless it already holds exactly these bytes."""
        data = manifest_bytes(manifest, self._fragments)
        path = unlinked_path(self.root, MANIFEST_NAME)
        if path.is_file() and path.read_bytes() == data:
            return
        atomic_write(path, data)

    def _write_journal(self, manifest: dict[str, Any]) -> None:
        atomic_write(unlinked_path(self.root, JOURNAL_NAME), manifest_bytes(manifest, self._fragments))
        _fsync_dir(self.root)  # on the disk before the swap it describes

    def _commit_journal(self) -> None:
        os.replace(unlinked_path(self.root, JOURNAL_NAME), unlinked_path(self.root, MANIFEST_NAME))
        _fsync_dir(self.root)

    def _drop_journal(self) -> None:
        unlinked_path(self.root, JOURNAL_NAME).unlink(missing_ok=True)

    def recover_journal(self) -> None:
        """Finish what a killed build left: commit its journal if its swap was done, else drop it."""
        journal = unlinked_path(self.root, JOURNAL_NAME)
        if not journal.is_file():
            return
        committed, pending = _load_manifest(self.root / MANIFEST_NAME), _load_manifest(journal)
        if pending and journal_holds(self.root, committed, pending):
            self._commit_journal()
        else:
            self._drop_journal()


def _indented(value: Any, level: int) -> str:
    """`value` as json.dumps(indent=2, sort_keys=True) writes it `level` levels deep (JSON text holds no raw newline)."""
    return json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False).replace("\n", "\n" + "  " * level)


class ManifestFragments:
    """The JSON text of each unit's record, kept while the record is the same object.

    The Builder replaces a unit's record, never changes it in place, so a swap writes the
    manifest without encoding every other unit again (200 threads: the encoding once, not 200 times).
    """

    def __init__(self) -> None:
        self._texts: dict[str, tuple[object, str]] = {}

    def text(self, unit: str, record: Any) -> str:
        known = self._texts.get(unit)
        if known is not None and known[0] is record:
            return known[1]
        text = _indented(record, 2)
        self._texts[unit] = (record, text)
        return text

    def keep_only(self, units: Iterable[str]) -> None:
        kept = set(units)
        self._texts = {unit: known for unit, known in self._texts.items() if unit in kept}


def manifest_bytes(manifest: dict[str, Any], fragments: ManifestFragments | None = None) -> bytes:
    """The bytes of manifest.json: json.dumps(indent=2, sort_keys=True), so a rebuild is byte-identical.

    With `fragments`, each unit's text is reused while its record is the same object.
    """
    threads = manifest.get("threads")
    if fragments is None or not isinstance(threads, dict) or not threads or not all(isinstance(unit, str) for unit in threads):
        return (json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")
    fragments.keep_only(threads)
    units = ",\n".join(f"    {json.dumps(unit, ensure_ascii=False)}: {fragments.text(unit, threads[unit])}" for unit in sorted(threads))
    parts = [
        f"  {json.dumps(name, ensure_ascii=False)}: " + ("{\n" + units + "\n  }" if name == "threads" else _indented(value, 1))
        for name, value in sorted(manifest.items())
    ]
    return ("{\n" + ",\n".join(parts) + "\n}\n").encode("utf-8")


def file_digests(slug: str, files: Mapping[str, FileContent]) -> dict[str, str]:
    """{`slug/relative`: sha256} of a thread's files, as the manifest lists them."""
    return {f"{slug}/{relative}": data.digest if isinstance(data, LinkedFile) else sha256(data) for relative, data in files.items()}


_READ_ATTEMPTS = 3  # a build committing meanwhile changes the files under us: read again


def read_manifest(out_dir: Path) -> dict[str, Any]:
    """The manifest that describes the files on disk; empty when absent or unreadable.

    That is manifest.json, or the journal of a build killed between a thread's swap and
    renaming the journal over manifest.json: whichever the files on disk match. Nothing
    is written (the next build commits the journal).
    """
    current: dict[str, Any] = {}
    for _ in range(_READ_ATTEMPTS):
        seen = _identities(out_dir)
        current = reconcile_manifest(out_dir, _load_manifest(out_dir / MANIFEST_NAME))
        if _identities(out_dir) == seen:
            break
    return current


def reconcile_manifest(out_dir: Path, committed: dict[str, Any]) -> dict[str, Any]:
    """`committed` (as read from manifest.json), or the folder's journal when the files on disk are the journal's."""
    journal_path = out_dir / JOURNAL_NAME
    if not journal_path.is_file() or journal_path.is_symlink():
        return committed
    journal = _load_manifest(journal_path)
    return journal if journal and journal_holds(out_dir, committed, journal) else committed


def journal_holds(out_dir: Path, committed: dict[str, Any], journal: dict[str, Any]) -> bool:
    """Whether the files on disk are the journal's wherever it and manifest.json list different files.

    Every file the journal lists there must be on disk with its sha256, and every one
    only manifest.json lists must be gone: the old set and the new one always differ in
    one or the other (an unchanged set is never swapped).
    """
    before, after = _files_by_unit(committed), _files_by_unit(journal)
    for unit in sorted(set(before) | set(after)):
        old, new = before.get(unit, {}), after.get(unit, {})
        if old == new:
            continue
        if not all(_holds(out_dir, name, digest) for name, digest in new.items()):
            return False
        if any(_present(out_dir, name) for name in set(old) - set(new)):
            return False
    return True


class UnitRecord(BaseModel):
    """What a unit's manifest entry records of its output, as readers rely on it (a build writes more: title, status, …).

    `files` ({`slug/relative`: sha256}) and `slides` are absent for a unit that was never
    built (a thread that failed the first time); `model_fields_set` tells.
    """

    model_config = ConfigDict(strict=True, extra="allow", frozen=True)

    files: dict[str, str] = Field(default_factory=dict)
    slides: NonNegativeInt = 0
    alt: list[str] = Field(default_factory=list)


_MUST_BE = {
    "model_type": "a mapping",
    "dict_type": "a mapping",
    "list_type": "a list",
    "string_type": "a string",
    "int_type": "a whole number",
    "greater_than_equal": "0 or more",
}


def unit_record_problems(unit: str, entry: Any) -> list[str]:
    """What is wrong with a unit's manifest entry, one message per field (`thread 'a': files must be a mapping`); none when sound."""
    try:
        UnitRecord.model_validate(entry)
    except ValidationError as error:
        problems = []
        for detail in error.errors():
            loc = tuple(detail["loc"])
            field_name = "".join(f"[{part!r}]" if index else str(part) for index, part in enumerate(loc))
            must_be = _MUST_BE.get(detail["type"])
            what = f"must be {must_be}" if must_be else detail["msg"]
            problems.append(f"thread '{unit}': {field_name + ' ' if field_name else ''}{what}")
        return problems
    return []


def owned_files(entry: Any) -> list[str]:
    """The files a manifest entry says this program wrote (the ones a build or merge may replace or remove)."""
    files = entry.get("files") if isinstance(entry, dict) else None
    return [path for path in files if isinstance(path, str)] if isinstance(files, dict) else []


def write_manifest(out_dir: Path, manifest: dict[str, Any]) -> None:
    OutputFolder(out_dir).write_manifest(manifest)


def _load_manifest(path: Path) -> dict[str, Any]:
    if path.is_symlink():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _identities(out_dir: Path) -> list[tuple[int, int, int] | None]:
    """What changes when manifest.json or the journal is replaced (inode, mtime, size)."""
    identities: list[tuple[int, int, int] | None] = []
    for name in (MANIFEST_NAME, JOURNAL_NAME):
        try:
            status = os.lstat(out_dir / name)
        except OSError:
            identities.append(None)
            continue
        identities.append((status.st_ino, status.st_mtime_ns, status.st_size))
    return identities


def _files_by_unit(manifest: dict[str, Any]) -> dict[str, dict[str, str]]:
    threads = manifest.get("threads")
    if not isinstance(threads, dict):
        return {}
    units: dict[str, dict[str, str]] = {}
    for unit, entry in threads.items():
        files = entry.get("files") if isinstance(entry, dict) else None
        units[str(unit)] = {str(name): str(digest) for name, digest in files.items()} if isinstance(files, dict) else {}
    return units


def _holds(out_dir: Path, name: str, digest: str) -> bool:
    """Whether `name` (relative to the output folder) is a regular file with this sha256, read through no symlink."""
    try:
        path = unlinked_path(out_dir, name)
        return path.is_file() and sha256(path.read_bytes()) == digest
    except (ConfinementError, OSError, ValueError):
        return False


def _present(out_dir: Path, name: str) -> bool:
    try:
        return unlinked_path(out_dir, name).exists()
    except ConfinementError:
        return True  # a link where our file was: not the set the journal describes
    except (OSError, ValueError):
        return False


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


def _same_content(path: Path, content: FileContent) -> bool:
    if isinstance(content, bytes):
        return _same_bytes(path, content)
    try:
        if os.path.samestat(os.lstat(path), os.lstat(content.source)):
            return True  # linked by an earlier merge: one file (its source was checked by the caller)
        return regular_file_sha256(path) == content.digest
    except OSError:
        return False


def _stage_file(target: Path, content: FileContent, name: str) -> None:
    """Put one new file in staging: write its bytes, or link (else copy) its source and check that against its sha256."""
    if isinstance(content, bytes):
        _write_new(target, content)
        return
    _link_or_copy(content.source, target)
    if regular_file_sha256(target) != content.digest:  # changed (or replaced) since the caller checked it
        raise OutputError(f"{content.source} changed while it was being taken as {name}; the previous files are unchanged")
    _fsync_file(target)  # a copy (or a source never synced) is on the disk before the swap


def _fsync(path: Path, flags: int) -> None:
    descriptor = os.open(path, os.O_RDONLY | flags)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _fsync_file(path: Path) -> None:
    _fsync(path, os.O_NOFOLLOW)


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
    _fsync(folder, os.O_DIRECTORY)


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
