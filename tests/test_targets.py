"""Targets: one source, every platform in one build (carousel.yaml `targets:`, front matter `targets:`, --target)."""

from __future__ import annotations

import json
from datetime import UTC

import pytest
from click.testing import CliRunner
from PIL import Image

from generator.cli import main
from tests.helpers import pdf_pages, write_project

CONFIG = """\
    targets:
      linkedin:  {canvas: linkedin-portrait, formats: [pdf]}
      instagram: {canvas: instagram-portrait, formats: [png]}
      story:     {canvas: story, formats: [jpg]}
    """
ALPHA = """\
    ---
    title: Alpha thread
    caption: Our caption for every platform.
    ---

    First post of alpha, with enough words to need a line or two. #alpha

    ---

    Second post.
    """
BETA = """\
    ---
    title: Beta thread
    targets:
      linkedin: {theme: midnight}
      story:
    ---

    Beta is for LinkedIn and the story only.
    """
SIZES = {"linkedin": (1080, 1350), "instagram": (1080, 1350), "story": (1080, 1920)}


def build(project, *args):
    return CliRunner().invoke(main, ["build", "--project", str(project), "-j", "1", *args])


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    root = write_project(tmp_path_factory.mktemp("targets"), {"carousel.yaml": CONFIG, "content/alpha.md": ALPHA, "content/beta.md": BETA})
    result = build(root)
    assert result.exit_code == 0, result.output
    assert "warning" not in result.output
    return root


def test_every_thread_is_built_into_each_target_folder_at_its_canvas_size(project):
    out = project / "output"
    pages = pdf_pages(out / "alpha/linkedin/alpha.pdf")
    assert len(pages) == 4 and {(p["width"], p["height"]) for p in pages} == {SIZES["linkedin"]}
    for target, suffix in (("instagram", "png"), ("story", "jpg")):
        slides = sorted((out / "alpha" / target / "slides").iterdir())
        assert [s.name for s in slides] == [f"0{n}.{suffix}" for n in range(1, 5)]
        for slide in slides:
            with Image.open(slide) as image:
                assert image.size == SIZES[target]
    # each target holds only its own formats
    assert not (out / "alpha/linkedin/slides").exists() and not list((out / "alpha/instagram").glob("*.pdf"))


def test_each_target_has_its_caption_and_alt_text(project):
    out = project / "output"
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["threads"]
    for target in SIZES:
        folder = out / "alpha" / target
        assert (folder / "caption.txt").read_text(encoding="utf-8") == "Our caption for every platform.\n"
        alt = (folder / "alt.txt").read_text(encoding="utf-8").splitlines()
        assert len(alt) == 4 and alt[0] == "Alpha thread."
        entry = manifest[f"alpha/{target}"]
        assert (
            entry["target"] == target
            and entry["alt"] == alt
            and entry["canvas"] == ("story" if target == "story" else f"{target}-portrait")
        )
    assert manifest["alpha/story"]["platform"] == "instagram"


def test_front_matter_restricts_and_overrides_targets(project):
    out = project / "output"
    assert sorted(p.name for p in (out / "beta").iterdir()) == ["linkedin", "story"]
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["threads"]
    assert manifest["beta/linkedin"]["theme"] == "midnight" and manifest["beta/story"]["theme"] == "paper"
    assert "beta/instagram" not in manifest


def test_second_build_renders_nothing(project):
    result = build(project)
    assert result.exit_code == 0
    assert "0 built" in result.output and "(5 up to date)" in result.output


def test_target_option_builds_one_target_and_keeps_the_others(tmp_path):
    write_project(tmp_path, {"carousel.yaml": CONFIG, "content/alpha.md": ALPHA})
    result = build(tmp_path, "--target", "story")
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in (tmp_path / "output/alpha").iterdir()) == ["story"]
    assert build(tmp_path, "--target", "linkedin").exit_code == 0
    assert sorted(p.name for p in (tmp_path / "output/alpha").iterdir()) == ["linkedin", "story"]
    manifest = json.loads((tmp_path / "output/manifest.json").read_text(encoding="utf-8"))["threads"]
    assert sorted(manifest) == ["alpha/linkedin", "alpha/story"]
    wrong = build(tmp_path, "--target", "stroy")
    assert wrong.exit_code == 2 and "--target: unknown target 'stroy' (did you mean 'story'?)" in wrong.output


def test_unknown_target_in_front_matter_is_located(tmp_path):
    write_project(tmp_path, {"carousel.yaml": CONFIG, "content/a.md": "---\ntitle: A\ntargets: [linkedn]\n---\n\nx\n"})
    result = build(tmp_path)
    assert result.exit_code == 1
    assert "content/a.md:3: front matter: unknown target 'linkedn' (did you mean 'linkedin'?)" in result.output
    assert result.output.count("unknown target") == 1  # reported once, not once per target


def test_without_targets_the_output_layout_is_unchanged(tmp_path):
    write_project(tmp_path, {"content/alpha.md": ALPHA})
    assert build(tmp_path).exit_code == 0
    assert sorted(p.name for p in (tmp_path / "output/alpha").iterdir()) == ["alpha.pdf", "alt.txt", "caption.txt"]
    manifest = json.loads((tmp_path / "output/manifest.json").read_text(encoding="utf-8"))["threads"]
    assert list(manifest) == ["alpha"] and "target" not in manifest["alpha"]


def test_watch_rebuilds_every_target_of_a_changed_thread_and_nothing_else(tmp_path):
    from datetime import datetime

    from generator.build import BuildRequest
    from generator.project import Project
    from generator.watch import Watcher

    write_project(
        tmp_path,
        {
            "carousel.yaml": "targets:\n  linkedin: {canvas: linkedin-square}\n  story: {canvas: story}\n",
            "content/alpha.md": ALPHA,
            "content/gamma.md": "---\ntitle: Gamma\n---\n\nGamma post.\n",
        },
    )
    request = BuildRequest(project=Project.at(tmp_path), out_dir=tmp_path / "output", now=datetime(2026, 1, 1, tzinfo=UTC), jobs=1)
    lines: list[str] = []
    watcher = Watcher(request, echo=lines.append)
    try:
        watcher.start()
        out = tmp_path / "output"
        gamma = {p: p.stat().st_mtime_ns for p in (out / "gamma").rglob("*") if p.is_file()}
        assert len(gamma) == 6  # pdf, caption and alt for each of two targets
        (tmp_path / "content/alpha.md").write_text(ALPHA.replace("Second post.", "Second post, edited."), encoding="utf-8")
        watcher.rebuild({(tmp_path / "content/alpha.md").resolve()})
    finally:
        watcher.stop()
    for target in ("linkedin", "story"):
        assert "edited" in " ".join(page["text"] for page in pdf_pages(out / "alpha" / target / "alpha.pdf"))
    assert {p: p.stat().st_mtime_ns for p in (out / "gamma").rglob("*") if p.is_file()} == gamma
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["threads"]
    assert sorted(manifest) == ["alpha/linkedin", "alpha/story", "gamma/linkedin", "gamma/story"]


def test_adding_and_removing_targets_moves_the_output(tmp_path):
    write_project(tmp_path, {"content/alpha.md": ALPHA})
    assert build(tmp_path).exit_code == 0
    (tmp_path / "carousel.yaml").write_text("targets:\n  linkedin: {canvas: linkedin-square}\n  story: {canvas: story}\n", encoding="utf-8")
    added = build(tmp_path)
    assert added.exit_code == 0, added.output
    assert sorted(p.name for p in (tmp_path / "output/alpha").iterdir()) == ["linkedin", "story"]
    (tmp_path / "carousel.yaml").write_text("targets:\n  linkedin: {canvas: linkedin-square}\n", encoding="utf-8")
    dropped = build(tmp_path)
    assert dropped.exit_code == 0 and "target 'story' is no longer in carousel.yaml" in dropped.output
    assert sorted(p.name for p in (tmp_path / "output/alpha").iterdir()) == ["linkedin"]
    (tmp_path / "carousel.yaml").write_text("defaults: {theme: paper}\n", encoding="utf-8")
    removed = build(tmp_path)
    assert removed.exit_code == 0, removed.output
    assert sorted(p.name for p in (tmp_path / "output/alpha").iterdir()) == ["alpha.pdf", "alt.txt", "caption.txt"]
    assert list(json.loads((tmp_path / "output/manifest.json").read_text(encoding="utf-8"))["threads"]) == ["alpha"]
