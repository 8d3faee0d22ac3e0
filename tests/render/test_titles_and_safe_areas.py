"""Cover hooks never break inside a word (in every theme and canvas), and no character
of any canvas preset lies in that canvas's unsafe bands — read from the PDF's
character boxes with pdfium."""

from __future__ import annotations

import pypdfium2 as pdfium
import pytest

from generator.canvas import CANVAS_PRESETS, Canvas
from generator.project import Project
from generator.themes import available_themes
from tests.helpers import REPO_ROOT, build_in_process, write_project
from tests.textlayer import normal_words, pdftotext_pages

TITLES = {
    "i18n": "Internationalization considerations everywhere",
    "oneword": "Electroencephalographically" + "measured",  # 35 characters, one word
}
assert len(TITLES["oneword"]) == 35
K = 0.75  # CSS px -> PDF pt
BAND_THEMES = ("paper", "brutalist")


def _threads() -> dict[str, str]:
    files: dict[str, str] = {}
    for theme in available_themes(Project.at(REPO_ROOT)):
        for canvas in CANVAS_PRESETS:
            for key, title in TITLES.items():
                # the cover alone, but for the themes whose every slide the band test reads
                full = theme in BAND_THEMES and key == "i18n"
                files[f"content/{theme}-{canvas}-{key}.md"] = (
                    f"---\ntitle: {title}\ntheme: {theme}\ncanvas: {canvas}\n{'' if full else 'slides: [cover]'}\n---\n\n"
                    "## A post title that runs over two lines here\n\nA short post with a few words on it.\n"
                )
    return files


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = write_project(
        tmp_path_factory.mktemp("titles"),
        {
            "carousel.yaml": "profiles:\n  me:\n    name: Robin Example\n    handle: robin\n    website: example.com\n",
            **_threads(),
        },
    )
    result = build_in_process(root)
    assert result.exit_code == 0, result.stderr
    return root


def test_cover_titles_never_break_inside_a_word(built):
    for path in sorted((built / "content").glob("*.md")):
        slug = path.stem
        key = slug.rsplit("-", 1)[1]
        cover = pdftotext_pages(built / "output" / slug / f"{slug}.pdf")[0]
        words = normal_words(cover)
        for word in normal_words(TITLES[key]):
            if word in words:
                continue
            # only a word too wide for the slide at the smallest size may break, with a hyphen
            pieces = [w for w in words if w.endswith(("-", "\u2010")) and word.startswith(w[:-1])]
            assert pieces and len(word) >= 30, f"{slug}: {word!r} broken without a hyphen: {cover!r}"


def _char_boxes(pdf):
    document = pdfium.PdfDocument(pdf)
    try:
        for index in range(len(document)):
            page = document[index]
            _, height = page.get_size()
            textpage = page.get_textpage()
            for char_index in range(textpage.count_chars()):
                char = textpage.get_text_range(char_index, 1)
                if not char.strip():
                    continue
                left, bottom, right, top = textpage.get_charbox(char_index)
                yield index + 1, char, (left / K, (height - top) / K, right / K, (height - bottom) / K)
            textpage.close()
    finally:
        document.close()


@pytest.mark.parametrize("canvas", sorted(CANVAS_PRESETS))
def test_no_character_lies_in_the_unsafe_bands(built, canvas):
    width, height = CANVAS_PRESETS[canvas]
    safe = Canvas(canvas, width, height).safe_area
    checked = 0
    for theme in BAND_THEMES:
        slug = f"{theme}-{canvas}-i18n"
        for page, char, (x0, y0, x1, y1) in _char_boxes(built / "output" / slug / f"{slug}.pdf"):
            checked += 1
            assert x0 >= safe.side - 1 and x1 <= width - safe.side + 1, f"{slug} page {page}: {char!r} at x {x0:.0f}-{x1:.0f}"
            assert y0 >= safe.top - 1 and y1 <= height - safe.bottom + 1, (
                f"{slug} page {page}: {char!r} at y {y0:.0f}-{y1:.0f} (safe {safe})"
            )
    assert checked > 100


def test_story_and_instagram_bands_follow_the_platforms():
    story = Canvas("story", 1080, 1920).safe_area
    assert story.top >= 250 and story.bottom >= 250
    instagram = Canvas("instagram-portrait", 1080, 1350).safe_area
    assert instagram.bottom >= 130 and instagram.side >= 33
    square = Canvas("instagram-square", 1080, 1080).safe_area
    assert square.side == pytest.approx((1080 - 1080 * 3 / 4) / 2)
    tall_custom = Canvas("720x1280", 720, 1280).safe_area
    assert tall_custom.top >= 0.12 * 1280  # a story-like ratio gets story-like bands


def test_header_and_footer_text_is_readable_on_a_phone(built):
    """Chrome text (outside the content band) is at least 26 px on a 1080 px slide."""
    slug = "paper-linkedin-portrait-i18n"
    document = pdfium.PdfDocument(built / "output" / slug / f"{slug}.pdf")
    try:
        import pypdfium2.raw as raw

        sizes = []
        for index in range(1, len(document)):
            textpage = document[index].get_textpage()
            for char_index in range(textpage.count_chars()):
                if textpage.get_text_range(char_index, 1).strip():
                    sizes.append(raw.FPDFText_GetFontSize(textpage.raw, char_index) / K)
            textpage.close()
        assert sizes and min(sizes) >= 25.5, min(sizes)
    finally:
        document.close()
