"""The tweet card as a real post screenshot, through the real pipeline: a date line, an
edge that shows on light themes (measured in the PNG pixels), an image the width of
the card (never enlarged past 1.5x)."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from generator.colour import contrast_ratio, to_hex
from generator.project import Project
from generator.themes import available_themes, load_theme
from tests.helpers import REPO_ROOT, build_in_process, find_word, image_boxes, word_boxes, write_project
from tests.textlayer import EXTRACTORS, normal_words

LIGHT_THEMES = sorted(
    name for name in set(available_themes(Project.at(REPO_ROOT))) if load_theme(Project.at(REPO_ROOT), name).mode == "light"
)


def _png(size: tuple[int, int], colour: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, "PNG")
    return buffer.getvalue()


THREAD = """\
---
title: Tweets as cards
profile: me
date: 2026-03-03 14:05
---

Hook.

---

<!-- layout: tweet -->

Plainword shipping on Fridays is fine when the deploy is boring.

---

<!-- layout: tweet, image: ../assets/shot.png -->

Shotword: the dashboard after the fix.

---

<!-- layout: tweet, image: ../assets/tiny.png -->

Tinyword: a small screenshot.
"""


@pytest.fixture(scope="module")
def builds(tmp_path_factory) -> dict[str, Path]:
    files: dict[str, str | bytes] = {
        "carousel.yaml": 'profiles:\n  me:\n    name: Robin Example\n    handle: "@robin"\n',
        "content/tw.md": THREAD,
        "assets/shot.png": _png((600, 400), "#4a7bd0"),
        "assets/tiny.png": _png((300, 200), "#d04a7b"),
    }
    out = {}
    for theme in LIGHT_THEMES:
        root = write_project(tmp_path_factory.mktemp(f"tweet-{theme}"), files)
        result = build_in_process(root, "--theme", theme, "--format", "pdf,png", "--strict")
        assert result.exit_code == 0, result.output
        out[theme] = root / "output" / "tw"
    return out


@pytest.mark.parametrize("extractor", sorted(EXTRACTORS))
def test_the_card_has_a_date_line(builds, extractor):
    pages = EXTRACTORS[extractor](builds["paper"] / "tw.pdf")
    date = normal_words("2:05 PM · Mar 3, 2026")
    for page in pages[2:5]:
        words = normal_words(page)
        assert any(words[i : i + len(date)] == date for i in range(len(words))), words


@pytest.mark.parametrize("theme", LIGHT_THEMES)
def test_the_card_edge_shows_on_light_themes(builds, theme):
    colours = load_theme(Project.at(REPO_ROOT), theme).colours
    index, (left, top, _right, bottom) = _find_word(builds[theme] / "tw.pdf", "Plainword")
    png = Image.open(builds[theme] / "slides" / f"{index + 1:02d}.png").convert("RGB")
    row = round((top + bottom) / 2)
    # from the slide's edge to the card's text: background, the card's edge, its surface
    strip = [to_hex(tuple(c / 255 for c in png.getpixel((x, row)))) for x in range(2, round(left) - 4)]
    edge = max(strip, key=lambda colour: min(contrast_ratio(colour, colours["background"]), contrast_ratio(colour, colours["surface"])))
    assert contrast_ratio(edge, colours["background"]) >= 1.5, (theme, edge)
    assert contrast_ratio(edge, colours["surface"]) >= 1.3, (theme, edge)


def _find_word(pdf: Path, word: str) -> tuple[int, tuple[float, float, float, float]]:
    index, box, _width = find_word(pdf, word)
    return index, box


def _image_bounds(pdf: Path, index: int) -> tuple[float, float, float, float]:
    (box,) = image_boxes(pdf, index)
    return box


def test_an_image_spans_the_card(builds):
    pdf = builds["paper"] / "tw.pdf"
    index, (text_left, *_) = _find_word(pdf, "Shotword")
    left, _top, right, _bottom = _image_bounds(pdf, index)
    assert abs(left - text_left) < 3, (left, text_left)  # lined up with the card's text
    assert right - left > 600 * 1.3, right - left  # enlarged to the card's width (600 px wide)
    # the width of the card: as far right as the card's text may run
    png = Image.open(builds["paper"] / "slides" / f"{index + 1:02d}.png")
    assert png.width - right < text_left + 2, (right, png.width)


def test_a_small_image_is_not_enlarged(builds):
    pdf = builds["paper"] / "tw.pdf"
    index, _ = _find_word(pdf, "Tinyword")
    left, _top, right, _bottom = _image_bounds(pdf, index)
    assert right - left <= 301, right - left


def test_the_avatar_grows_with_the_name_beside_it(tmp_path):
    """A short post is set large, and the name and handle with it: the card's avatar is as
    tall as those two lines, not left at its small size beside them."""
    root = write_project(
        tmp_path,
        {
            "carousel.yaml": 'profiles:\n  me:\n    name: Robin Example\n    handle: "@robin"\n    avatar: assets/face.png\n',
            "content/tw.md": "---\ntitle: T\nprofile: me\ncover: false\noutro: false\n---\n\n<!-- layout: tweet -->\n\nShort and large.\n",
            "assets/face.png": _png((400, 400), "#3a6b4c"),
        },
    )
    result = build_in_process(root, "--format", "pdf", "--strict")
    assert result.exit_code == 0, result.output
    pdf = root / "output/tw/tw.pdf"
    avatar_top, avatar_bottom = max((top, bottom) for _left, top, _right, bottom in image_boxes(pdf, 0))
    name = [box for _page, _whole, box, _width in word_boxes(pdf, "Robin")][-1]  # the card's (the header shows the name first)
    handle = [box for _page, _whole, box, _width in word_boxes(pdf, "@robin")][-1]
    name_block = handle[3] - name[1]
    assert avatar_bottom - avatar_top >= 0.9 * name_block, (avatar_top, avatar_bottom, name_block)
    assert avatar_top < name[3] and avatar_bottom > handle[1]  # beside the two lines
