"""The figure a stat slide shows: the post's first number, as the post wrote it.

"73%", "$4.2M", "3x", "10,000", "2.5 h"... is found in the text of the post's heading,
then of its body (never inside code or a formula), or given by a `figure:` directive.
Where the figure opens the heading (or, in a post without one, its first paragraph) it
is taken out of that text, so the words after it read as its label ("**73%** of teams
ship weekly" -> "73%" over "of teams ship weekly"); elsewhere the sentence stays whole.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser

from generator.content.tokens import Token, source_tokens

# a currency sign, digits (thousands separators, decimals), then a unit or multiplier;
# never the start of a word ("3rd", "4K60" are not figures)
UNIT = r"(?:\s?(?:%|x|×|bn|ms|min|px|GB|MB|TB|kg|km|[KMBTkmshd]|\+))?"
FIGURE = re.compile(
    r"(?<![\w.,])(?:[$€£¥]\s?)?[+\-−]?(?:\d{1,3}(?:[,\u202f\u00a0]\d{3})+(?:\.\d+)?|\d+(?:[.,]\d+)?)" + UNIT + r"(?![\w])"
)
# text in these is not a figure: code, formulas (drawn as SVG); link targets and other
# attributes are never text
SKIPPED = frozenset({"code", "pre", "svg", "math", "script", "style"})
PARAGRAPH = frozenset({"p"})
# an optional inline wrapper around a leading figure (**73%**, ==73%==, _73%_)
WRAPPERS = frozenset({"strong", "b", "em", "i", "mark"})
# the spaces after a leading figure go with it
TRAILING_SPACE = " \t\u00a0"


@dataclass(frozen=True)
class TakenFigure:
    """A post's figure and its text with a leading figure taken out."""

    figure: str
    title_html: str
    blocks: tuple[str, ...]


class _Text(HTMLParser):
    """The text nodes of an HTML fragment, entities decoded, a space for each tag, the
    text inside `skipped` elements left out."""

    def __init__(self, skipped: frozenset[str]) -> None:
        super().__init__(convert_charrefs=True)
        self._skipped = skipped
        self._inside = 0  # open skipped elements
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.parts.append(" ")
        if tag in self._skipped:
            self._inside += 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.parts.append(" ")

    def handle_endtag(self, tag: str) -> None:
        self.parts.append(" ")
        if tag in self._skipped:
            self._inside = max(0, self._inside - 1)

    def handle_data(self, data: str) -> None:
        if not self._inside:
            self.parts.append(data)


def text_of(html: str, skipped: frozenset[str] = frozenset()) -> str:
    """The text of an HTML fragment (a space where a tag was), without that of `skipped` elements."""
    parser = _Text(skipped)
    parser.feed(html)
    parser.close()
    return "".join(parser.parts)


def first_figure(html: str) -> str | None:
    """The first figure in the text of an HTML fragment (code and formulas skipped)."""
    match = FIGURE.search(text_of(html, SKIPPED))
    return match.group(0).strip() if match else None


def _skip_space(html: str, at: int) -> int:
    while at < len(html) and html[at].isspace():
        at += 1
    return at


def _without_leading(html: str, figure: str) -> str | None:
    """`html` with `figure` taken from its start; None when it does not start with it.

    Read over the fragment's tokens: white space and an opening `<p>` before the figure
    stay; an inline wrapper holding the figure alone goes with it (one that holds more
    keeps the figure in its sentence), and so do the spaces after it.
    """
    tokens = source_tokens(html)
    starting = {token.start: token for token in tokens}

    def tag_at(at: int, kind: str, names: frozenset[str]) -> Token | None:
        token = starting.get(at)
        return token if token is not None and token.kind == kind and token.tag in names else None

    at = _skip_space(html, 0)
    if (paragraph := tag_at(at, "start", PARAGRAPH)) is not None:
        at = _skip_space(html, paragraph.end)
    kept = at
    wrapper = tag_at(at, "start", WRAPPERS)
    if wrapper is not None:
        at = _skip_space(html, wrapper.end)
    text = next((token for token in tokens if token.start <= at < token.end), None)
    written = re.compile(re.escape(figure).replace("\\ ", r"[\s\u00a0]"))
    found = written.match(html, at)
    if text is None or text.kind != "text" or found is None or found.end() > text.end:
        return None
    at = found.end()
    if wrapper is not None:
        closing = tag_at(_skip_space(html, at), "end", frozenset({wrapper.tag}))
        if closing is None:
            return None
        at = closing.end
    while at < len(html) and html[at] in TRAILING_SPACE:
        at += 1
    return html[:kept] + html[at:]


def take_figure(title_html: str, blocks: tuple[str, ...], given: str | None = None) -> TakenFigure:
    """The figure of a post (`given` by a directive, else the first in its heading, then
    its body) and the post's text with a leading figure taken out of it. Empty figure
    when the post holds no number."""
    figure = (given or "").strip() or first_figure(title_html) or next((f for b in blocks if (f := first_figure(b))), None)
    if not figure:
        return TakenFigure("", title_html, blocks)
    title_rest = _without_leading(title_html, figure)
    if title_rest is not None:
        return TakenFigure(figure, title_rest.strip(), blocks)
    if not given and first_figure(title_html):
        return TakenFigure(figure, title_html, blocks)  # the heading holds it mid-sentence
    if not title_html.strip() and blocks and (rest := _without_leading(blocks[0], figure)) is not None:
        # no heading: the words after the figure are its label
        emptied = not text_of(rest).strip()
        return TakenFigure(figure, title_html, blocks[1:] if emptied else (rest, *blocks[1:]))
    return TakenFigure(figure, title_html, blocks)
