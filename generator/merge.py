"""Merge the output folders of several shard builds into one (`carousel manifest --merge`).

Each shard built a disjoint share of the threads into its own folder; the merge copies
every file a shard's manifest lists (checking its sha256) and writes one manifest.json
holding every thread, exactly as an unsharded build would have written it.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from generator.confine import ConfinementError, unlinked_path
from generator.errors import ConfigError, Diagnostic, Severity
from generator.output import MANIFEST_NAME, OutputFolder, atomic_write, reconcile_manifest, sha256


@dataclass
class MergeReport:
    threads: int = 0
    copied: int = 0
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


def _safe_relative(name: str) -> PurePosixPath | None:
    """A manifest's file name as a path inside the output folder, or None when it would leave it."""
    path = PurePosixPath(name)
    if path.is_absolute() or not path.parts or any(part in ("", ".", "..") for part in path.parts) or "\\" in name:
        return None
    return path


def merge_outputs(folders: list[Path], out_dir: Path) -> MergeReport:
    """Copy every shard's files into `out_dir` and write the combined manifest.

    Raises ConfigError when a folder is not a build's output, when two shards hold
    different entries for one slug, or a file does not match its manifest.
    """
    report = MergeReport()
    manifests = [(folder, _read(folder)) for folder in folders]
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

    files_to_copy: list[tuple[Path, PurePosixPath, str]] = []
    for slug, entry in sorted(threads.items()):
        files = entry.get("files", {}) if isinstance(entry, dict) else {}
        for name, digest in sorted(files.items()):
            relative = _safe_relative(str(name))
            if relative is None:
                problems.append(
                    Diagnostic(
                        str(owner[slug] / MANIFEST_NAME), None, f"thread '{slug}': file '{name}' would be written outside the output folder"
                    )
                )
                continue
            files_to_copy.append((owner[slug], relative, str(digest)))
    data_by_target: dict[PurePosixPath, bytes] = {}
    for folder, relative, digest in files_to_copy:
        source = folder / relative
        try:
            data = unlinked_path(folder, relative.as_posix()).read_bytes()  # never read through a link out of the shard
        except ConfinementError as error:
            problems.append(Diagnostic(str(source), None, str(error)))
            continue
        except OSError as error:
            problems.append(Diagnostic(str(source), None, f"listed in the manifest but cannot be read: {error.strerror}"))
            continue
        if sha256(data) != digest:
            problems.append(Diagnostic(str(source), None, "does not match the sha256 its manifest records"))
            continue
        data_by_target[relative] = data
    if problems:
        raise ConfigError(problems)  # nothing written: gather and validate first

    output = OutputFolder(out_dir)
    merged["threads"] = threads
    try:
        with output.locked():
            for relative, data in sorted(data_by_target.items()):
                target = unlinked_path(out_dir, relative.as_posix())  # never write through a symlink
                if not (target.is_file() and sha256(target.read_bytes()) == sha256(data)):
                    target.parent.mkdir(parents=True, exist_ok=True)
                    atomic_write(target, data)
                    report.copied += 1
            output.write_manifest(merged)
    except ConfinementError as error:
        raise ConfigError(Diagnostic(str(error.path), None, str(error))) from error
    report.threads = len(threads)
    if not threads:
        report.diagnostics.append(Diagnostic(str(out_dir / MANIFEST_NAME), None, "no threads in any shard", Severity.WARNING))
    return report
