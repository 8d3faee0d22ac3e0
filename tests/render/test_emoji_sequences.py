"""Emoji sequences are one character to the layout estimate and to cuts (issue 15).

A ZWJ sequence (👩‍💻, 👨‍👩‍👧), a flag (🇫🇷), a keycap (1️⃣) or a skin-toned emoji (👍🏽)
is one grapheme cluster: the estimate measures it as one emoji, breaks lines only
between clusters, and no cut of a post falls inside one. A thread of long runs of them
on a narrow canvas keeps every one whole in the PDF, and nothing overflows.
"""

from __future__ import annotations

import json

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
import pytest

from generator.canvas import Canvas
from generator.config.schema import Typography
from generator.emoji import drawn_by_emoji_font, grapheme_clusters
from generator.render.estimate import EMOJI_ADVANCE, Typeset, emoji_segments, estimate_block, font_metrics
from generator.render.grid import grid_for
from generator.render.split import TIER_CHAR, TIER_NEVER, block_units, boundaries, candidate_cuts
from tests.helpers import REPO_ROOT, build_in_process, write_project
from tests.textlayer import pdftotext_pages

FONTS = (REPO_ROOT / "themes" / "fonts",)
SEQUENCES = ["👩\u200d💻", "👨\u200d👩\u200d👧", "🏳\ufe0f\u200d🌈", "❤\ufe0f\u200d🔥", "🧑🏽\u200d🚀"]
FLAGS = ["🇫🇷", "🇩🇪", "🇯🇵", "🇧🇷", "🇮🇳"]
KEYCAPS = ["1\ufe0f\u20e3", "#\ufe0f\u20e3", "7\u20e3"]
TONED = ["👍🏽", "👋🏿", "🙌🏻"]


def typeset(width: float = 600, size: float = 36) -> Typeset:
    return Typeset(width=width, body_size=size, text=font_metrics("Inter", 400, FONTS), bold=font_metrics("Inter", 700, FONTS))


def test_a_sequence_is_one_segment_and_one_emoji_wide():
    word = (
        "go" + "".join(SEQUENCES) + "".join(FLAGS) + "x" + "".join(TONED) + "🏴\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f"
    )
    assert emoji_segments(word) == ["go", *SEQUENCES, *FLAGS, "x", *TONED, "🏴\U000e0067\U000e0062\U000e0073\U000e0063\U000e0074\U000e007f"]
    metrics = font_metrics("Inter", 400, FONTS)
    for cluster in SEQUENCES + FLAGS + KEYCAPS + TONED:
        assert metrics.width(cluster) == EMOJI_ADVANCE, repr(cluster)
    assert metrics.width("".join(FLAGS)) == len(FLAGS) * EMOJI_ADVANCE
    assert metrics.width("e\u0301") == metrics.width("e")  # a combining mark adds nothing, as before


@pytest.mark.parametrize(
    ("cluster", "units"),
    [(SEQUENCES[1], 3), (FLAGS[0], 2), (SEQUENCES[4], 3), (KEYCAPS[0], 2)],
    ids=["family", "flag", "toned-zwj", "keycap"],
)
def test_estimated_lines_end_between_clusters(cluster, units):
    """A run of 90 clusters, no space: every estimated line ends after whole clusters, as many as fit."""
    fragment = f"<p>{cluster * 90}</p>"
    assert block_units(fragment) == 90 * units
    setting = typeset()
    estimate = estimate_block(fragment, setting)
    ends = [line[0] for line in estimate.lines]
    assert all(end % units == 0 for end in ends), ends
    per_line = int(setting.width // (EMOJI_ADVANCE * setting.body_size))
    assert ends[-1] == 90 * units
    if cluster != KEYCAPS[0]:  # an emoji may break from the next; a keycap run is one word, broken between keycaps
        assert ends[0] == per_line * units, ends
        assert len(ends) == -(-90 // per_line)


def test_no_cut_falls_inside_a_cluster():
    text = "Team " + "".join(SEQUENCES * 4) + " and " + "".join(FLAGS * 4) + " " + "".join(KEYCAPS + TONED)
    fragment = f"<p>{text}</p>"
    tiers = boundaries(fragment)
    inside = {index for index, tier in enumerate(tiers) if tier == TIER_NEVER}
    offset, expected_inside = 0, set()
    for cluster in grapheme_clusters(text):
        counted = sum(1 for char in cluster if not char.isspace() and char not in "\u200d\ufe0f")
        expected_inside.update(range(offset + 1, offset + counted))
        offset += counted
    assert inside == expected_inside and len(inside) > 40
    cuts = {offset for (_, offset), _ in candidate_cuts((fragment,), (0, 0), (1, 0), TIER_CHAR)}
    assert not cuts & inside


# --- a real build -------------------------------------------------------------------------

RUNS = {
    "sequences": "".join(SEQUENCES * 120),
    "flags": "".join(FLAGS * 120),
    "mixed": " ".join("".join(SEQUENCES[i % 5] + FLAGS[i % 5] + TONED[i % 3] for i in range(k, k + 6)) for k in range(20)),
}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("emoji-sequences")
    body = "\n\n---\n\n".join(f"Run of {name}:\n\n{run}" for name, run in RUNS.items())
    write_project(
        root,
        {
            "carousel.yaml": "defaults:\n  canvas: {width: 360, height: 640}\n  outro: false\n",
            "content/emoji.md": f"---\ntitle: Emoji runs\n---\n\n{body}\n",
        },
    )
    result = build_in_process(root, "--format", "pdf")
    return root, result


def emoji_images(pdf) -> list[list[tuple[float, float, float, float]]]:
    """Each page's colour emoji (drawn as bitmaps, one per glyph): their boxes in CSS px from the top left."""
    document = pdfium.PdfDocument(pdf)
    try:
        pages = []
        for index in range(len(document)):
            page = document[index]
            _, height = page.get_size()
            boxes = []
            for image in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=4):
                left, bottom, right, top = image.get_bounds()
                boxes.append((left / 0.75, (height - top) / 0.75, right / 0.75, (height - bottom) / 0.75))
            pages.append(boxes)
        return pages
    finally:
        document.close()


def test_long_runs_of_sequences_stay_whole_on_a_narrow_canvas(built):
    root, result = built
    assert result.exit_code == 0, result.stderr
    assert "overflow" not in result.stderr and "too wide" not in result.stderr, result.stderr
    entry = json.loads((root / "output/manifest.json").read_text())["threads"]["emoji"]
    assert entry["warnings"] == []
    assert any("split over" in note for note in entry["notes"]), entry["notes"]  # the runs needed several slides
    pdf = root / "output/emoji/emoji.pdf"
    pages = emoji_images(pdf)
    # one bitmap per cluster: a sequence cut in two (or set as its parts) would draw more
    clusters = [c for run in RUNS.values() for c in grapheme_clusters(run) if not c.isspace()]
    assert sum(len(boxes) for boxes in pages) == len(clusters)
    grid = grid_for(Canvas("360x640", 360, 640), Typography())
    for number, boxes in enumerate(pages, start=1):
        for left, top, right, bottom in boxes:  # inside the content area: nothing overflows
            assert grid.margin_x - 1 <= left and right <= grid.margin_x + grid.content_width + 1, (number, left, right)
            assert grid.content_top - 1 <= top and bottom <= grid.content_bottom + 1, (number, top, bottom)
    # the text layer (poppler reads each emoji glyph back as its whole sequence) holds whole clusters only
    # (FE0F left out: the Markdown stage may add one after an emoji, which changes no glyph)
    source = {cluster.replace("\ufe0f", "") for cluster in clusters}
    layer = [
        cluster.replace("\ufe0f", "")
        for page in pdftotext_pages(pdf)
        for cluster in grapheme_clusters(page)
        if drawn_by_emoji_font(ord(cluster[0]))
    ]
    assert len(layer) == len(clusters)
    assert set(layer) <= source, sorted(set(layer) - source)
