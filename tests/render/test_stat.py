"""Stat slides through the real pipeline: the figure is the post's first number (or its
`figure:` directive), never simply the heading; the heading or the words after the
figure are its label, the rest its context — read back with pdftotext and pdfium."""

from __future__ import annotations

from pathlib import Path

import pypdfium2 as pdfium
import pytest

from generator.content.figures import take_figure
from tests.helpers import build_in_process, write_project
from tests.textlayer import EXTRACTORS, normal_words

THREAD = """\
---
title: Stats that stop the scroll
---

Hook.

---

<!-- layout: stat -->

## Teams that ship weekly

73% of them review code the same day.

---

<!-- layout: stat -->

**$4.2M** raised in the seed round.

Led by two funds, closed in six weeks.

---

<!-- layout: stat -->

## Build speed

Builds got 3x faster once the cache was shared.

---

<!-- layout: stat, figure: "10,000" -->

## Installs in the first month

Most came from one post.

---

<!-- layout: stat -->

## 42%

of readers finish a carousel.
"""

# slide (1: the cover, 2: the hook) -> (figure, label, context)
EXPECTED = {
    3: ("73%", "Teams that ship weekly", "73% of them review code the same day."),
    4: ("$4.2M", "raised in the seed round.", "Led by two funds, closed in six weeks."),
    5: ("3x", "Build speed", "Builds got 3x faster once the cache was shared."),
    6: ("10,000", "Installs in the first month", "Most came from one post."),
    7: ("42%", "of readers finish a carousel.", ""),
}


@pytest.fixture(scope="module")
def pdf(tmp_path_factory) -> Path:
    root = write_project(tmp_path_factory.mktemp("stat"), {"content/stat.md": THREAD})
    result = build_in_process(root, "--theme", "paper", "--format", "pdf", "--strict")
    assert result.exit_code == 0, result.output
    return root / "output" / "stat" / "stat.pdf"


@pytest.mark.parametrize("extractor", sorted(EXTRACTORS))
def test_the_figure_comes_first_then_its_label_and_context(pdf, extractor):
    pages = EXTRACTORS[extractor](pdf)
    for index, (figure, label, context) in EXPECTED.items():
        words = normal_words(pages[index - 1])
        expected = normal_words(f"{figure} {label} {context}")
        assert words[: len(expected)] == expected, (index, words)


def _char_heights(pdf: Path, index: int) -> dict[str, float]:
    """The tallest character box of each word on a page (pdfium), in points."""
    document = pdfium.PdfDocument(pdf)
    try:
        textpage = document[index - 1].get_textpage()
        text = textpage.get_text_range()
        heights: dict[str, float] = {}
        start = 0
        for word in text.split():
            start = text.index(word, start)
            boxes = [textpage.get_charbox(i) for i in range(start, start + len(word))]
            heights[word] = max(heights.get(word, 0.0), max(top - bottom for _, bottom, _, top in boxes))
            start += len(word)
        textpage.close()
    finally:
        document.close()
    return heights


def test_the_figure_is_set_far_larger_than_its_label(pdf):
    for index, (figure, label, _) in EXPECTED.items():
        heights = _char_heights(pdf, index)
        first_label_word = label.split()[0]
        assert heights[figure] > 2.5 * heights[first_label_word], (index, heights)


@pytest.mark.parametrize(
    ("title", "blocks", "given", "expected"),
    [
        ("Teams", ("<p>We grew 40% in a year.</p>",), None, ("40%", "Teams", ("<p>We grew 40% in a year.</p>",))),
        ("", ("<p><strong>3x</strong> faster builds</p>",), None, ("3x", "", ("<p>faster builds</p>",))),
        ("1,024 stars", ("<p>in a week</p>",), None, ("1,024", "stars", ("<p>in a week</p>",))),
        (
            "Code",
            ("<p>Run <code>make -j 8</code> for 2 builds</p>",),
            None,
            ("2", "Code", ("<p>Run <code>make -j 8</code> for 2 builds</p>",)),
        ),
        ("No number", ("<p>Just words.</p>",), None, ("", "No number", ("<p>Just words.</p>",))),
        ("Revenue", ("<p>Up again.</p>",), "€1.5bn", ("€1.5bn", "Revenue", ("<p>Up again.</p>",))),
        # an attribute is no text, even with a `>` in it; nested code is skipped whole
        (
            "Chart",
            ('<p><img src="c.png" alt="a > 73%"> up 5%</p>',),
            None,
            ("5%", "Chart", ('<p><img src="c.png" alt="a > 73%"> up 5%</p>',)),
        ),
        (
            "Code",
            ("<p><code>x <code>1</code> 2</code> then 3</p>",),
            None,
            ("3", "Code", ("<p><code>x <code>1</code> 2</code> then 3</p>",)),
        ),
        # a figure alone in the first paragraph leaves no paragraph of a no-break space
        ("", ("<p>73%&nbsp;</p>", "<p>of teams</p>"), None, ("73%", "", ("<p>of teams</p>",))),
        # a wrapper holding more than the figure keeps the figure in its sentence
        ("", ("<p><strong>3x faster</strong> builds</p>",), None, ("3x", "", ("<p><strong>3x faster</strong> builds</p>",))),
        # tags are read as HTML reads them: in any case, with attributes
        ("", ('<p class="lead"><STRONG>73%</STRONG> of teams</p>',), None, ("73%", "", ('<p class="lead">of teams</p>',))),
        # white space before the figure stays, the space after it goes; a spaced figure may be tied
        ("", ("<p> 10\u00a0000 stars</p>",), "10 000", ("10 000", "", ("<p> stars</p>",))),
    ],
)
def test_take_figure(title, blocks, given, expected):
    taken = take_figure(title, blocks, given)
    assert (taken.figure, taken.title_html, taken.blocks) == expected
