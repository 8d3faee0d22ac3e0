"""Compare and checklist slides through the real pipeline: a compare slide sets its two
sections side by side (read from pdfium's character boxes), a checklist draws its boxes
and never shows the brackets of a Markdown task list (pdftotext and pdfium)."""

from __future__ import annotations

from pathlib import Path

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
