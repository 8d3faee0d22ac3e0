"""WeasyPrint is imported through generator.render.engine: library lookups from one ldconfig listing."""

from __future__ import annotations

import ctypes.util

from generator.render import engine

LISTING = """\
3 libs found in cache `/etc/ld.so.cache'
\tlibpango-1.0.so.0 (libc6,x86-64) => /lib/x86_64-linux-gnu/libpango-1.0.so.0
\tlibgobject-2.0.so.0 (libc6,x86-64) => /lib/x86_64-linux-gnu/libgobject-2.0.so.0
\tlibgobject-2.0.so.0 (libc6) => /lib/i386-linux-gnu/libgobject-2.0.so.0
"""


def test_cached_lookup_answers_like_find_library(monkeypatch):
    monkeypatch.setattr(engine, "_abi_type", lambda: "libc6,x86-64")
    find = engine.cached_find_library(LISTING)
    assert find("gobject-2.0") == "libgobject-2.0.so.0"
    assert find("pango-1.0") == "libpango-1.0.so.0"
    # names ldconfig does not know get None at once (no gcc/ld process)
    assert find("gobject-2.0-0") is None
    assert find("harfbuzz-subset") is None


def test_lookup_is_restored_after_the_import():
    assert ctypes.util.find_library.__module__ == "ctypes.util"
    assert engine.weasyprint.__name__ == "weasyprint"


def test_weasyprint_loaded_its_libraries():
    from weasyprint.text import ffi

    assert ffi.pango is not None and ffi.harfbuzz is not None and ffi.fontconfig is not None


def test_cached_lookup_agrees_with_ctypes_on_this_machine():
    import pytest

    listing = engine._ldconfig_listing()
    if listing is None:
        pytest.skip("no ldconfig here")
    find = engine.cached_find_library(listing)
    for name in ("pango-1.0", "gobject-2.0", "harfbuzz", "fontconfig", "pangoft2-1.0"):
        assert find(name) == ctypes.util.find_library(name)
