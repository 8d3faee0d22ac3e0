"""The PDF text layer as viewers read it: words split on whitespace, in page order.

Two real extractors: poppler's `pdftotext` and pdfium (pypdfium2). A slide's text layer
is right when every word of the source is in it *whole*, in order; only a word too
long for a line may come in pieces.
"""

from __future__ import annotations

import shutil
import subprocess
import unicodedata
from pathlib import Path

import pypdfium2 as pdfium
import pytest

from generator.content.markdown import new_markdown, plain_text, render_inline, render_post
from generator.content.thread import split_thread

# drawn or extracted without being words: zero-width marks, soft hyphens, variation
# selectors, and the bidi embedding marks poppler wraps right-to-left runs in
IGNORABLE = dict.fromkeys(
    map(ord, "\u200b\u200c\u200d\u2060\ufeff\ufe0e\ufe0f\u00ad\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"), None
)
# pdfium and poppler move the end punctuation of right-to-left lines
RTL_PUNCTUATION = ".!?،؟:;"
LONG_WORD = 30  # characters: a word this long may be wider than a line and break anywhere


def is_emoji(char: str) -> bool:
    """Colour emoji are drawn as bitmaps, which extractors do not always return as text."""
    code = ord(char)
    return 0x1F000 <= code <= 0x1FAFF or 0x2600 <= code <= 0x27BF or 0x1F1E6 <= code <= 0x1F1FF or code == 0x20E3


def _is_rtl(word: str) -> bool:
    return any(unicodedata.bidirectional(char) in ("R", "AL") for char in word)


def normal_words(text: str) -> list[str]:
    """Words of a text split on whitespace: NFC, case-folded (themes may uppercase
    titles), without emoji and invisible marks; RTL words without end punctuation."""
    words = []
    # pdfium marks a hyphen it reads as a line-end hyphenation with U+FFFE
    for word in unicodedata.normalize("NFC", text).translate(IGNORABLE).replace("\ufffe", "-").split():
        word = "".join(char for char in word if not is_emoji(char)).casefold()
        if _is_rtl(word):
            word = word.strip(RTL_PUNCTUATION)
        if word and not all(unicodedata.category(char) == "Pd" for char in word):  # a dash is drawn as a rule
            words.append(word)
    return words


def require_pdftotext() -> str:
    path = shutil.which("pdftotext")
    if path is None:
        pytest.skip("pdftotext (poppler-utils) is not installed: `make test` as root installs it")
    return path


def pdftotext_pages(pdf: Path) -> list[str]:
    """Each page's text as poppler extracts it (reading order, no layout)."""
    output = subprocess.run([require_pdftotext(), "-enc", "UTF-8", str(pdf), "-"], capture_output=True, check=True, timeout=120).stdout
    return output.decode("utf-8").split("\f")[: _page_count(pdf)]


def pdfium_pages(pdf: Path) -> list[str]:
    """Each page's text as pdfium extracts it."""
    document = pdfium.PdfDocument(pdf)
    try:
        pages = []
        for index in range(len(document)):
            textpage = document[index].get_textpage()
            pages.append(textpage.get_text_range())
            textpage.close()
        return pages
    finally:
        document.close()


def _page_count(pdf: Path) -> int:
    document = pdfium.PdfDocument(pdf)
    try:
        return len(document)
    finally:
        document.close()


EXTRACTORS = {"pdftotext": pdftotext_pages, "pdfium": pdfium_pages}


# layouts that set text in side-by-side columns: extractors read them row by row, so
# their words are checked as present, not in source order (see column_words)
COLUMN_LAYOUTS = frozenset({"compare"})


def _post_layout(post) -> str:
    layout = post.directives.get("layout") if post.directives else None
    return layout if isinstance(layout, str) else ""


def column_words(markdown_text: str) -> list[str]:
    """The words of a thread's posts set in columns (COLUMN_LAYOUTS)."""
    source, _ = split_thread(markdown_text, "thread.md")
    md = new_markdown()
    words: list[str] = []
    for post in source.posts:
        if _post_layout(post) in COLUMN_LAYOUTS:
            rendered = render_post(md, post.markdown)
            words += normal_words(plain_text(rendered.title_html))
            for block in rendered.blocks:
                words += normal_words(plain_text(block))
    return words


def thread_source_words(markdown_text: str, with_cover: bool = True) -> list[str]:
    """The words a thread's slides must show, in order: cover title and subtitle (when
    the cover is shown), then every post's title and body (posts set in columns are
    left to column_words)."""
    source, _ = split_thread(markdown_text, "thread.md")
    md = new_markdown()
    words: list[str] = []
    if with_cover:
        for key in ("title", "subtitle"):
            value = source.front_matter.data.get(key)
            if isinstance(value, str):
                words += normal_words(plain_text(render_inline(md, value)))
    for post in source.posts:
        if _post_layout(post) in COLUMN_LAYOUTS:
            continue
        rendered = render_post(md, post.markdown)
        title = post.directives.get("title") if post.directives else None
        words += normal_words(plain_text(render_inline(md, title) if isinstance(title, str) else rendered.title_html))
        for block in rendered.blocks:
            words += normal_words(plain_text(block))
    return words


def may_continue(piece: str, word: str) -> bool:
    """Can a line break end `piece` (a prefix of `word`) there? Only inside a word too
    long for a line: a shorter one, hyphenated or not, must come whole."""
    return len(word) >= LONG_WORD


def _pieces_make(word: str, layer: list[str], k: int) -> int | None:
    """Index after the layer tokens from k that make up `word` broken over lines, or None.

    A word too long for a line may break anywhere; poppler drops a hyphen it finds at a
    line end (it reads it as hyphenation), so a long word is compared without them."""
    long = len(word) >= LONG_WORD
    strip = (lambda text: text.replace("-", "").replace("\u2010", "")) if long else (lambda text: text)
    target = strip(word)
    joined, m = "", k
    while m < len(layer):
        candidate = joined + layer[m]
        if not target.startswith(strip(candidate)) or (joined and not may_continue(joined, word)):
            return None
        joined, m = candidate, m + 1
        if strip(joined) == target:
            return m
    return None


def missing_words(source: list[str], layer: list[str]) -> list[str]:
    """Source words not found whole, in order, in the layer (which may hold more: header,
    footer, counters, list markers). Empty when the text layer is right."""
    missing: list[str] = []
    j = 0
    for i, word in enumerate(source):
        found = False
        for k in range(j, len(layer)):
            if layer[k] == word:
                j, found = k + 1, True
                break
            end = _pieces_make(word, layer, k)
            if end is not None:
                j, found = end, True
                break
        if not found:
            context = " ".join(source[max(0, i - 4) : i + 4])
            missing.append(f"{word!r} (source word {i}, near {context!r}; layer here: {' '.join(layer[j : j + 8])!r})")
    return missing
