"""generator.importers.notes: X conventions, heading rules, sentences, notes packed into slide-sized posts."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.importers.cleanup import RichText
from generator.importers.model import ImportedPost, Link
from generator.importers.notes import (
    break_keycap_runs,
    conventions,
    drop_pointer_tail,
    is_heading_line,
    pack_notes,
    split_emoji_heading,
    split_heading_line,
    split_keycap_runs,
    split_label_heading,
    split_sentence_case_heading,
    split_sentences,
    take_title_block,
)
from generator.importers.text import parse_text
from generator.importers.trace import Trace

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "import"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Five lessons from a year of shipping. Read on 👇", "Five lessons from a year of shipping."),
        ("Five lessons from a year of shipping.\nA thread 🧵", "Five lessons from a year of shipping."),
        ("Here is what we learned 🧵👇", "Here is what we learned 🧵👇"),  # inside the sentence: the author's text
        ("Faster — a thread 🧵", "Faster — a thread 🧵"),
        ("Check this👇", "Check this👇"),
        ("👇", "👇"),  # a post that is only a pointer is not emptied
    ],
)
def test_pointer_tails(text, expected):
    assert drop_pointer_tail(text) == expected


@pytest.mark.parametrize(
    ("text", "heading", "rest"),
    [
        (
            "📐 Hidden Gradient Descent Feeding tokens one by one stacks patches.",
            "📐 Hidden Gradient Descent",
            "Feeding tokens one by one stacks patches.",
        ),
        ("⚙️ The Core Idea They call any layer contextual.", "⚙️ The Core Idea", "They call any layer contextual."),
        ("🔬 Testing on Simple Tasks They train a small model.", "🔬 Testing on Simple Tasks", "They train a small model."),
    ],
)
def test_emoji_phrase_heading(text, heading, rest):
    assert split_emoji_heading(text) == (heading, rest)


@pytest.mark.parametrize(
    "text",
    [
        "💡 Google Research showed that prompts matter.",  # a name, not a heading
        "🚀 Launch day! We shipped the new editor.",
        "No emoji Here At All They said.",
        "🔥 Hot",
    ],
)
def test_no_emoji_heading_when_unclear(text):
    assert split_emoji_heading(text) is None


def test_sentence_case_heading():
    assert split_sentence_case_heading("🛠️ Temporary rank 1 patch A transformer block first runs attention.") == (
        "🛠️ Temporary rank 1 patch",
        "A transformer block first runs attention.",
    )
    assert split_sentence_case_heading("🛠️ we tried it. A week later it broke badly.") is None


@pytest.mark.parametrize(
    ("text", "heading", "rest"),
    [
        ("🚨 Finding #5: Small models win on narrow tasks.", "🚨 Finding #5", "Small models win on narrow tasks."),
        ("Theorem 2.2 (Rank-one patch). The context acts as a patch.", "Theorem 2.2 (Rank-one patch)", "The context acts as a patch."),
        ("Step 3 — Ship it on Friday.", "Step 3", "Ship it on Friday."),
        ("🚀 Launch plan: ship the editor first.", "🚀 Launch plan", "ship the editor first."),
    ],
)
def test_label_heading(text, heading, rest):
    assert split_label_heading(text) == (heading, rest)


def test_label_heading_needs_a_label():
    assert split_label_heading("Note: this is plain text.") is None
    assert split_label_heading("🤝 Finetune vs. Implicit Patch They compare.") is None
    assert split_label_heading("😂 lol: that is me every Monday.") is None


def test_heading_lines():
    assert split_heading_line("🔎 Limits They Admit\nResults cover only one block.") == (
        "🔎 Limits They Admit",
        "Results cover only one block.",
    )
    assert split_heading_line("Short first line\nthen more text") is None  # plain short lines are sentences
    assert is_heading_line("Episode 57: Small models, big results")
    for line in ("A full sentence ends.", "- a list item", "#ai #ml", "x" * 80, "Look here 👇"):
        assert not is_heading_line(line)


def test_keycap_runs():
    text = "Three habits: 1️⃣ ship small 2️⃣ test first 3️⃣ write it down"
    assert split_keycap_runs(text) == ["Three habits:", "1️⃣ ship small", "2️⃣ test first", "3️⃣ write it down"]
    assert break_keycap_runs(text) == "Three habits:\n1️⃣ ship small\n2️⃣ test first\n3️⃣ write it down"
    assert split_keycap_runs("Only 1️⃣ and 3️⃣ here") == ["Only 1️⃣ and 3️⃣ here"]


def test_sentences():
    assert split_sentences("It works, e.g. on Fig. 2. Then it stops! Why? Because 2.5 is odd.") == [
        "It works, e.g. on Fig. 2.",
        "Then it stops!",
        "Why?",
        "Because 2.5 is odd.",
    ]
    assert split_sentences("one line\nanother line") == ["one line\n", "another line"]


def test_conventions_report_what_they_did():
    trace = Trace()
    post = conventions(ImportedPost(text="🚨 Finding #5: It holds. Read on 👇", line=7), trace)
    assert (post.heading, post.text) == ("🚨 Finding #5", "It holds.")
    assert [(hit.rule, hit.line) for hit in trace.hits] == [("pointer-tail", 7), ("heading-label", 7)]


def _sentence(n: int) -> str:
    return f"Sentence number {n} says one small thing about the result in plain words."


def test_pack_notes_sections_and_budget():
    long_paragraph = " ".join(_sentence(n) for n in range(1, 15))  # ~1050 characters
    paragraphs = [
        ImportedPost(text="🔎 What They Leave Out", line=1),
        ImportedPost(text=long_paragraph, line=2),
        ImportedPost(text="A short closing paragraph.", line=3),
        ImportedPost(text="Body of the next section.", heading="🚨 Finding #2", line=4),
    ]
    posts = pack_notes(paragraphs, budget=480)
    assert [post.heading for post in posts] == ["🔎 What They Leave Out", "", "", "🚨 Finding #2"]
    assert all(len(post.text) <= 480 for post in posts)
    joined = " ".join(" ".join(post.text.split()) for post in posts[:3])
    assert joined == long_paragraph + " A short closing paragraph."  # nothing lost, nothing doubled
    assert posts[0].text.endswith(".") and posts[1].text.startswith("Sentence number")  # cut between sentences


def test_pack_notes_renumbers_link_tokens():
    first = ImportedPost(text="See \U000f0000.", links=(Link("a.io", "https://a.io"),))
    second = ImportedPost(text="And \U000f0000.", links=(Link("b.io", "https://b.io"),))
    (post,) = pack_notes([first, second])
    assert RichText(post.text, post.links).plain() == "See a.io.\n\nAnd b.io."


def test_title_block():
    trace = Trace()
    posts = [
        ImportedPost(text="Episode 9: Maps\nThe Map Show", line=1),
        ImportedPost(text="Body text here.", line=3),
        ImportedPost(text="The Map Show", line=9),
    ]
    title, subtitle, rest = take_title_block(posts, trace)
    assert (title, subtitle, [p.text for p in rest]) == ("Episode 9: Maps", "The Map Show", ["Body text here."])
    assert [hit.rule for hit in trace.hits] == ["title-block", "title-repeat"]
    assert take_title_block([ImportedPost(text="A sentence.")] * 2)[0] is None


def test_reading_notes_fixture():
    thread = parse_text((FIXTURES / "text" / "reading-notes.txt").read_text(encoding="utf-8"), "notes.txt")
    assert thread.title == "Reading notes: how a prompt turns into a weight update"
    assert [post.heading for post in thread.posts] == [
        "🧭 The Question",
        "Definition 1 (context shift)",
        "Theorem 2.1 (one-rank edit)",
        "🚨 Finding #3",
        "🔎 What They Leave Out",
        "The flow, as I sketched it",
    ]
    kinds = [item.kind for post in thread.posts for item in post.verbatim]
    assert kinds.count("mermaid") == 1 and "display-math" in kinds and kinds.count("math") >= 4
    assert "Read on" not in thread.posts[-1].text


def test_a_short_blank_line_thread_is_not_notes():
    thread = parse_text("First post.\n\nSecond post.\n\nThird post.", "t.txt")
    assert [post.text for post in thread.posts] == ["First post.", "Second post.", "Third post."]
