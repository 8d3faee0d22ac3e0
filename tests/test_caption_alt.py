"""caption.txt and alt.txt through a real build: the hook first, paragraphs kept, hashtags once,
the author's characters untouched; alt text for every slide, in alt.txt and the manifest."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from PIL import Image

from generator.cli import main
from tests.helpers import write_project

THREAD = """\
    ---
    title: Ship the small thing
    subtitle: A note on scope
    canvas: instagram-portrait
    ---

    # Why small wins

    Small changes ship faster ❤️ and break less. Heart as typed: ❤ (no selector).

    A second paragraph, with #scope.

    ---

    <!-- alt: A red square, standing for the smallest change, on white -->
    ![](images/red.png)

    ---

    ![Bar chart: deploys per week went from 2 to 11](images/red.png)

    Deploys went up. #shipping #Scope

    ---

    One more post. #shipping
    """


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("caption")
    write_project(root, {"content/small.md": THREAD, "carousel.yaml": "profiles:\n  me: {name: Ada Lane, handle: ada}\n"})
    (root / "content/images").mkdir()
    Image.new("RGB", (400, 300), (200, 30, 30)).save(root / "content/images/red.png")
    result = CliRunner().invoke(main, ["build", "--project", str(root), "-j", "1"])
    assert result.exit_code == 0, result.output
    return root, result


def test_caption_starts_with_the_hook_and_keeps_paragraphs(built):
    root, _ = built
    caption = (root / "output/small/caption.txt").read_text(encoding="utf-8")
    assert caption == (
        "Ship the small thing\n\nA note on scope\n\nWhy small wins\n\n"
        "Small changes ship faster ❤️ and break less. Heart as typed: ❤ (no selector).\n\n"
        "A second paragraph, with #scope.\n\n#shipping\n"
    )


def test_caption_keeps_the_authors_variation_selectors(built):
    root, _ = built
    caption = (root / "output/small/caption.txt").read_text(encoding="utf-8")
    assert caption.count("\u2764\ufe0f") == 1  # typed with the selector
    assert "\u2764 (no selector)" in caption  # typed without: none added


def test_every_slide_has_alt_text_in_alt_txt_and_manifest(built):
    root, _ = built
    lines = (root / "output/small/alt.txt").read_text(encoding="utf-8").splitlines()
    manifest = json.loads((root / "output/manifest.json").read_text(encoding="utf-8"))
    entry = manifest["threads"]["small"]
    assert entry["alt"] == lines
    assert len(lines) == entry["slides"] == 6
    assert lines[0] == "Ship the small thing. A note on scope. By Ada Lane (@ada)."
    assert lines[1].startswith("Why small wins. Small changes ship faster")
    assert lines[2] == "A red square, standing for the smallest change, on white"
    assert lines[3] == "Image: Bar chart: deploys per week went from 2 to 11. Deploys went up. #shipping #Scope."
    assert lines[5].startswith("Found this useful?")
    assert all(line.strip() for line in lines)


def test_build_has_no_warnings(built):
    _, result = built
    assert "warning" not in result.output


def test_explicit_caption_is_never_cut_and_the_build_warns(tmp_path):
    caption = " ".join(["word"] * 500)
    write_project(tmp_path, {"content/talk.md": f"---\ntitle: Talk\ncanvas: instagram-portrait\ncaption: {caption}\n---\n\nA post.\n"})
    result = CliRunner().invoke(main, ["build", "--project", str(tmp_path), "-j", "1"])
    assert result.exit_code == 0
    assert (tmp_path / "output/talk/caption.txt").read_text(encoding="utf-8") == caption + "\n"
    assert "content/talk.md:4: warning: caption is 2,499 characters; Instagram allows 2,200 (299 too many" in result.output
    strict = CliRunner().invoke(main, ["build", "--project", str(tmp_path), "-j", "1", "--strict", "--force"])
    assert strict.exit_code == 1


def test_generated_caption_fits_the_platform(tmp_path):
    long_post = " ".join(f"Sentence {n} is here." for n in range(400))
    write_project(tmp_path, {"content/long.md": f"---\ntitle: Long\ncanvas: instagram-portrait\n---\n\n{long_post} #tail\n"})
    result = CliRunner().invoke(main, ["build", "--project", str(tmp_path), "-j", "1"])
    assert result.exit_code == 0, result.output
    caption = (tmp_path / "output/long/caption.txt").read_text(encoding="utf-8")
    assert len(caption.rstrip("\n")) <= 2200
    assert caption.startswith("Long\n\nSentence 0 is here.")
    assert caption.rstrip("\n").endswith("#tail") and "is here. …\n\n#tail" in caption
