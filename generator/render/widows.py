"""No widows: the last short word of each paragraph, list item and heading is tied to
the word before it by a no-break space (WeasyPrint has no `text-wrap: balance`).

Made on the parsed HTML (html.parser), not by a pattern over it: every block end
(`</p>`, `</li>`, `</h1>`..`</h6>`, `</blockquote>`, or the end of the fragment) is read
back over its tokens — trailing white space, closing punctuation, closing inline tags,
the last word, at most one opening inline tag — to the space before the word. Only
that space changes; every other character, entities and tags included, is kept as
written.
"""

from __future__ import annotations

from markupsafe import Markup

from generator.content.tokens import Token, source_tokens

# a block whose end keeps its last word company
BLOCK_ENDS = frozenset({"p", "li", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote"})
# inline elements the tied word may sit in (one opened, any number closed)
INLINE = frozenset({"a", "b", "strong", "em", "i", "code", "span"})
# a word this long (as written, entities counted as written) wraps on its own
MAX_WORD = 12
# closing punctuation after the word (and after its closing tags) is not counted
CLOSING_PUNCTUATION = ".,;:!?…)\u201d\"'"
TIE = "\u00a0"


def _is_tag(html: str, token: Token, kind: str, names: frozenset[str]) -> bool:
    """Whether `token` is a `kind` tag of one of `names`, written in lower case (an end
    tag exactly `</name>`)."""
    if token.kind != kind or token.tag not in names:
        return False
    if kind == "end":
        return html.startswith(f"</{token.tag}>", token.start)
    return html.startswith(f"<{token.tag}", token.start)


def _word_start(html: str, start: int, end: int) -> int:
    """Where the run of word characters (not white space, `<` or `>`) that ends at `end`
    starts, not before `start`."""
    while end > start and not (html[end - 1].isspace() or html[end - 1] in "<>"):
        end -= 1
    return end


def _tie_before_word(html: str, tokens: list[Token], index: int, word_start: int) -> int | None:
    """The offset of the space to tie for a word that starts at `word_start` in text token
    `tokens[index]`: the space just before it, or before the one inline tag opening it."""
    if word_start > tokens[index].start:
        return word_start - 1 if html[word_start - 1] == " " else None
    if index >= 2 and _is_tag(html, tokens[index - 1], "start", INLINE):
        before = tokens[index - 2]
        if before.kind == "text" and html[before.end - 1] == " ":
            return before.end - 1
    return None


def _tie_at(html: str, tokens: list[Token], end_index: int) -> int | None:
    """The space to tie for the block that ends before `tokens[end_index]` (or at the end
    of the fragment when `end_index == len(tokens)`), if its last word is short."""
    index = end_index - 1
    if index < 0:
        return None
    token = tokens[index]
    if token.kind == "text":
        # white space before the block end, then the word and/or closing punctuation
        text_end = token.start + len(html[token.start : token.end].rstrip())
        run_start = _word_start(html, token.start, text_end)
        run = html[run_start:text_end]
        if run_start > token.start or index == 0 or not _is_tag(html, tokens[index - 1], "end", INLINE):
            # the word and its punctuation in one text node
            if not run or len(run.rstrip(CLOSING_PUNCTUATION)) > MAX_WORD:
                return None
            return _tie_before_word(html, tokens, index, run_start)
        if run.strip(CLOSING_PUNCTUATION):
            return None  # after the closing tags: punctuation only, then white space
        index -= 1
    closed = index
    while index >= 0 and _is_tag(html, tokens[index], "end", INLINE):
        index -= 1
    if index == closed or index < 0 or tokens[index].kind != "text":
        return None
    token = tokens[index]
    word_start = _word_start(html, token.start, token.end)
    if not 1 <= token.end - word_start <= MAX_WORD:
        return None
    return _tie_before_word(html, tokens, index, word_start)


def no_widow(html: str) -> Markup:
    """Tie the last word of each paragraph, list item and heading to the one before it."""
    if " " not in html:
        return Markup(html)
    tokens = source_tokens(html)
    ends = [i for i, token in enumerate(tokens) if _is_tag(html, token, "end", BLOCK_ENDS)] + [len(tokens)]
    ties = {tie for end in ends if (tie := _tie_at(html, tokens, end)) is not None}
    if not ties:
        return Markup(html)
    chars = list(html)
    for tie in ties:
        chars[tie] = TIE
    return Markup("".join(chars))
