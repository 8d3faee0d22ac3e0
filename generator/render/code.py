"""Code blocks sized to be read on a phone, and wrapped between tokens, never inside one.

DESIGN: code is at least 30 px on a 1080 px slide; it may come down to 24 px only so
that its longest line fits without wrapping. A line still too long at the size chosen
wraps at its spaces; a run without spaces longer than the line gets break opportunities
(U+200B) between its highlighted tokens, so it wraps at a token boundary, never inside
a token.
"""

from __future__ import annotations

import html as html_lib
import math
import re

READABLE_PX = 30.0  # on a 1080 px wide slide
FLOOR_PX = 24.0  # only to avoid wrapping
NATURAL_EM = 0.84  # of the body size: code set beside larger body text grows with it
MONO_ADVANCE = 0.6  # em: every glyph of JetBrains Mono is 600/1000 em wide
PADDING_UNITS = 5  # grid units each side (`.highlight pre` padding: var(--space-5))
BORDER_UNITS = 1  # grid units each side a theme may draw round the block (brutalist: a 4 px rule)

CODE_BLOCK = re.compile(r'(<div class="highlight"[^>]*><pre)(>)(.*?)(</pre>)', re.DOTALL)  # the fitter marks blocks
TAG = re.compile(r"<[^>]+>")
# a token boundary where a line may break: not before closing punctuation
TOKEN_BOUNDARY = re.compile(r"</span>(<span[^>]*>)(?![),.;:\]}])")


def _visible(line_html: str) -> str:
    return html_lib.unescape(TAG.sub("", line_html)).expandtabs(4)


def _longest_run(line_html: str) -> int:
    """The longest run of a line without a space: only a run longer than the line needs
    breaks between its tokens (elsewhere the line wraps at spaces, words stay whole)."""
    return max((len(run) for run in _visible(line_html).split()), default=0)


def code_size(longest: int, *, body_px: float, column_px: float, scale: float, unit: float) -> float:
    """The font size (px) for a code block whose longest line has `longest` characters."""
    readable, floor = READABLE_PX * scale, FLOOR_PX * scale
    room = column_px - 2 * (PADDING_UNITS + BORDER_UNITS) * unit
    fits = room / (max(longest, 1) * MONO_ADVANCE)
    natural = max(readable, NATURAL_EM * body_px)
    size = max(readable, min(natural, fits)) if fits >= readable else max(floor, fits)
    return math.floor(size * 2) / 2


def size_code_blocks(html: str, *, body_px: float, column_px: float, scale: float, unit: float) -> str:
    """Every highlighted code block of a slide's HTML at its readable size (inline style),
    with break opportunities between the tokens of lines that would not fit."""
    if 'class="highlight"' not in html:
        return html

    def size(match: re.Match[str]) -> str:
        opening, close_tag, inner, end = match.groups()
        lines = inner.split("\n")
        longest = max((len(_visible(line)) for line in lines), default=0)
        px = code_size(longest, body_px=body_px, column_px=column_px, scale=scale, unit=unit)
        columns = int((column_px - 2 * (PADDING_UNITS + BORDER_UNITS) * unit) / (px * MONO_ADVANCE))
        lines = [TOKEN_BOUNDARY.sub("</span>\\1\u200b", line) if _longest_run(line) > columns else line for line in lines]
        return f'{opening} style="font-size: {px:g}px"{close_tag}' + "\n".join(lines) + end

    return CODE_BLOCK.sub(size, html)
