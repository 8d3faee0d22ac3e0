"""The last short word of a block is tied to the one before it (generator.render.widows)."""

from __future__ import annotations

import pytest

from generator.render.widows import no_widow

TIE = "\u00a0"


@pytest.mark.parametrize(
    ("html", "tied"),
    [
        ("<p>ship it small</p>", f"<p>ship it{TIE}small</p>"),
        ("<li>one two</li>\n<li>three four</li>", f"<li>one{TIE}two</li>\n<li>three{TIE}four</li>"),
        ("<h2>A title that ends</h2>", f"<h2>A title that{TIE}ends</h2>"),
        ("<blockquote>said so</blockquote>", f"<blockquote>said{TIE}so</blockquote>"),
        ("a bare fragment ends\n", f"a bare fragment{TIE}ends\n"),
        # an inline element around the last word (one opened, any closed) and its punctuation
        ("<p>read <em>this</em>.</p>", f"<p>read{TIE}<em>this</em>.</p>"),
        ('<p>see <a href="https://x.y/a b">docs</a></p>', f'<p>see{TIE}<a href="https://x.y/a b">docs</a></p>'),
        ("<p><strong>go fast</strong></p>", f"<p><strong>go{TIE}fast</strong></p>"),
        ("<p>it works!!!</p>\n", f"<p>it{TIE}works!!!</p>\n"),
        # entities kept as written (and counted as written)
        ("<p>fish &amp; chips</p>", f"<p>fish &amp;{TIE}chips</p>"),
        ("<p>up to 10&nbsp;km</p>", f"<p>up to{TIE}10&nbsp;km</p>"),
        ("<p>x &#8212;</p>", f"<p>x{TIE}&#8212;</p>"),
    ],
)
def test_the_last_short_word_is_tied(html: str, tied: str) -> None:
    assert str(no_widow(html)) == tied


@pytest.mark.parametrize(
    "html",
    [
        "<p>a supercalifragilistic</p>",  # a long last word wraps on its own
        "<p>so abcdefghijklm</p>",
        "<p>a very 1000&nbsp;000&nbsp;km</p>",  # an entity counts as written
        "<p>one</p>",  # nothing before it
        "<p>nested <b><em>twice</em></b></p>",  # two inline elements open before the word
        "<p>break<br>after</p>",
        "<p>a <mark>highlight</mark></p>",  # not an element the tie reaches into
        "<td>a cell</td>",  # not a block end
        "<p>line\nbreak</p>",  # only a space is tied, not a line break
        "<p>a <em>b</em>c</p>",  # text after the closing tag is a word, not punctuation
    ],
)
def test_no_tie(html: str) -> None:
    assert str(no_widow(html)) == html


def test_a_long_word_with_closing_punctuation_is_still_tied() -> None:
    # punctuation after the word is not counted: twelve letters and an ellipsis
    assert str(no_widow("<p>so abcdefghijkl...</p>")) == f"<p>so{TIE}abcdefghijkl...</p>"


def test_only_the_space_changes() -> None:
    html = '<ul>\n<li>first <code class="c">ls -la</code></li>\n<li>then <span class="e">🚀 go</span>\n</li>\n</ul>'
    tied = str(no_widow(html))
    assert tied == html.replace(" -la", f"{TIE}-la").replace("🚀 go", f"🚀{TIE}go")
    assert len(tied) == len(html)
