"""generator.importers.text: web-tool dumps, numbered threads, separated posts."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.importers.cleanup import RichText
from generator.importers.model import SourceError
from generator.importers.text import parse_text, split_plain

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "import"


def plain(post) -> str:
    return RichText(post.text, post.links).plain()


def test_web_tool_dump_with_mojibake():
    thread = parse_text((FIXTURES / "text" / "web-tool-dump.txt").read_text(encoding="utf-8"), "dump.txt")
    assert thread.author is not None
    assert (thread.author.name, thread.author.handle) == ("Lena Okafor 🌱", "lena_ships")
    texts = [plain(post) for post in thread.posts]
    assert texts == [
        "Five habits that made our small team ship faster — a thread 🧵",
        "Write the release note first. If you can't explain the change in two sentences, it isn't ready → cut scope.\n\n"
        "We keep a template & it takes five minutes.",
        "Ship behind a flag 🚩 so “done” and “on” are different days. Our checklist: example.org/flags",
        "Demo every Friday, even when it's rough 👩🏽‍💻 — the awkward demos teach the most.",
        "Keep the list short: 1/2 cup of process, 24/7 curiosity 🇬🇷 1️⃣ ✔️",
        "Thanks for reading! Follow @lena_ships for more ❤️ x.com/lena_ships/stat…",
    ]
    assert thread.posts[2].links[0].url == "https://example.org/flags?team=1&v=2"
    everything = "\n".join(texts)
    for leftover in ("Drag Post", "Apply Image", "Sam Reader", "saving this", "πŸ", "β€", "Ã"):
        assert leftover not in everything


def test_numbered_thread_keeps_fractions():
    thread = parse_text((FIXTURES / "text" / "numbered.txt").read_text(encoding="utf-8"), "n.txt")
    texts = [plain(post) for post in thread.posts]
    assert len(texts) == 4
    assert texts[1] == "Mix 1/2 cup of starter with 3 cups of flour and 1 1/2 cups of water. Rest it."
    assert "24/7" in texts[2]
    assert thread.author is None


def test_inline_numbered_thread_with_closing_numbers():
    thread = parse_text("Start here, it is short 1/3 Then the middle 2/3 And the end 3/3", "t")
    assert [plain(p) for p in thread.posts] == ["Start here, it is short", "Then the middle", "And the end"]


def test_separated_posts_with_author_header():
    thread = parse_text((FIXTURES / "text" / "separated.txt").read_text(encoding="utf-8"), "s.txt")
    assert thread.author is not None and thread.author.handle == "tomas_maps"
    assert len(thread.posts) == 3
    assert plain(thread.posts[2]).startswith("# Mercator keeps angles")


def test_blank_line_blocks_are_posts():
    assert [p.strip() for p in split_plain("one\n\ntwo\n   \nthree")] == ["one", "two", "three"]


@pytest.mark.parametrize("raw", ["", "   \n\n", "Drag Post #1\nName\n@handle\n\nApply Image\n"])
def test_nothing_to_import_is_an_error(raw):
    with pytest.raises(SourceError) as caught:
        parse_text(raw, "in.txt")
    assert len(str(caught.value).splitlines()) == 1


def test_web_tool_dump_reports_what_it_dropped_on_its_lines():
    from generator.importers.trace import Trace

    trace = Trace()
    raw = (
        "Brand Kit\n\nDrag Post #1\nLena\n@lena\n\nFirst post, caf\u00c3\u00a9 style.\n\nApply Image\nDrag Post #2\nSam\n@sam\n\nA reply.\n"
    )
    thread = parse_text(raw, "dump.txt", trace)
    assert [plain(post) for post in thread.posts] == ["First post, café style."]
    assert [(hit.rule, hit.line) for hit in trace.hits] == [
        ("mojibake", 7),
        ("web-tool-interface", 1),
        ("card-header", 3),
        ("web-tool-interface", 9),
        ("card-header", 10),
        ("other-author", 14),
    ]
    assert [hit.line for hit in sorted(trace.hits, key=lambda h: h.line or 0)] == [1, 3, 7, 9, 10, 14]


def test_a_pasted_thread_with_a_cut_copy_keeps_the_whole_post():
    raw = (
        "We moved our builds to a cache and they got fast --- ...\n\n"
        "We moved our builds to a cache and they got fast, then faster.\n\n"
        "Second post of the thread...\n\n"  # not a copy of anything: its own '...' stays
        "Thanks!\n\nThanks! And see you next week."
    )
    texts = [plain(post) for post in parse_text(raw, "t.txt").posts]
    assert texts == [
        "We moved our builds to a cache and they got fast, then faster.",
        "Second post of the thread...",
        "Thanks!",
        "Thanks! And see you next week.",
    ]
