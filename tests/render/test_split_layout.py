"""The split layout on each canvas: a square image sits beside the text on portrait and
square canvases, and under it on a tall story canvas, larger than the column beside
the text would let it be. Read back from the PDFs (pdfium)."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from generator.canvas import Canvas
from generator.config.schema import Typography
from generator.render.grid import grid_for, image_beside
from tests.helpers import build_in_process, find_word, image_boxes, write_project

CANVASES = ("linkedin-portrait", "instagram-square", "story")


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
