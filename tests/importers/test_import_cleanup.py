"""generator.importers.cleanup: each text repair on its own, then the whole post pipeline."""

from __future__ import annotations

import pytest

from generator.importers.cleanup import (
    RichText,
    anchors_to_links,
    clean_post,
    concat_rich,
    dedupe_lines,
    dedupe_posts,
    drop_trailing_media_links,
    expand_urls,
    find_markers,
    fix_mojibake,
    inline_rules_to_breaks,
    link_bare_urls,
    link_token,
    numbered_run,
    repair_glued_handles,
    repair_glued_urls,
    repair_greek_mojibake,
    strip_cut_marks,
    strip_thread_markers,
    title_from,
    unescape_html,
    verbatim_token,
)
from generator.importers.model import Link, Verbatim
from generator.importers.trace import Trace


def mangle(text: str, keep_undefined: bool = False) -> str:
    """What the web tools do: UTF-8 read as cp1253, cp1252 for its gaps, the rest lost."""
    out = []
    for byte in text.encode("utf-8"):
        for codec in ("cp1253", "cp1252"):
            try:
                out.append(bytes([byte]).decode(codec))
                break
            except UnicodeDecodeError:
                continue
        else:
            if keep_undefined:
                out.append(chr(byte))  # a sloppy decoder keeps a C1 control
    return "".join(out)


# --------------------------------------------------------------------------- mojibake


def test_the_samples_rocket_is_repaired():
    # the sample's "πŸš€" is exactly this mangling of 🚀; ftfy alone leaves it
    assert mangle("🚀") == "πŸš€"
    assert fix_mojibake("Akshay πŸš€") == "Akshay 🚀"


@pytest.mark.parametrize(
    "text",
    [
        "Build → ship → learn",
        "Ship it 🚀, then measure 📈",
        "Done ✔️ and dusted",  # VS16's last byte is one the mangling drops
        "Love it ❤️",  # ❤ loses a middle byte
        "Team 👩🏽‍💻 at work",  # skin tone and joiner both lose a byte
        "Family 👨‍👩‍👧 trip",
        "Flags 🇬🇷 🇯🇵",
        "Keycaps 1️⃣ #️⃣",
        "Idea 💡 here",
        "Quotes “like this” and ‘this’ — dash … ellipsis",
        "naïve café",
    ],
)
@pytest.mark.parametrize("keep_undefined", [False, True])
def test_mangled_text_comes_back_whole(text, keep_undefined):
    assert fix_mojibake(mangle(text, keep_undefined)) == text


@pytest.mark.parametrize(
    "text",
    [
        "Καλημέρα κόσμε",
        "ΣΤΟΠ «καλή» ή…",
        "Ολα καλά; Ναι!",
        "café naïve",
        "“quoted”—dash…",
        "Ψ€ and Ή…",
        "plain ASCII text",
        "🚀 already fine 👩🏽‍💻",
    ],
)
def test_real_text_is_left_alone(text):
    assert fix_mojibake(text) == text
    assert repair_greek_mojibake(text) == text


def test_ftfy_still_fixes_latin_mojibake():
    assert fix_mojibake("cafÃ© naÃ¯ve") == "café naïve"


def test_mojibake_next_to_real_punctuation():
    assert fix_mojibake(mangle("🚀") + "”") == "🚀”"


# --------------------------------------------------------------------------- entities and links


def test_entities_are_unescaped_exactly_once():
    assert unescape_html("Q&amp;A &lt;3 &amp;amp;") == "Q&A <3 &amp;"


def test_anchor_becomes_a_link_with_unescaped_href():
    rich = anchors_to_links(RichText('Paper – <a target="_blank" href="https://e.org/a?x=1&amp;y=2" color="blue">e.org/a</a> done'))
    assert rich.text == f"Paper – {link_token(0)} done"
    assert rich.links == (Link("e.org/a", "https://e.org/a?x=1&y=2"),)


def test_anchor_with_unsafe_scheme_keeps_only_its_label():
    rich = anchors_to_links(RichText('<a href="javascript:alert(1)">click</a>'))
    assert rich.text == "click" and rich.links == ()


def test_short_urls_expand_and_media_links_drop():
    urls = {"https://t.co/abc": Link("example.com/x", "https://example.com/x"), "https://t.co/pic": None}
    rich = expand_urls(RichText("see https://t.co/abc now https://t.co/pic"), urls)
    assert rich.plain() == "see example.com/x now "
    # a longer short URL is not eaten by a shorter one
    rich = expand_urls(RichText("https://t.co/abcd"), urls)
    assert rich.text == "https://t.co/abcd"


def test_bare_urls_become_links_without_trailing_punctuation():
    rich = link_bare_urls(RichText("Read https://example.com/a_(b). And www.example.org, too"))
    assert rich.plain() == "Read example.com/a_(b). And www.example.org, too"
    assert [link.url for link in rich.links] == ["https://example.com/a_(b)", "https://www.example.org"]


def test_trailing_media_links_are_dropped():
    rich = link_bare_urls(RichText("Look at this https://x.com/a/status/1/photo/1"))
    assert drop_trailing_media_links(rich).plain() == "Look at this"
    assert drop_trailing_media_links(RichText("Look pic.twitter.com/AbC123")).text == "Look"
    # a link in the middle stays
    rich = link_bare_urls(RichText("https://x.com/a/status/1/photo/1 is the photo"))
    assert drop_trailing_media_links(rich).plain().endswith("is the photo")


# --------------------------------------------------------------------------- structure


def test_inline_rule_becomes_a_paragraph_break():
    assert inline_rules_to_breaks("one. --- two") == "one.\n\ntwo"
    assert inline_rules_to_breaks("a\n---\nb") == "a\n\n\n\nb"
    assert inline_rules_to_breaks("well-known -- dash") == "well-known -- dash"


def test_duplicated_lines_are_dropped():
    assert dedupe_lines("a\na\n\nb\n b \nc\na") == "a\n\nb\nc\na"


def test_duplicated_and_empty_posts_are_dropped():
    posts = [RichText("one"), RichText("two"), RichText(" one "), RichText(""), RichText("two\n")]
    assert dedupe_posts(posts) == [0, 1]


# --------------------------------------------------------------------------- thread numbers


def test_numbered_run_needs_numbers_that_run_on():
    text = "1/ Mix 1/2 cup of flour. 2/ Bake 24/7? No. 3/ Eat."
    run = numbered_run(find_markers(text))
    assert [m.number for m in run] == [1, 2, 3]
    assert [text[m.start : m.end] for m in run] == ["1/", "2/", "3/"]


def test_fractions_and_round_the_clock_are_not_a_thread():
    assert numbered_run(find_markers("Add 1/2 cup, then 1/3 more. Open 24/7.")) == []


@pytest.mark.parametrize("markers", [("1/n", "2/n"), ("(1/3)", "(2/3)"), ("🧵1/n.", "🧵2/n."), ("1/9", "2/9")])
def test_marker_styles(markers):
    text = f"{markers[0]} first {markers[1]} second"
    assert len(numbered_run(find_markers(text))) == 2


def test_thread_markers_are_stripped_only_when_they_count_along():
    posts = ["Intro 🧵", "🧵2/n. Two", "🧵3/n. Three", "Four, closing 4/n"]
    assert strip_thread_markers(posts) == ["Intro 🧵", "Two", "Three", "Four, closing"]
    # one post starting with a fraction is not a thread number
    assert strip_thread_markers(["1/2 cup of sugar", "then bake"]) == ["1/2 cup of sugar", "then bake"]


# --------------------------------------------------------------------------- whole posts


def test_clean_post_pipeline():
    raw = 'πŸ§΅3/n. Q&amp;A: <a href="https://e.org/?a=1&amp;b=2">e.org</a> --- More at https://t.co/zz1 https://t.co/pic9'
    urls = {"https://t.co/zz1": Link("example.com/more", "https://example.com/more"), "https://t.co/pic9": None}
    rich = clean_post(raw, urls)
    assert rich.plain() == "🧵3/n. Q&A: e.org\n\nMore at example.com/more"
    assert [link.url for link in rich.links] == ["https://e.org/?a=1&b=2", "https://example.com/more"]


def test_title_from_first_line_or_sentence():
    assert title_from(RichText("Self-attention, clearly explained:\nmore")) == "Self-attention, clearly explained"
    long = "Absolutely classic paper on learning. " + "word " * 40
    assert title_from(RichText(long)) == "Absolutely classic paper on learning"
    cut = title_from(RichText("👩🏽‍💻 " * 40))
    assert cut.endswith("…") and "👩🏽‍💻" in cut and cut.count("\u200d") == cut.count("👩🏽")


def test_title_leaves_out_bare_url_links():
    rich = RichText(f"Read more: {link_token(0)} 🧵", (Link("example.net/x", "https://example.net/x"),))
    assert title_from(rich) == "Read more"


# --------------------------------------------------------------------------- glued copies, tokens, tracing


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Follow @lena@lena for more", "Follow @lena for more"),
        ("@Lena@lena", "@Lena"),
        ("@lena@lenab is two people", "@lena@lenab is two people"),
        ("mail lena@lena.dev", "mail lena@lena.dev"),
    ],
)
def test_glued_handles(text, expected):
    assert repair_glued_handles(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("see https://a/b.chttps://a/b.c now", "see https://a/b.c now"),
        ("notes: ci.example.dev/notes…https://ci.example.dev/notes/split", "notes: https://ci.example.dev/notes/split"),
        ("at www.a.io/xhttps://a.io/x/y.", "at https://a.io/x/y."),
        ("two links: https://a.io/ https://b.io/", "two links: https://a.io/ https://b.io/"),
        ("prefix:https://a.io/x", "prefix:https://a.io/x"),  # not the same address
    ],
)
def test_glued_urls(text, expected):
    assert repair_glued_urls(text) == expected


def test_concat_rich_renumbers_tokens_and_keeps_only_used_links():
    a = RichText(f"A {link_token(1)}", (Link("x", "https://x"), Link("y", "https://y")))
    b = RichText(f"B {link_token(0)} {verbatim_token(0)}", (Link("y", "https://y"),), (Verbatim("math", "x^2"),))
    joined = concat_rich([a, b], "\n\n")
    assert joined.links == (Link("y", "https://y"),)
    assert joined.plain() == "A y\n\nB y $x^2$"


def test_clean_post_reports_its_repairs_on_their_lines():
    trace = Trace()
    clean_post("first line\nsee @lena@lena", trace=trace, line=10)
    assert [(hit.rule, hit.line, hit.result) for hit in trace.hits] == [("glued-handle", 11, "see @lena")]


def test_cut_marks_go_and_the_authors_ellipsis_stays():
    assert strip_cut_marks("rebuilt a database for every test --- ...\nnext — …") == "rebuilt a database for every test\nnext"
    assert strip_cut_marks("wait for it...") == "wait for it..."
    assert strip_cut_marks("a - b ...") == "a - b ..."
