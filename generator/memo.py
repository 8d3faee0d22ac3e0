"""Derived data remembered between runs, keyed by the content it is derived from.

Some facts cost a build more to work out than the rendering they serve: a font's
advance widths (fontTools decompiles its tables), a stylesheet's rules with the classes
each needs (tinycss2 and cssselect2 parse ~30 KB of CSS), the templates a layout
template names (Jinja parses it). They are pure functions of a file's or a text's
content, so `Memo` keeps each result in the `memo/` of the user's cache folder
(generator.user_cache; never a project's `.carousel-cache/`, which a repository could
commit with forged entries) under a sha256 of that content (and of what kind of fact it
is, and MEMO_FORMAT): an entry can never be stale, only unused, and projects share
them. Paths, times and the machine are never part of an entry.

A missing, unreadable or malformed entry (a foreign file, a torn write, a hand edit, a
value of the wrong shape, which each caller's `valid` check rejects) is worked out
again and rewritten: the memo only ever saves time. An entry is a small JSON
file written whole (temporary file, then rename) without fsync: losing one costs only
its recomputation. The folder keeps at most `limit` entries; beyond that the oldest
half (by modification time) is removed, so a project whose stylesheets change all day
does not grow its cache without bound. `Memo(None)` remembers nothing between runs
(tests, a read-only checkout).
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from generator.confine import ConfinementError, unlinked_path

MEMO_FORMAT = 1
MEMO_FOLDER = "memo"
DEFAULT_LIMIT = 2000  # entries; ~1–60 KB each


class Memo:
    """Remembers JSON values computed from content, in a folder (or nowhere, with None)."""

    def __init__(self, folder: Path | None, *, limit: int = DEFAULT_LIMIT):
        self.folder = folder
        self.limit = limit
        self._values: dict[str, Any] = {}  # what this process already read or computed
        self._entries: int | None = None  # entries in the folder, counted at the first write

    @classmethod
    def in_cache(cls, cache_dir: Path) -> Memo:
        """The memo of a cache folder; remembers nothing on disk when that folder, or its
        `memo/`, is a symlink (the build refuses such a cache folder by name)."""
        try:
            return cls(unlinked_path(cache_dir, MEMO_FOLDER))
        except ConfinementError:
            return cls(None)

    def remembered(self, kind: str, material: bytes, compute: Callable[[], Any], valid: Callable[[Any], bool]) -> Any:
        """`compute()`'s JSON value for `material` (the content it is computed from), from
        the memo when it holds one that `valid` accepts. `kind` names the fact (and its version)."""
        if self.folder is None:
            return compute()  # nothing to look up: not even worth hashing `material`
        digest = hashlib.sha256(f"{MEMO_FORMAT}\0{kind}\0".encode() + material).hexdigest()
        name = f"{kind}-{digest[:40]}.json"
        if name in self._values:
            return self._values[name]
        value = self._read(name)
        if value is None or not valid(value):
            value = compute()
            self._write(name, value)
        self._values[name] = value
        return value

    def _read(self, name: str) -> Any:
        if self.folder is None:
            return None
        try:
            entry = json.loads((self.folder / name).read_bytes())
        except (OSError, ValueError):
            return None
        if not isinstance(entry, dict) or entry.get("format") != MEMO_FORMAT or "value" not in entry:
            return None
        return entry["value"]

    def _write(self, name: str, value: Any) -> None:
        if self.folder is None:
            return
        data = json.dumps({"format": MEMO_FORMAT, "value": value}, separators=(",", ":")).encode()
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            if self.folder.is_symlink():
                return
            handle, temp_name = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=self.folder)
            try:
                with os.fdopen(handle, "wb") as temp_file:
                    temp_file.write(data)
                os.replace(temp_name, self.folder / name)
            except BaseException:
                Path(temp_name).unlink(missing_ok=True)
                raise
        except OSError:
            return  # a read-only or full disk: the value is still used, only not remembered
        if self._entries is None:
            self._entries = self._count()
        self._entries += 1  # (an overwritten entry counts twice: pruning is only early)
        if self._entries > self.limit:
            self._entries = self._prune()

    def _listing(self) -> list[tuple[int, str]]:
        assert self.folder is not None
        try:
            return [(entry.stat().st_mtime_ns, entry.path) for entry in os.scandir(self.folder) if entry.name.endswith(".json")]
        except OSError:
            return []

    def _count(self) -> int:
        return len(self._listing())

    def _prune(self) -> int:
        """Remove the oldest entries down to half the limit; returns how many are left."""
        entries = sorted(self._listing())
        removed = 0
        for _, path in entries[: max(0, len(entries) - self.limit // 2)]:
            try:
                os.unlink(path)
                removed += 1
            except OSError:
                continue
        return len(entries) - removed
