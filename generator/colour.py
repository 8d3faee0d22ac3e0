"""Colour arithmetic for themes: WCAG contrast, and colours derived to reach a contrast.

Themes give a few colours; text roles derived from them (the accent as text, a syntax
palette for code) keep the theme's hue and move only in lightness until they read at
the WCAG ratio on every surface they sit on — contrast by construction, not by hand.
"""

from __future__ import annotations

import colorsys
from collections.abc import Sequence

RGB = tuple[float, float, float]  # channels 0..1


def parse_hex(colour: str) -> RGB:
    """#rgb or #rrggbb -> (r, g, b) in 0..1."""
    value = colour.strip().lstrip("#")
    if len(value) == 3:
        value = "".join(ch * 2 for ch in value)
    if len(value) != 6:
        raise ValueError(f"'{colour}' is not a hex colour like '#1d4ed8'")
    return (int(value[0:2], 16) / 255, int(value[2:4], 16) / 255, int(value[4:6], 16) / 255)


def to_hex(rgb: RGB) -> str:
    """(r, g, b) in 0..1 -> #rrggbb."""
    return "#" + "".join(f"{round(min(1.0, max(0.0, channel)) * 255):02x}" for channel in rgb)


def relative_luminance(hex_colour: str) -> float:
    """WCAG relative luminance of a #rgb or #rrggbb colour."""
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in parse_hex(hex_colour)]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_ratio(foreground: str, background: str) -> float:
    """WCAG contrast ratio between two colours (1 to 21)."""
    lighter, darker = sorted((relative_luminance(foreground), relative_luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def mix(colour: str, other: str, amount: float) -> str:
    """`colour` moved `amount` (0..1) of the way to `other`, channel by channel (sRGB)."""
    a, b = parse_hex(colour), parse_hex(other)
    return to_hex((a[0] + (b[0] - a[0]) * amount, a[1] + (b[1] - a[1]) * amount, a[2] + (b[2] - a[2]) * amount))


def with_lightness(colour: str, lightness: float) -> str:
    """The colour at another HLS lightness (hue and saturation kept)."""
    hue, _, saturation = colorsys.rgb_to_hls(*parse_hex(colour))
    return to_hex(colorsys.hls_to_rgb(hue, min(1.0, max(0.0, lightness)), saturation))


def from_hue(hue: float, lightness: float, saturation: float) -> str:
    """A colour from HLS components (hue in turns, 0..1)."""
    return to_hex(colorsys.hls_to_rgb(hue % 1.0, lightness, saturation))


def hls_of(colour: str) -> tuple[float, float, float]:
    """(hue, lightness, saturation) of a colour, each 0..1."""
    return colorsys.rgb_to_hls(*parse_hex(colour))


def least_contrast(colour: str, backgrounds: Sequence[str]) -> float:
    """The lowest contrast of `colour` on any of `backgrounds`."""
    return min(contrast_ratio(colour, background) for background in backgrounds)


def readable(colour: str, backgrounds: Sequence[str], minimum: float = 4.5, fallback: str | None = None) -> str:
    """`colour` itself when it reaches `minimum` on every background; else the nearest
    colour of the same hue and saturation (only its lightness moved, darker on light
    backgrounds, lighter on dark ones) that does. `fallback` (or black/white) when no
    lightness of that hue reaches it."""
    if least_contrast(colour, backgrounds) >= minimum:
        return colour
    _, lightness, _ = hls_of(colour)
    dark_backgrounds = sum(relative_luminance(bg) for bg in backgrounds) / len(backgrounds) < 0.18
    step = 0.01 if dark_backgrounds else -0.01
    candidate = lightness
    for _ in range(101):
        candidate += step
        if not 0.0 <= candidate <= 1.0:
            break
        shifted = with_lightness(colour, candidate)
        if least_contrast(shifted, backgrounds) >= minimum:
            return shifted
    if fallback is not None and least_contrast(fallback, backgrounds) >= minimum:
        return fallback
    return max(("#000000", "#ffffff"), key=lambda extreme: least_contrast(extreme, backgrounds))


def veil_opacity(ink: str, veil: str, minimum: float = 4.5) -> float:
    """The least opacity of a `veil` colour laid over any picture at which `ink` reads at
    `minimum` on it: checked against a white and a black picture, the extremes of what
    the veiled picture can become (blending is linear in each channel)."""
    for step in range(101):
        opacity = step / 100
        over_white, over_black = mix("#ffffff", veil, opacity), mix("#000000", veil, opacity)
        lighter = relative_luminance(ink) > relative_luminance(over_white)
        same_side = lighter == (relative_luminance(ink) > relative_luminance(over_black))
        if same_side and least_contrast(ink, (over_white, over_black)) >= minimum:
            return opacity
    return 1.0
