"""Importing the modules a process keeps until it ends, without paying the cyclic GC for them.

Importing WeasyPrint, pydantic's schemas and the render stack allocates some hundred
thousand objects; each 700 allocations the cyclic garbage collector scans the young ones,
and the survivors are scanned again by every older collection: about 330 collections,
0.1-0.15 s of a one-thread build. Modules live as long as the process, so while they are
imported the collector is paused, and afterwards what exists is frozen (`gc.freeze`):
kept out of every later collection, which then scans only what rendering makes.

Only a first import is treated so: a module already imported costs nothing, and freezing
then would keep whatever garbage happened to exist (in a long-lived process, a test run
say) for good.
"""

from __future__ import annotations

import gc
import importlib
import sys
from types import ModuleType


def import_long_lived(module_name: str) -> ModuleType:
    """The module, imported (the first time) with the collector paused, then frozen."""
    module = sys.modules.get(module_name)
    if module is not None:
        return module
    collecting = gc.isenabled()
    gc.disable()
    try:
        module = importlib.import_module(module_name)
    finally:
        if collecting:
            gc.freeze()
            gc.enable()
    return module
