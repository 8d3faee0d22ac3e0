"""An HTML fragment as source tokens: tags and text nodes with their offsets, so an
edit can change exactly the characters it means to and keep every other one as written
(entities, attributes, case). Read with html.parser, never by a pattern over the HTML.
"""

from __future__ import annotations

from dataclasses import dataclass
from html.parser import HTMLParser


@dataclass(frozen=True)
class Token:
    kind: str  # "text", "start", "end" or "other" (comment, declaration, empty element)
    tag: str
    start: int
    end: int


class _Tokens(HTMLParser):
    """The fragment's tokens with their offsets in the source (text nodes merged)."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=False)
        self._line_starts = [0]
        newline = html.find("\n")
        while newline >= 0:
            self._line_starts.append(newline + 1)
            newline = html.find("\n", newline + 1)
        self._length = len(html)
        self._marks: list[tuple[str, str, int]] = []
        self.feed(html)
        self.close()

    def _mark(self, kind: str, tag: str = "") -> None:
        line, column = self.getpos()
        self._marks.append((kind, tag, self._line_starts[line - 1] + column))

    def tokens(self) -> list[Token]:
        """Tokens in source order; a token runs to the start of the next one."""
        merged: list[tuple[str, str, int]] = []
        for mark in self._marks:
            if not (mark[0] == "text" and merged and merged[-1][0] == "text"):
                merged.append(mark)
        ends = [start for _, _, start in merged[1:]] + [self._length] if merged else []
        return [Token(kind, tag, start, end) for (kind, tag, start), end in zip(merged, ends, strict=True)]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._mark("start", tag)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._mark("start", tag)  # `<em/>` opens as the pattern of old read it

    def handle_endtag(self, tag: str) -> None:
        self._mark("end", tag)

    def handle_data(self, data: str) -> None:
        self._mark("text")

    def handle_entityref(self, name: str) -> None:
        self._mark("text")

    def handle_charref(self, name: str) -> None:
        self._mark("text")

    def handle_comment(self, data: str) -> None:
        self._mark("other")

    def handle_decl(self, decl: str) -> None:
        self._mark("other")

    def handle_pi(self, data: str) -> None:
        self._mark("other")

    def unknown_decl(self, data: str) -> None:
        self._mark("other")


def source_tokens(html: str) -> list[Token]:
    """The tokens of `html` in source order (adjacent text, entities included, merged into one)."""
    return _Tokens(html).tokens()
