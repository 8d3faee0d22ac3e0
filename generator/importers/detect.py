"""Tell which kind of source `carousel import SOURCE` was given (`--from auto`)."""

from __future__ import annotations

import codecs
import re
from pathlib import Path

from generator.importers.model import SourceError
from generator.importers.page import page_signals
from generator.importers.text import CARD_START

_JSON_START = re.compile(r"\A\s*(?:\{|\[\s*(?:\{|\[|\]|\Z))")
_YTD_START = re.compile(r"\A\s*window\.YTD\.")
# bytes 0x80-0x9F read as cp1252 where it defines them (latin-1 elsewhere)
_CP1252_HIGH = {b: bytes([b]).decode("cp1252", errors="ignore") or chr(b) for b in range(0x80, 0xA0)}


def decode_bytes(data: bytes, where: str = "<stdin>") -> str:
    """Bytes of a pasted thread as text: UTF-8 (or UTF-16 with a BOM), else cp1252.

    A file that is not UTF-8 was saved by a Windows tool; the mojibake repair that
    follows copes with what that does to emoji. A UTF-16 file that is cut or holds
    half a surrogate pair is an error located in `where`.
    """
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as error:
            raise SourceError.at(where, f"not valid UTF-16 text: {error.reason} at byte {error.start:,}") from error
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return "".join(_CP1252_HIGH.get(b, chr(b)) for b in data)


# Distinct lines of interface text ("Show more", "1.2K views" …) that make a paste a copied page.
PAGE_SIGNALS = 2


def detect_text(text: str) -> str:
    """The kind of a source given as text: x-archive (tweets.js), x-api (JSON), page (a copied web page) or text."""
    head = text.lstrip("\ufeff")
    if _YTD_START.match(head):
        return "x-archive"
    if _JSON_START.match(head):
        return "x-api"
    if not CARD_START.search(head) and page_signals(head) >= PAGE_SIGNALS:
        return "page"
    return "text"


def detect_path(path: Path, text: str | None) -> str:
    """The kind of a source file or folder; `text` is the file's content (None for a folder)."""
    if path.is_dir():
        return "x-archive"
    if text is None:
        raise SourceError.at(str(path), "cannot tell what kind of source this is")
    return detect_text(text)
