"""Background patterns drawn with CSS gradients and inline SVG, tinted by the theme."""

from __future__ import annotations

from urllib.parse import quote


def _svg_tile(size: float, body: str) -> str:
    svg = f'<svg xmlns="http://www.w3.org/2000/svg" width="{size:g}" height="{size:g}" viewBox="0 0 {size:g} {size:g}">{body}</svg>'
    return f'url("data:image/svg+xml,{quote(svg)}")'


def pattern_css(name: str, colour: str, accent: str, unit: float) -> str:
    """CSS declarations for the pattern layer (its opacity is set separately)."""
    tile = 6 * unit
    stroke = max(1.0, unit / 4)
    if name == "dots":
        body = f'<circle cx="{tile / 2:g}" cy="{tile / 2:g}" r="{unit / 2.5:g}" fill="{colour}"/>'
        return f"background-image: {_svg_tile(tile, body)}; background-size: {tile:g}px {tile:g}px;"
    if name == "grid":
        size = 2 * tile
        body = f'<path d="M {size:g} 0 L 0 0 0 {size:g}" fill="none" stroke="{colour}" stroke-width="{stroke:g}"/>'
        return f"background-image: {_svg_tile(size, body)}; background-size: {size:g}px {size:g}px;"
    if name == "lines":
        body = f'<line x1="0" y1="{tile / 2:g}" x2="{tile:g}" y2="{tile / 2:g}" stroke="{colour}" stroke-width="{stroke:g}"/>'
        return f"background-image: {_svg_tile(tile, body)}; background-size: {tile:g}px {tile:g}px;"
    if name == "diagonal":
        body = (
            f'<path d="M -1 1 L 1 -1 M 0 {tile:g} L {tile:g} 0 M {tile - 1:g} {tile + 1:g} L {tile + 1:g} {tile - 1:g}" '
            f'stroke="{colour}" stroke-width="{stroke:g}"/>'
        )
        return f"background-image: {_svg_tile(tile, body)}; background-size: {tile:g}px {tile:g}px;"
    if name == "cross":
        arm = unit
        c = tile / 2
        body = f'<path d="M {c - arm:g} {c:g} H {c + arm:g} M {c:g} {c - arm:g} V {c + arm:g}" stroke="{colour}" stroke-width="{stroke * 1.5:g}"/>'
        return f"background-image: {_svg_tile(tile, body)}; background-size: {tile:g}px {tile:g}px;"
    if name == "waves":
        size = 4 * tile
        h = size / 4
        path = f"M 0 {h:g} Q {size / 4:g} 0 {size / 2:g} {h:g} T {size:g} {h:g}"
        body = f'<path d="{path}" fill="none" stroke="{colour}" stroke-width="{stroke * 1.5:g}"/>'
        return f"background-image: {_svg_tile(size, body)}; background-size: {size:g}px {size / 2:g}px;"
    if name == "topography":
        size = 12 * tile
        rings = "".join(
            f'<circle cx="{size * 0.8:g}" cy="{size * 0.2:g}" r="{size * 0.12 * k:g}" fill="none" stroke="{colour}" stroke-width="{stroke:g}"/>'
            for k in range(1, 9)
        )
        return f"background-image: {_svg_tile(size, rings)}; background-size: {size:g}px {size:g}px; background-repeat: no-repeat; background-position: right top;"
    if name == "gradient":
        return f"background-image: linear-gradient(160deg, {accent} 0%, transparent 70%);"
    return ""
