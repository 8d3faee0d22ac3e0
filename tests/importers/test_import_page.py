"""generator.importers.page: each interface-text rule, headers, repeated blocks, whole pages."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.importers.cleanup import RichText
from generator.importers.detect import detect_text
from generator.importers.model import SourceError
from generator.importers.page import (
    Block,
    chrome_rule,
    clean_page_lines,
    collapse_repeats,
    find_headers,
    is_count_or_time,
    is_ui_pattern,
    is_ui_string,
    parse_page,
    strip_truncation_markers,
)
from generator.importers.trace import Trace

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "import"


def plain(post) -> str:
    return RichText(post.text, post.links, post.verbatim).plain()


@pytest.mark.parametrize(
    "line", ["Show more", "  translate POST ", "Or", "Sign up to save your podcasts", "Don't miss what’s happening", "Views ·"]
)
def test_known_interface_strings(line):
    assert is_ui_string(line)


@pytest.mark.parametrize("line", ["Show more of your work", "Or else.", "Translate the post into French", "Views differ"])
def test_sentences_that_contain_interface_words_are_text(line):
    assert chrome_rule(line) is None


@pytest.mark.parametrize(
    "line", ["Show 12 replies", "Read 3 replies", "Replying to @lena and @sam", "Listen on Spotify", "© 2026 X Corp.", "·"]
)
def test_interface_patterns(line):
    assert is_ui_pattern(line)


@pytest.mark.parametrize(
    "line",
    [
        "1.2K views",
        "345",
        "18.4K",
        "12 Reposts",
        "10:04 AM · Nov 3, 2026",
        "Dec 1, 2026 · 52 min",
        "2h",
        "1 hr 4 min",
        "4.8",
        "312 ratings",
        "0:12 / 3:40",
    ],
)
def test_counts_and_times(line):
    assert is_count_or_time(line)


@pytest.mark.parametrize(
    "line", ["42 is the answer", "3 lessons from a year of shipping", "We shipped at 10:04 AM sharp.", "2/6 First we measured"]
)
def test_text_with_numbers_is_kept(line):
    assert not is_count_or_time(line) and chrome_rule(line) is None


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("that rebuilt a database for every test --- ...", "that rebuilt a database for every test"),
        ("the suite now finishes…Show more", "the suite now finishes"),
        ("...", ""),
        ("and then it broke...", "and then it broke..."),  # the author's own ellipsis stays
        ("well — so it goes", "well — so it goes"),
    ],
)
def test_truncation_markers(line, expected):
    assert strip_truncation_markers(line) == expected


def test_clean_page_lines_blanks_chrome_and_reports_each_rule():
    trace = Trace()
    lines = clean_page_lines("Show more\n@lena@lena\nReal text --- ...\n1.2K views", trace)
    assert lines == ["", "@lena", "Real text", ""]
    assert [(hit.rule, hit.line) for hit in trace.hits] == [
        ("ui-string", 1),
        ("glued-handle", 2),
        ("truncation-marker", 3),
        ("count-or-time", 4),
    ]


def test_headers_are_name_and_handle_lines():
    lines = ["Noor Haddad", "@noor_codes", "text", "", "Sam Ortega @sam_builds · 2h", "A reply to that.", "@solo", "more"]
    headers = find_headers(lines)
    assert [(h.start, h.end, h.name, h.handle) for h in headers] == [
        (0, 2, "Noor Haddad", "noor_codes"),
        (4, 5, "Sam Ortega", "sam_builds"),
        (6, 7, "solo", "solo"),  # a sentence above is not a name
    ]
    assert find_headers(["Thanks to @tess_ops for the review!"]) == []


def test_repeated_and_cut_blocks_collapse_without_losing_text():
    full = Block("First we measured. Most of the time went to three fixtures that rebuilt a database.", 5)
    cut = Block("First we measured. Most of the time went to three...", 2)
    short = Block("Thanks!", 9)
    trace = Trace()
    groups = collapse_repeats([[cut], [full], [Block(full.text, 12), short], [Block("Thanks!", 20)]], trace)
    assert groups == [[], [full], [short], [Block("Thanks!", 20)]]  # short lines recur honestly across posts
    assert sorted((hit.rule, hit.line) for hit in trace.hits) == [("cut-copy", 2), ("repeated-block", 12)]
    assert collapse_repeats([[Block("Yes.", 1), Block("Yes.", 2)]]) == [[Block("Yes.", 1)]]
    # a block that merely ends with "..." is not a copy of itself; a short prefix is kept (it may be its own line)
    alone = [[Block("And then the whole build broke down...", 1), Block("And then the whole", 2)]]
    assert collapse_repeats(alone) == alone


def test_thread_page_fixture():
    trace = Trace()
    thread = parse_page((FIXTURES / "page" / "thread-page.txt").read_text(encoding="utf-8"), "thread-page.txt", trace)
    assert thread.author is not None and (thread.author.name, thread.author.handle) == ("Noor Haddad", "noor_codes")
    texts = [plain(post) for post in thread.posts]
    assert len(texts) == 6
    assert texts[0] == "Why our test suite got 4x faster without buying a single new machine."
    assert texts[1].startswith("First we measured.") and texts[1].endswith("never touched it.")
    assert "ci.example.dev/notes/split-jobs" in texts[3] and "https://" not in texts[3]
    assert texts[5].endswith("Thanks to @tess_ops for the review! #testing #devex")
    everything = "\n".join(texts)
    for leftover in (
        "Show more",
        "Translate post",
        "views",
        "18.4K",
        "Sam Ortega",
        "saving this",
        "--- ...",
        "@noor_codes@",
        "Create account",
    ):
        assert leftover not in everything
    rules = {hit.rule for hit in trace.hits}
    assert {
        "ui-string",
        "count-or-time",
        "glued-handle",
        "glued-url",
        "cut-copy",
        "repeated-block",
        "other-author",
        "thread-number",
    } <= rules


def test_compact_thread_page_as_a_browser_copies_it():
    raw = (FIXTURES / "page" / "thread-page-compact.txt").read_text(encoding="utf-8")
    assert detect_text(raw) == "page"
    thread = parse_page(raw, "compact.txt")
    assert thread.author is not None and thread.author.handle == "ines_maps"
    assert [(post.heading, plain(post)) for post in thread.posts] == [
        ("", "We redrew our city's bus map for people who read it on a phone. Here is what changed"),
        ("📍 Stops First", "Every stop got a name you can read at arm's length, and the lines moved behind them."),
        ("🎨 Fewer Colours", "We cut the palette from fourteen colours to six, so night lines and day lines finally look different."),
        ("", "The full map and the files are free to reuse: maps.example.net/bus-2026 Thanks @tomas_maps for the feedback #maps"),
    ]
    assert thread.posts[3].links[0].url == "https://maps.example.net/bus-2026/"


def test_podcast_page_fixture_takes_its_title_from_the_content():
    thread = parse_page((FIXTURES / "page" / "podcast-page.txt").read_text(encoding="utf-8"), "podcast-page.txt")
    assert (thread.title, thread.subtitle) == ("Episode 57: Small models, big results", "The Build Log")
    texts = [plain(post) for post in thread.posts]
    everything = "\n".join(texts)
    assert everything.count("In this episode we talk with Priya Raman") == 1
    assert "The Build Log" not in everything and "Sign up" not in everything and "ratings" not in everything
    assert "@priya_r and" in everything and "small-modelshttps" not in everything
    assert all(len(text) <= 500 for text in texts)


def test_a_page_of_interface_text_only_is_a_located_error():
    with pytest.raises(SourceError) as caught:
        parse_page("Show more\nLog in\n1.2K views\n", "p.txt")
    assert str(caught.value).startswith("p.txt: ")


def test_pages_are_detected():
    page = (FIXTURES / "page" / "thread-page.txt").read_text(encoding="utf-8")
    assert detect_text(page) == "page"
    assert detect_text((FIXTURES / "page" / "podcast-page.txt").read_text(encoding="utf-8")) == "page"
    assert detect_text("A thread.\n\nShow more of what you build.\n\n2/ and then") == "text"
    assert detect_text((FIXTURES / "text" / "web-tool-dump.txt").read_text(encoding="utf-8")) == "text"
