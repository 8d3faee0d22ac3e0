"""Cutting sanitised HTML blocks of a post into pieces that continue on the next slide.

Pure functions, no layout: the fitting stage (`generator.render.fit`) decides *where*
to cut from WeasyPrint's geometry or from an estimate; this module knows *how*.

Positions inside a block are counted in **units**: every character that leaves ink
(not whitespace, not an invisible joiner or variation selector) counts one, and so
does every `<img>`. The same count is read back from WeasyPrint's line boxes, so a
line of the laid-out slide maps to a unit offset in the source HTML, whatever the
markup, entities and collapsed whitespace in between.

A cut is made *between* two units. Each possible cut has a **tier**, best first:

    0  between top-level blocks (paragraphs, lists, code blocks, images)
    1  between nested blocks: list items, lines of code, table rows, quoted paragraphs
    2  between sentences, at a soft line break, or around an image inside a paragraph
    3  between words
    4  inside a word (only where the layout itself broke the word: it is wider than the slide)

and never inside a grapheme cluster (a ZWJ sequence 👩‍💻, a flag 🇫🇷, a keycap, a
letter and its combining marks): those gaps have `TIER_NEVER`, which no cut accepts.

`split_at` cuts a block: the head closes every element still open at the cut and the
tail opens them again, so a list stays a list (an ordered one keeps its numbering) and
a code block repeats its fence styling.
"""

from __future__ import annotations

import html as html_lib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from html.parser import HTMLParser

from generator.emoji import grapheme_clusters

# Characters that take no room of their own: they never count as units on either side.
IGNORABLE = frozenset("\u200b\u200c\u200d\u2060\ufeff\ufe0e\ufe0f\u00ad")
VOID_TAGS = frozenset({"br", "hr", "img", "wbr", "col", "area", "source", "input", "meta", "link"})
# Elements whose boundaries are tier 1 when they are inside a block.
NESTED_BLOCK_TAGS = frozenset(
    {
        "p",
        "li",
        "tr",
        "blockquote",
        "div",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "figure",
        "figcaption",
        "dd",
        "dt",
        "table",
        "thead",
        "tbody",
        "ul",
        "ol",
        "pre",
    }
)
HEADING_TAGS = frozenset({"h1", "h2", "h3", "h4", "h5", "h6"})
SENTENCE_END = frozenset(".!?…。！？؟۔")
CLOSING_PUNCTUATION = frozenset("\"'”’»)]}›")

TIER_BLOCK, TIER_NESTED, TIER_SENTENCE, TIER_WORD, TIER_CHAR, TIER_NEVER = 0, 1, 2, 3, 4, 5
TIER_NAMES = {0: "paragraph", 1: "item", 2: "sentence", 3: "word", 4: "character", 5: "inside a character"}


def is_unit_char(char: str) -> bool:
    """Does this character count as a unit (takes room on a line)?"""
    return not char.isspace() and char not in IGNORABLE


def count_units(text: str) -> int:
    """Units of a plain text."""
    return sum(1 for char in text if is_unit_char(char))


@dataclass(frozen=True)
class Token:
    """One piece of an HTML fragment: a start/end/void tag or decoded text."""

    kind: str  # "start", "end", "void" or "text"
    tag: str = ""
    raw: str = ""  # the tag as written (start and void tags)
    text: str = ""  # decoded text (text tokens)

    @property
    def units(self) -> int:
        if self.kind == "text":
            return count_units(self.text)
        return 1 if self.kind == "void" and self.tag == "img" else 0


class _Tokenizer(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tokens: list[Token] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        raw = self.get_starttag_text() or f"<{tag}>"
        self.tokens.append(Token("void" if tag in VOID_TAGS else "start", tag, raw))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        raw = self.get_starttag_text() or f"<{tag}>"
        if tag in VOID_TAGS:
            self.tokens.append(Token("void", tag, raw))
        else:  # <span/> in HTML is a start tag; keep it balanced
            self.tokens.append(Token("start", tag, raw))
            self.tokens.append(Token("end", tag))

    def handle_endtag(self, tag: str) -> None:
        if tag not in VOID_TAGS:
            self.tokens.append(Token("end", tag))

    def handle_data(self, data: str) -> None:
        if self.tokens and self.tokens[-1].kind == "text":
            self.tokens[-1] = Token("text", text=self.tokens[-1].text + data)
        else:
            self.tokens.append(Token("text", text=data))


@lru_cache(maxsize=4096)
def tokenize(fragment: str) -> tuple[Token, ...]:
    """The tokens of an HTML fragment (cached: blocks are cut and measured repeatedly)."""
    parser = _Tokenizer()
    parser.feed(fragment)
    parser.close()
    return tuple(parser.tokens)


def serialize(tokens: list[Token] | tuple[Token, ...]) -> str:
    """HTML text of tokens (text is escaped again)."""
    out: list[str] = []
    for token in tokens:
        if token.kind == "text":
            out.append(html_lib.escape(token.text, quote=False))
        elif token.kind == "end":
            out.append(f"</{token.tag}>")
        else:
            out.append(token.raw)
    return "".join(out)


@lru_cache(maxsize=4096)
def block_units(fragment: str) -> int:
    """Units of an HTML fragment."""
    return sum(token.units for token in tokenize(fragment))


def block_text(fragment: str) -> str:
    """The decoded text of a fragment (images as U+FFFC), for estimates and messages."""
    return "".join(t.text if t.kind == "text" else ("\ufffc" if t.kind == "void" and t.tag == "img" else "") for t in tokenize(fragment))


def root_tag(fragment: str) -> str:
    """The tag name of a block's root element ('' for bare text)."""
    for token in tokenize(fragment):
        if token.kind in ("start", "void"):
            return token.tag
        if token.kind == "text" and token.text.strip():
            return ""
    return ""


# --- where a block may be cut -----------------------------------------------------


@dataclass
class _Gap:
    """What lies between two consecutive units."""

    whitespace: str = ""
    tags: list[Token] | None = None
    in_pre: bool = False
    in_cluster: bool = False  # between two code points of one grapheme cluster: no cut, whatever lies there (a joiner)

    def add_tag(self, token: Token) -> None:
        if self.tags is None:
            self.tags = []
        self.tags.append(token)


def _unit_stream(fragment: str) -> tuple[list[str], list[_Gap]]:
    """The units of a fragment (chars, images as U+FFFC) and the gaps before each one.

    gaps[i] is what lies between unit i-1 and unit i (gaps[0]: before the first unit).
    """
    units: list[str] = []
    gaps: list[_Gap] = [_Gap()]
    stack: list[str] = []
    for token in tokenize(fragment):
        in_pre = "pre" in stack
        if token.kind == "text":
            for cluster in grapheme_clusters(token.text):
                counted = False
                for char in cluster:
                    if is_unit_char(char):
                        units.append(char)
                        gaps.append(_Gap(in_pre=in_pre))
                        gaps[-2].in_cluster = gaps[-2].in_cluster or counted
                        counted = True
                    else:
                        gaps[-1].whitespace += char
                        gaps[-1].in_pre = gaps[-1].in_pre or in_pre
        elif token.kind == "start":
            gaps[-1].add_tag(token)
            stack.append(token.tag)
        elif token.kind == "end":
            gaps[-1].add_tag(token)
            if token.tag in stack:
                del stack[len(stack) - 1 - stack[::-1].index(token.tag) :]
        elif token.tag == "img":
            units.append("\ufffc")
            gaps.append(_Gap(in_pre=in_pre))
        else:
            gaps[-1].add_tag(token)
    return units, gaps


def _sentence_end_before(units: list[str], index: int) -> bool:
    """Does a sentence end with unit index-1 (skipping closing quotes and brackets)?"""
    position = index - 1
    while position >= 0 and units[position] in CLOSING_PUNCTUATION:
        position -= 1
    return position >= 0 and units[position] in SENTENCE_END


@lru_cache(maxsize=1024)
def boundaries(fragment: str) -> tuple[int, ...]:
    """The tier of every possible cut inside a block.

    Returns a tuple `tiers` of length units+1: tiers[k] is the tier of a cut before
    unit k (tiers[0] and tiers[units] are the block's own edges: TIER_BLOCK).
    """
    units, gaps = _unit_stream(fragment)
    count = len(units)
    tiers = [TIER_CHAR] * (count + 1)
    tiers[0] = tiers[count] = TIER_BLOCK
    for index in range(1, count):
        gap = gaps[index]
        if gap.in_cluster:
            tiers[index] = TIER_NEVER
            continue
        tags = gap.tags or []
        around_image = units[index - 1] == "\ufffc" or units[index] == "\ufffc"
        if gap.in_pre:
            if "\n" in gap.whitespace or any(t.tag == "br" for t in tags):
                tiers[index] = TIER_NESTED
            elif gap.whitespace:
                tiers[index] = TIER_WORD
            continue
        if any(t.tag in NESTED_BLOCK_TAGS for t in tags):
            tiers[index] = TIER_SENTENCE if around_image else TIER_NESTED
        elif around_image or any(t.tag == "br" for t in tags) or (gap.whitespace and _sentence_end_before(units, index)):
            tiers[index] = TIER_SENTENCE
        elif gap.whitespace:
            tiers[index] = TIER_WORD
    return tuple(tiers)


def column_sections(blocks: Sequence[str]) -> int:
    """How many columns a two-column layout can make of a post's blocks: its `###`
    sections when it has two or more, else its lists."""
    tags = [root_tag(block) for block in blocks]
    headed = tags.count("h3")
    return headed if headed >= 2 else tags.count("ul") + tags.count("ol")


def heading_block(fragment: str) -> bool:
    """A heading should not be left alone at the bottom of a slide."""
    return root_tag(fragment) in HEADING_TAGS


def images_tail(blocks: tuple[str, ...]) -> Position | None:
    """Where the post's closing run of images starts: from there on there are images and
    no words (None when the post ends with text). A slide of nothing but a small image,
    continued from a slide of text, looks like a mistake."""
    for block in range(len(blocks) - 1, -1, -1):
        units = [char for char in block_text(blocks[block]) if char == "\ufffc" or is_unit_char(char)]
        words = [index for index, char in enumerate(units) if char != "\ufffc"]
        if not words:
            continue  # a block of images only
        last = words[-1] + 1
        tail = (block, last) if last < len(units) else (block + 1, 0)
        return tail if tail < (len(blocks), 0) else None
    return None


# --- cutting ------------------------------------------------------------------------


def _ordered_list_start(raw: str) -> int:
    match = re.search(r'\bstart\s*=\s*"?(-?\d+)', raw)
    return int(match.group(1)) if match else 1


def _with_attribute(raw: str, name: str, value: str) -> str:
    """A start tag with one attribute set (replaced when present)."""
    pattern = re.compile(rf'\s{name}\s*=\s*("[^"]*"|\'[^\']*\'|[^\s>]+)')
    if pattern.search(raw):
        return pattern.sub(f' {name}="{value}"', raw, count=1)
    end = -2 if raw.endswith("/>") else -1
    return f'{raw[:end]} {name}="{value}"{raw[end:]}'


def _reopen(stack: list[tuple[Token, int]], mid_item: bool) -> list[Token]:
    """Start tags that reopen the elements open at a cut, for the tail."""
    reopened: list[Token] = []
    for depth, (token, items_before) in enumerate(stack):
        raw = token.raw
        if token.tag == "ol":
            # the tail's first item is the one cut in two (same number) or the next one
            following_items = [t for t, _ in stack[depth + 1 :] if t.tag == "li"]
            number = _ordered_list_start(raw) + items_before - (1 if following_items else 0)
            raw = _with_attribute(raw, "start", str(number))
            # WeasyPrint reads no presentational `start`: the counter says it
            raw = _with_attribute(raw, "style", f"counter-reset: list-item {number - 1}")
        elif token.tag == "li" and mid_item:
            # the rest of an item: no second bullet (or number) for it
            raw = _with_attribute(raw, "style", "list-style-type: none")
        reopened.append(Token("start", token.tag, raw))
    return reopened


def split_at(fragment: str, offset: int) -> tuple[str, str]:
    """Cut a block after `offset` units: (head, tail), each well-formed HTML.

    offset <= 0 gives ("", fragment); offset >= units gives (fragment, "").
    Whitespace and line breaks (`<br>`) at the cut are dropped; inside `<pre>` the
    tail keeps its indentation.
    """
    total = block_units(fragment)
    if offset <= 0:
        return "", fragment
    if offset >= total:
        return fragment, ""
    tokens = tokenize(fragment)
    head: list[Token] = []
    stack: list[tuple[Token, int]] = []  # open elements, with the number of <li> children started so far
    count = 0
    index = 0
    cut_text_rest: Token | None = None
    while index < len(tokens):
        token = tokens[index]
        if count == offset:
            break
        if token.kind == "text":
            units = token.units
            if count + units <= offset:
                head.append(token)
                count += units
            else:
                # the cut falls inside this text
                need = offset - count
                position = 0
                for position, char in enumerate(token.text):  # noqa: B007
                    if is_unit_char(char):
                        need -= 1
                        if need == 0:
                            break
                head.append(Token("text", text=token.text[: position + 1]))
                cut_text_rest = Token("text", text=token.text[position + 1 :])
                count = offset
                index += 1
                break
        elif token.kind == "start":
            if stack and token.tag == "li":
                parent, items = stack[-1]
                stack[-1] = (parent, items + 1)
            stack.append((token, 0))
            head.append(token)
        elif token.kind == "end":
            _close(stack, token.tag)
            head.append(token)
        else:
            head.append(token)
            count += token.units
        index += 1

    in_pre = any(t.tag == "pre" for t, _ in stack)
    rest: list[Token] = []
    if cut_text_rest is not None:
        rest_text = cut_text_rest.text
        if count_units(rest_text) == 0:
            # nothing of this text after the cut: let the tag walk below decide
            pending_ws = rest_text
        else:
            rest.append(Token("text", text=_tail_text(rest_text, in_pre)))
            pending_ws = None
    else:
        pending_ws = ""
    if not rest:
        # after the last head unit: end tags still belong to the head; whitespace and
        # <br> at the cut are dropped; the tail starts at the next start tag or text
        while index < len(tokens):
            token = tokens[index]
            if token.kind == "end":
                if pending_ws and not in_pre:
                    head.append(Token("text", text=pending_ws))
                pending_ws = ""
                _close(stack, token.tag)
                head.append(token)
                in_pre = any(t.tag == "pre" for t, _ in stack)
                index += 1
            elif token.kind == "text" and token.units == 0:
                pending_ws = (pending_ws or "") + token.text
                index += 1
            elif token.kind == "void" and token.tag in ("br", "wbr"):
                index += 1
            else:
                if token.kind == "text":
                    rest.append(Token("text", text=_tail_text(token.text, in_pre)))
                    index += 1
                break
    mid_item = any(t.tag == "li" for t, _ in stack) and not _starts_new_item(tokens, index, rest)
    tail_tokens = _reopen(stack, mid_item) + rest + list(tokens[index:])
    head_tokens = head + [Token("end", t.tag) for t, _ in reversed(stack)]
    return _clean(serialize(head_tokens)), _clean(serialize(tail_tokens))


def _starts_new_item(tokens: tuple[Token, ...], index: int, rest: list[Token]) -> bool:
    return not rest and index < len(tokens) and tokens[index].kind == "start" and tokens[index].tag == "li"


def _close(stack: list[tuple[Token, int]], tag: str) -> None:
    for depth in range(len(stack) - 1, -1, -1):
        if stack[depth][0].tag == tag:
            del stack[depth:]
            return


def _tail_text(text: str, in_pre: bool) -> str:
    if in_pre:
        # the cut ends a line of code: the next line keeps its indentation
        return text[1:] if text.startswith("\n") else text.lstrip(" ")
    return text.lstrip()


_EMPTY_INLINE = re.compile(r"<(span|a|strong|em|b|i|code|mark|s|u|del|ins|small|sub|sup)(\s[^>]*)?></\1>")


def _clean(fragment: str) -> str:
    """Drop inline elements left empty by a cut (a highlighted token cut at its end)."""
    previous = None
    while previous != fragment:
        previous = fragment
        fragment = _EMPTY_INLINE.sub("", fragment)
    return fragment.strip()


# --- a post as a stream of blocks ----------------------------------------------------

Position = tuple[int, int]  # (block index, unit offset inside the block); (n, 0) is the end


def normalise(position: Position, blocks: tuple[str, ...]) -> Position:
    """(b, units of b) -> (b+1, 0), so that equal places compare equal."""
    block, offset = position
    while block < len(blocks) and offset >= block_units(blocks[block]) and block_units(blocks[block]) > 0 and offset > 0:
        block, offset = block + 1, 0
    return block, offset


def slice_blocks(blocks: tuple[str, ...], start: Position, end: Position) -> tuple[str, ...]:
    """The blocks of a post between two positions, cutting the first and last as needed."""
    (first, first_offset), (last, last_offset) = start, end
    pieces: list[str] = []
    for index in range(first, min(last + 1, len(blocks))):
        block = blocks[index]
        if index == last:
            if last_offset <= 0:
                break
            block = split_at(block, last_offset)[0]
        if index == first and first_offset > 0:
            block = with_table_head(blocks[index], split_at(block, first_offset)[1])
        if block:
            pieces.append(block)
    return tuple(pieces)


REPEATED_HEAD_CLASS = "fit-repeat"  # a table's header shown again on the next slide: furniture, not the post's units


def with_table_head(table: str, tail: str) -> str:
    """The tail of a table cut between its rows with the table's header rows again, as a
    reader of the next slide needs them (class `fit-repeat`: the fitting geometry does
    not count them as the post's text). Any other tail is returned as it is."""
    tail_tokens = tokenize(tail)
    if root_tag(table) != "table" or not tail_tokens or tail_tokens[0].tag != "table" or any(t.tag == "thead" for t in tail_tokens):
        return tail
    head: list[Token] = []
    depth = 0
    for token in tokenize(table):
        if token.tag == "table" and token.kind in ("start", "end"):
            depth += 1 if token.kind == "start" else -1
        elif token.tag == "thead" and token.kind == "start" and depth == 1 and not head:
            head.append(Token("start", "thead", _with_attribute(token.raw, "class", REPEATED_HEAD_CLASS)))
        elif head and head[-1].kind == "end" and head[-1].tag == "thead":
            break
        elif head:
            head.append(token)
    if not head or head[-1].tag != "thead" or head[-1].kind != "end":
        return tail
    return serialize([tail_tokens[0], *head, *tail_tokens[1:]])


def cut_tier(blocks: tuple[str, ...], position: Position) -> int:
    """The tier of a cut at a position of the post."""
    block, offset = position
    if offset == 0 or block >= len(blocks):
        return TIER_BLOCK
    return boundaries(blocks[block])[offset]


def candidate_cuts(blocks: tuple[str, ...], start: Position, end: Position, worst_tier: int = TIER_CHAR) -> list[tuple[Position, int]]:
    """Every cut strictly after `start` and up to `end` with its tier (at most worst_tier)."""
    found: list[tuple[Position, int]] = []
    first, first_offset = start
    last, last_offset = end
    for index in range(first, min(last + 1, len(blocks) + 1)):
        if index == len(blocks):
            if (index, 0) > start:
                found.append(((index, 0), TIER_BLOCK))
            break
        if index > first or first_offset == 0:
            if (index, 0) > start:
                found.append(((index, 0), TIER_BLOCK))
        if index == last and last_offset == 0:
            break
        tiers = boundaries(blocks[index])
        low = first_offset + 1 if index == first else 1
        high = min(last_offset, len(tiers) - 2) if index == last else len(tiers) - 2
        for offset in range(low, high + 1):
            if tiers[offset] <= worst_tier:
                found.append(((index, offset), tiers[offset]))
    return found


def split_paragraphs(blocks: tuple[str, ...], at: int) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Cut a post between its top-level blocks (before block `at`)."""
    return tuple(blocks[:at]), tuple(blocks[at:])


def last_cut_within(fragment: str, max_units: int, tier: int) -> int | None:
    """The largest cut offset <= max_units inside a block whose tier is at most `tier`."""
    tiers = boundaries(fragment)
    for offset in range(min(max_units, len(tiers) - 2), 0, -1):
        if tiers[offset] <= tier:
            return offset
    return None


def split_sentences(fragment: str, max_units: int) -> tuple[str, str] | None:
    """Cut a paragraph after its last sentence that ends within `max_units` units."""
    offset = last_cut_within(fragment, max_units, TIER_SENTENCE)
    return None if offset is None else split_at(fragment, offset)


def split_words(fragment: str, max_units: int) -> tuple[str, str] | None:
    """Cut a paragraph after its last whole word within `max_units` units."""
    offset = last_cut_within(fragment, max_units, TIER_WORD)
    return None if offset is None else split_at(fragment, offset)


def split_items(fragment: str, max_units: int) -> tuple[str, str] | None:
    """Cut a list between items (or a code block between lines) within `max_units`."""
    offset = last_cut_within(fragment, max_units, TIER_NESTED)
    return None if offset is None else split_at(fragment, offset)


split_code_lines = split_items


def mark_block(fragment: str, index: int) -> str:
    """The block with `data-fit-block="index"` on its root element (found again in the layout).

    Left as it is when the block is not one element (bare text, or several siblings).
    """
    tokens = [t for t in tokenize(fragment) if not (t.kind == "text" and not t.text.strip())]
    if not tokens or tokens[0].kind != "start" or tokens[-1].kind != "end" or tokens[-1].tag != tokens[0].tag:
        return fragment
    depth = 0
    for position, token in enumerate(tokens):
        depth += 1 if token.kind == "start" else -1 if token.kind == "end" else 0
        if depth == 0 and position != len(tokens) - 1:
            return fragment  # the root closes before the end: several siblings
    raw = tokens[0].raw
    start = fragment.index(raw)
    return fragment[:start] + _with_attribute(raw, "data-fit-block", str(index)) + fragment[start + len(raw) :]
