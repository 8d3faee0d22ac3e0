"""WeasyPrint, imported once and quickly: import it from here, never directly.

``import weasyprint`` opens Pango, HarfBuzz, fontconfig… through cffi, trying up to six
names per library; each name that does not open makes cffi call
``ctypes.util.find_library``, which on Linux spawns ``ldconfig -p`` and, for a name
ldconfig does not know, ``gcc`` and ``ld``: 22 ``ldconfig``, 16 ``gcc`` and 16 ``ld``
processes per import, about 0.3 s. While WeasyPrint is imported here, those lookups are
answered by `generator.render.findlib.LibraryFinder`: the same answers, from one
``ldconfig -p`` and two probe links. Elsewhere than Linux nothing changes.
"""

from __future__ import annotations

import ctypes.util
import sys
from collections.abc import Iterator
from contextlib import contextmanager

from generator.render.findlib import LibraryFinder, read_ldconfig


@contextmanager
def fast_library_lookup() -> Iterator[LibraryFinder | None]:
    """Within the block, ``ctypes.util.find_library`` is a `LibraryFinder` (Linux, stock ctypes)."""
    original = ctypes.util.find_library
    if sys.platform != "linux" or original.__module__ != "ctypes.util":
        yield None  # another platform's lookup, or one already replaced: not ours to mimic
        return
    finder = LibraryFinder(read_ldconfig(), original)
    ctypes.util.find_library = finder
    try:
        yield finder
    finally:
        ctypes.util.find_library = original


with fast_library_lookup() as IMPORT_FINDER:  # kept: which names the import asked, and the answers
    import weasyprint

__all__ = ["IMPORT_FINDER", "fast_library_lookup", "weasyprint"]
