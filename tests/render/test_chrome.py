"""The header and footer bands, read from the rendered PDF: where a centred row would put each piece.

They are placed blocks, not flexboxes (layouts/_base.css): avatar, name block and logo
centred on one line, a long name wrapping before the logo instead of running under it;
counter, site and swipe cue in the left quarter, middle half and right quarter.
"""

from __future__ import annotations

import io

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest
from PIL import Image

from tests.helpers import build_in_process, write_project

PX = 0.75  # PDF points per CSS px
NAME = "Alexandra Konstantinopoulou-Wetherington of the Many Long Names"


def _png(size: tuple[int, int], colour: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture(scope="module")
def pages(tmp_path_factory):
    """Text and image boxes (CSS px, y down) of each page of a thread with a long name, an avatar and a wide logo."""
    root = write_project(
        tmp_path_factory.mktemp("chrome"),
        {
            "carousel.yaml": f"""
                defaults:
                  profile: me
                profiles:
                  me:
                    name: {NAME}
                    handle: "@handle"
                    website: example.org
                    avatar: assets/avatar.png
                    logo: assets/logo.png
                """,
            "assets/avatar.png": _png((90, 90), "#cc3366"),
            "assets/logo.png": _png((300, 100), "#3366cc"),
            "content/t.md": "---\ntitle: Bands\n---\n\n## First\n\nOne post.\n\n---\n\n## Second\n\nAnother post.\n",
        },
    )
    result = build_in_process(root, "--format", "pdf")
    assert result.exit_code == 0, result.output
    document = pdfium.PdfDocument(root / "output" / "t" / "t.pdf")
    found = []
    for index in range(len(document)):
        page = document[index]
        height = page.get_size()[1]
        textpage = page.get_textpage()
        chars = []
        for char in range(textpage.count_chars()):
            text = textpage.get_text_range(char, 1)
            if text.strip():
                left, bottom, right, top = textpage.get_charbox(char)
                chars.append((text, left / PX, (height - top) / PX, right / PX, (height - bottom) / PX))
        images = []
        for item in page.get_objects(filter=(pdfium_c.FPDF_PAGEOBJ_IMAGE,)):
            left, bottom, right, top = item.get_bounds()
            images.append((left / PX, (height - top) / PX, right / PX, (height - bottom) / PX))
        found.append({"width": page.get_size()[0] / PX, "chars": chars, "images": sorted(images)})
    return found


def _box_of(page: dict, text: str) -> tuple[float, float, float, float]:
    """The bounding box of the characters of `text` (spaces aside), found in reading order."""
    wanted = [c for c in text if not c.isspace()]
    chars = page["chars"]
    for start in range(len(chars) - len(wanted) + 1):
        run = chars[start : start + len(wanted)]
        if [c[0] for c in run] == wanted:
            return min(c[1] for c in run), min(c[2] for c in run), max(c[3] for c in run), max(c[4] for c in run)
    raise AssertionError(f"{text!r} not on the page")


def test_a_long_name_wraps_before_the_logo_and_the_header_is_one_centred_line(pages):
    post = pages[1]
    avatar, logo = post["images"][0], post["images"][-1]
    assert logo[2] - logo[0] == pytest.approx(3 * (logo[3] - logo[1]), abs=1)  # the logo keeps its 3:1 shape
    name = _box_of(post, NAME)
    handle = _box_of(post, "@handle")
    assert name[0] > avatar[2]  # beside the avatar
    assert name[2] <= logo[0] + 0.5  # never under the logo
    assert name[3] - name[1] > 1.8 * (handle[3] - handle[1])  # it wrapped instead
    avatar_middle, logo_middle = (avatar[1] + avatar[3]) / 2, (logo[1] + logo[3]) / 2
    assert logo_middle == pytest.approx(avatar_middle, abs=0.5)
    assert (name[1] + handle[3]) / 2 == pytest.approx(avatar_middle, abs=4)  # glyph boxes, not line boxes


def test_footer_counter_site_and_cue_share_one_line_in_their_columns(pages):
    post = pages[1]
    width = post["width"]
    counter, site = _box_of(post, f"2/{len(pages)}"), _box_of(post, "example.org")
    assert _box_of(post, "2")[3] == pytest.approx(_box_of(post, "exam")[3], abs=0.5)  # one baseline (glyphs without descenders)
    assert counter[2] < width / 4
    assert (site[0] + site[2]) / 2 == pytest.approx(width / 2, abs=1)  # centred on the page
    arrow = _box_of(post, "→")
    assert arrow[0] > width * 3 / 4
    assert (arrow[1] + arrow[3]) / 2 == pytest.approx((site[1] + site[3]) / 2, abs=3)
