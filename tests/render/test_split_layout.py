"""The split layout on each canvas: a square image sits beside the text on portrait and
square canvases, and under it on a tall story canvas, larger than the column beside
the text would let it be; a post that would not fit one slide beside its image is set
with the image under the text instead of being continued or shrunk. Read back from the
PDFs (pdfium)."""

from __future__ import annotations

import io

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_raw
import pytest
from PIL import Image

from generator.canvas import Canvas
from generator.config.schema import Typography
from generator.render.grid import grid_for, image_beside
from tests.helpers import build_in_process, find_word, image_boxes, pdf_pages, write_project

CANVASES = ("linkedin-portrait", "instagram-square", "story")
# Beside a square image on a square canvas this needs a second slide for its last line or
# two (or a body shrunk under 34 px); at full width it fits one slide with the image under it.
LONGER = (
    "This post has a longer paragraph so that the text and the image compete for the band: "
    "the fitter has to decide how large the picture may be and whether the words still fit "
    "at a comfortable size on one slide."
)


def _square_png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (600, 600), (40, 90, 200)).save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    files: dict[str, str | bytes] = {"content/images/square.png": _square_png()}
    for canvas in CANVASES:
        files[f"content/{canvas}.md"] = (
            f"---\ntitle: Split\ncanvas: {canvas}\ncover: false\noutro: false\n---\n\n"
            "<!-- layout: split -->\n<!-- image: images/square.png -->\n## Look at the graph\n\nThe slow stage is almost never the one you guessed.\n"
        )
    files["content/longer.md"] = (
        "---\ntitle: Split\ncanvas: instagram-square\ncover: false\noutro: false\n---\n\n"
        f"<!-- layout: split -->\n<!-- image: images/square.png -->\n## A square picture with more words\n\n{LONGER}\n"
    )
    root = write_project(tmp_path_factory.mktemp("split"), files)
    result = build_in_process(root, "--strict", "--format", "pdf")
    assert result.exit_code == 0, result.output
    return root / "output"


def _image_box(pdf) -> tuple[float, float, float, float]:
    """(left, top, right, bottom) in CSS px of the largest image on the first page."""
    return max(image_boxes(pdf, 0), key=lambda box: (box[2] - box[0]) * (box[3] - box[1]))


@pytest.mark.parametrize("canvas", ["linkedin-portrait", "instagram-square"])
def test_a_square_image_sits_beside_the_text(built, canvas):
    left, _, _, _ = _image_box(built / canvas / f"{canvas}.pdf")
    _, (_, _, text_right, _), page_width = find_word(built / canvas / f"{canvas}.pdf", "guessed.")
    assert left > text_right, (left, text_right)
    assert left > page_width / 2


def test_on_story_a_square_image_goes_under_the_text_and_stays_large(built):
    pdf = built / "story" / "story.pdf"
    left, top, right, _ = _image_box(pdf)
    _, (_, _, _, text_bottom), page_width = find_word(pdf, "guessed.")
    assert top > text_bottom, (top, text_bottom)
    beside = grid_for(Canvas("story", 1080, 1920), Typography()).content_width * 0.42  # split.yaml: image.beside
    assert right - left > beside * 1.1, (left, right, beside)


def test_the_rule_is_one_function_of_the_canvas_and_the_image():
    story = grid_for(Canvas("story", 1080, 1920), Typography())
    portrait = grid_for(Canvas("portrait", 1080, 1350), Typography())
    assert image_beside("beside", 1.0, portrait) and not image_beside("beside", 1.0, story)
    assert image_beside("beside", 0.6, story)  # a tall portrait image keeps its column
    assert not image_beside("beside", 1.5, portrait) and not image_beside("below", 1.0, portrait)


def _font_sizes_px(pdf, index: int, text: str) -> list[float]:
    """The size, in CSS px, of every visible character of `text` where it is on a page
    (pdfium reads points)."""
    document = pdfium.PdfDocument(pdf)
    try:
        textpage = document[index].get_textpage()
        start = textpage.get_text_range().find(text.split()[0])
        sizes = [
            pdfium_raw.FPDFText_GetFontSize(textpage.raw, char) / 0.75
            for char in range(start, start + len(text))
            if textpage.get_text_range(char, 1).strip()
        ]
        textpage.close()
        return sizes
    finally:
        document.close()


def test_a_post_too_long_beside_its_image_stacks_rather_than_continues(built):
    pdf = built / "longer" / "longer.pdf"
    pages = pdf_pages(pdf)
    assert len(pages) == 1, [page["text"] for page in pages]
    words, wanted = pages[0]["text"].split(), LONGER.split()
    assert any(words[at : at + len(wanted)] == wanted for at in range(len(words))), words  # every word, in order, on that slide
    _, top, _, _ = _image_box(pdf)
    _, (_, _, _, last_line_bottom), _ = find_word(pdf, "slide.")
    assert top > last_line_bottom, (top, last_line_bottom)  # under the text, not beside it
    body = _font_sizes_px(pdf, 0, LONGER)
    assert min(body) >= 35.5, min(body)  # at least the default 36 px body, not shrunk to fit beside the image
