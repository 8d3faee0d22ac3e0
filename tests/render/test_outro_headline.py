"""The outro headline is as large as it fits on every canvas: on a square canvas the
actions and profile close up (one-line profile) rather than squeeze the headline."""

from __future__ import annotations

from pathlib import Path

import pypdfium2 as pdfium
import pytest

from tests.helpers import build_in_process, write_project

THREAD = "---\ntitle: Outro sizes\nprofile: me\n---\n\nA first post.\n"
CONFIG = 'profiles:\n  me:\n    name: Robin Example\n    handle: "@robin"\n'
CANVASES = ("linkedin-portrait", "linkedin-square", "story")


@pytest.fixture(scope="module")
def outros(tmp_path_factory) -> dict[str, Path]:
    out = {}
    for canvas in CANVASES:
        root = write_project(tmp_path_factory.mktemp(f"outro-{canvas}"), {"carousel.yaml": CONFIG, "content/o.md": THREAD})
        result = build_in_process(root, "--canvas", canvas, "--theme", "paper", "--format", "pdf", "--strict")
        assert result.exit_code == 0, result.output
        out[canvas] = root / "output" / "o" / "o.pdf"
    return out


def _headline(pdf: Path) -> tuple[float, float, list[str]]:
    """(glyph height of the headline's first letter in px, page height px, the page's words)."""
    document = pdfium.PdfDocument(pdf)
    try:
        page = document[len(document) - 1]
        textpage = page.get_textpage()
        text = textpage.get_text_range()
        left, bottom, right, top = textpage.get_charbox(text.index("Found"))
        height = page.get_size()[1] / 0.75
        textpage.close()
    finally:
        document.close()
    return (top - bottom) / 0.75, height, text.split()


def test_the_square_outro_headline_is_not_squeezed(outros):
    portrait, _, _ = _headline(outros["linkedin-portrait"])
    square, _, words = _headline(outros["linkedin-square"])
    # the hook size is 1.25 title sizes on a square canvas, 1.4 on a tall one: 0.89 as large
    assert square >= 0.75 * portrait, (square, portrait)
    for word in ("Follow", "Repost", "Save", "Robin", "@robin"):
        assert word in words, words  # nothing was dropped to make room


def test_every_outro_headline_is_large(outros):
    for canvas in CANVASES:
        glyph, page_height, _ = _headline(outros[canvas])
        assert glyph >= page_height * 0.035, (canvas, glyph, page_height)
