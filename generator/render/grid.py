"""The slide grid: one set of positions for every slide of a carousel.

Everything is derived from the canvas and snapped to a 4 px step on the 540 px
reference (8 px on a 1080 px slide), so nothing is placed by eye.
"""

from __future__ import annotations

import html as html_lib
import math
import re
import unicodedata
from dataclasses import dataclass

from generator.canvas import Canvas
from generator.config.schema import Typography
from generator.layouts import LayoutDeclaration
from generator.model import ImageAsset

SIDE_MARGIN = 0.074  # ≥ 7 % of the width (DESIGN: ≥ 76 px at 1080)
BALANCE_LIFT = 0.12  # share of the content band a balanced slide's centre sits above the band's
CROP_GAP = 3  # grid units between a platform's grid crop and the text


@dataclass(frozen=True)
class Grid:
    """Positions and sizes in CSS px (= output pixels)."""

    width: int
    height: int
    unit: float
    margin_x: float
    edge_top: float  # the header's top: below the canvas's top safe band
    edge_bottom: float  # the footer's bottom: above its bottom safe band
    header_height: float
    content_top: float
    content_bottom: float
    footer_height: float
    title_size: float
    body_size: float
    meta_size: float

    @property
    def content_height(self) -> float:
        return self.content_bottom - self.content_top

    @property
    def content_width(self) -> float:
        return self.width - 2 * self.margin_x

    @property
    def hook_size(self) -> float:
        """The cover's hook: larger than a slide title, less so on short canvases."""
        return round(self.title_size * (1.4 if self.height >= 1.2 * self.width else 1.25), 2)

    def css_variables(self) -> dict[str, str]:
        """The grid as CSS custom properties for the layouts' stylesheet."""

        def px(value: float) -> str:
            return f"{value:g}px"

        return {
            "--slide-width": px(self.width),
            "--slide-height": px(self.height),
            "--unit": px(self.unit),
            "--margin-x": px(self.margin_x),
            "--edge-top": px(self.edge_top),
            "--edge-bottom": px(self.edge_bottom),
            "--header-height": px(self.header_height),
            "--content-top": px(self.content_top),
            "--content-height": px(self.content_height),
            "--content-width": px(self.content_width),
            "--footer-height": px(self.footer_height),
            "--title-size": px(self.title_size),
            "--body-size": px(self.body_size),
            "--meta-size": px(self.meta_size),
            # spacing steps of the grid unit, so stylesheets need no calc()
            **{f"--space-{n}": px(n * self.unit) for n in (1, 2, 3, 4, 5, 6, 8, 10, 12, 16)},
            "--radius": px(4 * self.unit),
            "--radius-small": px(2 * self.unit),
            "--avatar-size": px(self.header_height),
            "--hook-size": px(self.hook_size),
            # a balanced slide centres its content in the band less this lift: the free
            # room splits about 2:3, and content taller than it simply starts at the top
            "--balance-height": px(self.snap_down(self.content_height * (1 - BALANCE_LIFT))),
            # the tallest an image inside text may be
            "--media-height": px(self.snap_down(self.content_height * 0.5)),
        }

    def media_room(self, share: tuple[float, float], used: float, adjust: float = 0.0) -> float:
        """The height an image gets in a layout: what the text and furniture (`used` px,
        the template's estimate) leave of the content area, corrected by what the layout
        measured (`adjust`, the slide's `media_adjust`), within the layout's share of it
        (its declaration's `image.share`: least, most)."""
        low, high = share
        room = self.content_height - used + adjust
        return self.snap_down(min(max(room, low * self.content_height), high * self.content_height))

    def snap_down(self, value: float) -> float:
        """A length rounded down to the grid unit."""
        return math.floor(value / self.unit + 1e-9) * self.unit


TALL_CANVAS = 1.6  # height / width from which a canvas (story, 9:16) stacks what a layout sets side by side


def image_beside(place: str, ratio: float | None, grid: Grid, stacked: bool = False) -> bool:
    """Is a slide's image set beside its text? Only where the layout places it beside, and
    not for a clearly landscape image, nor on a tall canvas for any image but a portrait
    one: those are stacked under the text instead, where they keep a readable size. Nor
    when fitting `stacked` it (SlideSpec.stacked): beside, the post would not fit one slide."""
    if place != "beside" or stacked or (ratio and ratio > 1.15):
        return False
    return grid.height < TALL_CANVAS * grid.width or (ratio is not None and ratio < 0.8)


def text_column(grid: Grid, declaration: LayoutDeclaration, ratio: float | None, has_image: bool, stacked: bool = False) -> float:
    """The width a layout sets a post's text in (its declaration: a card's inset, the
    column beside a portrait image): what titles and the fitter measure against."""
    width = grid.content_width
    if has_image and image_beside(declaration.image.place, ratio, grid, stacked):
        width = width * (1 - declaration.image.beside) - 6 * grid.unit
    return width - 2 * declaration.text.inset * grid.unit


def title_growth(body_scale: float) -> float:
    """How much a post title grows when fitting sets its body larger: half as fast, so
    the title stays the larger type; a shrunk body leaves the title alone."""
    return 1.0 + max(0.0, body_scale - 1.0) * 0.5


def leading(line_height: float, body_scale: float) -> float:
    """The line height of body text set `body_scale` times larger: large type is set
    tighter (1.45 at the body size, about 1.16 at hook size), never under 1.15."""
    return round(max(1.15, line_height - 0.16 * max(0.0, body_scale - 1.0)), 3)


def grid_for(canvas: Canvas, typography: Typography) -> Grid:
    """The grid of a canvas with the given type sizes (on the 540 px reference)."""
    unit = 4 * canvas.scale

    def snap(value: float) -> float:
        return math.ceil(value / unit - 1e-9) * unit

    safe = canvas.safe_area
    margin_x = snap(max(SIDE_MARGIN * canvas.width, safe.side + CROP_GAP * unit))
    edge_top = snap(safe.top)
    edge_bottom = snap(safe.bottom)
    meta = round(typography.meta * canvas.scale, 2)
    header_height = snap(meta * 2.6)
    footer_height = snap(meta * 2.2)
    content_top = edge_top + header_height + 6 * unit
    content_bottom = canvas.height - edge_bottom - footer_height - 5 * unit
    return Grid(
        width=canvas.width,
        height=canvas.height,
        unit=unit,
        margin_x=margin_x,
        edge_top=edge_top,
        edge_bottom=edge_bottom,
        header_height=header_height,
        content_top=content_top,
        content_bottom=content_bottom,
        footer_height=footer_height,
        title_size=round(typography.title * canvas.scale, 2),
        body_size=round(typography.body * canvas.scale, 2),
        meta_size=meta,
    )


_TAG = re.compile(r"<[^>]+>")


_SVG_VIEWBOX = re.compile(r"""viewBox\s*=\s*["']\s*[-\d.eE+]+[\s,]+[-\d.eE+]+[\s,]+([\d.eE+]+)[\s,]+([\d.eE+]+)\s*["']""")
_SVG_SIZE = re.compile(
    r"""<svg\b[^>]*?\bwidth\s*=\s*["']\s*([\d.]+)(?:px)?\s*["'][^>]*?\bheight\s*=\s*["']\s*([\d.]+)(?:px)?\s*["']""", re.DOTALL
)


def image_ratio(image: ImageAsset | None) -> float | None:
    """Width / height of an image: from its pixels, or for SVG from its viewBox (or its
    width and height attributes). None when it cannot be told."""
    if image is None:
        return None
    if image.width and image.height:
        return image.width / image.height
    try:
        head = image.path.read_text(encoding="utf-8", errors="replace")[:4096]
    except OSError:
        return None
    for pattern in (_SVG_VIEWBOX, _SVG_SIZE):
        match = pattern.search(head)
        if match:
            width, height = float(match.group(1)), float(match.group(2))
            if width > 0 and height > 0:
                return width / height
    return None


def text_direction(html: str) -> str:
    """ "rtl" when the text's first strong character is right-to-left (Arabic, Hebrew...),
    else "ltr": layouts set it as `dir` on the text, so that RTL posts align right."""
    for char in html_lib.unescape(_TAG.sub(" ", str(html))):
        kind = unicodedata.bidirectional(char)
        if kind in ("R", "AL"):
            return "rtl"
        if kind == "L":
            return "ltr"
    return "ltr"
