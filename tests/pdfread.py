"""Which embedded font draws which text in a PDF, read with pypdf (a real PDF parser)."""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field

from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject, PdfObject


@dataclass
class EmbeddedFont:
    base_font: str  # without the subset tag
    family: str  # /FontFamily of the descriptor
    texts: set[str] = field(default_factory=set)  # strings from its ToUnicode map
    data: bytes | None = None  # the embedded font program


def _resolved(value: PdfObject | None) -> PdfObject | None:
    return value.get_object() if isinstance(value, IndirectObject) else value


def _type0_fonts(reader: PdfReader) -> Iterator[DictionaryObject]:
    """Every Type0 font of every page's resources (and its Form XObjects'), each once."""
    seen: set[int] = set()

    def walk(resources: PdfObject | None) -> Iterator[DictionaryObject]:
        resources = _resolved(resources)
        if not isinstance(resources, DictionaryObject):
            return
        fonts = _resolved(resources.get("/Font"))
        for reference in (fonts or DictionaryObject()).values():
            font = _resolved(reference)
            if isinstance(font, DictionaryObject) and font.get("/Subtype") == "/Type0" and id(font) not in seen:
                seen.add(id(font))
                yield font
        xobjects = _resolved(resources.get("/XObject"))
        for reference in (xobjects or DictionaryObject()).values():
            xobject = _resolved(reference)
            if isinstance(xobject, DictionaryObject) and xobject.get("/Subtype") == "/Form":
                yield from walk(xobject.get("/Resources"))

    for page in reader.pages:
        yield from walk(page.get("/Resources"))


def _unicode_texts(cmap: bytes) -> set[str]:
    """The destination strings of a ToUnicode CMap's bfchar/bfrange entries."""
    body = cmap.split(b"endcodespacerange", 1)[-1]
    return {bytes.fromhex(u.decode()).decode("utf-16-be") for u in re.findall(rb"<[0-9a-fA-F]+>\s*<([0-9a-fA-F]+)>", body)}


def embedded_fonts(pdf: bytes) -> list[EmbeddedFont]:
    """The Type0 (CID) fonts a PDF embeds, with the text each can draw and its font program."""
    reader = PdfReader(io.BytesIO(pdf))
    found: list[EmbeddedFont] = []
    for font in _type0_fonts(reader):
        base = str(font["/BaseFont"]).lstrip("/")
        entry = EmbeddedFont(base_font=base.split("+", 1)[-1], family="")
        to_unicode = _resolved(font.get("/ToUnicode"))
        if to_unicode is not None:
            entry.texts = _unicode_texts(to_unicode.get_data())  # type: ignore[union-attr]
        descendants = _resolved(font["/DescendantFonts"])
        assert isinstance(descendants, ArrayObject)
        descendant = _resolved(descendants[0])
        assert isinstance(descendant, DictionaryObject)
        descriptor = _resolved(descendant["/FontDescriptor"])
        assert isinstance(descriptor, DictionaryObject)
        family = descriptor.get("/FontFamily")
        entry.family = str(family) if family is not None else ""
        program = _resolved(descriptor.get(NameObject("/FontFile2")) or descriptor.get(NameObject("/FontFile3")))
        entry.data = program.get_data() if program is not None else None  # type: ignore[union-attr]
        found.append(entry)
    return found


def fonts_for(pdf: bytes) -> dict[str, set[str]]:
    """Family -> the strings drawn with it."""
    result: dict[str, set[str]] = {}
    for font in embedded_fonts(pdf):
        result.setdefault(font.family, set()).update(font.texts)
    return result
