"""Merge the output folders of several shard builds into one (`carousel manifest --merge`).

Each shard built a disjoint share of the threads into its own folder; the merge takes
every file a shard's manifest lists (checking its sha256) and writes one manifest.json
holding every thread, exactly as an unsharded build would have written it.

Everything is read and checked before anything is written. The writing is a build's:
under the output lock, one unit at a time through `OutputFolder.replace_thread` (files
hard-linked, else copied, into staging, checked again there, swapped in one rename,
journaled with the manifest as it reads after that unit), so a merge killed at any
point leaves every unit all old or all new, `read_manifest` describing the files on
disk, and the next build or merge finishing the journal. Units the folder held that no
shard holds are removed first, as an unsharded build removes a deleted thread's.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from generator.confine import ConfinementError, unlinked_path
from generator.errors import CarouselError, ConfigError, Diagnostic, Severity
from generator.output import (
    MANIFEST_NAME,
    LinkedFile,
    OutputError,
    OutputFolder,
    owned_files,
    reconcile_manifest,
    regular_file_sha256,
    unit_record_problems,
)


@dataclass
class MergeReport:
    threads: int = 0
    copied: int = 0  # files linked or copied in (those already in place with their sha256 are not)
    removed: int = 0  # units the folder held that no shard holds
    diagnostics: list[Diagnostic] = field(default_factory=list)


def _read(folder: Path) -> dict[str, Any]:
    path = folder / MANIFEST_NAME
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise ConfigError(Diagnostic(str(folder), None, f"no {MANIFEST_NAME}: not the output folder of a build")) from error
    except (OSError, ValueError) as error:
        raise ConfigError(Diagnostic(str(path), None, f"cannot read: {error}")) from error
    if not isinstance(data, dict) or not isinstance(data.get("threads", {}), dict):
        raise ConfigError(Diagnostic(str(path), None, "not a Carousel Studio manifest (no 'threads' mapping)"))
    # a shard build killed between a swap and its manifest: the journal is what its files are
    return reconcile_manifest(folder, data)


def _shape_problems(folder: Path, manifest: dict[str, Any]) -> list[Diagnostic]:
    """Each thread entry of a shard's manifest checked against what a build records (`output.UnitRecord`)."""
    shown = str(folder / MANIFEST_NAME)
    threads = manifest.get("threads", {})
    return [Diagnostic(shown, None, problem) for unit in sorted(threads) for problem in unit_record_problems(unit, threads[unit])]


def _safe_relative(name: str) -> PurePosixPath | None:
    """A manifest's file name as a path inside the output folder, or None when it would leave it."""
    path = PurePosixPath(name)
    if path.is_absolute() or not path.parts or any(part in ("", ".", "..") for part in path.parts) or "\\" in name:
        return None
    return path


def merge_outputs(folders: list[Path], out_dir: Path) -> MergeReport:
    """Take every shard's files into `out_dir` and write the combined manifest, one unit at a time, crash-safe.

    Raises ConfigError, with nothing written, when a folder is not a build's output (or
    a thread entry of its manifest is not shaped as a build writes it), when two shards hold different entries for one slug, or a file does not match its
    manifest; CarouselError when writing fails (a full disk): the units merged before it
    are in place and listed, the others as they were.
    """
    report = MergeReport()
    manifests = [(folder, _read(folder)) for folder in folders]
    malformed = [problem for folder, manifest in manifests for problem in _shape_problems(folder, manifest)]
    if malformed:
        raise ConfigError(malformed)  # nothing written, nothing of a malformed entry carried on
    merged, threads, owner = _combine(folders, manifests)
    sources = _checked_sources(threads, owner)
    output = OutputFolder(out_dir)
    try:
        with output.locked():
            _write_units(output, merged, threads, sources, report)
    except ConfinementError as error:
        raise ConfigError(Diagnostic(str(error.path), None, str(error))) from error
    except OutputError as error:
        raise CarouselError(Diagnostic(str(out_dir), None, f"merge stopped: {error}")) from error
    report.threads = len(threads)
    if not threads:
        report.diagnostics.append(Diagnostic(str(out_dir / MANIFEST_NAME), None, "no threads in any shard", Severity.WARNING))
    return report


def _combine(folders: list[Path], manifests: list[tuple[Path, dict[str, Any]]]) -> tuple[dict[str, Any], dict[str, Any], dict[str, Path]]:
    """The shards' top-level fields, their units (each entry as a whole, whatever it holds), and each unit's shard.

    Raises ConfigError when two shards disagree on a field or a unit.
    """
    merged: dict[str, Any] = {}
    threads: dict[str, Any] = {}
    owner: dict[str, Path] = {}
    problems: list[Diagnostic] = []
    for folder, manifest in manifests:
        for key, value in manifest.items():
            if key == "threads":
                continue
            if key in merged and merged[key] != value:
                problems.append(
                    Diagnostic(str(folder / MANIFEST_NAME), None, f"'{key}' is {value!r} here but {merged[key]!r} in {folders[0]}")
                )
            merged.setdefault(key, value)
        for slug, entry in manifest.get("threads", {}).items():
            if slug in threads and threads[slug] != entry:
                problems.append(
                    Diagnostic(
                        str(folder / MANIFEST_NAME),
                        None,
                        f"thread '{slug}' is also in {owner[slug]} with other contents: were the shards built from one commit?",
                    )
                )
                continue
            threads[slug] = entry
            owner[slug] = folder
    if problems:
        raise ConfigError(problems)
    return merged, threads, owner


def _checked_sources(threads: dict[str, Any], owner: dict[str, Path]) -> dict[str, dict[str, LinkedFile]]:
    """Each unit's files as {name inside its folder: LinkedFile}, every one read and checked against its sha256.

    Raises ConfigError listing every problem (a name outside the unit's folder, a file
    missing, unreadable, behind a symlink or changed); nothing has been written then.
    """
    sources: dict[str, dict[str, LinkedFile]] = {}
    problems: list[Diagnostic] = []
    for unit, entry in sorted(threads.items()):
        shard_manifest = str(owner[unit] / MANIFEST_NAME)
        files = entry.get("files", {}) if isinstance(entry, dict) else {}
        if _safe_relative(unit) is None:
            problems.append(Diagnostic(shard_manifest, None, f"thread '{unit}' would be written outside the output folder"))
            continue
        sources[unit] = {}
        for name, digest in sorted(files.items()):
            relative = _safe_relative(str(name))
            if relative is None or not str(name).startswith(f"{unit}/"):
                problems.append(
                    Diagnostic(shard_manifest, None, f"thread '{unit}': file '{name}' would be written outside its folder {unit}/")
                )
                continue
            source = owner[unit] / relative
            try:
                found = regular_file_sha256(unlinked_path(owner[unit], relative.as_posix()))  # never read through a link out of the shard
            except ConfinementError as error:
                problems.append(Diagnostic(str(source), None, str(error)))
                continue
            except OSError as error:
                problems.append(Diagnostic(str(source), None, f"listed in the manifest but cannot be read: {error.strerror}"))
                continue
            if found != digest:
                problems.append(Diagnostic(str(source), None, "does not match the sha256 its manifest records"))
                continue
            sources[unit][str(name)[len(unit) + 1 :]] = LinkedFile(source, found)
    if problems:
        raise ConfigError(problems)  # nothing written: gather and validate first
    return sources


def _write_units(
    output: OutputFolder, merged: dict[str, Any], threads: dict[str, Any], sources: dict[str, dict[str, LinkedFile]], report: MergeReport
) -> None:
    """Under the lock: remove the units no shard holds, then swap in each shard unit, each step journaled with its manifest.

    The manifest after each step lists the units done so far with the shards' entries
    and the others as the folder had them: every unit it lists has its listed files.
    """
    current = dict(output.read_manifest().get("threads", {}))  # the lock's recovery has made manifest.json exact

    def manifest() -> dict[str, Any]:
        return {**merged, "threads": dict(current)}

    for unit in sorted(set(current) - set(threads)):  # first: a target's folder may sit inside a unit that is gone
        entry = current.pop(unit)
        output.remove_thread(unit, owned_files(entry), manifest=manifest())
        report.removed += 1
    for unit in sorted(threads):
        previous = current.get(unit)
        current[unit] = threads[unit]
        report.copied += sum(not output.holds(f"{unit}/{name}", linked) for name, linked in sources[unit].items())
        output.replace_thread(unit, sources[unit], owned=owned_files(previous), manifest=manifest())
    output.write_manifest(manifest())  # no unit at all, or only a top-level field changed
