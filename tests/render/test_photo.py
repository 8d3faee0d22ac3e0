"""The photo layout through the real pipeline: a full-bleed image behind the text on the
theme's scrim — the text reads at >= 4.5:1 on the scrimmed picture, measured in the PNG
pixels around the words, on a bright and a dark busy photo in light and dark themes —
cropped to the focus point, and never enlarged past 1.5x (a located warning instead)."""

from __future__ import annotations

import io
import random
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest
from PIL import Image, ImageDraw

from generator.colour import contrast_ratio, mix, to_hex
from generator.project import Project
from generator.themes import available_themes, load_theme
from tests.helpers import REPO_ROOT, build_in_process, write_project

THEMES = ("paper", "midnight")  # a light and a dark theme, on every canvas
CANVASES = ("linkedin-portrait", "linkedin-square", "story")
ALL_THEMES = sorted(set(available_themes(Project.at(REPO_ROOT))))  # every theme, in portrait
BUILDS = sorted({(theme, canvas) for theme in THEMES for canvas in CANVASES} | {(theme, CANVASES[0]) for theme in ALL_THEMES})
MAGENTA = (255, 0, 255)


def _png(image: Image.Image, kind: str = "PNG") -> bytes:
    buffer = io.BytesIO()
    image.save(buffer, kind)
    return buffer.getvalue()


def _busy(bright: bool, seed: int) -> bytes:
    """A busy photo: hundreds of blocks, pure white (or black) among them."""
    chance = random.Random(seed)
    image = Image.new("RGB", (1400, 2500), (250, 250, 250) if bright else (8, 8, 8))
    draw = ImageDraw.Draw(image)
    for _ in range(600):
        x, y, size = chance.randrange(1400), chance.randrange(2500), chance.randrange(20, 220)
        low, high = (170, 256) if bright else (0, 90)
        colour = tuple(chance.randrange(low, high) for _ in range(3))
        if chance.random() < 0.3:
            colour = (255, 255, 255) if bright else (0, 0, 0)
        draw.rectangle((x, y, x + size, y + size), fill=colour)
    return _png(image, "JPEG")


def _marked() -> bytes:
    """A wide image (3:1) with a magenta disc at 20 % across, 30 % down."""
    image = Image.new("RGB", (3000, 1000), (90, 120, 160))
    ImageDraw.Draw(image).ellipse((520, 220, 680, 380), fill=MAGENTA)
    return _png(image)


THREAD = """\
---
title: Photos behind words
profile: me
---

A hook for the cover.

---

<!-- layout: photo, image: ../assets/bright.jpg -->

## Brightword ridge view

Lightword text over a ==bright== busy photo, with #hashtag and a [linkword](https://example.com).

---

<!-- layout: photo, image: ../assets/dark.jpg -->

## Darkword night shift

Nightword text over a dark busy photo keeps reading.

---

<!-- layout: photo, image: ../assets/wide.png, focus: 20% 30% -->

## Focused crop

The marker stays in view.

---

<!-- layout: photo, image: ../assets/wide.png -->

## Centred crop

Without a focus the centre is kept.

---

<!-- layout: photo, image: ../assets/small.png -->

## Small photo

Only 400 px wide.
"""

CONFIG = 'profiles:\n  me:\n    name: Photo Tester\n    handle: "@phototest"\n'


@pytest.fixture(scope="module")
def builds(tmp_path_factory) -> dict[tuple[str, str], tuple[Path, str]]:
    """The thread built (PDF + PNG) per theme and canvas: (output folder, build output)."""
    files: dict[str, str | bytes] = {
        "carousel.yaml": CONFIG,
        "content/photo.md": THREAD,
        "assets/bright.jpg": _busy(True, 1),
        "assets/dark.jpg": _busy(False, 2),
        "assets/wide.png": _marked(),
        "assets/small.png": _png(Image.new("RGB", (400, 400), (200, 180, 120))),
    }
    out: dict[tuple[str, str], tuple[Path, str]] = {}
    for theme, canvas in BUILDS:
        root = write_project(tmp_path_factory.mktemp(f"photo-{theme}-{canvas}"), files)
        result = build_in_process(root, "--theme", theme, "--canvas", canvas, "--format", "pdf,png")
        assert result.exit_code == 0, result.output
        out[theme, canvas] = (root / "output" / "photo", result.output)
    return out


def _page_with(pdf: Path, word: str) -> int:
    document = pdfium.PdfDocument(pdf)
    try:
        for index in range(len(document)):
            textpage = document[index].get_textpage()
            found = word.lower() in textpage.get_text_range().lower()  # a theme may set titles in capitals
            textpage.close()
            if found:
                return index
    finally:
        document.close()
    raise AssertionError(f"{word} not in {pdf}")


def _char_boxes(pdf: Path, index: int, scale: float, first: str, last: str) -> list[tuple[int, int, int, int]]:
    """The box of every character drawn from the word `first` to the word `last` (the
    slide's title and body), in PNG pixels."""
    document = pdfium.PdfDocument(pdf)
    try:
        page = document[index]
        _, height_pt = page.get_size()
        textpage = page.get_textpage()
        boxes = []
        text = textpage.get_text_range()
        lowered = text.lower()  # a theme may set titles in capitals (same length in ASCII)
        start, end = lowered.index(first.lower()), lowered.index(last.lower()) + len(last)
        for char in range(start, end):
            if char < len(text) and text[char].isspace():
                continue
            left, bottom, right, top = textpage.get_charbox(char)
            boxes.append(
                (
                    round(left * scale),
                    round((height_pt - top) * scale),
                    round(right * scale),
                    round((height_pt - bottom) * scale),
                )
            )
        textpage.close()
    finally:
        document.close()
    return boxes


def _text_area_contrast(folder: Path, words: tuple[str, str], ink: str) -> tuple[float, str]:
    """The lowest contrast of `ink` on the scrimmed photo around the text of the slide
    from words[0] (its title) to words[1] (its body's end): every pixel of the text
    block's box that no glyph covers (line gaps, word spaces, the ends of short lines) is
    the picture under the scrim."""
    word = words[0]
    pdf = folder / "photo.pdf"
    index = _page_with(pdf, word)
    png = Image.open(folder / "slides" / f"{index + 1:02d}.png").convert("RGB")
    document = pdfium.PdfDocument(pdf)
    width_pt = document[index].get_size()[0]
    document.close()
    scale = png.width / width_pt
    body = _char_boxes(pdf, index, scale, *words)
    left, top = min(box[0] for box in body), min(box[1] for box in body)
    right, bottom = max(box[2] for box in body), max(box[3] for box in body)
    mask = Image.new("L", png.size, 0)
    draw = ImageDraw.Draw(mask)
    for box in body:
        draw.rectangle((box[0] - 3, box[1] - 3, box[2] + 3, box[3] + 3), fill=255)
    ground = [png.getpixel((x, y)) for y in range(top, bottom, 2) for x in range(left, right, 2) if not mask.getpixel((x, y))]
    assert len(ground) > 1000, len(ground)
    worst = min(set(ground), key=lambda rgb: contrast_ratio(ink, to_hex(tuple(c / 255 for c in rgb))))
    worst_hex = to_hex(tuple(c / 255 for c in worst))
    return contrast_ratio(ink, worst_hex), worst_hex


@pytest.mark.parametrize("theme", THEMES)
@pytest.mark.parametrize("words", [("Brightword", "linkword."), ("Darkword", "reading.")])
def test_text_on_the_photo_reads_at_4_5(builds, theme, words):
    ink = load_theme(Project.at(REPO_ROOT), theme).colours["text"]
    for canvas in CANVASES:
        ratio, ground = _text_area_contrast(builds[theme, canvas][0], words, ink)
        assert ratio >= 4.5, f"{theme} {canvas}: {ink} on {ground} is {ratio:.2f}:1"


@pytest.mark.parametrize("theme", ALL_THEMES)
def test_text_on_the_photo_reads_at_4_5_in_every_theme(builds, theme):
    ink = load_theme(Project.at(REPO_ROOT), theme).colours["text"]
    for words in (("Brightword", "linkword."), ("Darkword", "reading.")):
        ratio, ground = _text_area_contrast(builds[theme, CANVASES[0]][0], words, ink)
        assert ratio >= 4.5, f"{theme}: {ink} on {ground} is {ratio:.2f}:1"


@pytest.mark.parametrize("theme", ALL_THEMES)
def test_the_scrim_keeps_the_text_at_4_5_over_any_picture(theme):
    """From the theme file: the scrim over a white and over a black picture."""
    loaded = load_theme(Project.at(REPO_ROOT), theme)
    scrim = loaded.scrim()
    opacity = float(scrim.rsplit(",", 1)[1].rstrip(") "))
    for picture in ("#ffffff", "#000000"):
        veiled = mix(picture, loaded.colours["background"], opacity)
        assert contrast_ratio(loaded.colours["text"], veiled) >= 4.5, (theme, picture, scrim)


def test_the_photo_fills_the_slide_behind_the_text(builds):
    """Full bleed: the photo's pixels reach every edge of the slide (no page margin)."""
    folder, _ = builds["paper", "linkedin-portrait"]
    index = _page_with(folder / "photo.pdf", "Darkword")
    png = Image.open(folder / "slides" / f"{index + 1:02d}.png").convert("L")
    background = Image.new("RGB", (1, 1), load_theme(Project.at(REPO_ROOT), "paper").colours["background"]).convert("L").getpixel((0, 0))
    for x, y in ((2, png.height // 2), (png.width - 3, png.height // 2), (png.width // 2, png.height * 3 // 5)):
        assert abs(png.getpixel((x, y)) - background) > 25, (x, y)


def _magenta_pixels(folder: Path, word: str) -> int:
    index = _page_with(folder / "photo.pdf", word)
    png = Image.open(folder / "slides" / f"{index + 1:02d}.png").convert("RGB")
    colours = png.getcolors(png.width * png.height) or []
    return sum(count for count, (r, g, b) in colours if r > 200 and g < 90 and b > 200)


@pytest.mark.parametrize("canvas", CANVASES)
def test_the_focus_point_stays_in_the_crop(builds, canvas):
    folder, _ = builds["midnight", canvas]
    assert _magenta_pixels(folder, "Focused") > 2000  # the disc at 20 % 30 % is in view
    if canvas != "linkedin-square":  # a tall crop of a 3:1 image keeps only its middle
        assert _magenta_pixels(folder, "Centred") == 0


def test_a_small_photo_is_not_enlarged_into_blur_and_warns(builds):
    folder, output = builds["paper", "linkedin-portrait"]
    line = THREAD.splitlines().index("<!-- layout: photo, image: ../assets/small.png -->") + 1
    assert (
        f"content/photo.md:{line}: warning: post 6: image small.png is 400x400 px: filling the 1080x1350 slide would "
        "enlarge it 3.4x into blur, so it is shown at 1.5x" in output
    ), output
    for (_theme, canvas), (_, shown) in builds.items():
        assert "bright.jpg" not in shown  # large enough: no warning
        # 1000 px tall: enough for 1350 px (1.35x), not for a 1920 px story (1.92x)
        assert ("image wide.png is 3000x1000 px" in shown) == (canvas == "story"), (canvas, shown)
    index = _page_with(folder / "photo.pdf", "Small")
    document = pdfium.PdfDocument(folder / "photo.pdf")
    try:
        images = list(document[index].get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=8))
        widths = [(image.get_bounds()[2] - image.get_bounds()[0]) / 0.75 for image in images]
    finally:
        document.close()
    assert widths and max(widths) <= 400 * 1.5 + 1, widths


def test_a_bad_focus_is_a_located_error(tmp_path):
    root = write_project(
        tmp_path,
        {
            "content/bad.md": "---\ntitle: Bad\n---\n\nHook.\n\n---\n\n<!-- layout: photo, image: a.png, focus: left -->\n\nText.\n",
            "content/a.png": _png(Image.new("RGB", (1200, 1500), "#336699")),
        },
    )
    result = build_in_process(root, "--format", "pdf")
    assert result.exit_code == 1, result.output
    assert "content/bad.md:9:" in result.output and "'left' is not a focus point" in result.output, result.output
