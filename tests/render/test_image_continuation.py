"""A small image at the end of a long post is never pushed alone onto a continuation
slide: some of the post's text goes on with it (real pipeline, pdfium's page objects)."""

from __future__ import annotations

import io

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest
from PIL import Image

from tests.helpers import build_in_process, write_project

SENTENCES = (
    "Deploys are boring when every step is scripted.",
    "We moved from a wiki page of manual steps to one command.",
    "The number of failed releases dropped to almost zero over the next quarter.",
    "The trick was not the tooling but deciding that a release is a button.",
    "Anything the button cannot do is a bug in the button, not a reason to open a terminal.",
    "We also wrote down what a rollback means, tested it every Friday, and timed it.",
    "Now it takes under a minute, and nobody fears the deploy anymore.",
)


def _post(paragraphs: int) -> str:
    text = "\n\n".join(" ".join(SENTENCES[(i + k) % len(SENTENCES)] for k in range(4)) for i in range(paragraphs))
    return f"## A long post with a picture\n\n{text}\n\n![The release button](small.png)"


def _png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (400, 250), "#4a7bd0").save(buffer, "PNG")
    return buffer.getvalue()


@pytest.mark.parametrize("canvas", ["linkedin-portrait", "linkedin-square", "story"])
def test_no_slide_holds_only_the_image(tmp_path, canvas):
    posts = "\n\n---\n\n".join(_post(n) for n in range(3, 9))
    root = write_project(tmp_path, {"content/long.md": f"---\ntitle: Long posts\n---\n\n{posts}\n", "content/small.png": _png()})
    result = build_in_process(root, "--canvas", canvas, "--format", "pdf")
    assert result.exit_code == 0, result.output
    document = pdfium.PdfDocument(root / "output" / "long" / "long.pdf")
    try:
        for index in range(len(document)):
            page = document[index]
            if not list(page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=8)):
                continue
            textpage = page.get_textpage()
            words = [w for w in textpage.get_text_range().split() if w.casefold() != "continued" and "/" not in w]
            textpage.close()
            assert len(words) >= 8, (canvas, index + 1, words)
    finally:
        document.close()
