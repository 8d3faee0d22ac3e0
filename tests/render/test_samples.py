"""The sample threads of content/, through the real pipeline, read back from the PDFs and PNGs.

Their text layer, word by word, is checked in test_text_layer."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PIL import Image

from generator.catalog import load_catalog
from generator.content.markdown import new_markdown
from generator.project import Project
from generator.threads import load_thread
from tests.helpers import REPO_ROOT, build_in_process, embedded_font_names, pdf_pages

SAMPLES = sorted((REPO_ROOT / "content").glob("*.md"))
VENDORED_FONT_PREFIXES = (
    "Inter",
    "Lato",
    "LeagueSpartan",
    "League",
    "OpenSans",
    "Open",
    "NotoSerif",
    "Noto",
    "TeXGyre",
    "TeX",
    "JetBrains",
    "texgyre",
)


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> Path:
    """A copy of the sample project, built once with PDF and PNG output."""
    root = tmp_path_factory.mktemp("samples")
    for name in ("content", "assets", "carousel.yaml"):
        source = REPO_ROOT / name
        (shutil.copytree if source.is_dir() else shutil.copy)(source, root / name)
    result = build_in_process(root, "--format", "pdf,png")
    assert result.exit_code == 0, result.stderr
    return root


def _plan(root: Path, name: str):
    project = Project.at(root)
    return load_thread(load_catalog(project), root / "content" / name, {}, new_markdown())


def test_there_are_at_least_three_samples():
    assert len(SAMPLES) >= 3


@pytest.mark.parametrize("sample", [p.name for p in SAMPLES])
def test_pages_match_plan_and_canvas(built, sample):
    plan = _plan(built, sample)
    pages = pdf_pages(built / "output" / plan.meta.slug / f"{plan.meta.slug}.pdf")
    # fitting may add continuation slides, never remove any
    assert len(pages) >= len(plan.slides)
    for page in pages:
        assert (page["width"], page["height"]) == (plan.canvas.width, plan.canvas.height)
    pngs = sorted((built / "output" / plan.meta.slug / "slides").glob("*.png"))
    assert len(pngs) == len(pages)
    for png in pngs:
        with Image.open(png) as image:
            assert image.size == (plan.canvas.width, plan.canvas.height)


def test_only_vendored_fonts_are_embedded(built):
    for pdf in sorted((built / "output").glob("*/*.pdf")):
        names = embedded_font_names(pdf.read_bytes())
        assert names, pdf
        unexpected = {n for n in names if not n.replace("-", "").startswith(VENDORED_FONT_PREFIXES)}
        assert not unexpected, f"{pdf.name}: {unexpected}"


def _coloured_pixels(image: Image.Image) -> int:
    """Pixels whose channels differ a lot: colour, not grey."""
    hsv = image.convert("RGB").convert("HSV")
    return sum(1 for h, s, v in hsv.get_flattened_data() if s > 120 and v > 80)


def test_emoji_are_drawn_in_colour(built):
    # ship-small's cover-following post ends in 🧵 and 👇: its slide must hold emoji colours
    # that the theme (paper: blue accent, warm greys) does not have.
    png = built / "output" / "ship-small" / "slides" / "02.png"
    with Image.open(png) as image:
        rgb = image.convert("RGB")
        hues = {round(h / 16) for h, s, v in rgb.convert("HSV").get_flattened_data() if s > 120 and v > 80}
    # the theme's accent gives one hue; emoji add several (yellow, brown, red...)
    assert len(hues) >= 3, hues
