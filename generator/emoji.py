"""The one table of emoji code points, for every module that must tell emoji from text.

Emoji here are the characters with an emoji presentation that Noto Color Emoji draws
(Unicode's Emoji property, Latin-1 and the symbol blocks included), without the
"glue" that only joins them into sequences (modifiers, joiners, selectors, tags).
Used by the importers (mojibake repair scores, emoji headings in notes) and by the
layout estimate (an emoji advances by the emoji font's width, not the text font's).
"""

from __future__ import annotations

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
ZERO_WIDTH_JOINER = "\u200d"
VARIATION_SELECTOR_16 = "\ufe0f"  # "render as emoji"
KEYCAP = "\u20e3"


def is_emoji(code_point: int) -> bool:
    """Whether a code point is an emoji of its own (not a modifier or other glue)."""
    return any(first <= code_point <= last for first, last in EMOJI_RANGES)


def is_emoji_part(code_point: int) -> bool:
    """An emoji, or a character that only exists inside emoji sequences (tones, flags, tags)."""
    return is_emoji(code_point) or any(first <= code_point <= last for first, last in (SKIN_TONES, REGIONAL_INDICATORS, TAGS))


def _class(ranges: tuple[tuple[int, int], ...]) -> str:
    return "".join(chr(first) if first == last else f"{chr(first)}-{chr(last)}" for first, last in ranges)


# The blocks whose characters the vendored text fonts leave to the emoji font (dingbats,
# miscellaneous symbols, the pictographic planes), with regional indicators and skin tones
# inside the second: a layout estimate advances them by the emoji font's width.
EMOJI_FONT_BLOCKS: tuple[tuple[int, int], ...] = ((0x2600, 0x27BF), (0x1F000, 0x1FAFF))


def drawn_by_emoji_font(code_point: int) -> bool:
    """Whether a character falls to Noto Color Emoji rather than a text font (estimate only)."""
    return any(first <= code_point <= last for first, last in EMOJI_FONT_BLOCKS)


# The body of a regular-expression character class ("[...]") matching `is_emoji`.
EMOJI_CLASS = _class(EMOJI_RANGES)
# ... and matching `is_emoji_part`.
EMOJI_PART_CLASS = _class((*EMOJI_RANGES, SKIN_TONES, REGIONAL_INDICATORS, TAGS))
# ... and matching `drawn_by_emoji_font`.
EMOJI_FONT_CLASS = _class(EMOJI_FONT_BLOCKS)
