"""The one place that tells emoji from text, for every module that must.

Emoji here are the characters with an emoji presentation that Noto Color Emoji draws
(Unicode's Emoji property, Latin-1 and the symbol blocks included), without the
"glue" that only joins them into sequences (modifiers, joiners, selectors, tags).
Three views of that data serve different questions, each a named constant here so
no caller keeps a table of its own:

- `is_emoji` / `EMOJI_CLASS`: an emoji of its own (mojibake repair scores, emoji
  headings in notes);
- `drawn_by_emoji_font` / `EMOJI_FONT_CLASS`: the blocks the vendored text fonts
  leave to the emoji font (the layout estimate advances them by its width);
- `starts_with_emoji`: a list item led by an emoji or pictographic symbol uses it as
  its bullet (the symbol blocks an author picks as bullets, arrows included);
- `grapheme_clusters` / `is_emoji_sequence`: what a reader sees as one character (a
  ZWJ sequence such as 👩‍💻, a flag 🇫🇷, a keycap 1️⃣, a skin-toned 👍🏽), which
  nothing may cut, and whether such a cluster is drawn as one emoji.

The tables describe what the vendored fonts draw, not only Unicode's Emoji property
(the dingbat block is whole, arrows are bullets), so they are kept here rather than
taken from an emoji-name library; `generator.fonts.emoji_only_code_points` reads the
emoji font itself where the exact coverage matters.
"""

from __future__ import annotations

import re

from wcwidth import iter_graphemes

# (first, last) code point of each run, inclusive.
EMOJI_RANGES: tuple[tuple[int, int], ...] = (
    (0x00A9, 0x00A9),
    (0x00AE, 0x00AE),
    (0x203C, 0x203C),
    (0x2049, 0x2049),
    (0x2122, 0x2122),
    (0x2139, 0x2139),
    (0x2194, 0x2199),
    (0x21A9, 0x21AA),
    (0x231A, 0x231B),
    (0x2328, 0x2328),
    (0x23CF, 0x23CF),
    (0x23E9, 0x23F3),
    (0x23F8, 0x23FA),
    (0x24C2, 0x24C2),
    (0x25AA, 0x25AB),
    (0x25B6, 0x25B6),
    (0x25C0, 0x25C0),
    (0x25FB, 0x25FE),
    (0x2600, 0x27BF),
    (0x2934, 0x2935),
    (0x2B05, 0x2B07),
    (0x2B1B, 0x2B1C),
    (0x2B50, 0x2B50),
    (0x2B55, 0x2B55),
    (0x3030, 0x3030),
    (0x303D, 0x303D),
    (0x3297, 0x3297),
    (0x3299, 0x3299),
    (0x1F004, 0x1F004),
    (0x1F0CF, 0x1F0CF),
    (0x1F170, 0x1F251),
    (0x1F300, 0x1F64F),
    (0x1F680, 0x1F6FF),
    (0x1F7E0, 0x1F7EB),
    (0x1F90C, 0x1F9FF),
    (0x1FA70, 0x1FAFF),
)
SKIN_TONES = (0x1F3FB, 0x1F3FF)
REGIONAL_INDICATORS = (0x1F1E6, 0x1F1FF)  # two of them make a flag
TAGS = (0xE0020, 0xE007F)  # subdivision flags (England, Scotland, Wales)
# Characters that exist only inside emoji sequences (never an emoji of their own).
SEQUENCE_PART_RANGES: tuple[tuple[int, int], ...] = (SKIN_TONES, REGIONAL_INDICATORS, TAGS)
ZERO_WIDTH_JOINER = "\u200d"
VARIATION_SELECTOR_15 = "\ufe0e"  # "render as text"
VARIATION_SELECTOR_16 = "\ufe0f"  # "render as emoji"
KEYCAP = "\u20e3"
# The glue that holds a sequence together: presentation selector, joiner, keycap mark.
SEQUENCE_GLUE = frozenset({ord(VARIATION_SELECTOR_16), ord(ZERO_WIDTH_JOINER), ord(KEYCAP)})
# A keycap ("1️⃣", "#⃣"), as regular-expression source.
KEYCAP_SEQUENCE = f"[0-9#*]{VARIATION_SELECTOR_16}?{KEYCAP}"


def is_emoji(code_point: int) -> bool:
    """Whether a code point is an emoji of its own (not a modifier or other glue)."""
    return any(first <= code_point <= last for first, last in EMOJI_RANGES)


def is_sequence_part(code_point: int) -> bool:
    """A character that only exists inside emoji sequences (skin tones, flag letters, tags)."""
    return any(first <= code_point <= last for first, last in SEQUENCE_PART_RANGES)


def is_emoji_part(code_point: int) -> bool:
    """An emoji, or a character that only exists inside emoji sequences (tones, flags, tags)."""
    return is_emoji(code_point) or is_sequence_part(code_point)


def _class(ranges: tuple[tuple[int, int], ...]) -> str:
    return "".join(chr(first) if first == last else f"{chr(first)}-{chr(last)}" for first, last in ranges)


# The blocks whose characters the vendored text fonts leave to the emoji font (dingbats,
# miscellaneous symbols, the pictographic planes), with regional indicators and skin tones
# inside the second: a layout estimate advances them by the emoji font's width.
EMOJI_FONT_BLOCKS: tuple[tuple[int, int], ...] = ((0x2600, 0x27BF), (0x1F000, 0x1FAFF))


def drawn_by_emoji_font(code_point: int) -> bool:
    """Whether a character falls to Noto Color Emoji rather than a text font (estimate only)."""
    return any(first <= code_point <= last for first, last in EMOJI_FONT_BLOCKS)


# Symbols an author leads a list item with as its bullet: the emoji font's blocks, the
# arrows (→ ↩ ⬆), technical symbols (⌛ ⏰), stars, and the emoji among letter-like signs.
BULLET_RANGES: tuple[tuple[int, int], ...] = (
    *EMOJI_FONT_BLOCKS,
    (0x2190, 0x21FF),  # arrows
    (0x2300, 0x23FF),  # miscellaneous technical
    (0x2B00, 0x2BFF),  # miscellaneous symbols and arrows
    *((code, code) for code in (0x203C, 0x2049, 0x2122, 0x2139, 0x24C2, 0x3030, 0x303D, 0x3297, 0x3299)),
)
_LEADING_KEYCAP = re.compile(KEYCAP_SEQUENCE)


def starts_with_emoji(text: str) -> bool:
    """Does the text begin with an emoji (a pictograph, a symbol of the emoji blocks, a keycap)?"""
    text = text.lstrip()
    if not text:
        return False
    if _LEADING_KEYCAP.match(text):
        return True
    code = ord(text[0])
    return any(first <= code <= last for first, last in BULLET_RANGES)


def grapheme_clusters(text: str) -> list[str]:
    """The extended grapheme clusters of a text (Unicode UAX #29, as wcwidth implements it).

    A ZWJ sequence, a regional-indicator pair (a flag), a tag sequence (🏴 of Scotland),
    a keycap and an emoji with its skin tone or presentation selector are each one
    cluster, as is a letter with its combining marks.
    """
    if text.isascii() and "\r\n" not in text:
        return list(text)  # no other ASCII character joins its neighbour
    return list(iter_graphemes(text))


def is_emoji_sequence(cluster: str) -> bool:
    """Whether a cluster of several code points is drawn as one emoji (one advance of the emoji font).

    That is a keycap (`[0-9#*]` FE0F? 20E3), or an emoji or sequence part (a flag letter)
    followed only by emoji, sequence parts and glue (joiner, FE0F, keycap mark). A single
    code point is not a sequence; text with combining marks is not one either.
    """
    if len(cluster) < 2:
        return False
    if cluster[0] in "0123456789#*" and cluster[-1] == KEYCAP:
        return True
    return is_emoji_part(ord(cluster[0])) and all(is_emoji_part(ord(char)) or ord(char) in SEQUENCE_GLUE for char in cluster[1:])


# The body of a regular-expression character class ("[...]") matching `is_emoji`.
EMOJI_CLASS = _class(EMOJI_RANGES)
# ... and matching `is_emoji_part`.
EMOJI_PART_CLASS = _class((*EMOJI_RANGES, *SEQUENCE_PART_RANGES))
# ... matching the skin-tone modifiers.
SKIN_TONE_CLASS = _class((SKIN_TONES,))
# ... and matching `drawn_by_emoji_font`.
EMOJI_FONT_CLASS = _class(EMOJI_FONT_BLOCKS)
