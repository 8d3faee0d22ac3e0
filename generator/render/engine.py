"""WeasyPrint, imported once and quickly: import it from here, never directly.

``import weasyprint`` opens Pango, HarfBuzz, fontconfig… through cffi, trying up to six
names per library. Every name that is not a file name makes cffi call
``ctypes.util.find_library``, which on Linux spawns ``ldconfig -p`` and, when that finds
nothing, ``gcc`` and ``ld``: 22 ``ldconfig`` and 16 compiler processes per import, about
0.3 s of a 1.3 s import. While WeasyPrint is imported here, those lookups are answered
from one ``ldconfig -p`` listing, read with the same pattern ``find_library`` uses; a
name ldconfig does not know gets ``None`` instead of a compiler run (WeasyPrint's list
always ends with the library's exact file name, which ``dlopen`` then finds itself,
``LD_LIBRARY_PATH`` included). Elsewhere, or without ``ldconfig``, nothing changes.
"""

from __future__ import annotations

import ctypes.util
import os
import re
import shutil
import struct
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager


def _ldconfig_listing() -> str | None:
    ldconfig = shutil.which("ldconfig") or next((p for p in ("/sbin/ldconfig", "/usr/sbin/ldconfig") if os.path.exists(p)), None)
    if ldconfig is None:
        return None
    try:
        done = subprocess.run([ldconfig, "-p"], capture_output=True, env={**os.environ, "LC_ALL": "C", "LANG": "C"}, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.decode("utf-8", "replace") if done.returncode == 0 and done.stdout else None


def _abi_type() -> str:
    """The ABI tag ldconfig prints for this interpreter's libraries (as ctypes.util computes it)."""
    machine = os.uname().machine + "-32" if struct.calcsize("l") == 4 else os.uname().machine + "-64"
    return {
        "x86_64-64": "libc6,x86-64",
        "ppc64-64": "libc6,64bit",
        "sparc64-64": "libc6,64bit",
        "s390x-64": "libc6,64bit",
        "ia64-64": "libc6,IA-64",
    }.get(machine, "libc6")


def cached_find_library(listing: str) -> Callable[[str], str | None]:
    """A ``find_library`` answering from an ``ldconfig -p`` listing (pure: no processes)."""
    abi = re.escape(_abi_type())

    def find_library(name: str) -> str | None:
        match = re.search(r"\s+(lib%s\.[^\s]+)\s+\(%s" % (re.escape(name), abi), listing)  # noqa: UP031
        return match.group(1) if match else None

    return find_library


@contextmanager
def fast_library_lookup() -> Iterator[None]:
    """Within the block, ``ctypes.util.find_library`` answers from one ``ldconfig -p`` (Linux)."""
    listing = _ldconfig_listing() if sys.platform.startswith("linux") else None
    if listing is None:
        yield
        return
    original = ctypes.util.find_library
    ctypes.util.find_library = cached_find_library(listing)  # type: ignore[assignment]  # (same signature, not the same def)
    try:
        yield
    finally:
        ctypes.util.find_library = original


with fast_library_lookup():
    import weasyprint

__all__ = ["cached_find_library", "fast_library_lookup", "weasyprint"]
