"""generator/emoji.py: the one emoji table the importers and the layout estimate share."""

from __future__ import annotations

import re

from generator.emoji import EMOJI_CLASS, EMOJI_PART_CLASS, drawn_by_emoji_font, is_emoji, is_emoji_part


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
