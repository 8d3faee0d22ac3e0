"""Titles and cover hooks: sized so that no word breaks, lines balanced by measuring.

Measured with the theme's own font metrics (`estimate`), the one text measure of the
project; WeasyPrint's layout confirms (the fitting stage shrinks a title that still
overflows). WeasyPrint has no `text-wrap: balance`, so a title gets the narrowest
width that keeps its number of lines.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from markupsafe import Markup

from generator.content.markdown import plain_text
from generator.memo import Memo
from generator.render.estimate import FontMetrics, font_metrics

SAFETY = 1.04  # a word's measured width, on the safe side (kerning, tracking, rounding)
POST_TITLE_FLOOR = 0.5  # a post title comes down to half its size before a word is hyphenated
POST_TITLE_STEPS = tuple(round(1.0 - 0.05 * step, 2) for step in range(int((1.0 - POST_TITLE_FLOOR) / 0.05) + 1))
BREAKABLE_SPACE = re.compile(r"[ \t\r\n]+")  # not U+00A0


@dataclass(frozen=True)
class TitleSet:
    """How a title is set: its size and the width its lines are balanced to."""

    scale: float  # of the base size
    width: float  # px: the balanced measure (<= the column)
    hyphenate: bool  # a word is wider than the column even at the smallest size


@dataclass(frozen=True)
class TitleMeasure:
    """Widths of display-type titles in a theme's display face (plain data: templates
    may call it)."""

    metrics: FontMetrics
    uppercase: bool
    # per title: its words and their widths in em. Fitting measures a title at every size
    # step and balancing at a dozen widths; plain_text and the advances are the cost.
    _measured: dict[str, tuple[tuple[str, float], ...]] = field(default_factory=dict, init=False, repr=False, compare=False)

    @classmethod
    def of(cls, family: str, weight: int, folders: tuple[Path, ...], uppercase: bool, memo: Memo | None = None) -> TitleMeasure:
        return cls(font_metrics(family, weight, folders, memo), uppercase)

    def _words(self, html: str) -> tuple[tuple[str, float], ...]:
        """The title's unbreakable pieces with their widths in em: words, and words tied by
        a no-break space (the last two of a title are tied against a one-word last line)."""
        key = str(html)
        measured = self._measured.get(key)
        if measured is None:
            text = plain_text(key)
            words = [word for word in BREAKABLE_SPACE.split(text.upper() if self.uppercase else text) if word]
            measured = self._measured[key] = tuple((word, self.metrics.width(word)) for word in words)
        return measured

    def widest_word(self, html: str) -> float:
        """Width in em of the title's widest word."""
        return max((width for _, width in self._words(html)), default=0.0) * SAFETY

    def breaks(self, html: str, width: float, size: float) -> list[list[str]]:
        """Greedy line breaking at `width` px: the words of each line (a word wider than
        a line takes its own)."""
        space = self.metrics.width(" ")
        lines: list[list[str]] = [[]]
        filled = 0.0
        for word, em in self._words(html):
            length = em * size * SAFETY
            needed = length if filled == 0 else filled + space * size + length
            if needed <= width or filled == 0:
                filled = needed
                lines[-1].append(word)
            else:
                lines.append([word])
                filled = length
        return lines

    def lines(self, html: str, width: float, size: float) -> int:
        return len(self.breaks(html, width, size))

    def stranded(self, html: str, width: float, size: float) -> bool:
        """Does a short word stand alone on a line of a title of several lines?"""
        lines = self.breaks(html, width, size)
        return len(lines) > 1 and any(len(line) == 1 and len(line[0]) <= 4 for line in lines)

    def set(
        self,
        html: str,
        column: float,
        base: float,
        steps: tuple[float, ...],
        fits: Callable[[float, int], bool] = lambda scale, lines: True,
        avoid_stranded: bool = True,
    ) -> TitleSet:
        """The largest step (of `base` px) whose widest word fits the column and whose
        lines pass `fits(scale, lines)`; else the smallest, hyphenated when a word is
        still too wide. Lines balanced: the narrowest width keeping the line count."""
        widest = self.widest_word(html)
        chosen = None
        # first a size that strands no short word on a line of its own, else any size
        for strict in (True, False) if avoid_stranded else (False,):
            for scale in sorted(steps, reverse=True):
                size = base * scale
                if widest * size <= column and fits(scale, self.lines(html, column, size)):
                    if strict and self.stranded(html, column, size):
                        continue
                    chosen = scale
                    break
            if chosen is not None:
                break
        hyphenate = False
        if chosen is None:
            chosen = min(steps)
            hyphenate = widest * base * chosen > column
        return TitleSet(chosen, self.balanced_width(html, column, base * chosen) if not hyphenate else column, hyphenate)

    def post(self, html: str, column: float, base: float) -> TitleSet:
        """A post title at `base` px, or smaller (down to POST_TITLE_FLOOR) until its
        widest word fits the column: a title never breaks inside a word; a word too wide
        even then is hyphenated."""
        return self.set(html, column, base, POST_TITLE_STEPS, avoid_stranded=False)

    def tie_fits(self, tied_html: str, column: float, size: float) -> bool:
        """Does a title whose last words are tied by a no-break space (`no_widow`) still
        fit the column word by word at `size` px? Else the tie would force a break
        inside a word."""
        return self.widest_word(tied_html) * size <= column

    def hook(self, html: str, column: float, base: float, steps: tuple[float, ...], room: float, line_height: float = 1.06) -> TitleSet:
        """A cover hook or outro headline: as large as fits `room` px, at most about
        four lines (two when set larger than `base`), no word broken."""

        def fits(scale: float, lines: int) -> bool:
            return lines <= (2 if scale > 1.0 else 4) and lines * base * scale * line_height <= room

        return self.set(html, column, base, steps, fits)

    def balanced_width(self, html: str, column: float, size: float) -> float:
        """The narrowest width (down to 60 % of the column) with as many lines as the column."""
        lines = self.lines(html, column, size)
        if lines <= 1:
            return column
        low, high = column * 0.6, column
        for _ in range(12):
            middle = (low + high) / 2
            if self.lines(html, middle, size) > lines or self.widest_word(html) * size > middle:
                low = middle
            else:
                high = middle
        # a little slack: the estimate is not the layout
        return min(column, round(high * 1.03 + size * 0.3, 1))


def styled(title: TitleSet, column: float) -> Markup:
    """Inline style of a balanced title (empty when it spans the column)."""
    if title.width >= column - 0.5:
        return Markup("")
    return Markup(f"max-width: {title.width:.1f}px;")
