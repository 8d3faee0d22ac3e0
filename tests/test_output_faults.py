"""Faults while writing output: kill -9 at random points, a full disk, two builds at once (issue 16).

Every thread's files must be all old or all new afterwards, and the manifest every
reader sees (`read_manifest`: `carousel list`, the studio, watch, merge) matches the
files on disk right after the kill; after the next run manifest.json itself does, and
no temp file or journal is left.
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
from datetime import UTC, datetime
from pathlib import Path

import pytest

from generator.output import JOURNAL_NAME, file_digests, read_manifest
from tests.helpers import build_in_process, write_project

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
    return sorted(
        p.relative_to(out).as_posix()
        for p in out.rglob("*")
        if p.name.endswith(".tmp") or ".carousel-staging" in p.parts or p.name == JOURNAL_NAME
    )


def manifest_matches_disk(out: Path, manifest: dict | None = None) -> None:
    """manifest.json (or the given manifest) lists exactly the files each thread has on disk."""
    if manifest is None:
        manifest = json.loads((out / "manifest.json").read_text())
    for slug in SLUGS:
        entry = manifest["threads"].get(slug, {})
        assert entry.get("files", {}) == thread_files(out, slug), slug


def readers_see_disk(project: Path) -> None:
    """What carousel's readers take as the manifest, and what the studio shows, match the files on disk."""
    from generator.build import BuildRequest
    from generator.project import Project
    from generator.serve.studio import Studio

    out = project / "output"
    manifest_matches_disk(out, read_manifest(out))
    now = datetime(2026, 12, 1, tzinfo=UTC)
    studio = Studio(BuildRequest(project=Project.at(project), out_dir=out, now=now), now=lambda: now)
    for summary in studio.threads():
        pdf = out / summary["slug"] / f"{summary['slug']}.pdf"
        if pdf.is_file():  # the studio's PDF link carries the hash of the PDF on disk (its cache buster)
            assert summary["pdf"].endswith(f"?v={hashlib.sha256(pdf.read_bytes()).hexdigest()[:12]}"), summary["slug"]


@pytest.fixture(scope="module")
def versions(tmp_path_factory):
    """Reference outputs of the old and the new version of the threads, and the build time.

    The old version is built by the process the kills are timed against; the new one, a
    reference of bytes only, in this process."""
    base = tmp_path_factory.mktemp("faults")
    old = make_project(base / "old", "Old")
    started = time.monotonic()
    assert run(old).returncode == 0
    duration = time.monotonic() - started
    new = make_project(base / "new", "New")
    assert build_in_process(new, "--format", FORMATS).exit_code == 0
    return base, snapshot(old / "output"), snapshot(new / "output"), duration


def old_project_with_output(base: Path, name: str) -> Path:
    project = base / name
    shutil.copytree(base / "old", project)
    shutil.rmtree(project / ".carousel-cache", ignore_errors=True)
    return project


KILLS_PER_SEED = 2


@pytest.mark.parametrize("seed", range(3))
def test_kill_9_leaves_every_thread_all_old_or_all_new(versions, seed):
    """Several kills at seeded random points of one build, each followed by a check before anything else runs."""
    base, old, new, duration = versions
    project = old_project_with_output(base, f"kill{seed}")
    make_project(project, "New")
    out = project / "output"
    chance = random.Random(seed)
    for _ in range(KILLS_PER_SEED):
        process = carousel(project)
        try:
            process.communicate(timeout=chance.uniform(0.2, 1.0) * duration)
        except subprocess.TimeoutExpired:
            process.send_signal(signal.SIGKILL)
        process.communicate(timeout=60)
        # right after the kill, before any other run
        now = snapshot(out)
        for slug in SLUGS:
            assert now[slug] in (old[slug], new[slug]), f"{slug}: a mix of old and new files"
        readers_see_disk(project)
        if not (out / JOURNAL_NAME).exists():
            manifest_matches_disk(out)  # without a journal manifest.json itself is right
    # the next run finishes the job: all new, manifest matches, no temp file
    assert run(project).returncode == 0
    assert snapshot(out) == new
    manifest_matches_disk(out)
    assert leftovers(out) == []


# A real kill -9 at one exact point of `carousel build`: the process SIGKILLs itself there.
KILLED_AT = """
import os, signal, sys
from generator import output
point, count = sys.argv[1], int(sys.argv[2])  # kill at the count-th hit of the point
calls = []

def kill_on(hit):
    calls.append(hit)
    if len(calls) == count:
        os.kill(os.getpid(), signal.SIGKILL)

if point == "before-swap":  # the journal is written, the folder not yet swapped
    real_exchange = output._exchange
    def exchange(first, second):
        kill_on(second)
        return real_exchange(first, second)
    output._exchange = exchange
else:  # "after-swap": the folder is swapped, manifest.json not yet replaced by the journal
    real_replace = os.replace
    def replace(source, target, *args, **kwargs):
        if os.path.basename(source) == output.JOURNAL_NAME:
            kill_on(source)
        return real_replace(source, target, *args, **kwargs)
    os.replace = replace
from generator.cli import main
main(["build", "-j", "1", "--format", sys.argv[3]])
"""


def build_killed_at(project: Path, point: str, count: int) -> None:
    process = subprocess.run(
        [sys.executable, "-c", KILLED_AT, point, str(count), FORMATS], cwd=project, capture_output=True, text=True, timeout=600
    )
    assert process.returncode == -signal.SIGKILL, process.stderr


@pytest.mark.parametrize("point", ["before-swap", "after-swap"])
def test_kill_9_exactly_at_the_swap(versions, point):
    """Killed just before or just after the second thread's swap: readers see the files on disk."""
    base, old, new, _ = versions
    project = old_project_with_output(base, f"at-{point}")
    make_project(project, "New")
    out = project / "output"
    build_killed_at(project, point, 2)
    now = snapshot(out)
    assert [now[slug] == new[slug] for slug in SLUGS] == (
        [True, False, False, False] if point == "before-swap" else [True, True, False, False]
    )
    for slug in SLUGS:
        assert now[slug] in (old[slug], new[slug]), slug
    assert (out / JOURNAL_NAME).is_file()
    readers_see_disk(project)
    if point == "after-swap":
        # one file cannot change with a folder: manifest.json still lists beta's old set here, the journal its new one
        assert json.loads((out / "manifest.json").read_text())["threads"]["beta"]["files"] == old["beta"]
    else:
        manifest_matches_disk(out)  # the journal is ahead of the disk: manifest.json is right
    # the next build commits (or drops) the journal first, then finishes
    assert build_in_process(project, "--format", FORMATS).exit_code == 0
    assert snapshot(out) == new
    manifest_matches_disk(out)
    assert leftovers(out) == []


def test_kill_9_while_removing_a_thread(versions):
    """A thread whose source is gone is removed in one swap; a kill right after it leaves readers right."""
    base, old, _, _ = versions
    project = old_project_with_output(base, "removing")
    (project / "content/gamma.md").unlink()
    out = project / "output"
    build_killed_at(project, "after-swap", 1)  # the first swap of this build is gamma's removal
    assert thread_files(out, "gamma") == {}
    assert not (out / "gamma").exists()
    assert json.loads((out / "manifest.json").read_text())["threads"]["gamma"]["files"] == old["gamma"]
    readers_see_disk(project)
    assert "gamma" not in read_manifest(out)["threads"]
    assert build_in_process(project, "--format", FORMATS).exit_code == 0
    manifest_matches_disk(out)
    assert "gamma" not in json.loads((out / "manifest.json").read_text())["threads"]
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
        result = build_in_process(project, "--format", FORMATS, "--out", str(out))
        assert result.exit_code == 1, result.stderr  # some threads did not fit
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
        build_in_process(project, "--format", FORMATS, "--out", str(out))
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


# --- the journal, in-process: a swap cut at its commit --------------------------------------


class Killed(BaseException):
    """Stands for a kill -9: nothing catches it, no cleanup of ours runs."""


def manifest_of(units: dict[str, dict[str, bytes]]) -> dict:
    return {"generator": "test", "threads": {unit: {"files": file_digests(unit, files)} for unit, files in units.items()}}


def cut_at_commit(monkeypatch, folder, unit: str, files: dict[str, bytes], after: dict, owned=()) -> None:
    """Swap `unit` to `files` with `after` as the next manifest, killed right after the swap."""
    real_replace = os.replace

    def replace(source, target, *args, **kwargs):
        if Path(source).name == JOURNAL_NAME:
            raise Killed
        return real_replace(source, target, *args, **kwargs)

    monkeypatch.setattr(os, "replace", replace)
    with pytest.raises(Killed), folder.locked():
        folder.replace_thread(unit, files, owned=owned, manifest=after)
    monkeypatch.setattr(os, "replace", real_replace)


def disk_files(out: Path, unit: str) -> dict[str, str]:
    return {
        p.relative_to(out).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted((out / unit).rglob("*")) if p.is_file()
    }


OLD_SET = {"t.pdf": b"old pdf", "slides/01.png": b"one", "slides/02.png": b"two"}


@pytest.mark.parametrize(
    "new_set",
    [
        {"t.pdf": b"new pdf", "slides/01.png": b"one", "slides/02.png": b"two"},  # one file's bytes changed
        {"t.pdf": b"old pdf", "slides/01.png": b"one"},  # a file dropped, the others unchanged
        {**OLD_SET, "slides/03.png": b"three"},  # a file added
    ],
    ids=["changed", "dropped", "added"],
)
def test_a_swap_cut_before_its_manifest_is_read_as_the_journal_and_committed_next(tmp_path, monkeypatch, new_set):
    from generator import output

    out = tmp_path / "out"
    folder = output.OutputFolder(out)
    before = manifest_of({"t": OLD_SET, "u": {"u.pdf": b"u"}})
    with folder.locked():
        folder.replace_thread("u", {"u.pdf": b"u"})
        folder.replace_thread("t", OLD_SET, manifest=before)
    after = manifest_of({"t": new_set, "u": {"u.pdf": b"u"}})
    cut_at_commit(monkeypatch, folder, "t", new_set, after, owned=list(before["threads"]["t"]["files"]))
    assert disk_files(out, "t") == after["threads"]["t"]["files"]
    assert json.loads((out / "manifest.json").read_text()) == before  # one file cannot move with a folder
    assert read_manifest(out) == after  # what every reader takes
    with folder.locked():  # the next build commits the journal before anything else
        assert (out / "manifest.json").read_bytes() == output.manifest_bytes(after)
        assert not (out / JOURNAL_NAME).exists()


def test_a_journal_ahead_of_its_swap_is_dropped(tmp_path):
    """Killed after writing the journal, before the swap: manifest.json is right and the journal goes."""
    from generator import output

    out = tmp_path / "out"
    folder = output.OutputFolder(out)
    before = manifest_of({"t": OLD_SET})
    with folder.locked():
        folder.replace_thread("t", OLD_SET, manifest=before)
    output.atomic_write(out / JOURNAL_NAME, output.manifest_bytes(manifest_of({"t": {**OLD_SET, "t.pdf": b"new"}})))
    assert read_manifest(out) == before
    with folder.locked():
        assert json.loads((out / "manifest.json").read_text()) == before
        assert not (out / JOURNAL_NAME).exists()


def test_a_hostile_journal_reads_nothing_outside_the_output_folder(tmp_path):
    """A journal committed to a cloned repo that names files outside output/ is never taken (nor are those read)."""
    from generator import output

    secret = tmp_path / "secret.txt"
    secret.write_bytes(b"secret")
    out = tmp_path / "out"
    folder = output.OutputFolder(out)
    before = manifest_of({"t": OLD_SET})
    with folder.locked():
        folder.replace_thread("t", OLD_SET, manifest=before)
    (out / "link").symlink_to(tmp_path)
    digest = hashlib.sha256(b"secret").hexdigest()
    for name in ("../secret.txt", str(secret), "link/secret.txt"):
        journal = {"generator": "test", "threads": {"t": {"files": {name: digest}}}}
        output.atomic_write(out / JOURNAL_NAME, output.manifest_bytes(journal))
        assert read_manifest(out) == before, name
