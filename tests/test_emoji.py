"""generator/emoji.py: the one emoji table the importers, Markdown, fonts and the layout estimate share."""

from __future__ import annotations

import re

import pytest

from generator.content.markdown import new_markdown, render_post
from generator.emoji import EMOJI_CLASS, EMOJI_PART_CLASS, drawn_by_emoji_font, is_emoji, is_emoji_part, starts_with_emoji
from generator.fonts import add_emoji_presentation
from generator.importers.cleanup import _char_score
from generator.importers.notes import LEADING_EMOJI
from generator.render.estimate import emoji_segments


def test_emoji_and_text_are_told_apart() -> None:
    for char in "🚀✅⭐⌛©™↔🧵👇💡":
        assert is_emoji(ord(char)), char
    for char in "Aé→—€…1#":
        assert not is_emoji(ord(char)), char


def test_sequence_parts_are_emoji_parts() -> None:
    for char in ("\U0001f3fd", "\U0001f1eb", "\U000e0067"):  # skin tone, flag letter, tag
        assert is_emoji_part(ord(char)), hex(ord(char))
    assert not is_emoji(0xE0067)  # a tag is never an emoji of its own


def test_classes_match_the_predicates() -> None:
    emoji, part = re.compile(f"[{EMOJI_CLASS}]"), re.compile(f"[{EMOJI_PART_CLASS}]")
    for code in [*range(0x20, 0x3000, 7), *range(0x1F000, 0x1FB00, 3), 0x1F3FD, 0xE0067]:
        assert bool(emoji.fullmatch(chr(code))) == is_emoji(code), hex(code)
        assert bool(part.fullmatch(chr(code))) == is_emoji_part(code), hex(code)


def test_the_estimate_gives_symbol_blocks_to_the_emoji_font() -> None:
    assert drawn_by_emoji_font(ord("✔")) and drawn_by_emoji_font(ord("🇫"))
    assert not drawn_by_emoji_font(ord("©")) and not drawn_by_emoji_font(ord("A"))


# --- every former caller answers from generator/emoji.py -------------------------------
# (text, emoji of its own, leads a list item as its bullet, drawn by the emoji font)
SAMPLES = [
    ("🚀", True, True, True),
    ("👩\u200d💻", True, True, True),  # ZWJ sequence
    ("👍\U0001f3fd", True, True, True),  # skin tone
    ("🇫🇷", True, True, True),  # flag: two regional indicators (within the enclosed-alphanumerics run)
    ("1\ufe0f\u20e3", False, True, False),  # keycap
    ("#\u20e3", False, True, False),  # keycap without a selector
    ("✅", True, True, True),
    ("⭐", True, True, False),
    ("⌛", True, True, False),
    ("™", True, True, False),
    ("©", True, False, False),
    ("→", False, True, False),  # an arrow: a bullet, not an emoji
    ("★", True, True, True),  # black star: the whole symbols block counts, as the emoji font draws it
    ("■", False, False, False),  # a geometric shape without emoji presentation
    ("A", False, False, False),
    ("—", False, False, False),
    ("€", False, False, False),
    ("1", False, False, False),
]


@pytest.mark.parametrize(("text", "emoji", "bullet", "emoji_font"), SAMPLES)
def test_every_caller_agrees_with_the_one_table(text: str, emoji: bool, bullet: bool, emoji_font: bool) -> None:
    first = ord(text[0])
    assert is_emoji(first) is emoji
    assert drawn_by_emoji_font(first) is emoji_font
    # Markdown's emoji bullets (`- 🚀 Ship it` -> li--emoji)
    assert starts_with_emoji(f"  {text} Ship it") is bullet
    html = "".join(render_post(new_markdown(), f"- {text} Ship it\n- plain").blocks)
    assert ("li--emoji" in html) is bullet, html
    # notes' emoji headings take the whole sequence (ZWJ, tone, flag, keycap) or nothing
    leading = LEADING_EMOJI.match(f"{text} Heading")
    assert (leading.group(0) if leading else "") == (text if emoji or is_emoji_part(first) or "\u20e3" in text else "")
    # the layout estimate splits emoji off their neighbours, each a whole sequence (ZWJ, tone, flag)
    if emoji_font:
        assert emoji_segments(f"ab{text}cd") == ["ab", text, "cd"]
    else:
        assert emoji_segments(f"ab{text}cd") == [f"ab{text}cd"]
    # the mojibake scorer ranks emoji above other symbols, and sequence glue highest
    score = _char_score(text[0])
    assert score is not None
    if emoji:
        assert score >= 4.0
    for part in text[1:]:  # joiners, selectors, keycap marks, tones, flag letters
        score = _char_score(part)
        assert score is not None and score >= (4.0 if is_emoji(ord(part)) else 5.0), part


def test_presentation_is_never_added_inside_a_sequence() -> None:
    emoji_only = frozenset({ord("✔")})
    assert add_emoji_presentation("✔ done", emoji_only) == "✔\ufe0f done"
    for glue in ("\ufe0f", "\ufe0e", "\u20e3", "\u200d", "\U0001f3fd"):
        assert add_emoji_presentation(f"✔{glue}", emoji_only) == f"✔{glue}"
