"""Markdown of a post: safe HTML, social tags, titles, blocks."""

from generator.content.markdown import new_markdown, plain_text, render_post


def render(text):
    return render_post(new_markdown(), text)


def test_leading_heading_becomes_the_title():
    post = render("## Big idea\n\nBody text.")
    assert post.title_html == "Big idea"
    assert post.blocks == ("<p>Body text.</p>",)


def test_hashtags_and_mentions_are_marked_but_not_in_code_or_emails():
    html = render("Go #buildinpublic with @ada_l, mail a@b.com `#notatag`").body_html
    assert "<span class=\"hashtag\"> #buildinpublic</span>" in html or "<span class=\"hashtag\">#buildinpublic</span>" in html
    assert "@ada_l</span>" in html and "class=\"mention\"" in html
    assert "a@b.com" in html and 'class="mention">@b' not in html
    assert "<code>#notatag</code>" in html


def test_code_is_highlighted_with_pygments():
    html = render("```python\ndef f():\n    return 1\n```").body_html
    assert 'class="highlight"' in html and '<span class="k">def</span>' in html


def test_raw_html_is_sanitised():
    html = render('<script>alert(1)</script><iframe src="x"></iframe><b onclick="x()">bold</b>'
                  '<a href="file:///etc/passwd" rel="attachment">a</a><img src="file:///etc/passwd">').body_html
    for forbidden in ("script", "alert", "iframe", "onclick", "file:", "attachment"):
        assert forbidden not in html
    assert "<b>bold</b>" in html


def test_blocks_and_images():
    post = render("Para one.\n\n- a\n- b\n\n![Alt](images/x.png)")
    assert len(post.blocks) == 3
    assert post.blocks[1].startswith("<ul>")
    assert [(i.src, i.alt) for i in post.images] == [("images/x.png", "Alt")]


def test_plain_text():
    assert plain_text("<p>a &amp; b <strong>c</strong></p>") == "a & b c"


def test_space_before_inline_elements_moves_inside_them():
    # works around WeasyPrint stranding a word before an inline element at a line end
    html = render("only the *decision* and **this**, `code` too").body_html
    assert "the<em> decision</em>" in html and "and<strong> this</strong>" in html
    assert " <code>code</code>" in html
    assert plain_text(html) == "only the decision and this, code too"


def test_hashtag_at_line_start_is_not_a_heading():
    post = render("#buildinpublic starts this line\n\\#escaped too\n\n## But this is a title")
    assert post.title_html == ""
    first = post.blocks[0]
    assert first.startswith("<p>") and first.count('class="hashtag"') == 2
    assert post.blocks[1] == "<h2>But this is a title</h2>"  # not leading, so not the slide title
    assert render("# Heading\n\nBody").title_html == "Heading"


def test_emoji_presentation_guard_premise():
    # _emoji_safe skips text below U+2000: every emoji-only symbol must lie above it
    from generator.fonts import builtin_font_dir, emoji_only_for

    assert min(emoji_only_for((builtin_font_dir(),))) >= 0x2000
    assert "\ufe0f" in render("Done ✔ today").body_html


def test_title_heading_leaves_its_images_and_depth_out_of_the_body():
    post = render("## A ![logo](images/logo.png) *deep **title***\n\nBody ![pic](images/pic.png).")
    assert post.title_html.startswith("A <img") and "<strong>" in post.title_html
    assert [image.src for image in post.images] == ["images/pic.png"]
    assert post.depth == 1  # the body's <p>: the title's <em><strong> does not count
    assert render("Intro first.\n\n## Not a title").title_html == ""
    assert render('<h2 class="x">Raw heading</h2>\n\nBody.').title_html == ""  # only a plain Markdown heading


def test_line_breaking_fixes_work_on_text_nodes_not_tags():
    html = render('A half-done <abbr title="well-known name">WK</abbr> and ![a-b](x.png) ==marked== text').body_html
    assert '<span class="whole">half-done</span>' in html
    assert 'title="well-known name"' in html and 'alt="a-b"' in html  # attributes untouched
    assert '"x.png">\u00a0<mark class="hl">marked</mark>' in html  # a highlight is glued to what comes before it
    code = render("```\nx <b>y</b> ==z== a-b\n```").body_html
    assert "&lt;b&gt;" in code and '<span class="whole">a-b</span>' in code
