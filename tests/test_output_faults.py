"""Faults while writing output: kill -9 at random points, a full disk, two builds at once (issue 16).

Every thread's files must be all old or all new afterwards; after the next run the
manifest matches the files on disk and no temp file is left.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.helpers import write_project

SLUGS = ("alpha", "beta", "gamma", "delta")
FORMATS = "pdf,png"


def thread(slug: str, version: str) -> str:
    posts = "\n\n---\n\n".join(f"{version} post {n} of {slug}: some words to lay out on a slide." for n in range(1, 4))
    return f"---\ntitle: {slug} {version}\n---\n\n{posts}\n"


def make_project(root: Path, version: str) -> Path:
    return write_project(root, {f"content/{slug}.md": thread(slug, version) for slug in SLUGS})


def carousel(project: Path, *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "generator", "build", "-j", "1", "--format", FORMATS, *args],
        cwd=project,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def run(project: Path, *args: str) -> subprocess.CompletedProcess:
    process = carousel(project, *args)
    out, err = process.communicate(timeout=600)
    return subprocess.CompletedProcess(process.args, process.returncode, out, err)


def thread_files(out: Path, slug: str) -> dict[str, str]:
    folder = out / slug
    if not folder.is_dir():
        return {}
    return {p.relative_to(out).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.rglob("*")) if p.is_file()}


def snapshot(out: Path) -> dict[str, dict[str, str]]:
    return {slug: thread_files(out, slug) for slug in SLUGS}


def leftovers(out: Path) -> list[str]:
    return sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.name.endswith(".tmp") or ".carousel-staging" in p.parts)


def manifest_matches_disk(out: Path) -> None:
    manifest = json.loads((out / "manifest.json").read_text())
    for slug in SLUGS:
        assert manifest["threads"][slug]["files"] == thread_files(out, slug), slug


@pytest.fixture(scope="module")
def versions(tmp_path_factory):
    """Reference outputs of the old and the new version of the threads, and the build time."""
    base = tmp_path_factory.mktemp("faults")
    old = make_project(base / "old", "Old")
    started = time.monotonic()
    assert run(old).returncode == 0
    duration = time.monotonic() - started
    new = make_project(base / "new", "New")
    assert run(new).returncode == 0
    return base, snapshot(old / "output"), snapshot(new / "output"), duration


def old_project_with_output(base: Path, name: str) -> Path:
    project = base / name
    shutil.copytree(base / "old", project)
    shutil.rmtree(project / ".carousel-cache", ignore_errors=True)
    return project


@pytest.mark.parametrize("seed", range(3))
def test_kill_9_leaves_every_thread_all_old_or_all_new(versions, seed):
    base, old, new, duration = versions
    project = old_project_with_output(base, f"kill{seed}")
    make_project(project, "New")
    process = carousel(project)
    time.sleep(random.Random(seed).uniform(0.2, 1.0) * duration)
    process.send_signal(signal.SIGKILL)
    process.communicate()
    out = project / "output"
    now = snapshot(out)
    for slug in SLUGS:
        assert now[slug] in (old[slug], new[slug]), f"{slug}: a mix of old and new files"
    # the next run finishes the job: all new, manifest matches, no temp file
    assert run(project).returncode == 0
    assert snapshot(out) == new
    manifest_matches_disk(out)
    assert leftovers(out) == []


def _mount_tmpfs(path: Path, size: str) -> bool:
    if os.geteuid() != 0 or shutil.which("mount") is None:
        return False
    path.mkdir(parents=True, exist_ok=True)
    return subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)], capture_output=True).returncode == 0


def test_full_disk_leaves_previous_files_and_no_temp(versions, tmp_path):
    base, old, new, _ = versions
    out = tmp_path / "small"
    total = sum(p.stat().st_size for p in (base / "old/output").rglob("*") if p.is_file())
    if not _mount_tmpfs(out, f"{total // 2 // 1024}k"):  # room for about half the threads
        pytest.skip("needs root to mount a small tmpfs (test_simulated_full_disk covers the same path)")
    try:
        project = old_project_with_output(base, "fulldisk")
        shutil.rmtree(project / "output")
        result = run(project, "--out", str(out))
        assert result.returncode == 1, result.stderr  # some threads did not fit
        assert "no space left on the device" in result.stderr
        first = {slug: thread_files(out, slug) for slug in SLUGS}
        for slug in SLUGS:
            assert first[slug] in ({}, {k: v for k, v in old[slug].items()}), f"{slug}: partly written"  # noqa: C416
        assert leftovers(out) == []
        manifest = json.loads((out / "manifest.json").read_text())
        for slug in SLUGS:
            assert manifest["threads"][slug].get("files", {}) == first[slug]
        # a new version on the full disk: the threads that were there stay whole (old)
        make_project(project, "New")
        run(project, "--out", str(out))
        for slug in SLUGS:
            assert thread_files(out, slug) in ({}, old[slug], new[slug])
        assert leftovers(out) == []
    finally:
        subprocess.run(["umount", str(out)], check=False)


def test_simulated_full_disk_keeps_the_previous_set(tmp_path, monkeypatch):
    """ENOSPC on the third file written: the thread keeps its previous files, nothing staged is left."""
    import errno

    from generator import output

    folder = output.OutputFolder(tmp_path / "out")
    with folder.locked():
        folder.replace_thread("t", {"t.pdf": b"old pdf", "slides/01.png": b"old 1", "caption.txt": b"old"})
    written = []
    real_write = output._write_new

    def failing_write(path, data):
        written.append(path)
        if len(written) == 3:
            raise OSError(errno.ENOSPC, "No space left on device")
        real_write(path, data)

    monkeypatch.setattr(output, "_write_new", failing_write)
    with folder.locked(), pytest.raises(output.OutputError, match="no space left on the device writing t/"):
        folder.replace_thread(
            "t",
            {"t.pdf": b"new pdf", "slides/01.png": b"new 1", "slides/02.png": b"new 2", "caption.txt": b"new"},
            owned=["t/t.pdf", "t/slides/01.png", "t/caption.txt"],
        )
    assert sorted(p.relative_to(tmp_path / "out/t").as_posix() for p in (tmp_path / "out/t").rglob("*") if p.is_file()) == [
        "caption.txt",
        "slides/01.png",
        "t.pdf",
    ]
    assert (tmp_path / "out/t/t.pdf").read_bytes() == b"old pdf"
    assert leftovers(tmp_path / "out") == []


def test_two_builds_at_once_end_consistent(versions):
    base, _, new, _ = versions
    project = old_project_with_output(base, "concurrent")
    make_project(project, "New")
    first = carousel(project)
    second = subprocess.Popen(
        [sys.executable, "-m", "generator", "build", "-j", "1", "--format", "pdf"],
        cwd=project,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    results = [first.communicate(timeout=600), second.communicate(timeout=600)]
    assert first.returncode == 0 and second.returncode == 0, results
    out = project / "output"
    manifest_matches_disk(out)
    assert leftovers(out) == []
    # whichever finished last decided the formats; no manifest lists a PNG that is gone
    pngs = {slug: [name for name in thread_files(out, slug) if name.endswith(".png")] for slug in SLUGS}
    assert len({bool(names) for names in pngs.values()}) == 1
    assert any("waiting for another build" in err for _, err in results)
