"""Markdown details: ==highlights==, task lists, emoji bullets, smart quotes, math placeholders."""

from __future__ import annotations

import pytest

from generator.content.markdown import markdown_plain, new_markdown, plain_text, render_inline, render_post
from generator.content.math import draw_formula, MathError, stash_math


@pytest.fixture(scope="module")
def md():
    return new_markdown()


def test_highlight_becomes_a_mark_without_equals(md):
    post = render_post(md, "## A ==bold== idea\n\nWe kept ==**going** and #ship== it.")
    assert '<mark class="hl">bold</mark>' in post.title_html
    body = post.body_html
    assert '<mark class="hl">' in body and "==" not in body
    assert "<strong>" in body and 'class="hashtag"' in body  # inline Markdown still applies inside
    assert plain_text(body).split() == ["We", "kept", "going", "and", "#ship", "it."]


def test_highlight_in_inline_fields_and_not_in_code(md):
    assert render_inline(md, "Slides people ==save==") == 'Slides people\u00a0<mark class="hl">save</mark>'
    code = render_post(md, "`a == b` and\n\n```\nx ==y== z\n```").body_html
    assert "<mark" not in code and "a == b" in code and "x ==y== z" in code


def test_lone_or_spaced_equals_stay_text(md):
    html = render_post(md, "a == b, c ==d, and ====").body_html
    assert "<mark" not in html


def test_task_list_items_are_drawn_boxes_not_brackets(md):
    body = render_post(md, "- [x] shipped\n- [ ] tested\n- [X] reviewed").body_html
    assert '<ul class="tasks">' in body
    assert body.count("task--done") == 2 and body.count("task--open") == 1
    assert "[x]" not in body and "[ ]" not in body and "[X]" not in body
    assert plain_text(body).split() == ["shipped", "tested", "reviewed"]


def test_loose_task_list_and_text_that_only_looks_like_one(md):
    loose = render_post(md, "- [x] first\n\n- [ ] second").body_html
    assert loose.count('class="task ') == 2 and "[x]" not in loose
    prose = render_post(md, "See [x] in the legend.").body_html
    assert "[x]" in prose and "task" not in prose


def test_emoji_led_items_drop_the_bullet(md):
    body = render_post(md, "- 🚀 Ship it\n- ✅ Test it\n- 1️⃣ Count it").body_html
    assert body.count("li--emoji") == 3 and "list--emoji" in body
    mixed = render_post(md, "- 🚀 Ship it\n- plain item").body_html
    assert mixed.count("li--emoji") == 1 and "list--emoji" not in mixed


def test_smart_quotes_outside_code_and_straight_in_captions(md):
    post = render_post(md, 'She said "don\'t" and `print("x")`.')
    assert "\u201cdon\u2019t\u201d" in post.body_html
    assert 'print("x")' in post.body_html or "print(&quot;x&quot;)" in post.body_html
    assert markdown_plain(md, 'She said "don\'t".') == 'She said "don\'t".'


@pytest.mark.parametrize(
    "text, formulas",
    [
        ("costs $5 and $10 today", 0),
        ("tickers $AAPL/$TSLA moved", 0),
        ("$5-$10 a month", 0),
        ("energy $E=mc^2$ here", 1),
        ("where $L$ is luminance", 1),
        ("sum $a + b$ works", 1),
        ("escaped \\$5 stays", 0),
        ("code `$x^2$` stays", 0),
        ("```\n$x^2$\n```", 0),
        ("$$\\frac{a}{b}$$", 1),
    ],
)
def test_dollar_rules(text, formulas):
    assert len(stash_math(text).formulas) == formulas


@pytest.mark.parametrize(
    "text, formulas",
    [
        ("``code with ` inside`` and $x^2$", 1),
        ("a ``` run ``` then $y$", 1),
        ("x``a` $z$", 1),  # unmatched runs are text: the formula after them is math
        ("````\n$x$\n````", 0),
    ],
)
def test_code_spans_are_matched_by_whole_backtick_runs(text, formulas):
    assert len(stash_math(text).formulas) == formulas


@pytest.mark.parametrize(
    "text",
    [
        "`" * 50_000,  # one post at the size limit made of backticks: took days (cubic backtracking)
        "`" * 25_000 + "\n" + "x\n" * 100,  # an unclosed fence
        "".join("`" * k + "a" for k in range(1, 300)),  # runs of every length, none closed
        "$a " * 16_000,
        "$ a\\" * 12_000,
    ],
)
def test_posts_at_the_size_limit_are_scanned_for_math_in_linear_time(text):
    """Finishes at once (the suite's 5-minute timeout is what fails the old patterns)."""
    assert stash_math(text).formulas == ()


def test_math_is_taken_out_before_markdown_escapes(md):
    # Markdown would eat the backslash of \{ and cut a table cell at |
    post = render_post(md, "Set $\\{x \\mid x > 0\\}$ here.\n\n| a | b |\n| --- | --- |\n| $|x\\|y|$ | 1 |")
    alts = [image for image in post.body_html.split('alt="')[1:]]
    assert any(alt.startswith("\\{x \\mid x &gt; 0\\}") for alt in alts), alts
    assert any(alt.startswith("|x|y|") for alt in alts), alts
    assert "<td>" in post.body_html and post.body_html.count("<td") == 2


def test_importer_escapes_draw(md):
    post = render_post(md, "$a \\lt b \\gt c \\ast d$")
    assert 'class="math"' in post.body_html and not post.problems


def test_formula_is_an_svg_image_sized_in_em_and_not_a_picture(md):
    post = render_post(md, "Energy $E=mc^2$ and\n\n$$\\sum_{i=1}^{n} x_i$$")
    assert post.images == ()  # a formula is not an image to resolve or feature
    assert post.body_html.count('src="data:image/svg+xml,') == 2
    assert "math--display" in post.body_html and "em;height:" in post.body_html
    assert "$" not in plain_text(post.body_html)


def test_unparsable_formula_stays_text_with_its_line(md):
    post = render_post(md, "First line\n\nthen $\\frac{a}{$ broken\n\nand $\\nosuchcommand x$ too")
    assert [line for line, _ in post.problems] == [2, 4]
    assert all("is shown as text" in message for _, message in post.problems)
    assert "$\\frac{a}{$" in plain_text(post.body_html)
    problems: list[str] = []
    render_inline(md, "Title $x^$", problems)
    assert problems and "x^" in problems[0]


def test_draw_formula_refuses_huge_input():
    with pytest.raises(MathError):
        draw_formula("x+" * 2000, False)


def test_captions_keep_the_formula_source(md):
    assert markdown_plain(md, "Energy $E=mc^2$ ==matters==.") == "Energy $E=mc^2$ matters."


def test_code_blocks_are_sized_to_read_and_not_to_wrap(md):
    from generator.render.code import size_code_blocks

    short = render_post(md, "```python\nx = 1\n```").blocks[0].replace('class="highlight"', 'class="highlight" data-fit-block="0"')
    assert 'style="font-size: 30px"' in size_code_blocks(short, body_px=36, column_px=920, scale=1.0, unit=8)
    grown = size_code_blocks(short, body_px=54, column_px=920, scale=1.0, unit=8)
    assert 'style="font-size: 45px"' in grown  # grows with the body while it fits
    spaced = "value = " + " + ".join(f"weights[{n}]" for n in range(8))  # wraps at its spaces
    sized = size_code_blocks(render_post(md, f"```python\n{spaced}\n```").blocks[0], body_px=36, column_px=920, scale=1.0, unit=8)
    assert 'style="font-size: 24px"' in sized and "\u200b" not in sized
    run = "value=" + "+".join(f"weights[{n}]" for n in range(8))  # no space to wrap at
    sized = size_code_blocks(render_post(md, f"```python\n{run}\n```").blocks[0], body_px=36, column_px=920, scale=1.0, unit=8)
    assert 'style="font-size: 24px"' in sized and "\u200b" in sized  # breaks between tokens


@pytest.mark.parametrize(
    "field, shown",
    [
        ("<img src=/etc/hostname> title", "<img src=/etc/hostname> title"),
        ("</style><script>alert(1)</script> tail", "</style><script>alert(1)</script> tail"),
        ("Why `<div>` soup hurts", "Why <div> soup hurts"),
        ("a < b & c", "a < b & c"),
    ],
)
def test_html_in_front_matter_fields_is_text_not_markup(md, field, shown):
    """SPEC §6: front matter values are escaped; their Markdown (code, emphasis) still draws."""
    html = render_inline(md, field)
    assert "<img" not in html and "<script" not in html
    assert plain_text(html) == shown
