"""Markdown of one post -> sanitised HTML pieces for a slide.

Raw HTML in a post is allowed only through an allow-list (nh3), so threads from
other people cannot inject scripts, forms, frames or file attachments.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from collections.abc import Callable
from dataclasses import dataclass, field
from html import unescape as html_unescape
from html.parser import HTMLParser

import markdown
import nh3
from markdown.blockprocessors import HashHeaderProcessor
from markdown.extensions import Extension
from markdown.inlinepatterns import InlineProcessor, LinkInlineProcessor
from markdown.util import AtomicString

from generator.content.extensions import HighlightExtension, ListDetailsExtension
from generator.content.math import Formula, restore_math, restore_source, stash_math
from generator.fonts import add_emoji_presentation

ALLOWED_TAGS = {
    "p", "br", "strong", "b", "em", "i", "u", "s", "del", "ins", "mark", "sub", "sup", "small",
    "code", "pre", "span", "div", "a", "ul", "ol", "li", "blockquote", "hr",
    "h1", "h2", "h3", "h4", "h5", "h6", "img", "figure", "figcaption",
    "table", "thead", "tbody", "tr", "th", "td", "kbd", "abbr",
}
ALLOWED_ATTRIBUTES = {
    "*": {"class", "title"},
    "a": {"href"},
    "img": {"src", "alt", "width", "height"},
    "ol": {"start"},
    "td": {"align"},
    "th": {"align"},
}
# Relative URLs are always kept by nh3; anything with another scheme (file:, javascript:) is dropped.
URL_SCHEMES = {"http", "https", "mailto", "data"}

HASHTAG = r"(?<![\w&/#])#([^\W_][\w]*)"
MENTION = r"(?<![\w/@.])@([A-Za-z0-9_]{1,30})"
TITLE_HEADINGS = frozenset({"h1", "h2", "h3"})  # a post's leading heading of these is its title
VOID_ELEMENTS = {"br", "hr", "img", "input", "meta", "link", "wbr", "col", "area", "source"}


class _TagProcessor(InlineProcessor):
    def __init__(self, pattern: str, css_class: str, prefix: str):
        super().__init__(pattern)
        self.css_class = css_class
        self.prefix = prefix

    # InlineProcessor.handleMatch takes `data` where Pattern's does not: Markdown's own stubs
    # ignore that override too (types-Markdown inlinepatterns.pyi)
    def handleMatch(self, m: re.Match[str], data: str) -> tuple[etree.Element, int, int]:  # type: ignore[override]  # noqa: N802
        element = etree.Element("span")
        element.set("class", self.css_class)
        element.text = AtomicString(self.prefix + m.group(1))  # not processed again
        return element, m.start(0), m.end(0)


class _SpacedHashHeaderProcessor(HashHeaderProcessor):
    """ATX headings need a space after the hashes (as in CommonMark), so a post that
    starts a line with `#hashtag`, as posts on X do, keeps its hashtag."""

    # the header group is always set (empty for a lone `#`, which is an empty heading, as in CommonMark)
    RE = re.compile(r"(?:^|\n)(?P<level>#{1,6})(?P<header>(?:[ \t]+(?:\\.|[^\\#]|#+(?=[^#\n]))*?)?)[ \t]*#*(?:\n|$)")


# Link text (`[text](url)`, `[text][ref]`, `![alt](src)`) longer or more nested than this
# is not a link. Python-Markdown looks for the closing bracket of every `[` character by
# character to the end of the paragraph, so a post of 20,000 `[` took minutes (n² steps).
MAX_LINK_TEXT = 2_000
MAX_LINK_BRACKETS = 32  # inner `]` a link text may hold
MAX_LINK_NESTING = 8
# ... and the `(url "title")` after it: Python-Markdown matches its parentheses character by
# character to the end of the paragraph, so 8,000 `[a](` took 12 s.
MAX_LINK_TARGET = 2_000


def bounded_link_text(data: str, index: int) -> tuple[str, int, bool]:
    """LinkInlineProcessor.getText within bounds: (text, index after `]`, found).

    Same result as Python-Markdown's for link texts within the bounds; scans with
    str.find/str.count, so one call costs O(MAX_LINK_TEXT) in C, O(MAX_LINK_BRACKETS) in Python.
    """
    end = min(len(data), index + MAX_LINK_TEXT)
    depth, position = 1, index
    for _ in range(MAX_LINK_BRACKETS + 1):
        close = data.find("]", position, end)
        if close < 0:
            break
        depth += data.count("[", position, close) - 1
        if depth == 0:
            return data[index:close], close + 1, True
        if depth > MAX_LINK_NESTING:
            break
        position = close + 1
    return "", index, False


def _bounded_link_target(get_link: Callable[[str, int], tuple[str, str | None, int, bool]]) -> Callable[[str, int], tuple[str, str | None, int, bool]]:
    """LinkInlineProcessor.getLink looking at most MAX_LINK_TARGET characters past `(`
    (positions in the text are unchanged: only its end is cut)."""

    def get_bounded_link(data: str, index: int) -> tuple[str, str | None, int, bool]:
        return get_link(data[: index + MAX_LINK_TARGET], index)

    return get_bounded_link


class BoundedLinksExtension(Extension):
    """Bound the cost of finding link text and target (see MAX_LINK_TEXT, MAX_LINK_TARGET)."""

    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 (Markdown's API)
        for processor in md.inlinePatterns:
            if isinstance(processor, LinkInlineProcessor):
                processor.getText = bounded_link_text  # type: ignore[method-assign]
                processor.getLink = _bounded_link_target(processor.getLink)  # type: ignore[method-assign, assignment]


class SocialTagsExtension(Extension):
    """Wrap #hashtags and @mentions in spans the themes colour with the accent."""

    def extendMarkdown(self, md: markdown.Markdown) -> None:  # noqa: N802 (Markdown's API)
        md.parser.blockprocessors.register(_SpacedHashHeaderProcessor(md.parser), "hashheader", 70)
        md.inlinePatterns.register(_TagProcessor(HASHTAG, "hashtag", "#"), "hashtag", 65)
        # an escaped `\#tag` (the importer writes one at a line start) is still a hashtag
        md.inlinePatterns.register(_TagProcessor(r"\\#([^\W_]\w*)", "hashtag", "#"), "escaped_hashtag", 185)
        md.inlinePatterns.register(_TagProcessor(MENTION, "mention", "@"), "mention", 64)


# Smart quotes (outside code) are written as private-use marks first: slides show them
# as typographic quotes, while plain text (captions) keeps the author's straight ones.
QUOTE_MARKS = {
    "left-single-quote": ("\ue010", "\u2018", "'"),
    "right-single-quote": ("\ue011", "\u2019", "'"),
    "left-double-quote": ("\ue012", "\u201c", '"'),
    "right-double-quote": ("\ue013", "\u201d", '"'),
}
TYPOGRAPHIC = str.maketrans({mark: curly for mark, curly, _ in QUOTE_MARKS.values()})
STRAIGHT = str.maketrans({mark: straight for mark, _, straight in QUOTE_MARKS.values()})


def new_markdown() -> markdown.Markdown:
    """A Markdown converter configured for posts (reuse it; it is reset per post)."""
    return markdown.Markdown(
        extensions=[
            "fenced_code",
            "codehilite",
            "sane_lists",
            "tables",
            "nl2br",
            "smarty",
            SocialTagsExtension(),
            BoundedLinksExtension(),
            HighlightExtension(),
            ListDetailsExtension(),
        ],
        extension_configs={
            "codehilite": {"guess_lang": False, "css_class": "highlight", "use_pygments": True},
            "tables": {"use_align_attribute": True},  # a style attribute would be sanitised away
            # quotes only: `--` and `...` stay as typed (flags, ranges, code outside backticks)
            "smarty": {
                "smart_dashes": False, "smart_ellipses": False, "smart_angled_quotes": False,
                "substitutions": {name: mark for name, (mark, _, _) in QUOTE_MARKS.items()},
            },
        },
        output_format="html",
    )


@dataclass(frozen=True)
class ImageRef:
    src: str
    alt: str


@dataclass(frozen=True)
class PostHtml:
    """A post as safe HTML: an optional title (its leading heading) and top-level body blocks."""

    title_html: str
    blocks: tuple[str, ...]
    images: tuple[ImageRef, ...] = field(default=())
    depth: int = 0  # how deeply its elements nest (bounded by generator.limits)
    removed: tuple[str, ...] = ()  # what the sanitiser took out, for warnings
    # (line in the post, 0-based; message) of every formula that could not be drawn
    problems: tuple[tuple[int, str], ...] = field(default=())

    @property
    def body_html(self) -> str:
        return "\n".join(self.blocks)


def sanitize(html: str) -> str:
    """Keep only allow-listed tags, attributes and URL schemes."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        strip_comments=True,
    )


# attributes Markdown itself writes that the allow-list drops on purpose (no warning)
_MARKDOWN_ATTRIBUTES = {("th", "style"), ("td", "style"), ("a", "rel")}


class _Removals(HTMLParser):
    """Elements and attributes of an HTML fragment the allow-list does not keep."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.removed: dict[str, None] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ALLOWED_TAGS:
            self.removed[f"<{tag}> element"] = None
            return
        allowed = ALLOWED_ATTRIBUTES.get(tag, set()) | ALLOWED_ATTRIBUTES["*"]
        for name, _ in attrs:
            if name not in allowed and (tag, name) not in _MARKDOWN_ATTRIBUTES:
                self.removed[f"{name[:40]} attribute of <{tag}>"] = None

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)


def sanitiser_removals(html: str) -> tuple[str, ...]:
    """What `sanitize` takes out of `html` (each kind once, in order), so the build can warn."""
    if "<" not in html:
        return ()
    parser = _Removals()
    parser.feed(html)
    parser.close()
    return tuple(parser.removed)[:20]


@dataclass
class _Block:
    """One top-level block of an HTML fragment."""

    html: str
    depth: int  # how deeply its elements nest
    images: list[ImageRef]
    element: str | None  # the tag when the block is one element with a bare start tag (`<h2>…</h2>`)
    inner: str  # that element's content


class _BlockSplitter(HTMLParser):
    """Split an HTML fragment into its top-level elements, and note every <img>."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.parts: list[_Block] = []
        self._depth = 0
        self._current: list[str] = []
        self._current_depth = 0
        self._current_images: list[ImageRef] = []
        self._root: tuple[str, bool] | None = None  # (tag, bare) of a block that opened with a start tag

    @property
    def blocks(self) -> list[str]:
        return [block.html for block in self.parts]

    @property
    def images(self) -> list[ImageRef]:
        return [image for block in self.parts for image in block.images]

    @property
    def max_depth(self) -> int:
        return max((block.depth for block in self.parts), default=0)

    def _emit(self, text: str, closes_block: bool, end_tag: str | None = None) -> None:
        self._current.append(text)
        if closes_block and self._depth == 0:
            self._close_block(end_tag)

    def _close_block(self, end_tag: str | None) -> None:
        block = "".join(self._current).strip()
        if block:
            whole = self._root is not None and self._root[1] and self._root[0] == end_tag
            element = self._root[0] if whole and self._root is not None else None
            inner = "".join(self._current[1:-1]) if element else ""
            self.parts.append(_Block(block, self._current_depth, self._current_images, element, inner))
        self._current, self._current_depth, self._current_images, self._root = [], 0, [], None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "img" and "math" not in (values.get("class") or "").split():  # a drawn formula is no picture
            self._current_images.append(ImageRef(values.get("src") or "", values.get("alt") or ""))
        text = self.get_starttag_text() or f"<{tag}>"
        if not self._current and self._depth == 0:
            self._root = (tag, not attrs)
        if tag in VOID_ELEMENTS:
            self._emit(text, closes_block=self._depth == 0)
        else:
            self._depth += 1
            self._current_depth = max(self._current_depth, self._depth)
            self._emit(text, closes_block=False)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in VOID_ELEMENTS:
            self.handle_starttag(tag, attrs)
        else:  # `<x/>` opens and closes
            self.handle_starttag(tag, attrs)
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID_ELEMENTS:
            return
        self._depth = max(0, self._depth - 1)
        self._emit(f"</{tag}>", closes_block=True, end_tag=tag)

    def handle_data(self, data: str) -> None:
        if self._depth == 0 and not data.strip():
            if self._current:
                self._current.append(data)
            return
        self._emit(data, closes_block=False)

    def handle_entityref(self, name: str) -> None:
        self._emit(f"&{name};", closes_block=False)

    def handle_charref(self, name: str) -> None:
        self._emit(f"&#{name};", closes_block=False)

    def close(self) -> None:
        super().close()
        self._root = None  # an unclosed rest is no element
        self._close_block(None)


def _split(html: str) -> _BlockSplitter:
    """Split an HTML fragment into its top-level blocks, noting images and depth."""
    splitter = _BlockSplitter()
    splitter.feed(html)
    splitter.close()
    return splitter


def _emoji_safe(html: str) -> str:
    """Give emoji-only symbols (✔ ☺ ✈ …) emoji presentation: avoids a wide gap Pango leaves before them."""
    from generator.fonts import builtin_font_dir, emoji_only_for

    # emoji-only symbols all lie above U+2000: plain text need not pay for the font scan
    if not any(ord(char) >= 0x2000 for char in html):
        return html
    return add_emoji_presentation(html, emoji_only_for((builtin_font_dir(),)))


# WeasyPrint breaks lines badly when an inline element follows a space at the end of a
# line (it can strand one word on a line of its own; Kozea/WeasyPrint#1614, #2025).
# Moving the space inside the element gives the same text and correct breaks.
INLINE_ELEMENTS = frozenset({"em", "strong", "b", "i", "a", "span", "mark", "s", "del", "u", "ins", "sub", "sup", "small", "abbr"})
WHOLE_WORD = '<span class="whole">'  # a word kept whole: its nowrap would take the break before it away
HIGHLIGHT = '<mark class="hl">'
HYPHENATED = re.compile(r"(?<!\S)(\S*\w-\w\S*)(?!\S)")  # (in a text node)
KEEP_WHOLE = 24  # characters: a hyphenated word up to this long never breaks at its hyphens


def _hyphenated_words_whole(text: str) -> str:
    """Keep a hyphenated word ("half-finished", `--dry-run`) of a text node on one line:
    PDF extractors read a hyphen at a line end as hyphenation and join the word
    without it ("halffinished"). A longer word may still break (it could be wider than a line)."""

    def wrap(match: re.Match[str]) -> str:
        word = match.group(1)
        return f"{WHOLE_WORD}{word}</span>" if len(word) <= KEEP_WHOLE else word

    return HYPHENATED.sub(wrap, text)


def _takes_a_space(tag: str, raw: str) -> bool:
    """Whether a space before this start tag moves inside the element (see INLINE_ELEMENTS)."""
    return tag in INLINE_ELEMENTS and not raw.startswith(WHOLE_WORD)


class _SlideText(HTMLParser):
    """Line-breaking fixes on sanitised HTML, made on its parsed tags and text nodes:

    * hyphenated words are kept whole (`_hyphenated_words_whole`);
    * a space before an inline element moves inside it (see INLINE_ELEMENTS) — but not
      in code: in `white-space: pre-wrap` a space moved into a highlighted token's span
      is no longer a break opportunity, and WeasyPrint breaks the next token inside its
      letters instead;
    * a highlight's marker band must not start with a space: the space goes out as a
      no-break space instead, which ties the word before to the highlight (WeasyPrint
      has no break there to get wrong).

    Tags are copied as written; text nodes keep their entities.
    """

    def __init__(self) -> None:
        super().__init__(convert_charrefs=False)
        self.out: list[str] = []
        self._text: list[str] = []  # the text node being read
        self._pre = 0  # open <pre> elements
        self._glue_at: int | None = None  # where a highlight just opened (its text may start with a space)

    def _flush(self, before: tuple[str, str] | None = None) -> tuple[str, bool]:
        """The text node read so far, with its hyphenated words kept whole, and whether
        its last space moves into the start tag `before` ((tag, as written)) that follows.
        The text is not yet written out."""
        if not self._text:
            self._glue_at = None
            return "", False
        text = "".join(self._text)
        self._text = []
        if "-" in text:
            text = _hyphenated_words_whole(text)
        moves = before is not None and _takes_a_space(*before) and not self._pre and text.endswith(" ")
        if moves:
            text = text[:-1]
        if text and self._glue_at is not None and text.startswith(" "):
            self.out.insert(self._glue_at, "\u00a0")
            text = text[1:]
        self._glue_at = None
        return text, moves

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        raw = self.get_starttag_text() or f"<{tag}>"
        text, moved = self._flush(before=(tag, raw))
        if moved and raw == HIGHLIGHT:
            self.out += [text, "\u00a0", raw]  # the moved space goes back out, unbreakable
        elif moved:
            self.out += [text, raw, " "]
        else:
            self.out += [text, raw]
            if raw == HIGHLIGHT:
                self._glue_at = len(self.out) - 1
        if tag == "pre":
            self._pre += 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.out += [self._flush()[0], self.get_starttag_text() or f"<{tag}/>"]

    def handle_endtag(self, tag: str) -> None:
        self.out += [self._flush()[0], f"</{tag}>"]
        if tag == "pre":
            self._pre = max(0, self._pre - 1)

    def handle_data(self, data: str) -> None:
        self._text.append(data)

    def handle_entityref(self, name: str) -> None:
        self._text.append(f"&{name};")

    def handle_charref(self, name: str) -> None:
        self._text.append(f"&#{name};")

    def close(self) -> None:
        super().close()
        self.out.append(self._flush()[0])


def _line_breaks_fixed(html: str) -> str:
    """`html` with the line-breaking fixes of `_SlideText` made."""
    if "<" not in html and "-" not in html:
        return html
    parser = _SlideText()
    parser.feed(html)
    parser.close()
    return "".join(parser.out)


def _convert(md: markdown.Markdown, text: str) -> tuple[str, list[tuple[Formula, str]], tuple[str, ...]]:
    """Markdown -> safe slide HTML: formulas taken out first and drawn after sanitising
    (the SVG is ours, not the author's), typographic quotes put in. Also returns the
    formulas that could not be drawn and what the sanitiser removed."""
    md.reset()
    stashed = stash_math(text)
    converted = md.convert(stashed.text)
    removed = sanitiser_removals(converted)
    html = _line_breaks_fixed(_emoji_safe(sanitize(converted))).translate(TYPOGRAPHIC)
    if not stashed.formulas:
        return html, [], removed
    html, problems = restore_math(html, stashed.formulas)
    return html, problems, removed


def render_post(md: markdown.Markdown, text: str) -> PostHtml:
    """Render one post's Markdown: safe HTML, leading heading split off as the title."""
    html, math_problems, removed = _convert(md, text)
    parts = _split(html).parts
    title_html = ""
    if parts and parts[0].element in TITLE_HEADINGS:
        title_html = parts[0].inner.strip()
        parts = parts[1:]
    return PostHtml(
        title_html=title_html,
        blocks=tuple(block.html for block in parts),
        images=tuple(image for block in parts for image in block.images),
        depth=max((block.depth for block in parts), default=0),
        removed=removed,
        problems=tuple((formula.line, f"formula '{formula.source}' is shown as text: {message}") for formula, message in math_problems),
    )


# a code span: a run of backticks, then anything up to a run of the same length
_CODE_SPAN = re.compile(r"(?<!`)(?P<ticks>(?>`+)).*?(?<!`)(?P=ticks)(?!`)", re.DOTALL)


def _markup_as_text(text: str) -> str:
    """A front matter field with its HTML tags shown as text: `<` outside code spans
    becomes `&lt;` (Markdown keeps the entity; in a code span it shows `<` anyway)."""
    parts, position = [], 0
    for span in _CODE_SPAN.finditer(text):
        parts += [text[position : span.start()].replace("<", "&lt;"), span.group(0)]
        position = span.end()
    parts.append(text[position:].replace("<", "&lt;"))
    return "".join(parts)


def render_inline(md: markdown.Markdown, text: str, problems: list[str] | None = None) -> str:
    """Markdown of a one-line field (title, subtitle, action) as safe inline HTML: its
    Markdown (emphasis, code, links) is drawn, HTML in it is text, never markup (front
    matter values are escaped). A formula that cannot be drawn is noted in `problems`."""
    html, math_problems, _ = _convert(md, _markup_as_text(text))
    html = html.strip()
    if problems is not None:
        problems += [f"formula '{formula.source}' is shown as text: {message}" for formula, message in math_problems]
    if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
        html = html[3:-4]
    return html


def plain_text(html: str) -> str:
    """Text of an HTML fragment, for captions and word checks."""
    return html_unescape(nh3.clean(html, tags=set()))


def markdown_plain(md: markdown.Markdown, text: str) -> str:
    """Markdown as plain text, one paragraph per block with a blank line between.

    Exactly the author's characters: no emoji presentation is added (unlike slide
    HTML), no variation selector removed, entities decoded.
    """
    md.reset()
    stashed = stash_math(text)
    html = sanitize(md.convert(stashed.text)).translate(STRAIGHT)
    blocks = _split(restore_source(html, stashed.formulas)).blocks
    paragraphs = []
    for block in blocks:
        plain = html_unescape(nh3.clean(block, tags=set()))
        lines = [line.strip() for line in plain.strip().splitlines()]
        paragraph = "\n".join(line for line in lines if line)
        if paragraph:
            paragraphs.append(paragraph)
    return "\n\n".join(paragraphs)


def hashtags_of(text: str) -> list[str]:
    """The #hashtags of a plain text, in order, each once (compared without case)."""
    seen: dict[str, str] = {}
    for match in re.finditer(HASHTAG, text):
        seen.setdefault(match.group(1).casefold(), "#" + match.group(1))
    return list(seen.values())
