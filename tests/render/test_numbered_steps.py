"""Numbered slides count steps, not slide positions, and keep counting across a post
split over several slides: read back from the PDF text layer (pdftotext and pdfium)."""

from __future__ import annotations

import re

import pytest

from tests.helpers import build_in_process, write_project
from tests.textlayer import EXTRACTORS

ITEMS = [
    f"Item {n} of the checklist: check the {word} before anything else, then write down what you found and move on"
    for n, word in enumerate(
        ["inputs", "outputs", "limits", "timeouts", "retries", "logs", "alerts", "dashboards", "owners", "runbooks"], 1
    )
]

THREAD = (
    "---\ntitle: Steps\ncanvas: linkedin-square\ncover: false\n---\n\n"
    "<!-- layout: numbered -->\n## Measure first\n\nWrite down what you expect.\n\n---\n\n"
    "A plain post between the steps: it is not counted.\n\n---\n\n"
    "<!-- layout: numbered -->\n## Change one thing\n\nOnly one.\n\n---\n\n"
    # long enough to split: its continuation keeps its step, and so does the list
    "<!-- layout: numbered -->\n## Work through the list\n\n" + "\n".join(f"{n}. {item}" for n, item in enumerate(ITEMS, 1)) + "\n\n---\n\n"
    "<!-- layout: numbered -->\n## Compare\n\nWith what you expected.\n\n---\n\n"
    "<!-- layout: numbered -->\n## Decide\n\nKeep it or roll it back.\n\n---\n\n"
    "<!-- layout: numbered, number: 9 -->\n## Jump ahead\n\nA step number set by hand.\n\n---\n\n"
    "<!-- layout: numbered -->\n## And on\n\nCounting goes on from there.\n"
)
STEP = re.compile(r"^\d\d$")


@pytest.fixture(scope="module")
def pdf(tmp_path_factory):
    root = write_project(tmp_path_factory.mktemp("steps"), {"carousel.yaml": "defaults:\n  outro: false\n", "content/steps.md": THREAD})
    result = build_in_process(root)
    assert result.exit_code == 0, result.output
    return root / "output" / "steps" / "steps.pdf"


@pytest.mark.parametrize("extractor", sorted(EXTRACTORS))
def test_numbered_slides_count_steps_across_split_slides(pdf, extractor):
    pages = EXTRACTORS[extractor](pdf)
    steps = []
    for page in pages:
        numbers = [word for word in page.split() if STEP.match(word)]
        steps.append(numbers[0] if numbers else None)
    # the list post was split: its continuation slides show its step again
    list_pages = [index for index, page in enumerate(pages) if "checklist:" in page]
    assert len(list_pages) >= 2, [page[:80] for page in pages]
    expected = ["01", None, "02"] + ["03"] * len(list_pages) + ["04", "05", "09", "10"]
    assert steps == expected, steps


@pytest.mark.parametrize("extractor", sorted(EXTRACTORS))
def test_a_numbered_list_keeps_counting_on_the_next_slide(pdf, extractor):
    pages = [page for page in EXTRACTORS[extractor](pdf) if "checklist:" in page]
    markers = []
    for page in pages:
        markers.append([int(word[:-1]) for word in page.split() if re.fullmatch(r"\d+\.", word)])
    assert [n for numbers in markers for n in numbers] == list(range(1, len(ITEMS) + 1)), markers
    assert all(numbers for numbers in markers), markers  # every slide of it shows items
