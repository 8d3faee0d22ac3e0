"""Post titles and cover hooks never break inside a word: the title comes down in size
until its widest word fits the measure (grown titles of short posts too); only a word
too wide even at the smallest size is hyphenated, visibly. Read back from the PDF text
layer with pdftotext, words split on whitespace, in every theme on the story, square
and portrait canvases."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from generator.project import Project
from generator.themes import available_themes
from tests.helpers import REPO_ROOT, build_in_process, write_project
from tests.textlayer import LONG_WORD, normal_words, pdftotext_pages

CANVASES = ("story", "linkedin-square", "linkedin-portrait")
LONG_TITLES = (
    "EVERYTHING breaks eventually",
    "Internationalization considerations everywhere",
    "Uncharacteristically straightforward",
)
ONE_WORD = "Electroencephalographicallymeasured"  # 35 characters: wider than a slide
assert len(ONE_WORD) == 35


def _portrait_png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (600, 900), (60, 110, 150)).save(buffer, format="PNG")
    return buffer.getvalue()


def _thread(theme: str, canvas: str) -> str:
    posts = [
        # a short body: the type grows, and the title with it
        f"## {LONG_TITLES[0]}\n\nPlan for it.",
        f"## {LONG_TITLES[1]}\n\nDates, plurals and names differ by country. Test them early.",
        f"<!-- layout: numbered -->\n## {LONG_TITLES[2]}\n\nOne step at a time.",
        f"<!-- layout: split, image: tall.png -->\n## {LONG_TITLES[1]}\n\nBeside a tall picture.",
        f"<!-- layout: image, image: tall.png -->\n## {LONG_TITLES[2]}\n\nA caption.",
        f"## {ONE_WORD}\n\nA word wider than the slide.",
    ]
    return f"---\ntitle: {LONG_TITLES[1]}\ntheme: {theme}\ncanvas: {canvas}\n---\n\n" + "\n\n---\n\n".join(posts) + "\n"


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    themes = available_themes(Project.at(REPO_ROOT))
    files: dict[str, str | bytes] = {
        "carousel.yaml": "defaults:\n  outro: false\nprofiles:\n  me:\n    name: Robin Example\n    handle: robin\n",
        "content/tall.png": _portrait_png(),
    }
    for theme in themes:
        for canvas in CANVASES:
            files[f"content/{theme}-{canvas}.md"] = _thread(theme, canvas)
    root = write_project(tmp_path_factory.mktemp("title-words"), files)
    result = build_in_process(root)
    assert result.exit_code == 0, result.output
    return root, themes


def _whole_or_hyphenated(word: str, words: list[str]) -> bool:
    """The word is on the page whole, or (too long for a line) in hyphenated pieces."""
    if word in words:
        return True
    if len(word) < LONG_WORD:
        return False
    pieces = [piece for piece in words if piece.endswith(("-", "\u2010")) and word.startswith(piece[:-1]) and len(piece) > 2]
    return bool(pieces)


def test_titles_never_break_inside_a_word(built):
    root, themes = built
    broken = []
    checked = 0
    for theme in themes:
        for canvas in CANVASES:
            slug = f"{theme}-{canvas}"
            pages = pdftotext_pages(root / "output" / slug / f"{slug}.pdf")
            titles = [LONG_TITLES[1], LONG_TITLES[0], LONG_TITLES[1], LONG_TITLES[2], LONG_TITLES[1], LONG_TITLES[2], ONE_WORD]
            assert len(pages) == len(titles), (slug, len(pages))
            for number, (page, title) in enumerate(zip(pages, titles), start=1):
                words = normal_words(page)
                for word in normal_words(title):
                    checked += 1
                    if not _whole_or_hyphenated(word, words):
                        broken.append(f"{slug} slide {number}: {word!r} not whole in {page.split()[:12]}")
    assert checked > 300
    assert not broken, "\n".join(broken)


def _pieces(word: str, words: list[str]) -> list[str] | None:
    """The consecutive words of the page that spell `word` when joined (a trailing
    hyphen dropped), or None."""
    for start in range(len(words)):
        joined, pieces = "", []
        for piece in words[start:]:
            pieces.append(piece)
            joined += piece.rstrip("-\u2010") if not word.startswith(joined + piece) else piece
            if joined == word:
                return pieces
            if not word.startswith(joined):
                break
    return None


def test_a_word_wider_than_the_slide_is_hyphenated_not_cut(built):
    root, themes = built
    word = ONE_WORD.casefold()
    for theme in themes:
        for canvas in CANVASES:
            slug = f"{theme}-{canvas}"
            words = normal_words(pdftotext_pages(root / "output" / slug / f"{slug}.pdf")[-1])
            pieces = _pieces(word, words)
            assert pieces, f"{slug}: {word!r} not on its slide: {words}"
            assert all(piece.endswith(("-", "\u2010")) for piece in pieces[:-1]), f"{slug}: cut without a hyphen: {pieces}"
