"""Slide details through the real pipeline, in every built-in theme: text roles read at
≥ 4.5:1 in the rendered pixels, task lists and highlights leave no markup in the text
layer, formulas are vector paths, and problems are located warnings."""

from __future__ import annotations

import io
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest
from PIL import Image

from generator.colour import contrast_ratio, to_hex
from generator.project import Project
from generator.themes import available_themes, load_theme
from tests.helpers import REPO_ROOT, build_in_process, write_project
from tests.textlayer import EXTRACTORS

THEMES = sorted(set(available_themes(Project.at(REPO_ROOT))))

THREAD = """\
---
title: Roles ==every== theme reads
subtitle: Subtitleword under the hook
profile: me
---

## Colours on the page

Plainword body text with #hashtag and ==markedword== phrases, plus a [linkword](https://example.com) too.

---

## Tasks

- [x] finished item
- [ ] open item

---

```python
def total(items):  # commentword
    return sum(items) + 42 or "stringword"
```

---

## Formula

$$\\frac{a}{b} + \\sqrt{x^2 + y^2}$$
"""

CONFIG = """\
profiles:
  me:
    name: Role Tester
    handle: "@handleword"
"""

# word on the slide -> the theme role it is drawn in (and the surface it sits on)
ROLE_WORDS = {
    "reads": ("hook", "cover"),
    "every": ("highlighted hook", "cover"),
    "Subtitleword": ("subtitle", "cover"),
    "Plainword": ("text", "background"),
    "@handleword": ("muted", "background"),
    "#hashtag": ("accent_text", "background"),
    "linkword": ("accent_text", "background"),
    "markedword": ("highlight", "background"),
    "def": ("code", "surface"),
    "total": ("code", "surface"),
    "commentword": ("code", "surface"),
    "42": ("code", "surface"),
    "stringword": ("code", "surface"),
}


@pytest.fixture(scope="module")
def builds(tmp_path_factory) -> dict[str, Path]:
    """The thread built (PDF + PNG) once per theme."""
    out: dict[str, Path] = {}
    for theme in THEMES:
        root = write_project(tmp_path_factory.mktemp(f"details-{theme}"), {"carousel.yaml": CONFIG, "content/roles.md": THREAD})
        result = build_in_process(root, "--theme", theme, "--format", "pdf,png", "--strict")
        assert result.exit_code == 0, result.output
        out[theme] = root / "output" / "roles"
    return out


def _word_box(page, word: str) -> tuple[float, float, float, float] | None:
    """(left, top, right, bottom) in page px of the first occurrence of `word`."""
    textpage = page.get_textpage()
    try:
        text = textpage.get_text_range()
        start = text.lower().find(word.lower())  # themes may set titles in capitals
        if start < 0:
            return None
        _, height_pt = page.get_size()
        boxes = [textpage.get_charbox(index) for index in range(start, start + len(word)) if not text[index].isspace()]
    finally:
        textpage.close()
    left = min(box[0] for box in boxes) / 0.75
    right = max(box[2] for box in boxes) / 0.75
    top = (height_pt - max(box[3] for box in boxes)) / 0.75
    bottom = (height_pt - min(box[1] for box in boxes)) / 0.75
    return left, top, right, bottom


def _ink_contrast(png: Image.Image, box: tuple[float, float, float, float], ground: str) -> tuple[float, str]:
    """The contrast of a word's ink on the colour it sits on: its ink is the pixel of its
    box that differs most from the ground (the core of a glyph, not its anti-aliased edge)."""
    left, top, right, bottom = (round(value) for value in box)
    crop = png.crop((left, top, right, bottom)).convert("RGB")
    colours = {to_hex(tuple(channel / 255 for channel in rgb)) for _, rgb in crop.getcolors(crop.width * crop.height)}
    ink = max(colours, key=lambda colour: contrast_ratio(colour, ground))
    return contrast_ratio(ink, ground), ink


def _ground(png: Image.Image, box: tuple[float, float, float, float]) -> str:
    """The most common colour of a word's box: what its letters sit on (page, card, band)."""
    left, top, right, bottom = (round(value) for value in box)
    crop = png.crop((left, top, right, bottom)).convert("RGB")
    _count, rgb = max(crop.getcolors(crop.width * crop.height))
    return to_hex(tuple(channel / 255 for channel in rgb))


@pytest.mark.parametrize("theme", THEMES)
def test_every_text_role_reads_in_the_rendered_pixels(builds, theme):
    folder = builds[theme]
    document = pdfium.PdfDocument(folder / "roles.pdf")
    failures = []
    try:
        for word, (role, _) in ROLE_WORDS.items():
            found = False
            for index in range(len(document)):
                box = _word_box(document[index], word)
                if box is None:
                    continue
                png = Image.open(io.BytesIO((folder / "slides" / f"{index + 1:02d}.png").read_bytes()))
                ground = _ground(png, box)
                ratio, ink = _ink_contrast(png, box, ground)
                if ratio < 4.5:
                    failures.append(f"{word} ({role}): {ink} on {ground} is {ratio:.2f}:1")
                found = True
                break
            assert found, f"{word} not found in the text layer"
    finally:
        document.close()
    assert not failures, f"{theme}: " + "; ".join(failures)


@pytest.mark.parametrize("extractor", sorted(EXTRACTORS))
def test_no_markup_in_the_text_layer(builds, extractor):
    for theme, folder in builds.items():
        text = "\n".join(EXTRACTORS[extractor](folder / "roles.pdf"))
        for mark in ("[x]", "[ ]", "==", "$$", "\\frac"):
            assert mark not in text, f"{theme} ({extractor}): {mark!r} in the text layer"
        words = text.casefold().split()  # brutalist sets titles in capitals
        assert "finished" in words and "every" in words and "markedword" in words


def _formula_page(pdf: Path) -> int:
    document = pdfium.PdfDocument(pdf)
    try:
        for index in range(len(document)):
            textpage = document[index].get_textpage()
            found = "Formula" in textpage.get_text_range()
            textpage.close()
            if found:
                return index
    finally:
        document.close()
    raise AssertionError("no formula slide")


def test_a_formula_is_vector_paths_not_an_image(builds):
    pdf = builds["paper"] / "roles.pdf"
    index = _formula_page(pdf)
    document = pdfium.PdfDocument(pdf)
    try:
        page = document[index]
        images = list(page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=8))
        paths = list(page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_PATH], max_depth=8))
        assert images == []
        # the formula's glyphs: many filled paths in the middle of the slide
        _, height = page.get_size()
        inside = [path for path in paths if height * 0.2 < path.get_bounds()[1] < height * 0.8]
        assert len(inside) >= 8, len(inside)
    finally:
        document.close()


def test_formula_is_drawn_in_the_theme_text_colour(builds):
    for theme in ("paper", "midnight"):
        colours = load_theme(Project.at(REPO_ROOT), theme).colours
        index = _formula_page(builds[theme] / "roles.pdf")
        png = Image.open(builds[theme] / "slides" / f"{index + 1:02d}.png").convert("RGB")
        document = pdfium.PdfDocument(builds[theme] / "roles.pdf")
        try:
            title = _word_box(document[index], "Formula")
        finally:
            document.close()
        assert title is not None
        box = (png.width * 0.1, title[3] + 8, png.width * 0.9, png.height * 0.75)  # under the title
        _ratio, ink = _ink_contrast(png, box, colours["background"])
        assert contrast_ratio(ink, colours["text"]) < 1.3, (theme, ink, colours["text"])


def test_bad_formula_and_unreadable_accent_are_located_warnings(tmp_path):
    root = write_project(
        tmp_path,
        {
            "carousel.yaml": 'profiles:\n  me:\n    name: Me\n    handle: "@me"\n    accent: "#f4f0e8"\n',
            "content/bad.md": "---\ntitle: Bad\nprofile: me\n---\n\nFine words.\n\nThen $\\frac{a}{$ here.\n",
        },
    )
    result = build_in_process(root, "--theme", "paper", "--format", "pdf")
    assert result.exit_code == 0, result.output
    assert "content/bad.md:8: warning: post 1: formula '$\\frac{a}{$' is shown as text" in result.output
    assert "carousel.yaml:5: warning: profiles.me.accent: #f4f0e8 has contrast" in result.output
    strict = build_in_process(root, "--theme", "paper", "--format", "pdf", "--strict", "--force")
    assert strict.exit_code == 1


def test_the_cover_has_one_swipe_cue_and_no_counter(builds):
    for extractor, pages in ((name, EXTRACTORS[name](builds["paper"] / "roles.pdf")) for name in sorted(EXTRACTORS)):
        cover, second = pages[0], pages[1]
        assert "1/" not in cover, (extractor, cover)
        assert cover.count("→") == 1, (extractor, cover)
        assert "2/" in second, (extractor, second)


def test_themes_choose_among_three_cover_compositions():
    project = Project.at(REPO_ROOT)
    assert {load_theme(project, name).cover for name in THEMES} == {"left", "centre", "panel"}
