"""Canvas presets: the pixel size of every slide of a carousel."""

from __future__ import annotations

from dataclasses import dataclass

# The reference width on which typography sizes are given (SPEC §3).
REFERENCE_WIDTH = 540

CANVAS_PRESETS: dict[str, tuple[int, int]] = {
    "linkedin-portrait": (1080, 1350),
    "linkedin-square": (1080, 1080),
    "instagram-portrait": (1080, 1350),
    "instagram-square": (1080, 1080),
    "instagram-tall": (1080, 1440),
    "story": (1080, 1920),
}

# What each platform's UI covers, in px of the preset: bands at the top and bottom where
# no text or chrome may go, and the crop of its profile grid (width / height of the
# thumbnail: Instagram shows every post as a 3:4 tile).
SAFE_BANDS: dict[str, dict[str, float]] = {
    "story": {"top": 250, "bottom": 250},  # Instagram / TikTok story UI over 9:16
    "instagram-portrait": {"bottom": 130, "crop": 3 / 4},
    "instagram-square": {"bottom": 130, "crop": 3 / 4},
    "instagram-tall": {"bottom": 130, "crop": 3 / 4},
}
EDGE_BAND = 0.05  # nothing important in the outer 5 % top and bottom (every canvas)
TALL_RATIO = 1.7  # a custom canvas this tall (height / width) is treated like a story


@dataclass(frozen=True)
class SafeArea:
    """Bands of a canvas where no text or chrome goes, in px."""

    top: float
    bottom: float
    side: float  # each side: outside the platform's grid crop

    def contains(self, canvas: Canvas, x0: float, y0: float, x1: float, y1: float) -> bool:
        """Is the box (px, from the top left) inside the safe area?"""
        return (
            x0 >= self.side - 0.5
            and x1 <= canvas.width - self.side + 0.5
            and y0 >= self.top - 0.5
            and y1 <= canvas.height - self.bottom + 0.5
        )


# Caption limits of the platforms, in characters.
LINKEDIN_CAPTION_LIMIT = 3000
INSTAGRAM_CAPTION_LIMIT = 2200


@dataclass(frozen=True)
class Canvas:
    """A slide size in CSS pixels (= output PNG pixels)."""

    name: str
    width: int
    height: int

    @property
    def scale(self) -> float:
        """How much larger than the 540 px reference this canvas is."""
        return self.width / REFERENCE_WIDTH

    @property
    def platform(self) -> str:
        """'linkedin', 'instagram' or 'custom': decides caption and slide-count limits."""
        if self.name.startswith("linkedin"):
            return "linkedin"
        if self.name.startswith("instagram") or self.name == "story":
            return "instagram"
        return "custom"

    @property
    def caption_limit(self) -> int:
        return LINKEDIN_CAPTION_LIMIT if self.platform == "linkedin" else INSTAGRAM_CAPTION_LIMIT

    @property
    def safe_area(self) -> SafeArea:
        """The bands this canvas keeps free: its preset's, or for a custom size bands
        derived from its ratio (a tall one like a story's, scaled to its height)."""
        edge = EDGE_BAND * self.height
        bands = SAFE_BANDS.get(self.name)
        if bands is None and self.height >= TALL_RATIO * self.width:
            bands = {key: value * self.height / 1920 for key, value in SAFE_BANDS["story"].items()}
        bands = bands or {}
        crop = bands.get("crop")
        side = max(0.0, (self.width - self.height * crop) / 2) if crop else 0.0
        return SafeArea(top=max(edge, bands.get("top", 0.0)), bottom=max(edge, bands.get("bottom", 0.0)), side=side)

    def px(self, reference_px: float) -> float:
        """A length given on the 540 px reference, scaled to this canvas."""
        return reference_px * self.scale
