"""The slide grid: one set of positions for every slide of a carousel.

Everything is derived from the canvas and snapped to a 4 px step on the 540 px
reference (8 px on a 1080 px slide), so nothing is placed by eye.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from generator.canvas import Canvas
from generator.config.schema import Typography

SIDE_MARGIN = 0.074  # ≥ 7 % of the width (DESIGN: ≥ 76 px at 1080)
EDGE_BAND = 0.05  # nothing important in the outer 5 % top and bottom


@dataclass(frozen=True)
class Grid:
    """Positions and sizes in CSS px (= output pixels)."""

    width: int
    height: int
    unit: float
    margin_x: float
    edge_y: float
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

    def css_variables(self) -> dict[str, str]:
        """The grid as CSS custom properties for the layouts' stylesheet."""
        px = lambda value: f"{value:g}px"  # noqa: E731
        return {
            "--slide-width": px(self.width),
            "--slide-height": px(self.height),
            "--unit": px(self.unit),
            "--margin-x": px(self.margin_x),
            "--edge-y": px(self.edge_y),
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
            # the cover's hook: larger than a slide title, less so on short canvases
            "--hook-size": px(round(self.title_size * (1.4 if self.height >= 1.2 * self.width else 1.25), 2)),
            # the tallest an image inside text may be
            "--media-height": px(self.snap_down(self.content_height * 0.5)),
        }

    def snap_down(self, value: float) -> float:
        """A length rounded down to the grid unit."""
        return math.floor(value / self.unit + 1e-9) * self.unit


def grid_for(canvas: Canvas, typography: Typography) -> Grid:
    """The grid of a canvas with the given type sizes (on the 540 px reference)."""
    unit = 4 * canvas.scale

    def snap(value: float) -> float:
        return math.ceil(value / unit - 1e-9) * unit

    margin_x = snap(SIDE_MARGIN * canvas.width)
    edge_y = snap(EDGE_BAND * canvas.height)
    meta = round(typography.meta * canvas.scale, 2)
    header_height = snap(meta * 2.6)
    footer_height = snap(meta * 2.2)
    content_top = edge_y + header_height + 6 * unit
    content_bottom = canvas.height - edge_y - footer_height - 5 * unit
    return Grid(
        width=canvas.width,
        height=canvas.height,
        unit=unit,
        margin_x=margin_x,
        edge_y=edge_y,
        header_height=header_height,
        content_top=content_top,
        content_bottom=content_bottom,
        footer_height=footer_height,
        title_size=round(typography.title * canvas.scale, 2),
        body_size=round(typography.body * canvas.scale, 2),
        meta_size=meta,
    )
