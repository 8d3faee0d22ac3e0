"""`carousel manifest --merge` into a folder that holds an older build, killed at every write step (issue 15).

After a kill anywhere, what every reader takes as the manifest (`read_manifest`) lists
for each unit exactly the files on disk (sha256), each unit's entry is the old one or
the shard's, and the next merge or build finishes the job: manifest.json exact, nothing
staged, no journal, no temp file.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from generator.merge import merge_outputs
from generator.output import JOURNAL_NAME, manifest_bytes, read_manifest
from tests.helpers import REPO_ROOT, build_in_process, write_project
from tests.killpoints import Killed, KillPoints

FORMATS = "pdf,png"
UNITS = ("a", "b", "c", "d", "e")
USER_FILE = "a/mine.txt"  # a file of the user's in a unit folder: never listed, never touched


def thread(slug: str, version: str) -> str:
    posts = "\n\n---\n\n".join(f"{version} post {n} of {slug}." for n in range(1, 3))
    return f"---\ntitle: {slug} {version}\n---\n\n{posts}\n"


def build(project: Path, out: Path, *args: str) -> None:
    result = build_in_process(project, "--format", FORMATS, "--out", str(out), *args)
    assert result.exit_code == 0, result.output


def unit_files(out: Path, unit: str) -> dict[str, str]:
    folder = out / unit
    return {
        p.relative_to(out).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.relative_to(out).as_posix() != USER_FILE
    }


def leftovers(out: Path) -> list[str]:
    return sorted(
        p.relative_to(out).as_posix()
        for p in out.rglob("*")
        if p.name.endswith(".tmp") or ".carousel-staging" in p.parts or p.name == JOURNAL_NAME
    )


@pytest.fixture(scope="module")
def shards(tmp_path_factory):
    """An older full build (a, b, c, d) and two shards of the new version: a unchanged, b and d changed, c gone, e new."""
    base = tmp_path_factory.mktemp("merge-faults")
    old = write_project(base / "old", {f"content/{slug}.md": thread(slug, "Old") for slug in "abcd"})
    build(old, base / "old-out")
    (base / "old-out" / USER_FILE).write_text("my notes\n")
    new = write_project(base / "new", {f"content/{slug}.md": thread(slug, "New" if slug in "bde" else "Old") for slug in "abde"})
    folders = [base / "shard1", base / "shard2"]
    for k, folder in enumerate(folders, start=1):
        build(new, folder, "--shard", f"{k}/2")
    expected = {"threads": {}}
    for folder in folders:
        manifest = json.loads((folder / "manifest.json").read_text())
        expected = {**manifest, "threads": {**expected["threads"], **manifest["threads"]}}
    assert sorted(expected["threads"]) == ["a", "b", "d", "e"]
    return base, new, folders, read_manifest(base / "old-out"), expected


def fresh_copy(base: Path, name: str, where: Path) -> Path:
    target = where / name
    shutil.copytree(base / "old-out", target)
    return target


def check_consistent(out: Path, old: dict, expected: dict) -> dict:
    """What readers see lists each unit's files on disk exactly; every entry is the old one or the shard's."""
    seen = read_manifest(out)
    threads = seen.get("threads", {})
    for unit in UNITS:
        assert unit_files(out, unit) == threads.get(unit, {}).get("files", {}), unit
    for unit, entry in threads.items():
        assert entry in (old["threads"].get(unit), expected["threads"].get(unit)), unit
    assert (out / USER_FILE).read_text() == "my notes\n"
    return seen


def check_finished(out: Path, expected: dict) -> None:
    assert (out / "manifest.json").read_bytes() == manifest_bytes(expected)
    for unit in UNITS:
        assert unit_files(out, unit) == expected["threads"].get(unit, {}).get("files", {}), unit
    assert (out / USER_FILE).read_text() == "my notes\n"
    assert leftovers(out) == []


def test_merge_into_an_older_build_links_replaces_and_removes(shards, tmp_path):
    base, _, folders, old, expected = shards
    out = fresh_copy(base, "out", tmp_path)
    report = merge_outputs(folders, out)
    check_finished(out, expected)
    assert not (out / "c").exists()  # no shard holds it: removed, as an unsharded build removes it
    assert report.removed == 1 and report.threads == 4
    # files already in place with their bytes (all of a's, some of b's and d's) are kept; the others are links to the shards'
    before = {name: digest for entry in old["threads"].values() for name, digest in entry["files"].items()}
    after = {name: digest for entry in expected["threads"].values() for name, digest in entry["files"].items()}
    taken = [name for name, digest in after.items() if before.get(name) != digest]
    assert len(taken) > len(expected["threads"]["e"]["files"])  # b's and d's changed files too
    assert report.copied == len(taken)
    for name in taken:
        source = next(folder / name for folder in folders if (folder / name).is_file())
        assert os.path.samefile(out / name, source), name
    again = merge_outputs(folders, out)  # into its own result: nothing to do
    assert again.copied == 0 and again.removed == 0
    check_finished(out, expected)


def test_merge_killed_at_every_write_step_reads_consistent_and_recovers(shards, tmp_path):
    base, _, folders, old, expected = shards
    counted = fresh_copy(base, "counted", tmp_path)
    with KillPoints(counted) as points:
        merge_outputs(folders, counted)
    steps = points.steps
    check_finished(counted, expected)
    # the count sees the steps that matter: links into staging, the journals, the swaps, their commits
    assert sum(step.startswith("os.link") for step in steps) >= 6
    assert sum(step.startswith("exchange") for step in steps) >= 2
    assert sum(step.startswith("os.rename") and step.endswith(JOURNAL_NAME) for step in steps) >= 4
    states = set()
    for kill_at in range(1, len(steps) + 1):
        out = fresh_copy(base, f"k{kill_at}", tmp_path)
        with pytest.raises(Killed), KillPoints(out, kill_at=kill_at):
            merge_outputs(folders, out)
        seen = check_consistent(out, old, expected)
        states.add(tuple(sorted((unit, entry == expected["threads"].get(unit)) for unit, entry in seen["threads"].items())))
        merge_outputs(folders, out)  # the next merge recovers and finishes
        check_finished(out, expected)
        shutil.rmtree(out)
    # the kills saw the old state, the new one and states between (units done one at a time)
    assert len(states) >= 5, states


KILLED_MERGE = """
import sys
from pathlib import Path
from generator.cli import main
from tests.killpoints import KillPoints, sigkill_self
out, kill_at, folders = Path(sys.argv[1]), int(sys.argv[2]), sys.argv[3:]
with KillPoints(out, kill_at=kill_at, on_kill=sigkill_self):
    main(["manifest", "--merge", *folders, "--out", str(out)])
"""


def test_merge_kill_9_between_a_swap_and_its_manifest_then_a_build_recovers(shards, tmp_path):
    """A real SIGKILL just before the second unit's journal is renamed over manifest.json."""
    base, new, folders, old, expected = shards
    counted = fresh_copy(base, "counted", tmp_path)
    with KillPoints(counted) as points:
        merge_outputs(folders, counted)
    commits = [n for n, step in enumerate(points.steps, start=1) if step.startswith("os.rename") and step.endswith(JOURNAL_NAME)]
    out = fresh_copy(base, "killed", tmp_path)
    process = subprocess.run(
        [sys.executable, "-c", KILLED_MERGE, str(out), str(commits[1]), *map(str, folders)],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert process.returncode == -signal.SIGKILL, process.stderr
    assert (out / JOURNAL_NAME).is_file()
    on_disk = json.loads((out / "manifest.json").read_text())
    seen = check_consistent(out, old, expected)
    assert seen != on_disk  # manifest.json is one swap behind; readers take the journal, which the files match
    build(new, out)  # the next build commits the journal, then builds as usual
    for unit in UNITS:
        assert unit_files(out, unit) == expected["threads"].get(unit, {}).get("files", {}), (
            unit
        )  # shards are byte-identical to a full build
    assert read_manifest(out) == json.loads((out / "manifest.json").read_text())
    assert leftovers(out) == []


@pytest.mark.parametrize("change", ["bytes changed", "replaced by a symlink"])
def test_a_source_changed_after_its_check_is_not_swapped_in(tmp_path, change):
    """replace_thread checks a LinkedFile where it is staged: a source changed since the merge checked it is refused."""
    from generator import output

    folder = output.OutputFolder(tmp_path / "out")
    with folder.locked():
        folder.replace_thread("t", {"t.pdf": b"old"})
    source = tmp_path / "shard-t.pdf"
    digest = hashlib.sha256(b"new").hexdigest()
    if change == "bytes changed":
        source.write_bytes(b"tampered")
    else:
        (tmp_path / "elsewhere").write_bytes(b"new")
        source.symlink_to(tmp_path / "elsewhere")
    with folder.locked(), pytest.raises(output.OutputError, match="t/"):
        folder.replace_thread("t", {"t.pdf": output.LinkedFile(source, digest)}, owned=["t/t.pdf"])
    assert (tmp_path / "out/t/t.pdf").read_bytes() == b"old"
    assert leftovers(tmp_path / "out") == []
