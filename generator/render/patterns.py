"""Background patterns drawn with CSS gradients and inline SVG, tinted by the theme.

Every pattern is drawn at full strength in one theme colour (the text colour for line
work, the accent for the gradient); the slide template sets the layer's opacity (at
most 0.12, see the schema), so a pattern stays texture and never costs the text its
contrast. Sizes are multiples of the grid unit, so a pattern scales with the canvas
and lines up with the layout's rhythm.
"""

from __future__ import annotations

import math
from urllib.parse import quote


def _svg(width: float, height: float, body: str, extra: str = "") -> str:
    svg = (
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width:g}" height="{height:g}" '
        f'viewBox="0 0 {width:g} {height:g}"{extra}>{body}</svg>'
    )
    return f'url("data:image/svg+xml,{quote(svg)}")'


def _tile(width: float, height: float, body: str) -> str:
    """CSS for a repeating tile of `width` × `height` px."""
    return f"background-image: {_svg(width, height, body)}; background-size: {width:g}px {height:g}px;"


def _contours(cx: float, cy: float, radii: list[float], seed: int, colour: str, stroke: float) -> str:
    """Closed, gently wobbling rings around (cx, cy): contour lines of a hill."""
    paths = []
    for k, radius in enumerate(radii):
        points = []
        steps = 96
        for i in range(steps):
            angle = 2 * math.pi * i / steps
            wobble = (
                1
                + 0.10 * math.sin(3 * angle + seed + 0.35 * k)
                + 0.05 * math.sin(5 * angle + 2 * seed - 0.2 * k)
                + 0.03 * math.cos(7 * angle + seed * 0.5)
            )
            points.append((cx + radius * wobble * math.cos(angle), cy + radius * wobble * 0.82 * math.sin(angle)))
        # a smooth closed curve: quadratic segments through the midpoints
        mids = [((x1 + x2) / 2, (y1 + y2) / 2) for (x1, y1), (x2, y2) in zip(points, points[1:] + points[:1])]
        d = f"M {mids[-1][0]:.1f} {mids[-1][1]:.1f} " + " ".join(
            f"Q {px:.1f} {py:.1f} {mx:.1f} {my:.1f}" for (px, py), (mx, my) in zip(points, mids)
        )
        paths.append(f'<path d="{d} Z" fill="none" stroke="{colour}" stroke-width="{stroke:g}"/>')
    return "".join(paths)


def pattern_css(name: str, colour: str, accent: str, unit: float) -> str:
    """CSS declarations for the pattern layer (its opacity is set separately)."""
    stroke = max(1.0, unit / 4)  # 2 px on a 1080 px slide
    if name == "dots":
        tile = 6 * unit
        body = f'<circle cx="{tile / 2:g}" cy="{tile / 2:g}" r="{unit / 2.5:g}" fill="{colour}"/>'
        return _tile(tile, tile, body)
    if name == "grid":
        size = 12 * unit
        body = f'<path d="M {size:g} 0 L 0 0 0 {size:g}" fill="none" stroke="{colour}" stroke-width="{stroke:g}"/>'
        return _tile(size, size, body)
    if name == "lines":
        # ruled paper, spaced well apart from the text's own line rhythm
        size = 12 * unit
        body = f'<line x1="0" y1="{size / 2:g}" x2="{size:g}" y2="{size / 2:g}" stroke="{colour}" stroke-width="{stroke:g}"/>'
        return _tile(size, size, body)
    if name == "diagonal":
        tile = 8 * unit
        body = (
            f'<path d="M -1 1 L 1 -1 M 0 {tile:g} L {tile:g} 0 M {tile - 1:g} {tile + 1:g} L {tile + 1:g} {tile - 1:g}" '
            f'stroke="{colour}" stroke-width="{stroke:g}"/>'
        )
        return _tile(tile, tile, body)
    if name == "cross":
        tile = 8 * unit
        arm = unit * 0.9
        c = tile / 2
        body = f'<path d="M {c - arm:g} {c:g} H {c + arm:g} M {c:g} {c - arm:g} V {c + arm:g}" stroke="{colour}" stroke-width="{stroke * 1.25:g}" stroke-linecap="round"/>'
        return _tile(tile, tile, body)
    if name == "waves":
        # continuous, gentle waves: one period per tile, tiles meet seamlessly
        width, height = 20 * unit, 8 * unit
        mid, amplitude = height / 2, 1.5 * unit
        path = f"M 0 {mid:g} Q {width / 4:g} {mid - 2 * amplitude:g} {width / 2:g} {mid:g} T {width:g} {mid:g}"
        body = f'<path d="{path}" fill="none" stroke="{colour}" stroke-width="{stroke * 1.25:g}" stroke-linecap="round"/>'
        return _tile(width, height, body)
    if name == "topography":
        # contour lines of two hills, one drawing over the whole slide
        width, height = 135 * unit, 168 * unit  # a 4:5 sheet; `cover` fits it to any canvas
        rings_a = [unit * r for r in (6, 13, 21, 30, 40, 51, 63, 76)]
        rings_b = [unit * r for r in (5, 11, 18, 26, 35, 45, 56)]
        body = _contours(width * 0.86, height * 0.12, rings_a, 1, colour, stroke) + _contours(
            width * 0.08, height * 0.92, rings_b, 4, colour, stroke
        )
        image = _svg(width, height, body, ' preserveAspectRatio="xMidYMid slice"')
        return f"background-image: {image}; background-size: cover; background-position: center; background-repeat: no-repeat;"
    if name == "gradient":
        # a wash of the accent from the top corner, echoed faintly at the opposite one
        return (
            f"background-image: radial-gradient(circle at 100% 0%, {accent} 0%, transparent 62%), "
            f"radial-gradient(circle at 0% 100%, {accent} 0%, transparent 45%);"
        )
    return ""
