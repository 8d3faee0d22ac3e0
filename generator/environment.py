"""What outside the project's files shapes the bytes of an output: library versions.

The build cache reuses an output only while everything that made it is unchanged. Besides
the project's files and the generator's own source, that is:

* the Python libraries on the rendering path (pinned by requirements.lock, but a user's
  environment may hold other versions);
* the native libraries WeasyPrint renders text with: Pango lays out and breaks lines,
  HarfBuzz shapes glyphs (and, with libharfbuzz-subset, subsets the embedded fonts),
  fontconfig matches fonts. A different Pango can move a line break, so it is a
  different output;
* third-party plugins (importers, output formats), by name and version.

Native versions are read with ctypes from the same shared objects WeasyPrint loads,
without importing WeasyPrint (a no-op build does not need it).
"""

from __future__ import annotations

import ctypes
import sys
from collections.abc import Callable
from functools import lru_cache
from importlib import metadata

# Python distributions whose version can change the bytes of an output.
OUTPUT_LIBRARIES = (
    "weasyprint",
    "pydyf",
    "tinycss2",
    "tinyhtml5",
    "cssselect2",
    "fonttools",
    "pypdfium2",
    "pillow",
    "markdown",
    "jinja2",
    "pygments",
    "nh3",
    "ftfy",
    "wcwidth",  # grapheme clusters: where the layout estimate breaks lines and cuts posts
    "pydantic",
    "pyyaml",
)

# The file names WeasyPrint tries for each library (weasyprint/text/ffi.py), in its order.
_LIBRARY_NAMES: dict[str, tuple[str, ...]] = {
    "pango": ("libpango-1.0.so.0", "libpango-1.0-0", "libpango-1.0.dylib", "libpango-1.0-0.dll"),
    "harfbuzz": ("libharfbuzz.so.0", "libharfbuzz-0", "libharfbuzz.0.dylib", "libharfbuzz-0.dll"),
    "harfbuzz-subset": ("libharfbuzz-subset.so.0", "libharfbuzz-subset-0", "libharfbuzz-subset.0.dylib", "libharfbuzz-subset-0.dll"),
    "fontconfig": ("libfontconfig.so.1", "libfontconfig-1", "libfontconfig.1.dylib", "libfontconfig-1.dll"),
}


def _open_library(names: tuple[str, ...]) -> ctypes.CDLL | None:
    for name in names:
        try:
            return ctypes.CDLL(name)
        except OSError:
            continue
    return None


def _version_string(function_name: str) -> Callable[[ctypes.CDLL], str]:
    def read(library: ctypes.CDLL) -> str:
        function = getattr(library, function_name)
        function.restype = ctypes.c_char_p
        function.argtypes = []
        value = function()
        return value.decode("ascii", "replace") if isinstance(value, bytes) else "?"

    return read


def _fontconfig_version(library: ctypes.CDLL) -> str:
    library.FcGetVersion.restype = ctypes.c_int
    library.FcGetVersion.argtypes = []
    number = int(library.FcGetVersion())  # e.g. 21401 for 2.14.1
    return f"{number // 10000}.{number // 100 % 100}.{number % 100}"


_VERSION_READERS: dict[str, Callable[[ctypes.CDLL], str]] = {
    "pango": _version_string("pango_version_string"),
    "harfbuzz": _version_string("hb_version_string"),
    # libharfbuzz-subset has no version of its own (it is HarfBuzz's): whether it is there
    # decides which subsetter writes the fonts, HarfBuzz's or fontTools'.
    "harfbuzz-subset": lambda library: "present",
    "fontconfig": _fontconfig_version,
}


@lru_cache(maxsize=1)
def native_library_versions() -> tuple[tuple[str, str], ...]:
    """(library, version) for Pango, HarfBuzz, HarfBuzz-subset and fontconfig; "-" when absent."""
    found: list[tuple[str, str]] = []
    for library_name, file_names in _LIBRARY_NAMES.items():
        library = _open_library(file_names)
        if library is None:
            found.append((library_name, "-"))
            continue
        try:
            found.append((library_name, _VERSION_READERS[library_name](library)))
        except AttributeError:  # a library without the expected symbol: an unknown build
            found.append((library_name, "?"))
    return tuple(found)


def python_library_versions(names: tuple[str, ...] = OUTPUT_LIBRARIES) -> tuple[tuple[str, str], ...]:
    """(distribution, version) for each of `names`; "-" when it is not installed."""
    found: list[tuple[str, str]] = []
    for name in names:
        try:
            found.append((name, metadata.version(name)))
        except metadata.PackageNotFoundError:
            found.append((name, "-"))
    return tuple(found)


def output_environment() -> tuple[tuple[str, str], ...]:
    """Every (name, version) outside the generator's own source that shapes an output's bytes."""
    from generator.plugins import plugin_versions

    python = ("python", ".".join(map(str, sys.version_info[:2])))
    return (
        python,
        *python_library_versions(),
        *(("native:" + name, version) for name, version in native_library_versions()),
        *(("plugin:" + name, version) for name, version in plugin_versions()),
    )
