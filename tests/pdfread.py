"""A small PDF reader for tests: which embedded font draws which text."""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass, field


@dataclass
class EmbeddedFont:
    base_font: str  # without the subset tag
    family: str  # /FontFamily of the descriptor
    texts: set[str] = field(default_factory=set)  # strings from its ToUnicode map
    data: bytes | None = None  # the embedded font program


def _objects(pdf: bytes) -> dict[int, bytes]:
    objects = {int(m.group(1)): m.group(2) for m in re.finditer(rb"(?<![0-9])(\d+) 0 obj\s*(.*?)endobj", pdf, re.S)}
    for body in list(objects.values()):
        if b"/ObjStm" in body:
            raw = _stream(body)
            count = int(re.search(rb"/N (\d+)", body).group(1))
            first = int(re.search(rb"/First (\d+)", body).group(1))
            head = [int(x) for x in raw[:first].split()]
            pairs = list(zip(head[0::2], head[1::2]))[:count]
            for index, (number, offset) in enumerate(pairs):
                end = pairs[index + 1][1] if index + 1 < len(pairs) else len(raw) - first
                objects[number] = raw[first + offset : first + end]
    return objects


def _stream(body: bytes) -> bytes:
    match = re.search(rb"stream\r?\n(.*)\r?\nendstream", body, re.S)
    assert match, "not a stream object"
    return zlib.decompress(match.group(1)) if b"/FlateDecode" in body[: match.start()] else match.group(1)


def _ref(body: bytes, key: bytes) -> int | None:
    match = re.search(rb"/" + key + rb"\s+(\d+) 0 R", body)
    return int(match.group(1)) if match else None


def embedded_fonts(pdf: bytes) -> list[EmbeddedFont]:
    objects = _objects(pdf)
    found: list[EmbeddedFont] = []
    for body in objects.values():
        if not re.search(rb"/Type\s*/Font\b", body) or not re.search(rb"/Subtype\s*/Type0\b", body):
            continue
        base = re.search(rb"/BaseFont\s*/([^\s/<>\[\]()]+)", body).group(1).decode()
        font = EmbeddedFont(base_font=base.split("+", 1)[-1], family="")
        cmap = _stream(objects[_ref(body, b"ToUnicode")]).split(b"endcodespacerange", 1)[1]
        font.texts = {bytes.fromhex(u.decode()).decode("utf-16-be") for u in re.findall(rb"<[0-9a-fA-F]+>\s*<([0-9a-fA-F]+)>", cmap)}
        descendant = objects[int(re.search(rb"/DescendantFonts\s*\[\s*(\d+) 0 R", body).group(1))]
        descriptor = objects[_ref(descendant, b"FontDescriptor")]
        family = re.search(rb"/FontFamily\s*\((.*?)\)", descriptor)
        font.family = family.group(1).decode() if family else ""
        program = _ref(descriptor, b"FontFile2") or _ref(descriptor, b"FontFile3")
        font.data = _stream(objects[program]) if program else None
        found.append(font)
    return found


def fonts_for(pdf: bytes) -> dict[str, set[str]]:
    """Family -> the strings drawn with it."""
    result: dict[str, set[str]] = {}
    for font in embedded_fonts(pdf):
        result.setdefault(font.family, set()).update(font.texts)
    return result


