"""import_long_lived: a first import runs with the cyclic collector paused, then is frozen."""

from __future__ import annotations

import gc
import sys

import pytest

from generator.imports import import_long_lived


@pytest.fixture
def probe_module(tmp_path, monkeypatch):
    """A module that records, while it is imported, whether the collector was running."""
    (tmp_path / "carousel_gc_probe.py").write_text("import gc\nCOLLECTING = gc.isenabled()\nOBJECTS = [[n] for n in range(1000)]\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    yield "carousel_gc_probe"
    sys.modules.pop("carousel_gc_probe", None)


def test_a_first_import_pauses_the_collector_and_freezes_what_it_made(probe_module):
    assert gc.isenabled()
    module = import_long_lived(probe_module)
    assert module.COLLECTING is False
    assert gc.isenabled()
    assert gc.get_freeze_count() >= len(module.OBJECTS)
    assert not any(item is module.OBJECTS for item in gc.get_objects())  # frozen objects are out of every generation


def test_an_imported_module_is_returned_without_freezing_again(probe_module):
    first = import_long_lived(probe_module)
    frozen = gc.get_freeze_count()
    garbage = [[n] for n in range(100)]
    assert import_long_lived(probe_module) is first
    assert gc.get_freeze_count() == frozen
    del garbage


def test_a_failing_import_leaves_the_collector_running(tmp_path, monkeypatch):
    (tmp_path / "carousel_gc_broken.py").write_text("raise ImportError('broken on purpose')\n")
    monkeypatch.syspath_prepend(str(tmp_path))
    with pytest.raises(ImportError, match="broken on purpose"):
        import_long_lived("carousel_gc_broken")
    assert gc.isenabled()


def test_the_collector_stays_off_when_it_was_off(probe_module):
    gc.disable()
    try:
        module = import_long_lived(probe_module)
        assert module.COLLECTING is False
        assert not gc.isenabled()
    finally:
        gc.enable()
