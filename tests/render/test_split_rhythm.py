"""A table keeps one rhythm: the looser row spacing a layout gives a table that leaves its
slide room (--row-air) never makes fitting split a table that fits at its plain spacing,
the parts of a table split over slides have the same row pitch, and each part shows the
table's header row. Read back from the PDF's text layer (pdfium) of real builds."""

from __future__ import annotations

from pathlib import Path

import pypdfium2 as pdfium
import pytest

from generator.render.split import REPEATED_HEAD_CLASS, block_units, slice_blocks, split_at, with_table_head
from tests.helpers import build_in_process, thread_plans, word_boxes, write_project


def _table_thread(rows: int) -> str:
    body = "\n".join(f"| Row{number} | {number * 3} | ${number * 20} |" for number in range(1, rows + 1))
    return f"---\ntitle: Plans\n---\n\nThe plans, side by side.\n\n| Plan | Seats | Price |\n|---|---|---|\n{body}\n\nMost teams start small.\n"


def _row_tops(pdf: Path) -> dict[int, list[tuple[int, float]]]:
    """Per page, (row number, top of its first letter in CSS px) of every `RowN` cell."""
    found: dict[int, list[tuple[int, float]]] = {}
    for index, whole, (_left, top, _right, _bottom), _width in word_boxes(pdf, "Row"):
        if whole[3:].isdigit():
            found.setdefault(index, []).append((int(whole[3:]), top))
    return found


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = write_project(
        tmp_path_factory.mktemp("rhythm"),
        {"content/short.md": _table_thread(9), "content/long.md": _table_thread(24)},
    )
    result = build_in_process(root, "--strict", "--format", "pdf")
    assert result.exit_code == 0, result.output
    return root / "output"


def test_a_table_that_fits_at_its_plain_spacing_stays_on_one_slide(built):
    pages = _row_tops(built / "short/short.pdf")
    assert len(pages) == 1, pages
    (rows,) = pages.values()
    assert [number for number, _ in rows] == list(range(1, 10))


def test_the_parts_of_a_split_table_share_one_row_pitch(built):
    pages = _row_tops(built / "long/long.pdf")
    assert len(pages) >= 2, pages
    assert sorted(number for rows in pages.values() for number, _ in rows) == list(range(1, 25))
    pitches = [round(rows[i + 1][1] - rows[i][1], 1) for rows in pages.values() for i in range(len(rows) - 1)]
    assert max(pitches) - min(pitches) <= 0.5, pitches


def test_each_part_of_a_split_table_shows_its_header_row(built):
    document = pdfium.PdfDocument(built / "long/long.pdf")
    try:
        texts = [document[index].get_textpage().get_text_range() for index in range(len(document))]
    finally:
        document.close()
    parts = [text.split() for text in texts if any(word.startswith("Row") for word in text.split())]
    assert len(parts) >= 2
    for words in parts:
        first_row = next(index for index, word in enumerate(words) if word.startswith("Row"))
        assert words[first_row - 3 : first_row] == ["Plan", "Seats", "Price"], words[: first_row + 1]


TABLE = "<table><thead><tr><th>Plan</th><th>Seats</th></tr></thead><tbody><tr><td>Solo</td><td>1</td></tr><tr><td>Team</td><td>10</td></tr></tbody></table>"


def test_a_table_cut_between_rows_gets_its_header_again():
    blocks = (TABLE,)
    solo_units = block_units("<table><thead><tr><th>Plan</th><th>Seats</th></tr></thead><tbody><tr><td>Solo</td><td>1</td></tr>")
    head, tail = slice_blocks(blocks, (0, 0), (0, solo_units)), slice_blocks(blocks, (0, solo_units), (1, 0))
    assert head == (split_at(TABLE, solo_units)[0],) and "<thead>" in head[0]
    assert tail == (
        f'<table><thead class="{REPEATED_HEAD_CLASS}"><tr><th>Plan</th><th>Seats</th></tr></thead><tbody><tr><td>Team</td><td>10</td></tr></tbody></table>',
    )


def test_only_a_table_tail_without_its_header_gets_one():
    items = "<ul><li>one</li><li>two</li></ul>"
    assert with_table_head(items, split_at(items, 3)[1]) == split_at(items, 3)[1]
    inside_head = split_at(TABLE, 2)[1]  # cut inside the header row: the tail has it
    assert with_table_head(TABLE, inside_head) == inside_head
    no_head = "<table><tbody><tr><td>a</td></tr><tr><td>b</td></tr></tbody></table>"
    assert with_table_head(no_head, split_at(no_head, 1)[1]) == split_at(no_head, 1)[1]


def test_fitting_guesses_a_long_table_right_the_first_time(tmp_path):
    """The first guess sets a row's cells side by side (not each cell on a line of its own):
    a 60-row table is laid out once per slide, and its slides are full."""
    from generator.project import Project
    from generator.render.fit import fit_slides
    from generator.render.thread import Renderer

    project = Project.at(write_project(tmp_path / "project", {"content/long.md": _table_thread(60)}))
    plan = thread_plans(project)["long"]
    result = fit_slides(Renderer(project), plan)
    assert result.passes_per_slide <= 1.3, result.passes_per_slide
    fills = [g.used / g.capacity for spec, g in zip(result.slides, result.geometries) if spec.kind == "post"]
    assert all(g.fits for g in result.geometries)
    assert min(fills[1:-1]) >= 0.75, [round(fill, 2) for fill in fills]
