"""Writing output: atomic file replacement and the build manifest."""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import Any

MANIFEST_NAME = "manifest.json"


def atomic_write(path: Path, data: bytes) -> None:
    """Write a file so readers see the old or the new content, never half of it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(handle, "wb") as temp_file:
            temp_file.write(data)
            temp_file.flush()
            os.fsync(temp_file.fileno())
        os.chmod(temp_name, 0o644)
        os.replace(temp_name, path)
    except BaseException:
        Path(temp_name).unlink(missing_ok=True)
        raise


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def write_changed_files(out_dir: Path, slug: str, files: dict[str, bytes]) -> dict[str, str]:
    """Write a thread's files under `out_dir/<slug>/`, each atomically and only if its bytes changed.

    An unchanged file keeps its inode and mtime (a PDF viewer does not reload it).
    Slide images no longer produced are removed. Returns {path relative to out_dir: sha256}.
    """
    thread_dir = out_dir / slug
    written: dict[str, str] = {}
    for relative, data in sorted(files.items()):
        path = thread_dir / relative
        digest = sha256(data)
        if not _same_bytes(path, data, digest):
            atomic_write(path, data)
        written[f"{slug}/{relative}"] = digest
    slides_dir = thread_dir / "slides"
    if slides_dir.is_dir():
        for stale in sorted(slides_dir.iterdir()):
            if stale.is_file() and f"slides/{stale.name}" not in files:
                stale.unlink()
    return written


def _same_bytes(path: Path, data: bytes, digest: str) -> bool:
    try:
        if path.stat().st_size != len(data):
            return False
        return sha256(path.read_bytes()) == digest
    except OSError:
        return False


def read_manifest(out_dir: Path) -> dict[str, Any]:
    """The previous manifest, or an empty one when absent or unreadable."""
    try:
        data = json.loads((out_dir / MANIFEST_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def write_manifest(out_dir: Path, manifest: dict[str, Any]) -> None:
    text = json.dumps(manifest, indent=2, sort_keys=True, ensure_ascii=False) + "\n"
    atomic_write(out_dir / MANIFEST_NAME, text.encode("utf-8"))
