"""Compare and checklist slides through the real pipeline: a compare slide sets its two
sections side by side (read from pdfium's character boxes), a checklist draws its boxes
and never shows the brackets of a Markdown task list (pdftotext and pdfium)."""

from __future__ import annotations

from pathlib import Path

import pypdfium2 as pdfium
import pytest

from tests.helpers import build_in_process, find_word, write_project
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


def test_compare_sets_the_two_sections_side_by_side(pdf):
    _, (myth, *_), width = find_word(pdf, "Mythword")
    _, (fact, *_), _ = find_word(pdf, "Factword")
    assert myth < width / 2 < fact, (myth, fact, width)


@pytest.mark.parametrize("extractor", sorted(EXTRACTORS))
def test_checklist_shows_no_brackets(pdf, extractor):
    text = "\n".join(EXTRACTORS[extractor](pdf))
    assert "[x]" not in text and "[ ]" not in text and "[" not in text
    words = normal_words(text)
    assert "doneword" in words and "openword" in words


ONE_LIST = """\
---
title: One list
---

Hook.

---

<!-- layout: compare -->
## Myth and fact

- More text means more value for the reader Endword

- One idea per slide gets read
"""


def _right_edge(pdf: Path, first: str, last: str) -> tuple[float, float]:
    """The rightmost character edge (CSS px) of the text from `first` to `last`, and the page width."""
    document = pdfium.PdfDocument(pdf)
    try:
        for page in document:
            textpage = page.get_textpage()
            text = textpage.get_text_range()
            if first in text and last in text:
                start, end = text.index(first), text.index(last) + len(last)
                edges = [textpage.get_charbox(index)[2] for index in range(start, end) if not text[index].isspace()]
                return max(edges) / 0.75, page.get_size()[0] / 0.75
    finally:
        document.close()
    raise AssertionError(f"{first} ... {last} not found in {pdf}")


def test_compare_with_one_list_is_one_full_column_and_warns(tmp_path):
    """Two lists with only a blank line between them are one list in Markdown: set in one
    column as wide as the slide (not half of it beside nothing), with a warning that says how to fix it."""
    root = write_project(tmp_path, {"content/one.md": ONE_LIST})
    result = build_in_process(root, "--format", "pdf")
    assert result.exit_code == 0, result.output
    assert "content/one.md:9: warning: post 2: layout compare sets two lists or two '###' sections side by side" in result.output
    right, width = _right_edge(root / "output/one/one.pdf", "More", "Endword")
    assert right > 0.7 * width, (right, width)  # in a half-width column it would end before the middle
    strict = build_in_process(root, "--format", "pdf", "--strict", "--force")
    assert strict.exit_code == 1
