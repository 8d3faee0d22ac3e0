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

    def px(self, reference_px: float) -> float:
        """A length given on the 540 px reference, scaled to this canvas."""
        return reference_px * self.scale
