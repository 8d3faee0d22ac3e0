"""HTML -> laid-out WeasyPrint document -> overflow measurement -> PDF bytes."""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.render.engine import weasyprint
from generator.render.fetcher import ConfinedURLFetcher
from generator.render.grid import Grid

# Tolerance for rounding in layout positions, in CSS px.
EPSILON = 0.5


@dataclass(frozen=True)
class Overflow:
    """A slide whose content does not fit its content area."""

    index: int  # 1-based slide position
    excess: float | None  # px past the content area, None when the end was not laid out at all


@contextmanager
def captured_weasyprint_log() -> Iterator[list[str]]:
    """Collect WeasyPrint's warnings instead of letting them print; they become build warnings."""
    messages: list[str] = []

    class _Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            messages.append(record.getMessage())

    logger = logging.getLogger("weasyprint")
    handler = _Collect(level=logging.WARNING)
    previous = logger.propagate
    logger.addHandler(handler)
    logger.propagate = False
    try:
        yield messages
    finally:
        logger.removeHandler(handler)
        logger.propagate = previous


def layout_document(html: str, base_url: Path, roots: tuple[Path, ...]) -> tuple[weasyprint.Document, list[str], list[str]]:
    """Lay out the HTML. Returns the document, refused URLs and WeasyPrint's warnings."""
    fetcher = ConfinedURLFetcher(roots)
    with captured_weasyprint_log() as messages:
        images: dict[Any, Any] = {}  # url -> image, filled by WeasyPrint
        document = weasyprint.HTML(string=html, base_url=base_url.as_uri() + "/", url_fetcher=fetcher).render(cache=images)
    _portable_image_ids(images, roots)
    return document, fetcher.refused, messages


def find_overflows(document: weasyprint.Document, grid: Grid, slide_count: int) -> list[Overflow]:
    """Slides whose content runs past the content area, measured from the layout tree.

    The `slide-N-start` / `-end` anchors alone miss content that runs off the page
    (WeasyPrint drops it, and the end marker with it) or out of a box shrunk to fit:
    see `geometry.measure_slides`, which walks every line and box of each slide.
    """
    from generator.render.geometry import measure_slides

    measured = measure_slides(document.pages, grid)
    overflows: list[Overflow] = []
    for index in range(1, slide_count + 1):
        if index not in measured:
            overflows.append(Overflow(index, None))
            continue
        geometry = measured[index][1]
        if not geometry.fits:
            overflows.append(Overflow(index, round(max(geometry.overflow, geometry.right_excess), 1)))
    return overflows


def portable_identity(text: str, roots: Sequence[Path]) -> str:
    """`text` with each root folder (the project, the built-in assets) replaced by its position.

    HTML and WeasyPrint name files by absolute `file://` URL; an identifier made from
    them would change with the checkout folder (and the user's home), so the same
    commit built in two folders would give different PDFs.
    """
    named = sorted(((f"root{index}:", root) for index, root in enumerate(roots)), key=lambda item: -len(str(item[1])))
    for name, root in named:  # deepest root first: a built-in folder may lie inside the project
        text = text.replace(root.as_uri(), name).replace(str(root), name)
    return text


def _portable_image_ids(images: dict[Any, Any], roots: Sequence[Path]) -> None:
    """Rename WeasyPrint's raster images, which it names by the MD5 of their absolute URL, by a portable URL."""
    for url, image in images.items():
        if isinstance(url, str) and image is not None and isinstance(getattr(image, "id", None), str):
            image.id = hashlib.md5(portable_identity(url, roots).encode("utf-8"), usedforsecurity=False).hexdigest()


SAFE_LINK = re.compile(r"^(?:https?://|mailto:)", re.IGNORECASE)


def remove_unsafe_links(document: weasyprint.Document, base_url: Path) -> list[str]:
    """Drop attachments and every link but http(s)://, mailto: and in-document ones.

    A relative link in a post would otherwise become `file:///home/…` in the published
    PDF, and `<link rel=attachment>` or `<a rel=attachment>` would embed a project
    file. Returns one line per removed link, for warnings (paths relative to the thread).
    """
    removed: list[str] = []
    base = base_url.as_uri() + "/"
    for attachment in list(document.metadata.attachments):
        removed.append(
            f"attachment removed: {bounded_excerpt(str(attachment.name or attachment.description or 'a file'))} (a PDF never carries attachments)"
        )
    document.metadata.attachments = []
    for page in document.pages:
        kept = []
        for link in page.links:
            link_type, target = link[0], str(link[1])
            if link_type == "internal" or (link_type == "external" and SAFE_LINK.match(target)):
                kept.append(link)
            else:
                what = "attachment" if link_type == "attachment" else "link"
                removed.append(f"{what} removed: {bounded_excerpt(_shown_url(target, base))} (only http(s):// and mailto: links are kept)")
        page.links[:] = kept
    return list(dict.fromkeys(removed))


def _shown_url(url: str, base: str) -> str:
    if url.startswith(base):
        return url[len(base) :]
    return "a local file" if url.startswith("file:") else url


def bounded_excerpt(text: str, limit: int = 120) -> str:
    """At most `limit` characters of an input for a message, with its full length when cut."""
    return text if len(text) <= limit else f"{text[:limit]}… ({len(text):,} characters)"


def pdf_bytes(document: weasyprint.Document, identity: str) -> bytes:
    """The PDF, byte-identical for the same input: fixed identifier, no dates."""
    return written_pdf(document, identity)[0]


def written_pdf(document: weasyprint.Document, identity: str) -> tuple[bytes, list[str], list[str]]:
    """The PDF, and what writing it refused and logged.

    Images inside SVG are fetched only now, when the SVG is drawn, so their refusals
    must be read after writing (or they would be silent).
    """
    identifier = hashlib.sha256(identity.encode("utf-8")).hexdigest()[:32].encode("ascii")
    fetcher = getattr(document, "url_fetcher", None)
    before = len(getattr(fetcher, "refused", []))
    with captured_weasyprint_log() as messages:
        data = document.write_pdf(pdf_identifier=identifier)
    refused = list(getattr(fetcher, "refused", [])[before:])
    return data, refused, list(messages)
