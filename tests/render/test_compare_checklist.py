"""Compare and checklist slides through the real pipeline: a compare slide sets its two
sections side by side (read from pdfium's character boxes), a checklist draws its boxes
and never shows the brackets of a Markdown task list (pdftotext and pdfium)."""

from __future__ import annotations

from pathlib import Path

import pypdfium2 as pdfium
import pytest

from tests.helpers import build_in_process, write_project
from tests.textlayer import EXTRACTORS, normal_words

THREAD = """\
---
title: Compare and check
---

Hook.

---

<!-- layout: compare -->
## Myth and fact

### Myth

- Mythword text means value

### Fact

- Factword ideas get read

---

<!-- layout: checklist -->
## Before you post

- [x] Doneword item
- [ ] Openword item
"""


@pytest.fixture(scope="module", params=["linkedin-portrait", "linkedin-square", "story"])
def pdf(request, tmp_path_factory) -> Path:
    root = write_project(tmp_path_factory.mktemp(f"cc-{request.param}"), {"content/cc.md": THREAD})
    result = build_in_process(root, "--canvas", request.param, "--theme", "midnight", "--format", "pdf", "--strict")
    assert result.exit_code == 0, result.output
    return root / "output" / "cc" / "cc.pdf"


def _left_of(pdf: Path, word: str) -> tuple[float, float]:
    """(left edge of `word`, page width), in points."""
    document = pdfium.PdfDocument(pdf)
    try:
        for index in range(len(document)):
            page = document[index]
            textpage = page.get_textpage()
            text = textpage.get_text_range()
            if word in text:
                left = textpage.get_charbox(text.index(word))[0]
                textpage.close()
                return left, page.get_size()[0]
            textpage.close()
    finally:
        document.close()
    raise AssertionError(f"{word} not found")


def test_compare_sets_the_two_sections_side_by_side(pdf):
    myth, width = _left_of(pdf, "Mythword")
    fact, _ = _left_of(pdf, "Factword")
    assert myth < width / 2 < fact, (myth, fact, width)


@pytest.mark.parametrize("extractor", sorted(EXTRACTORS))
def test_checklist_shows_no_brackets(pdf, extractor):
    text = "\n".join(EXTRACTORS[extractor](pdf))
    assert "[x]" not in text and "[ ]" not in text and "[" not in text
    words = normal_words(text)
    assert "doneword" in words and "openword" in words
