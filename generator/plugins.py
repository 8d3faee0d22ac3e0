"""Third-party importers and output formats, registered as entry points.

A distribution extends Carousel Studio the way an MkDocs plugin extends MkDocs: it
declares entry points in its own ``pyproject.toml``::

    [project.entry-points."carousel.importers"]
    csv = "carousel_csv:CsvImporter"          # carousel import --from csv FILE

    [project.entry-points."carousel.outputs"]
    gif = "carousel_gif:GifOutput"            # formats: [pdf, gif]

Each entry point names a class (or any callable) that takes no arguments and returns
an object with the method of `Importer` or `OutputFormat` below. The entry point's
name is the name users type; a name the generator itself defines (``text``, ``pdf``…)
cannot be taken over. Every discovered plugin's distribution name and version enter
the build cache's fingerprint (generator/environment.py): upgrading a plugin rebuilds.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from importlib import metadata
from pathlib import Path, PurePosixPath
from typing import TYPE_CHECKING, Protocol, runtime_checkable

if TYPE_CHECKING:
    from generator.importers.model import ImportedThread

IMPORTERS_GROUP = "carousel.importers"
OUTPUTS_GROUP = "carousel.outputs"
GROUPS = (IMPORTERS_GROUP, OUTPUTS_GROUP)

# What the generator defines itself: plugins cannot take these names.
BUILTIN_NAMES = {
    IMPORTERS_GROUP: frozenset({"auto", "text", "page", "x-api", "x-archive"}),
    OUTPUTS_GROUP: frozenset({"pdf", "png", "jpg"}),
}
PLUGIN_NAME = re.compile(r"^[a-z][a-z0-9-]{0,31}$")
# A file an output format writes, relative to the thread's output folder.
OUTPUT_FILE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")


@dataclass(frozen=True)
class ImportSource:
    """What `carousel import --from NAME SOURCE` hands a plugin importer."""

    where: str  # the source as messages name it (a path, or <stdin>)
    path: Path | None  # the file or folder; None for standard input
    text: str | None  # the file's decoded text (None for a folder)
    thread_id: str | None  # --thread, when given


@runtime_checkable
class Importer(Protocol):
    """Reads a source into threads. Raise `generator.importers.model.SourceError` for bad input."""

    def read(self, source: ImportSource) -> list[ImportedThread]: ...


@dataclass(frozen=True)
class RenderedThread:
    """What an output format is given: one rendered thread (its vector PDF and facts about it)."""

    slug: str
    title: str
    pdf: bytes  # the thread's PDF, one page per slide
    slide_count: int
    width: int  # canvas size in CSS px
    height: int
    caption: str
    alt: tuple[str, ...]  # alt text of each slide


@runtime_checkable
class OutputFormat(Protocol):
    """Turns a rendered thread into files: {name in the thread's output folder: bytes}."""

    def files(self, thread: RenderedThread) -> dict[str, bytes]: ...


@dataclass(frozen=True)
class Plugin:
    """One discovered entry point and the distribution that declares it."""

    group: str
    name: str
    distribution: str
    version: str
    entry_point: metadata.EntryPoint

    @property
    def label(self) -> str:
        return f"{self.distribution} {self.version}"


class PluginError(Exception):
    """A plugin that cannot be loaded or does not provide what its group needs."""


@cache
def discovered(group: str) -> tuple[Plugin, ...]:
    """The plugins of `group` installed in this environment, by name (built-in names skipped)."""
    found: dict[str, Plugin] = {}
    for entry_point in metadata.entry_points(group=group):
        if entry_point.name in BUILTIN_NAMES[group] or not PLUGIN_NAME.match(entry_point.name):
            continue
        dist = entry_point.dist
        plugin = Plugin(group, entry_point.name, dist.name if dist else "?", dist.version if dist else "?", entry_point)
        found.setdefault(plugin.name, plugin)  # the first on sys.path wins, as for imports
    return tuple(found[name] for name in sorted(found))


def names(group: str) -> tuple[str, ...]:
    """Names of the installed plugins of `group`."""
    return tuple(plugin.name for plugin in discovered(group))


def find(group: str, name: str) -> Plugin | None:
    return next((plugin for plugin in discovered(group) if plugin.name == name), None)


def plugin_versions() -> tuple[tuple[str, str], ...]:
    """("group:name", "distribution version") of every installed plugin (for the cache fingerprint)."""
    return tuple((f"{plugin.group}:{plugin.name}", plugin.label) for group in GROUPS for plugin in discovered(group))


def _instance(plugin: Plugin) -> object:
    try:
        factory: Callable[[], object] = plugin.entry_point.load()
        return factory()
    except Exception as error:  # a third party's bug becomes one located message
        raise PluginError(f"plugin '{plugin.name}' ({plugin.label}) cannot be loaded: {type(error).__name__}: {error}") from error


def _load(group: str, name: str, kind: str) -> tuple[Plugin, object]:
    plugin = find(group, name)
    if plugin is None:
        raise PluginError(f"no {kind} '{name}' is installed")
    return plugin, _instance(plugin)


def load_importer(name: str) -> Importer:
    """The importer registered as `name`; PluginError when it is missing or broken."""
    plugin, importer = _load(IMPORTERS_GROUP, name, "importer")
    if not isinstance(importer, Importer):
        raise PluginError(f"plugin '{name}' ({plugin.label}) is not an importer: it has no read(source) method")
    return importer


def load_output_format(name: str) -> OutputFormat:
    """The output format registered as `name`; PluginError when it is missing or broken."""
    plugin, output = _load(OUTPUTS_GROUP, name, "output format")
    if not isinstance(output, OutputFormat):
        raise PluginError(f"plugin '{name}' ({plugin.label}) is not an output format: it has no files(thread) method")
    return output


def plugin_files(name: str, thread: RenderedThread, taken: set[str]) -> dict[str, bytes]:
    """The files output format `name` makes for `thread`, checked: plain names, bytes, none of `taken`.

    Raises PluginError for anything else (a path with folders, a name the build writes itself…).
    """
    plugin = find(OUTPUTS_GROUP, name)
    label = f"output format '{name}' ({plugin.label if plugin else '?'})"
    try:
        made = load_output_format(name).files(thread)
    except PluginError:
        raise
    except Exception as error:  # the thread fails with one line; the others build
        raise PluginError(f"{label} failed: {type(error).__name__}: {error}") from error
    if not isinstance(made, dict):
        raise PluginError(f"{label} returned {type(made).__name__}, not a dict of file names to bytes")
    for file_name, data in made.items():
        if not isinstance(file_name, str) or not OUTPUT_FILE.match(file_name) or PurePosixPath(file_name).name != file_name:
            raise PluginError(f"{label} named a file {file_name!r}: plain names only (letters, digits, '.', '_', '-')")
        if file_name in taken:
            raise PluginError(f"{label} would overwrite {file_name}, which the build writes itself")
        if not isinstance(data, bytes):
            raise PluginError(f"{label} gave {type(data).__name__} for {file_name}, not bytes")
    return made
