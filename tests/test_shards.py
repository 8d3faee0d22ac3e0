"""--shard K/N: disjoint shares whose union is the full build, byte for byte; `carousel manifest --merge`."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from generator.cli import main
from generator.shards import Shard, assign_shards
from tests.helpers import carousel_in_process, write_project


def files_of(folder):
    """Every file of an output folder but its lock."""
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file() and p.name != ".carousel.lock"
    }


def thread(n: int) -> str:
    posts = "\n\n---\n\n".join(f"Post {k} of thread {n}." for k in range(1, n % 3 + 2))
    return f"---\ntitle: Thread {n}\n---\n\n{posts}\n"


@pytest.fixture(scope="module")
def builds(tmp_path_factory):
    root = tmp_path_factory.mktemp("shards")
    write_project(root, {f"content/t{n}.md": thread(n) for n in range(1, 8)})
    runner = CliRunner()
    full = runner.invoke(main, ["build", "--project", str(root), "-j", "1", "--format", "pdf,png", "--out", str(root / "full")])
    assert full.exit_code == 0, full.output
    shards = []
    for k in (1, 2, 3):
        out = root / f"shard{k}"
        result = runner.invoke(
            main, ["build", "--project", str(root), "-j", "1", "--format", "pdf,png", "--shard", f"{k}/3", "--out", str(out)]
        )
        assert result.exit_code == 0, result.output
        shards.append(out)
    return root, root / "full", shards


def test_shards_are_disjoint_and_cover_every_thread(builds):
    _, full, shards = builds
    slugs = [{name.split("/")[0] for name in files_of(out) if name != "manifest.json"} for out in shards]
    assert all(slugs), slugs  # 7 threads over 3 shards: none empty
    assert not (slugs[0] & slugs[1] or slugs[0] & slugs[2] or slugs[1] & slugs[2])
    assert set().union(*slugs) == {f"t{n}" for n in range(1, 8)}


def test_union_of_shards_equals_the_full_build_byte_for_byte(builds):
    _, full, shards = builds
    union: dict[str, bytes] = {}
    for out in shards:
        union.update({name: data for name, data in files_of(out).items() if name != "manifest.json"})
    expected = {name: data for name, data in files_of(full).items() if name != "manifest.json"}
    assert union.keys() == expected.keys()
    assert all(union[name] == expected[name] for name in expected)


def test_merged_manifest_equals_the_full_builds(builds):
    root, full, shards = builds
    merged = root / "merged"
    result = CliRunner().invoke(main, ["manifest", "--merge", *map(str, shards), "--out", str(merged)])
    assert result.exit_code == 0, result.output
    assert (merged / "manifest.json").read_bytes() == (full / "manifest.json").read_bytes()
    assert files_of(merged) == files_of(full)


def test_merge_refuses_a_tampered_shard(builds, tmp_path):
    _, _, shards = builds
    import shutil

    copy = tmp_path / "copy"
    shutil.copytree(shards[0], copy)
    victim = next(p for p in copy.rglob("caption.txt"))
    victim.write_text("tampered\n")
    result = CliRunner().invoke(main, ["manifest", "--merge", str(copy), "--out", str(tmp_path / "merged")])
    assert result.exit_code == 2
    assert "does not match the sha256 its manifest records" in result.output
    assert not (tmp_path / "merged").exists()  # nothing written


def malformed_copy(shard, where, unit_entry):
    """A copy of a shard's output folder whose first thread entry becomes `unit_entry(entry)`; returns (copy, slug)."""
    import shutil

    shutil.copytree(shard, where)
    manifest = json.loads((where / "manifest.json").read_text(encoding="utf-8"))
    slug = sorted(manifest["threads"])[0]
    manifest["threads"][slug] = unit_entry(manifest["threads"][slug])
    (where / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return where, slug


@pytest.mark.parametrize(
    ("unit_entry", "problem"),
    [
        (lambda entry: dict(entry, files=5), "files must be a mapping"),
        (lambda entry: [1], "must be a mapping"),
        (lambda entry: None, "must be a mapping"),
        (lambda entry: dict(entry, files=dict.fromkeys(entry["files"], 5)), "files[{first}] must be a string"),
        (lambda entry: dict(entry, slides="3"), "slides must be a whole number"),
        (lambda entry: dict(entry, slides=-1), "slides must be 0 or more"),
        (lambda entry: dict(entry, alt="x"), "alt must be a list"),
    ],
    ids=["files-5", "entry-list", "entry-null", "sha256-number", "slides-string", "slides-negative", "alt-string"],
)
def test_merge_refuses_a_malformed_thread_entry_and_writes_nothing(builds, tmp_path, unit_entry, problem):
    """QA pass M6: was an internal error (files: 5) or a silent merge carrying the entry on ([1])."""
    _, _, shards = builds
    copy, slug = malformed_copy(shards[0], tmp_path / "s5", unit_entry)
    first = sorted(json.loads((shards[0] / "manifest.json").read_text(encoding="utf-8"))["threads"][slug]["files"])[0]
    result = carousel_in_process(tmp_path, "manifest", "--merge", "s5", str(shards[1]), "--out", "m5")
    assert result.exit_code == 2, result.output
    expected = f"s5/manifest.json: thread '{slug}': {problem.format(first=repr(first))}"
    assert result.stderr.splitlines()[0] == expected, result.stderr
    assert all(line.startswith(f"s5/manifest.json: thread '{slug}': ") for line in result.stderr.splitlines()), result.stderr
    assert not (tmp_path / "m5").exists()  # nothing merged


def test_merge_reports_every_malformed_shard(builds, tmp_path):
    _, _, shards = builds
    _, first = malformed_copy(shards[0], tmp_path / "a", lambda entry: dict(entry, files=[]))
    _, second = malformed_copy(shards[1], tmp_path / "b", lambda entry: 7)
    result = carousel_in_process(tmp_path, "manifest", "--merge", "a", "b", "--out", "out")
    assert result.exit_code == 2, result.output
    assert result.stderr.splitlines() == [
        f"a/manifest.json: thread '{first}': files must be a mapping",
        f"b/manifest.json: thread '{second}': must be a mapping",
    ]
    assert not (tmp_path / "out").exists()


def test_assignment_is_stable_and_balanced():
    weights = [(f"thread-{n}", n % 5 + 1) for n in range(40)]
    first = assign_shards(weights, 4)
    assert first == assign_shards(list(reversed(weights)), 4)  # order of discovery does not matter
    loads = [sum(w for slug, w in weights if first[slug] == k) for k in range(1, 5)]
    assert max(loads) - min(loads) <= 5


@pytest.mark.parametrize("text", ["0/3", "4/3", "a/b", "3", "1/1001", "1/1000000000", "1/999999999999999999999"])
def test_bad_shard_is_a_usage_error(tmp_path, text):
    with pytest.raises(ValueError):
        Shard.parse(text)
    result = CliRunner().invoke(main, ["build", "--project", str(tmp_path), "--shard", text])
    assert result.exit_code == 2 and "--shard" in result.output, result.output
    assert "internal error" not in result.output


def test_a_thousand_shards_is_the_most_allowed(tmp_path):
    assert Shard.parse("1000/1000") == Shard(1000, 1000)
    with pytest.raises(ValueError, match="N must be at most 1,000"):
        Shard.parse("1/1001")
