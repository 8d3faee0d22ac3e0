"""A cheap guess of how tall a post's blocks are on a slide, from their text alone.

The guess lets the fitting stage plan splits *before* any layout: it reads the advance
widths of the theme's own font files (fontTools, no shaping), breaks lines greedily at
the body width, and stacks lines and margins the way `layouts/_base.css` does. It is
only a guess: WeasyPrint's layout decides (see `generator.render.fit`), and the fitting
stage scales the guess by what the layout measured.

Heights come as **lines**: the bottom of each line (or image) relative to the block's
top and the number of units (see `split`) up to the end of that line, so a cut at any
unit offset has a height.
"""

from __future__ import annotations

import io
import logging
import re
import struct
import unicodedata
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from functools import lru_cache, partial
from pathlib import Path

from markupsafe import Markup, escape

from generator.content.markdown import plain_text
from generator.content.tokens import source_tokens
from generator.emoji import EMOJI_FONT_CLASS, SEQUENCE_GLUE, SEQUENCE_PART_RANGES, drawn_by_emoji_font, grapheme_clusters, is_emoji_sequence
from generator.memo import Memo
from generator.render.split import VOID_TAGS, Token, count_units, is_unit_char, serialize, tokenize

FONT_SUFFIXES = (".ttf", ".otf")
FALLBACK_ADVANCE = 0.55  # em, for characters no known font covers
EMOJI_ADVANCE = 1.25  # em: Noto Color Emoji's advance (2550/2048)
ARABIC_JOINING = 0.8  # measured: Arabic set joined takes ~80 % of its isolated forms' advances
LINE_HEIGHT = 1.45  # .slide
PARAGRAPH_GAP = 0.7  # em, .prose p / ul / blockquote margin-bottom
ITEM_GAP = 0.3  # em, .prose li margin-bottom
LIST_INDENT = 1.35  # em, ul padding-left + li padding-left
CODE_SIZE = 0.72  # em, pre font-size
CODE_LINE_HEIGHT = 1.5
INLINE_CODE_SIZE = 0.84
HEADING_SIZES = {"h1": 1.5, "h2": 1.3, "h3": 1.1, "h4": 1.1, "h5": 1.0, "h6": 1.0}
BOLD_TAGS = frozenset({"strong", "b", "th"})
BLOCK_TAGS = frozenset(
    {
        "p",
        "li",
        "ul",
        "ol",
        "blockquote",
        "pre",
        "div",
        "figure",
        "figcaption",
        "table",
        "thead",
        "tbody",
        "tr",
        "td",
        "th",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "hr",
        "dd",
        "dt",
    }
)


# --- font metrics -------------------------------------------------------------------


# A character only emoji sequences hold (joiner, FE0F, keycap mark, tones, flag letters, tags):
# text without one measures code point by code point.
_SEQUENCE_CHAR = re.compile(
    "[" + "".join(map(chr, sorted(SEQUENCE_GLUE))) + "".join(f"{chr(a)}-{chr(b)}" for a, b in SEQUENCE_PART_RANGES) + "]"
)


@dataclass(eq=False)
class FontMetrics:
    """Advance widths of one face, in em, by character."""

    advances: dict[int, float]
    fallbacks: tuple[FontMetrics, ...] = ()

    def advance(self, char: str) -> float:
        code = ord(char)
        width = self.advances.get(code)
        if width is not None:
            return width
        for fallback in self.fallbacks:
            width = fallback.advances.get(code)
            if width is not None:
                # joined (contextual) Arabic forms are narrower than the isolated ones in the cmap
                return width * ARABIC_JOINING if 0x0600 <= code <= 0x08FF else width
        if drawn_by_emoji_font(code):
            return EMOJI_ADVANCE
        if unicodedata.combining(char) or char in "\u200b\u200c\u200d\u2060\ufeff\ufe0e\ufe0f":
            return 0.0
        return FALLBACK_ADVANCE

    def width(self, text: str) -> float:
        """Width of `text` in em: the sum of its advances (the face's own looked up inline,
        as fitting measures hundreds of thousands of characters a thread); an emoji
        sequence (👩‍💻, 🇫🇷, 1️⃣, 👍🏽) is one emoji's advance, not its code points'."""
        if text.isascii() or _SEQUENCE_CHAR.search(text) is None:
            return self._plain_width(text)
        return sum(EMOJI_ADVANCE if is_emoji_sequence(cluster) else self._plain_width(cluster) for cluster in grapheme_clusters(text))

    def _plain_width(self, text: str) -> float:
        get = self.advances.get
        return sum([width if (width := get(ord(char))) is not None else self.advance(char) for char in text])


GENERIC = FontMetrics({})


@lru_cache(maxsize=8)
def _font_index(folders: tuple[Path, ...], memo: Memo | None = None) -> dict[tuple[str, int, bool], Path]:
    """(family lower-case, weight, italic) -> font file, for every font under the folders."""
    index: dict[tuple[str, int, bool], Path] = {}
    for folder in folders:
        if not folder.is_dir():
            continue
        for path in sorted(folder.rglob("*")):
            if path.suffix.lower() not in FONT_SUFFIXES or path.stat().st_size > 5_000_000:
                continue  # the colour emoji font is huge and has a fixed advance anyway
            try:
                data = path.read_bytes()
            except OSError:
                continue
            face = (memo or Memo(None)).remembered("font-face", data, partial(_face_of, data), _is_face)
            if face is not None:
                family, weight, italic = face
                index.setdefault((family.lower(), weight, italic), path)
    return index


def _is_face(value: object) -> bool:
    """A remembered face: None, or [family, weight, italic]."""
    return value is None or (
        isinstance(value, list) and len(value) == 3 and isinstance(value[0], str) and type(value[1]) is int and type(value[2]) is bool
    )


def _is_advances(value: object) -> bool:
    """Remembered advances: {code point as decimal text: width in em}."""
    return isinstance(value, dict) and all(
        isinstance(code, str) and code.isdecimal() and type(width) in (int, float) for code, width in value.items()
    )


def _face_of(data: bytes) -> tuple[str, int, bool] | None:
    """(family, weight, italic) of a font file's bytes; None for what fontTools cannot read."""
    from fontTools.ttLib import TTFont, TTLibError

    try:
        with _quiet_fonttools(), TTFont(io.BytesIO(data), lazy=True) as font:
            names = font["name"]
            family = names.getDebugName(16) or names.getDebugName(1)
            weight = font["OS/2"].usWeightClass if "OS/2" in font else 400
            italic = bool(font["OS/2"].fsSelection & 1) if "OS/2" in font else False
    except (TTLibError, OSError, KeyError, AttributeError, AssertionError, struct.error):
        return None
    return (family, int(weight), italic) if family else None


@contextmanager
def _quiet_fonttools() -> Iterator[None]:
    """fontTools logs oddities of the files it reads at WARNING (Lato's head table has a
    'created' date before 1970); they change no advance width, and unhandled they would
    print as stray lines among the build's own. Errors still show."""
    logger = logging.getLogger("fontTools")
    previous = logger.level
    logger.setLevel(logging.ERROR)
    try:
        yield
    finally:
        logger.setLevel(previous)


@lru_cache(maxsize=64)
def _load_advances(path: Path, memo: Memo | None = None) -> dict[int, float]:
    try:
        data = path.read_bytes()
    except OSError:
        return {}
    advances = (memo or Memo(None)).remembered("font-advances", data, partial(_advances_of, data), _is_advances)
    return {int(code): width for code, width in advances.items()}


def _advances_of(data: bytes) -> dict[str, float]:
    """Advance width in em of every character a font file's bytes map (keys: code points as text, for JSON)."""
    from fontTools.ttLib import TTFont, TTLibError

    try:
        with _quiet_fonttools(), TTFont(io.BytesIO(data), lazy=True) as font:
            upem = font["head"].unitsPerEm
            metrics = font["hmtx"].metrics
            cmap = font.getBestCmap() or {}
            return {str(code): metrics[glyph][0] / upem for code, glyph in cmap.items() if glyph in metrics}
    except (TTLibError, OSError, KeyError, AttributeError, AssertionError, struct.error):
        return {}


@lru_cache(maxsize=64)
def font_metrics(family: str, weight: int, folders: tuple[Path, ...], memo: Memo | None = None) -> FontMetrics:
    """Metrics of the face closest to (family, weight), upright; generic when unknown.

    `memo`: where the faces and advance widths read from font files are remembered
    between runs (fontTools decompiling them costs ~40 ms a build).
    """
    index = _font_index(folders, memo)
    faces = [(w, path) for (name, w, italic), path in index.items() if name == family.lower() and not italic]
    fallbacks = tuple(
        FontMetrics(_load_advances(path, memo))
        for (name, w, italic), path in sorted(index.items())
        if name in ("noto sans hebrew", "noto sans arabic", "inter") and w == 400 and not italic and name != family.lower()
    )
    if not faces:
        return FontMetrics({}, fallbacks)
    _, path = min(faces, key=lambda face: (abs(face[0] - weight), face[0]))
    return FontMetrics(_load_advances(path, memo), fallbacks)


# --- the box model of a slide's body ---------------------------------------------


@dataclass(frozen=True)
class Typeset:
    """What the estimate needs to know about where a body is set."""

    width: float  # px, the body's content width
    body_size: float  # px
    text: FontMetrics = GENERIC
    bold: FontMetrics = GENERIC
    mono: FontMetrics = GENERIC
    display: FontMetrics = GENERIC
    unit: float = 8.0  # the grid unit, px
    media_height: float = 1e9  # px, the tallest an image inside text may be
    line_height: float = LINE_HEIGHT


@dataclass
class BlockEstimate:
    """A block's guessed lines and margins.

    lines: (unit_end, bottom, pad, height): units up to the end of the line, its bottom
    (px from the block's top), the padding/borders of the boxes still open around it
    (closed below it when the block is cut there) and the line's own height.
    """

    lines: list[tuple[int, float, float, float]] = field(default_factory=list)
    height: float = 0.0
    margin_top: float = 0.0
    margin_bottom: float = 0.0
    units: int = 0


@dataclass
class _Style:
    size: float
    metrics: FontMetrics
    indent: float
    line_height: float
    pre: bool = False
    tag: str = ""
    pad: float = 0.0  # bottom padding + border of the enclosing boxes inside the block


_WORD = re.compile(r"\S+|\s+")
_EMOJI_ANY = re.compile(f"[{EMOJI_FONT_CLASS}]")


def _has_emoji(text: str) -> bool:
    return _EMOJI_ANY.search(text) is not None


def emoji_segments(word: str) -> list[str]:
    """A word cut where a line may break without a space: before and after each emoji.

    Each emoji is a whole grapheme cluster (a ZWJ sequence, a flag, a skin-toned or
    keycap emoji stays one segment: the layout never breaks inside one); the text
    between emoji stays together.
    """
    segments: list[str] = []
    text = ""
    for cluster in grapheme_clusters(word):
        if drawn_by_emoji_font(ord(cluster[0])):
            if text:
                segments.append(text)
                text = ""
            segments.append(cluster)
        else:
            text += cluster
    if text:
        segments.append(text)
    return segments


def cluster_ends(segment: str) -> list[int]:
    """The unit offsets (see `split`) inside a segment where a grapheme cluster ends: where a too-long word may break."""
    ends: list[int] = []
    units = 0
    for cluster in grapheme_clusters(segment):
        counted = count_units(cluster)
        if counted:
            units += counted
            ends.append(units)
    return ends


def _whole_clusters(ends: list[int], done: int, wanted: int) -> int:
    """`wanted` units after the `done` already placed, moved back to the end of a cluster (at least one whole cluster)."""
    inside = [end for end in ends if done < end <= done + wanted]
    if inside:
        return inside[-1] - done
    return next((end for end in ends if end > done), done + wanted) - done


_PRE_PART = re.compile(r"\n|[^\S\n]+|\S+")


class _Estimator:
    def __init__(self, typeset: Typeset):
        self.t = typeset
        self.lines: list[tuple[int, float, float, float]] = []
        self.y = 0.0
        self.units = 0
        self.pending_margin = 0.0  # collapsed margin before the next block content
        self.first_content = True
        self.run: list[tuple[str, _Style]] = []  # inline text waiting to be broken into lines
        self.margin_top = 0.0

    # vertical rhythm
    def _advance_margin(self, margin: float) -> None:
        self.pending_margin = max(self.pending_margin, margin)

    def _place(self, height: float, units: int, pad: float = 0.0) -> None:
        if self.first_content:
            self.margin_top = self.pending_margin
            self.first_content = False
        else:
            self.y += self.pending_margin
        self.pending_margin = 0.0
        self.y += height
        self.units += units
        self.lines.append((self.units, self.y, pad, height))

    def space(self, height: float) -> None:
        """Padding or a border: room without a line."""
        self._place(height, 0)
        self.lines.pop()

    def flush(self) -> None:
        """Break the waiting inline run into lines (greedy, like WeasyPrint)."""
        if not self.run:
            return
        style = self.run[0][1]
        width = max(self.t.width - style.indent, self.t.body_size * 2)
        line_width = 0.0
        line_units = 0
        line_height = style.size * style.line_height
        started = False
        pending_space = 0.0
        for text, piece_style in self.run:
            if piece_style.size <= style.size * 1.2:
                line_height = max(line_height, piece_style.size * style.line_height)
            parts = _PRE_PART.findall(text) if piece_style.pre else _WORD.findall(text)
            for part in parts:
                if part == "\n" and piece_style.pre:
                    self._place(line_height, line_units, style.pad)
                    line_width, line_units, started, pending_space = 0.0, 0, False, 0.0
                    continue
                if part.isspace():
                    if piece_style.pre:
                        pending_space += piece_style.metrics.width(part) * piece_style.size
                    elif started:
                        pending_space = piece_style.metrics.advance(" ") * piece_style.size
                    continue
                # emoji (like ideographs) may break from their neighbours without a space
                for segment in emoji_segments(part) if not piece_style.pre and _has_emoji(part) else (part,):
                    word_width = piece_style.metrics.width(segment) * piece_style.size
                    word_units = sum(1 for char in segment if is_unit_char(char))
                    if started and line_width + pending_space + word_width > width:
                        self._place(line_height, line_units, style.pad)
                        line_width, line_units, pending_space = 0.0, 0, 0.0
                        started = False
                    line_width += pending_space
                    pending_space = 0.0
                    ends: list[int] | None = None
                    done = 0
                    while line_width + word_width > width and word_units > 1:
                        # a word wider than the line breaks anywhere, but between grapheme clusters
                        fraction = max(0.0, (width - line_width) / word_width)
                        taken = max(1, int(word_units * fraction))
                        if not segment.isascii():  # in ASCII every unit is a cluster
                            ends = cluster_ends(segment) if ends is None else ends
                            taken = _whole_clusters(ends, done, taken)
                            if taken >= word_units:
                                break  # one cluster wider than what is left of the line: it stays whole
                        self._place(line_height, line_units + taken, style.pad)
                        line_units = 0
                        line_width = 0.0
                        word_width -= word_width * taken / word_units
                        word_units -= taken
                        done += taken
                    line_width += word_width
                    line_units += word_units
                    started = True
        if started or line_units:
            self._place(line_height, line_units, style.pad)
        self.run = []

    def image(self, raw: str, pad: float) -> None:
        self.flush()
        natural_w = _attribute_number(raw, "width")
        natural_h = _attribute_number(raw, "height")
        width = self.t.width
        if natural_w and natural_h:
            shown_w = min(natural_w, width)
            height = shown_w * natural_h / natural_w
            if height > self.t.media_height:
                height = self.t.media_height
        else:
            height = min(width * 0.6, self.t.media_height)
        margin = 4 * self.t.unit
        self._advance_margin(margin)
        self._place(height, 1, pad)
        self._advance_margin(margin)


OBJECT = "\ufffc"  # an inline formula in a line: one unit, as wide as the formula
_MATH_CLASS = re.compile(r'\bclass\s*=\s*"[^"]*\bmath\b')
_EM_SIZE = re.compile(r"\b(width|height)\s*:\s*(\d+(?:\.\d+)?)em")


def _formula_size(raw: str) -> tuple[float, float, bool] | None:
    """(width, height in em, set as a block) of a drawn formula's <img> (sized in em by
    `content.math`); None for any other image."""
    if not _MATH_CLASS.search(raw):
        return None
    sizes = {name: float(value) for name, value in _EM_SIZE.findall(raw)}
    if "width" not in sizes or "height" not in sizes:
        return None
    return sizes["width"], sizes["height"], "math--display" in raw


def _attribute_number(raw: str, name: str) -> float | None:
    match = re.search(rf'\b{name}\s*=\s*"?(\d+(?:\.\d+)?)', raw)
    return float(match.group(1)) if match else None


def estimate_block(fragment: str, typeset: Typeset) -> BlockEstimate:
    """Guess the lines of one block set in the body (see the module doc)."""
    return _estimate_block(fragment, typeset)


@lru_cache(maxsize=2048)
def _estimate_block(fragment: str, typeset: Typeset) -> BlockEstimate:
    est = _Estimator(typeset)
    size = typeset.body_size
    style_stack: list[_Style] = [_Style(size, typeset.text, 0.0, typeset.line_height)]
    tag_stack: list[str] = []
    tokens = tokenize(fragment)
    index = -1
    while index + 1 < len(tokens):
        index += 1
        token = tokens[index]
        current = style_stack[-1]
        if token.kind == "start" and token.tag == "tr":
            # a table row is one band of cells side by side, as tall as its tallest cell
            end = next((at for at in range(index + 1, len(tokens)) if tokens[at].kind == "end" and tokens[at].tag == "tr"), len(tokens))
            est.flush()
            height, units = row_estimate(_row_cells(tokens[index + 1 : end]), current.size, typeset)
            est._place(height, units, current.pad)
            index = end
            continue
        if token.kind == "text":
            if current.pre or token.text.strip() or (est.run and est.run[-1][0] and not est.run[-1][0][-1].isspace()):
                est.run.append((token.text, current))
            continue
        tag = token.tag
        if token.kind == "void":
            formula = _formula_size(token.raw)
            if tag == "img" and formula is not None:
                width_em, height_em, display = formula
                if display:  # a block of its own (img.math--display: margins 0.35em / 0.6em)
                    est.flush()
                    est._advance_margin(0.35 * current.size)
                    est._place(height_em * current.size, 1, current.pad)
                    est._advance_margin(0.6 * current.size)
                else:  # a word of its width in the line (one unit, like any image)
                    est.run.append((OBJECT, replace(current, metrics=FontMetrics({ord(OBJECT): width_em}))))
            elif tag == "img":
                est.image(token.raw, current.pad)
            elif tag == "br":
                est.flush()
            elif tag == "hr":
                est.flush()
                est._advance_margin(6 * typeset.unit)
                est._place(typeset.unit, 0)
                est._advance_margin(6 * typeset.unit)
            continue
        if token.kind == "start":
            tag_stack.append(tag)
            if tag in BLOCK_TAGS:
                est.flush()
                new = _block_style(tag, current, typeset)
                est._advance_margin(_margin_top(tag, new, typeset))
                if tag == "pre":
                    est.space(4 * typeset.unit)  # top padding
                style_stack.append(new)
            else:
                style_stack.append(_inline_style(tag, current, typeset))
            continue
        # end tag
        if tag in tag_stack:
            while tag_stack and tag_stack[-1] != tag:
                tag_stack.pop()
                if len(style_stack) > 1:
                    style_stack.pop()
            tag_stack.pop()
            closing = style_stack.pop() if len(style_stack) > 1 else current
            if tag in BLOCK_TAGS:
                est.flush()
                if tag == "pre":
                    est.space(4 * typeset.unit)  # bottom padding
                est._advance_margin(_margin_bottom(tag, closing, typeset))
    est.flush()
    return BlockEstimate(
        lines=est.lines or [(est.units, est.y, 0.0, est.y)],
        height=est.y,
        margin_top=est.margin_top,
        margin_bottom=est.pending_margin,
        units=est.units,
    )


def _row_cells(row: Sequence[Token]) -> list[str]:
    """The HTML of a table row's cells (a header cell's in bold)."""
    cells: list[list[Token]] = []
    for token in row:
        if token.kind == "start" and token.tag in ("td", "th"):
            cells.append([Token("start", "strong", "<strong>")] if token.tag == "th" else [])
        elif token.kind == "end" and token.tag in ("td", "th"):
            continue
        elif cells:
            cells[-1].append(token)
    return [serialize(cell) for cell in cells]


def row_estimate(cells: Sequence[str], size: float, typeset: Typeset) -> tuple[float, int]:
    """(height, units) of a table row whose cells (their HTML) are set side by side at
    `size` px, in an even share of `typeset.width` each, as tall as the tallest, with the
    padding and rule of `layouts/_details.css`."""
    cell_width = max(typeset.width / max(len(cells), 1) - 0.8 * size, size * 2)
    cell_typeset = replace(typeset, width=cell_width, body_size=size)
    estimates = [_estimate_block(f"<div>{cell}</div>", cell_typeset) for cell in cells]
    tallest = max([size * typeset.line_height, *(estimate.height for estimate in estimates)])
    return tallest + 0.9 * size, sum(estimate.units for estimate in estimates)


def _block_style(tag: str, parent: _Style, typeset: Typeset) -> _Style:
    size, indent, metrics, line_height, pre = parent.size, parent.indent, parent.metrics, parent.line_height, parent.pre
    if tag in ("ul", "ol"):
        indent += LIST_INDENT * size
    elif tag == "blockquote":
        indent += 6 * typeset.unit
    elif tag == "pre":
        size = parent.size * CODE_SIZE
        metrics = typeset.mono
        line_height = CODE_LINE_HEIGHT
        indent += 10 * typeset.unit
        pre = True
        return _Style(size, metrics, indent, line_height, pre, tag, parent.pad + 4 * typeset.unit)
    elif tag in HEADING_SIZES:
        size = parent.size * HEADING_SIZES[tag]
        metrics = typeset.display
        line_height = 1.2
    elif tag == "table":
        size = parent.size * 0.85
    elif tag == "th":
        metrics = typeset.bold
    return _Style(size, metrics, indent, line_height, pre, tag, parent.pad)


def _inline_style(tag: str, parent: _Style, typeset: Typeset) -> _Style:
    if tag in BOLD_TAGS:
        return _Style(parent.size, typeset.bold, parent.indent, parent.line_height, parent.pre, tag, parent.pad)
    if tag == "code" and not parent.pre:
        return _Style(parent.size * INLINE_CODE_SIZE, typeset.mono, parent.indent, parent.line_height, parent.pre, tag, parent.pad)
    return _Style(parent.size, parent.metrics, parent.indent, parent.line_height, parent.pre, tag, parent.pad)


def _margin_top(tag: str, style: _Style, typeset: Typeset) -> float:
    if tag in HEADING_SIZES:
        return style.size * 1.0
    if tag == "pre":
        return 0.0
    return 0.0


def _margin_bottom(tag: str, style: _Style, typeset: Typeset) -> float:
    if tag in ("p", "ul", "ol", "blockquote", "table", "div"):
        return PARAGRAPH_GAP * style.size if tag != "div" else 0.7 * typeset.body_size
    if tag == "li":
        return ITEM_GAP * style.size
    if tag in HEADING_SIZES:
        return 0.4 * style.size
    if tag == "pre":
        return 0.0
    return 0.0


def text_height(text: str, width: float, size: float, metrics: FontMetrics, line_height: float) -> float:
    """Height of a plain text set in one paragraph (titles)."""
    typeset = Typeset(width=width, body_size=size, text=metrics, line_height=line_height)
    return estimate_block(f"<p>{_escape(text)}</p>", typeset).height


@dataclass(frozen=True)
class TextMeasure:
    """Heights of text for layout templates, measured like the fitter's first guess:
    the theme's own font metrics (advance widths), greedy line breaking, the box model
    of `layouts/_base.css`. A template sizes what text leaves (an image, a cover's
    hook) with it; WeasyPrint's layout verifies every slide, and the fitting stage
    shrinks or splits whatever it disproves. Plain data: templates may call it."""

    text: FontMetrics
    bold: FontMetrics
    display: FontMetrics
    uppercase_titles: bool = False

    def body(self, html: str, width: float, size: float, line_height: float = LINE_HEIGHT) -> float:
        """Height of prose (paragraphs, list items: Markup or plain text) at `size` px in `width` px."""
        markup = str(html) if isinstance(html, Markup) else f"<p>{escape(html)}</p>"
        typeset = Typeset(width=width, body_size=size, text=self.text, bold=self.bold, line_height=line_height)
        estimate = estimate_block(f"<div>{markup}</div>", typeset)
        return estimate.height

    def title(self, html: str, width: float, size: float, line_height: float = 1.15) -> float:
        """Height of a display-type title (in capitals when the theme sets them) at `size` px."""
        text = plain_text(str(html))
        return text_height(text.upper() if self.uppercase_titles else text, width, size, self.display, line_height)

    def rhythm(self, html: str, width: float, size: float, line_height: float = LINE_HEIGHT) -> Rhythm:
        """What a body's tables and code blocks take at `size` px in `width` px, read from its
        parsed tags: a table by its rows (each as tall as its tallest cell in an even share of
        the width, with the padding and rules of `_details.css`: `body` would set every cell on
        a line of its own), a code block by its lines; and the prose around the tables."""
        source = str(html)
        cell_size = size * 0.85
        pad = cell_size * 0.9
        prose: list[str] = []
        outside_from = 0
        depth = 0  # tables open
        row: list[str] | None = None  # the open row's cells (their text)
        tables, rows, code_lines, in_code = 0.0, 0, 0, False

        typeset = Typeset(width=width, body_size=size, text=self.text, bold=self.bold, line_height=line_height)

        def close_row() -> float:
            return row_estimate(row or [], cell_size, typeset)[0]

        for token in source_tokens(source):
            opens, closes = token.kind == "start", token.kind == "end"
            if token.tag == "table" and (opens or (closes and depth)):
                if opens and depth == 0:
                    prose.append(source[outside_from : token.start])
                depth += 1 if opens else -1
                if closes and depth == 0:
                    if row is not None:  # a row the source left open
                        tables, rows, row = tables + close_row(), rows + 1, None
                    tables += pad
                    outside_from = token.end
            elif depth and token.tag == "tr" and (opens or closes):
                if row is not None:
                    tables, rows = tables + close_row(), rows + 1
                row = [] if opens else None
            elif depth and opens and token.tag in ("td", "th") and row is not None:
                row.append("")
            elif depth and token.kind == "text" and row:
                row[-1] += source[token.start : token.end]
            elif token.tag == "pre" and (opens or closes):
                in_code = opens
                code_lines += 5 if opens else 0  # its padding, in lines
            elif in_code and token.kind == "text":
                code_lines += source.count("\n", token.start, token.end)
        prose.append(source[outside_from:] if depth == 0 else "")
        return Rhythm(tables, rows, code_lines, Markup("".join(prose)))


@dataclass(frozen=True)
class Rhythm:
    """A slide body's tables and code blocks, for a template that spaces their rows and lines (TextMeasure.rhythm)."""

    tables_height: float  # px, rows and padding
    rows: int
    code_lines: int  # with five for each block's padding
    prose: Markup  # the body without its tables


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


_ = VOID_TAGS  # re-exported for callers that build typesets
