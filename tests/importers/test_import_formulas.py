"""generator.importers.formulas and their way into the thread file: formulas as $…$, diagrams fenced."""

from __future__ import annotations

import pytest

from generator.importers.cleanup import clean_post
from generator.importers.formulas import (
    bare_formula_spans,
    find_verbatim,
    mermaid_source,
)
from generator.importers.model import Verbatim
from generator.importers.writer import math_markdown, post_markdown


def spans(text: str) -> list[tuple[str, str]]:
    return [(item.kind, item.source) for _, _, item in find_verbatim(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("the loss $L = \\sum_i x_i$ drops", [("math", "L = \\sum_i x_i")]),
        ("for a token $x$ only", [("math", "x")]),
        ("inline \\(x^2 + y^2\\) here", [("math", "x^2 + y^2")]),
        ("display \\[\\frac{a}{b}\\] here", [("display-math", "\\frac{a}{b}")]),
        ("$$E = mc^2$$", [("display-math", "E = mc^2")]),
        ("∆A(C) := A(C,x)−A(x) \\tag{1}", [("display-math", "∆A(C) := A(C,x)−A(x) \\tag{1}")]),
        ("We get \\frac{a}{b} = c, where a is big.", [("math", "\\frac{a}{b} = c")]),
    ],
)
def test_formulas_are_found(text, expected):
    assert spans(text) == expected


@pytest.mark.parametrize(
    "text",
    ["It costs $5 and $10 in total", "Saved in C:\\Users\\lena\\notes", "Mix 1/2 cup of flour", "`x := 1` in Go", "price $5/$10"],
)
def test_money_paths_fractions_and_code_are_not_formulas(text):
    assert spans(text) == []


def test_bare_formula_stops_at_words():
    line = "the change ∆A(C) := A(C,x) − A(x) and everything after"
    ((start, end),) = bare_formula_spans(line)
    assert line[start:end] == "∆A(C) := A(C,x) − A(x)"


def test_mermaid_one_liner():
    (item,) = [v for _, _, v in find_verbatim("flowchart LR; A[Prompt] --> B[Attention]; B --> C[Patch]")]
    assert item == Verbatim("mermaid", "flowchart LR\n    A[Prompt] --> B[Attention]\n    B --> C[Patch]")
    assert mermaid_source("graph TD A-->B") == "graph TD\n    A-->B"
    assert spans("A flowchart is a picture.") == []
    # pasted over several lines: the header and its statements
    (block,) = find_verbatim("Sketch:\ngraph TD\n  A --> B\n  B --> C\nThat is all.")
    assert block[2] == Verbatim("mermaid", "graph TD\n    A --> B\n    B --> C")


def test_formulas_survive_cleaning_and_reach_the_file_as_written():
    rich = clean_post("Here &amp; now: \\(a_{i} < b^*\\) and 1/2 cup.\n\\(x\\)")
    assert [item.source for item in rich.verbatim] == ["a_{i} < b^*", "x"]
    markdown = post_markdown(rich.text, rich.links, rich.verbatim)
    assert markdown == "Here & now: $a_{i} \\lt b^ \\ast$ and 1/2 cup.\n$x$"


def test_display_math_and_diagrams_are_blocks_of_their_own():
    rich = clean_post("We define\n∆A := B \\tag{2}\nand then:\nflowchart LR; A --> B")
    markdown = post_markdown(rich.text, rich.links, rich.verbatim, heading="Definition 2")
    assert markdown == "## Definition 2\n\nWe define\n\n$$∆A := B \\tag{2}$$\n\nand then:\n\n```mermaid\nflowchart LR\n    A --> B\n```"


def test_math_markdown_keeps_markdown_out():
    assert math_markdown(Verbatim("math", "a<b>c*d")) == "$a \\lt b \\gt c \\ast d$"
