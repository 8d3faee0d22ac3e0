"""Reading a laid-out slide: WeasyPrint's own boxes, measured against the content area.

Nothing here counts characters to guess a size: every number comes from the layout
tree of the rendered page (`page._page_box`). For each slide it tells

* how far anything inside the content area reaches past it (a slide is `overflow:
  hidden`, so whatever reaches past it is lost text), and whether the content was cut
  off at the bottom of the page (WeasyPrint does not lay out what falls past it);
* where the body starts (below the title, the "continued" mark, a quote mark...) and
  how much the layout puts after it (an image, an attribution);
* every line of the body, as (block, units up to the end of the line, bottom): the
  fitting stage maps a line back to a place in the source HTML (see `split`).

Blocks are recognised by the `data-fit-block` attribute the fitting stage puts on the
root element of every body block. A layout's `.slide__backdrop` (a full-bleed photo and
its scrim) is drawn behind the slide and is not measured.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from generator.render.grid import Grid
from generator.render.split import REPEATED_HEAD_CLASS, count_units

if TYPE_CHECKING:
    # (WeasyPrint has no type information: these name what is passed, mypy sees Any)
    from weasyprint import Page
    from weasyprint.formatting_structure.boxes import Box, LineBox

EPSILON = 0.5  # px of rounding tolerated in layout positions


@dataclass
class BodyLine:
    """One line (or image) of the body, in page coordinates."""

    block: int  # index in the slide's blocks
    unit_end: int  # units of the block up to the end of this line
    bottom: float  # bottom of the line (or image)
    pad: float = 0.0  # padding + border of the boxes around it inside its block (closed below it by a cut)
    height: float = 0.0  # the line's own height


@dataclass
class SlideGeometry:
    """What the layout of one slide says about its content area."""

    index: int  # 1-based position in the carousel
    content_top: float
    content_bottom: float
    top: float  # highest edge of anything in the content area
    bottom: float  # lowest edge
    right_excess: float  # px past the right edge of the content area (unbreakable content)
    truncated: bool  # content ran off the page: WeasyPrint laid out only part of it
    frame_top: float | None = None  # where the content's frame starts (its first box in the flow)
    body_top: float | None = None  # top of the first body block (border box)
    body_bottom: float | None = None  # bottom of the last body block laid out
    end_y: float | None = None  # the end marker (all content laid out above it)
    body_width: float | None = None
    body_font_size: float | None = None
    lines: list[BodyLine] = field(default_factory=list)
    block_tops: dict[int, float] = field(default_factory=dict)
    block_bottoms: dict[int, float] = field(default_factory=dict)
    media: tuple[float, float] | None = None  # (width, height) of the layout's largest image outside the body
    media_frame: float | None = None  # height of the figure around it (a mat's padding included)

    @property
    def capacity(self) -> float:
        return self.content_bottom - self.content_top

    @property
    def overflow(self) -> float:
        """px of content past the content area (0 when it fits)."""
        below = self.bottom - self.content_bottom
        above = self.content_top - self.top
        excess = max(below, above, 0.0)
        if self.truncated:
            excess = max(excess, self.bottom - self.content_bottom, EPSILON * 2)
        return excess

    @property
    def fits(self) -> bool:
        return self.overflow <= EPSILON and self.right_excess <= EPSILON

    @property
    def lead(self) -> float | None:
        """Height above the body: title, continued mark, layout furniture."""
        if self.body_top is None or self.frame_top is None:
            return None
        return self.body_top - self.frame_top

    @property
    def trail(self) -> float | None:
        """Height the layout puts after the body (known only when all was laid out)."""
        if self.end_y is None or self.body_bottom is None or self.truncated:
            return None
        return max(0.0, self.end_y - self.body_bottom)

    @property
    def used(self) -> float:
        """Height the content takes: between the frame's markers when all was laid out."""
        if self.frame_top is not None and self.end_y is not None and not self.truncated:
            return max(0.0, self.end_y - self.frame_top)
        top = min(self.top, self.frame_top if self.frame_top is not None else self.top)
        return self.bottom - top


def _is_pseudo(box: Box) -> bool:
    return "::" in (getattr(box, "element_tag", "") or "")


def _classes(box: Box) -> str:
    element = getattr(box, "element", None)
    if element is None:
        return ""
    classes: str = element.get("class") or ""
    return classes


def _border_bottom(box: Box) -> float:
    bottom: float = box.border_box_y() + box.border_height()
    return bottom


def _pad_bottom(box: Box) -> float:
    return (box.padding_bottom or 0) + (box.border_bottom_width or 0)


def measure_page(page: Page, index: int, grid: Grid, section: Box | None = None) -> SlideGeometry:
    """Measure the content area of one laid-out slide (of its section on the page, if given)."""
    from weasyprint.formatting_structure import boxes

    geometry = SlideGeometry(
        index=index,
        content_top=grid.content_top,
        content_bottom=grid.content_bottom,
        top=grid.content_top,
        bottom=grid.content_top,
        right_excess=0.0,
        truncated=False,
    )
    content = _find_content(section if section is not None else page._page_box)
    if content is None:
        return geometry
    content_right = grid.margin_x + grid.content_width
    page_height = page.height
    found_any = False
    counts: dict[int, int] = {}

    def add(block: int, units: int, bottom: float, pad: float, height: float) -> None:
        counts[block] = counts.get(block, 0) + units
        geometry.lines.append(BodyLine(block, counts[block], bottom, pad, height))

    def visit(box: Box, block: int | None, pads: float, pseudo: bool, figure: float | None = None) -> None:
        nonlocal found_any
        element = getattr(box, "element", None)
        classes = _classes(box)
        is_block_root = False
        if element is not None and isinstance(box, (boxes.BlockLevelBox, boxes.BlockContainerBox)) and not isinstance(box, boxes.LineBox):
            marker = element.get("data-fit-block")
            if marker is not None and marker.isdigit() and (block is None or int(marker) != block):
                block = int(marker)
                pads = 0.0
                is_block_root = True
                geometry.block_tops.setdefault(block, box.border_box_y())
                if geometry.body_top is None:
                    geometry.body_top = box.border_box_y()
        # a pseudo-element (a list marker) or a table header repeated on a continued slide:
        # drawn, but not the post's own text (split.with_table_head)
        pseudo = pseudo or _is_pseudo(box) or REPEATED_HEAD_CLASS in classes.split()
        if "slide__backdrop" in classes.split():
            return  # drawn behind the slide by its layout (a photo, its scrim): not content
        if geometry.frame_top is None and "slide__cell" in classes.split():
            geometry.frame_top = _first_in_flow_top(box)
        if "slide__marker" in classes:
            identifier = (element.get("id") or "") if element is not None else ""
            if identifier.endswith("-start"):
                geometry.frame_top = box.position_y  # shifted with the content when it is centred
            elif identifier.endswith("-end"):
                geometry.end_y = box.position_y
            return
        if isinstance(box, boxes.LineBox):
            found_any = True
            top, bottom = box.position_y, box.position_y + box.height
            geometry.top = min(geometry.top, top)
            geometry.bottom = max(geometry.bottom, bottom)
            units = _line_units(box)
            for right in _inline_rights(box):
                geometry.right_excess = max(geometry.right_excess, right - content_right)
            if block is not None and not pseudo:
                add(block, units, bottom, pads, box.height)
            return
        is_block_level = isinstance(box, (boxes.BlockLevelBox, boxes.TableCellBox, boxes.TableRowBox, boxes.TableRowGroupBox))
        if is_block_level or isinstance(box, boxes.ReplacedBox):
            height = box.border_height()
            if height > 0 or isinstance(box, boxes.ReplacedBox):
                found_any = True
                geometry.top = min(geometry.top, box.border_box_y())
                geometry.bottom = max(geometry.bottom, _border_bottom(box))
                geometry.right_excess = max(geometry.right_excess, box.border_box_x() + box.border_width() - content_right)
        if isinstance(box, boxes.ReplacedBox) and block is None and not pseudo:
            size = (box.width or 0.0, box.height or 0.0)
            if geometry.media is None or size[0] * size[1] > geometry.media[0] * geometry.media[1]:
                geometry.media = size
                geometry.media_frame = figure if figure is not None else box.border_height()
        if isinstance(box, boxes.ReplacedBox) and block is not None and not pseudo:
            add(block, 1, _border_bottom(box), pads, box.border_height())
            return
        if is_block_root and geometry.body_width is None:
            parent_width = box.width if box.width is not None else None
            geometry.body_width = parent_width
            geometry.body_font_size = box.style["font_size"]
        child_pads = pads + (_pad_bottom(box) if block is not None and is_block_level else 0.0)
        for child in getattr(box, "children", ()) or ():
            visit(child, block, child_pads, pseudo, box.border_height() if getattr(box, "element_tag", "") == "figure" else figure)
        if is_block_root and block is not None:
            bottom = _border_bottom(box)
            geometry.block_bottoms[block] = bottom
            geometry.body_bottom = bottom if geometry.body_bottom is None else max(geometry.body_bottom, bottom)
            add(block, 0, bottom, 0.0, 0.0)

    for child in content.children:
        visit(child, None, 0.0, False)
    if not found_any:
        geometry.bottom = geometry.top
    if geometry.bottom >= page_height - EPSILON or (geometry.end_y is None and found_any):
        geometry.truncated = True
    return geometry


def _first_in_flow_top(cell: Box) -> float | None:
    """Where the content of a slide's frame starts: the top (margin edge) of the first box
    in the flow of its `.slide__cell`, shifted with it when the cell centres its content.

    This is where a zero-height marker block put first in the cell would be (margins
    never collapse through it into the cell: the frame is the content area's own
    formatting context), without an element on every slide to say so. A relatively
    offset first box moves it by its offset.
    """
    for child in getattr(cell, "children", ()) or ():
        if child.is_in_normal_flow():
            top: float = child.position_y
            return top
    return None


def _line_units(line: LineBox) -> int:
    """Units drawn on a line box (pseudo-elements such as list markers excluded)."""
    from weasyprint.formatting_structure import boxes

    total = 0
    stack = [line]
    while stack:
        box = stack.pop()
        if _is_pseudo(box):
            continue
        if isinstance(box, boxes.TextBox):
            total += count_units(box.text)
        elif isinstance(box, boxes.ReplacedBox):
            total += 1
        elif isinstance(box, boxes.InlineBlockBox):
            total += _block_units(box)
        else:
            stack.extend(getattr(box, "children", ()) or ())
    return total


def _block_units(box: Box) -> int:
    from weasyprint.formatting_structure import boxes

    total = 0
    for child in getattr(box, "children", ()) or ():
        if isinstance(child, boxes.LineBox):
            total += _line_units(child)
        else:
            total += _block_units(child)
    return total


def _inline_rights(line: LineBox) -> Iterator[float]:
    from weasyprint.formatting_structure import boxes

    stack = list(getattr(line, "children", ()) or ())
    while stack:
        box = stack.pop()
        if isinstance(box, (boxes.TextBox, boxes.ReplacedBox)):
            yield box.position_x + box.margin_width()
        else:
            stack.extend(getattr(box, "children", ()) or ())


def _find_content(box: Box) -> Box | None:
    """The `.slide__content` box of a page."""
    stack = [box]
    while stack:
        current = stack.pop()
        if "slide__content" in _classes(current).split():
            return current
        stack.extend(reversed(getattr(current, "children", ()) or ()))
    return None


def measure_document(pages: Iterable[Page], grid: Grid, first_index: int = 1) -> list[SlideGeometry]:
    """Measure every page of a laid-out document (one slide per page)."""
    return [measure_page(page, first_index + offset, grid) for offset, page in enumerate(pages)]


def slide_sections(page: Page) -> list[tuple[int, Box]]:
    """The slides (1-based index from their `slide-N` id, section box) drawn on a page."""
    found: list[tuple[int, Box]] = []
    stack = [page._page_box]
    while stack:
        box = stack.pop()
        element = getattr(box, "element", None)
        if element is not None and "slide" in _classes(box).split():
            identifier = element.get("id") or ""
            if identifier.startswith("slide-") and identifier[6:].isdigit():
                found.append((int(identifier[6:]), box))
                continue
        stack.extend(reversed(getattr(box, "children", ()) or ()))
    return found


def measure_slides(pages: Iterable[Page], grid: Grid) -> dict[int, tuple[Page, SlideGeometry]]:
    """Each slide's page and geometry, found by its id, whatever page it landed on.

    A slide whose content spills onto a further page (WeasyPrint continues a centred,
    table-based frame there) is measured on its first page and marked truncated.
    """
    measured: dict[int, tuple[Page, SlideGeometry]] = {}
    for page in pages:
        for index, section in slide_sections(page):
            if index in measured:
                measured[index][1].truncated = True  # it continues on this page: spilled
                continue
            measured[index] = (page, measure_page(page, index, grid, section))
    return measured
