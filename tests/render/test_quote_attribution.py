"""A quote's attribution: `— name` as the post's last paragraph, or as the last paragraph
inside a `>` quote, is set as the layout's small attribution, not as a line of the quote."""

from __future__ import annotations

import pytest

from generator.render.html import quote_attribution
from tests.helpers import build_in_process, thread_plans, write_project
from tests.textlayer import pdftotext_pages

QUOTE = "<blockquote>\n<p>A release should be so dull nobody remembers it.</p>\n<p>— the on-call rota</p>\n</blockquote>"


def test_the_last_paragraph_of_a_quote_is_its_attribution():
    quote, name = quote_attribution(QUOTE) or ("", "")
    assert name == "the on-call rota"
    assert quote == "<blockquote>\n<p>A release should be so dull nobody remembers it.</p>\n\n</blockquote>"


@pytest.mark.parametrize(
    "block",
    [
        "<blockquote>\n<p>— only a name</p>\n</blockquote>",  # nothing left to quote
        "<blockquote>\n<p>A line.</p>\n<p>not a dash</p>\n</blockquote>",
        "<blockquote>\n<p>— a name</p>\n<ul><li>and a list after it</li></ul>\n</blockquote>",
        "<blockquote>\n<blockquote><p>Inner.</p><p>— nested</p></blockquote>\n</blockquote>",
        "<p>— a paragraph, not a quote</p>",
    ],
)
def test_other_blocks_have_none(block):
    assert quote_attribution(block) is None


@pytest.mark.parametrize("style", ["inside the quote", "after the quote"])
def test_the_slide_shows_the_attribution_once_after_the_quote(tmp_path, style):
    attribution = "> — Retro notebook" if style == "inside the quote" else "— Retro notebook"
    root = write_project(
        tmp_path,
        {
            "carousel.yaml": "defaults:\n  cover: false\n  outro: false\n",
            "content/q.md": f"---\ntitle: Q\n---\n\n<!-- layout: quote -->\n> Ship boring releases.\n{'>' if style == 'inside the quote' else ''}\n{attribution}\n",
        },
    )
    result = build_in_process(root, "--strict", "--format", "pdf")
    assert result.exit_code == 0, result.output
    assert 'class="quote__attribution">Retro notebook<' in build_html(root)
    words = pdftotext_pages(root / "output/q/q.pdf")[0].split()  # the attribution is set in capitals
    assert words.count("NOTEBOOK") == 1 and "notebook" not in words and "—" not in words
    assert words.index("boring") < words.index("NOTEBOOK")


def build_html(root) -> str:
    from generator.project import Project
    from generator.render.thread import Renderer

    project = Project.at(root)
    return Renderer(project).html(thread_plans(project)["q"])
