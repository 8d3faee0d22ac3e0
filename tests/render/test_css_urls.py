"""url() references of a stylesheet, read by tinycss2 (what the build cache depends on)."""

from __future__ import annotations

from generator.render.css import stylesheet_urls


def test_quoted_unquoted_nested_and_upper_case_urls() -> None:
    css = """
    .a { background: url(a.png), url( "b c.png" ); }
    @font-face { src: URL('f.woff2') format("woff2"); }
    @media print { .y { background-image: url("m.png"); } }
    .e { background: url(esc\\61 ped.png); }
    """
    assert stylesheet_urls(css) == ["a.png", "b c.png", "f.woff2", "m.png", "escaped.png"]


def test_comments_and_strings_are_not_references() -> None:
    css = '/* url(commented.png) */ .x { content: "url(in-a-string.png)"; } .z { color: red }'
    assert stylesheet_urls(css) == []


def test_broken_css_still_yields_what_can_be_read() -> None:
    assert stylesheet_urls(".a { background: url(ok.png) } .b { background: url(") == ["ok.png"]
