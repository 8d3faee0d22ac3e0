"""What LinkedIn and Instagram accept, and the linter rules that check a build against it.

The limits are data (`PLATFORMS`), each with the page that documents it; the rules are
small functions of `OutputFacts` — what a build of one thread (for one target)
produces, measured in memory. `carousel check` and `carousel build` run the same rules:
`check` fails on an error; `build` writes its files and reports every finding as a
warning (`--strict` turns them into errors), so a caption is never cut silently.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

from PIL import Image, UnidentifiedImageError

from generator.errors import Diagnostic, Severity

MB = 1024 * 1024

INSTAGRAM_MEDIA_DOC = "https://developers.facebook.com/docs/instagram-platform/instagram-graph-api/reference/ig-user/media"
INSTAGRAM_CAROUSEL_20 = "Instagram's announcement of August 2024: a carousel takes up to 20 photos and videos"
LINKEDIN_DOCUMENT_HELP = "LinkedIn Help, 'Share a document in a post': PDF up to 100 MB and 300 pages"
LINKEDIN_POST_HELP = "LinkedIn Help, 'Share a post': up to 3,000 characters"


@dataclass(frozen=True)
class PlatformLimits:
    """What one platform accepts. None: no limit of that kind."""

    name: str
    label: str
    caption_chars: int
    caption_source: str
    max_slides: int | None = None
    max_slides_source: str = ""
    warn_slides: int | None = None  # above this, some schedulers (and the publishing API) refuse
    warn_slides_source: str = ""
    max_document_bytes: int | None = None
    document_source: str = ""
    max_image_bytes: int | None = None
    image_width: tuple[int, int] | None = None
    image_source: str = ""
    max_hashtags: int | None = None


PLATFORMS: Mapping[str, PlatformLimits] = {
    "linkedin": PlatformLimits(
        name="linkedin",
        label="LinkedIn",
        caption_chars=3000,
        caption_source=LINKEDIN_POST_HELP,
        max_slides=300,
        max_slides_source=LINKEDIN_DOCUMENT_HELP,
        max_document_bytes=100 * MB,
        document_source=LINKEDIN_DOCUMENT_HELP,
    ),
    "instagram": PlatformLimits(
        name="instagram",
        label="Instagram",
        caption_chars=2200,
        caption_source=INSTAGRAM_MEDIA_DOC,
        max_slides=20,
        max_slides_source=INSTAGRAM_CAROUSEL_20,
        warn_slides=10,
        warn_slides_source=INSTAGRAM_MEDIA_DOC + " (the publishing API takes 10 per carousel)",
        max_image_bytes=8 * MB,
        image_width=(320, 1440),
        image_source=INSTAGRAM_MEDIA_DOC,
        max_hashtags=30,
    ),
    # a custom canvas goes anywhere: only the stricter caption limit is kept
    "custom": PlatformLimits(name="custom", label="the platform", caption_chars=2200, caption_source=INSTAGRAM_MEDIA_DOC),
}


def limits_of(platform: str) -> PlatformLimits:
    return PLATFORMS.get(platform, PLATFORMS["custom"])


def caption_limit(platform: str) -> int:
    """Characters a caption may have on `platform`."""
    return limits_of(platform).caption_chars


@dataclass(frozen=True)
class ImageFacts:
    """One slide image as encoded: what the platform's upload checks see."""

    name: str  # slides/01.png
    width: int
    height: int
    size: int  # bytes
    mode: str  # Pillow mode: RGB, L, CMYK …
    icc_profile: bytes | None  # None: untagged, which viewers and platforms take as sRGB


@dataclass(frozen=True)
class OutputFacts:
    """What a build of one thread for one target produces."""

    shown: str  # content/x.md
    target: str | None
    platform: str
    slides: int
    pdf_size: int | None
    images: tuple[ImageFacts, ...]
    caption: str
    caption_explicit: bool  # the author's `caption:`, written as given
    images_without_alt: tuple[tuple[int, str], ...] = ()
    hashtags: int = 0
    caption_line: int | None = None  # the author's `caption:` line, where the caption's findings point


@dataclass(frozen=True)
class Finding:
    severity: Severity
    message: str
    line: int | None = None


RuleCheck = Callable[[OutputFacts, PlatformLimits], Iterable[Finding]]


@dataclass(frozen=True)
class Rule:
    """A named check with the document its limit comes from."""

    name: str
    summary: str
    source: Callable[[PlatformLimits], str]
    check: RuleCheck


def image_facts(name: str, data: bytes) -> ImageFacts:
    """Measure an encoded image (PNG or JPEG)."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            return ImageFacts(name, image.width, image.height, len(data), image.mode, image.info.get("icc_profile") or None)
    except (UnidentifiedImageError, OSError):
        return ImageFacts(name, 0, 0, len(data), "unreadable", None)


def _is_srgb(image: ImageFacts) -> bool:
    if image.mode not in ("RGB", "RGBA", "L", "LA", "P"):
        return False
    return image.icc_profile is None or b"sRGB" in image.icc_profile or b"s\x00R\x00G\x00B" in image.icc_profile


def _slide_count(facts: OutputFacts, limits: PlatformLimits) -> Iterable[Finding]:
    if limits.max_slides is not None and facts.slides > limits.max_slides:
        yield Finding(
            Severity.ERROR, f"{facts.slides} slides; {limits.label} accepts at most {limits.max_slides}: remove posts or split the thread"
        )
    elif limits.warn_slides is not None and facts.slides > limits.warn_slides:
        yield Finding(
            Severity.WARNING,
            f"{facts.slides} slides; {limits.label}'s publishing API and many schedulers take at most {limits.warn_slides}",
        )


def _document_size(facts: OutputFacts, limits: PlatformLimits) -> Iterable[Finding]:
    if limits.max_document_bytes is not None and facts.pdf_size is not None and facts.pdf_size > limits.max_document_bytes:
        yield Finding(
            Severity.ERROR, f"PDF is {facts.pdf_size / MB:.1f} MB; {limits.label} accepts at most {limits.max_document_bytes // MB} MB"
        )


def _image_size(facts: OutputFacts, limits: PlatformLimits) -> Iterable[Finding]:
    for image in facts.images:
        if limits.max_image_bytes is not None and image.size > limits.max_image_bytes:
            yield Finding(
                Severity.ERROR,
                f"{image.name} is {image.size / MB:.1f} MB; {limits.label} accepts at most {limits.max_image_bytes // MB} MB per image",
            )
        if limits.image_width is not None and not limits.image_width[0] <= image.width <= limits.image_width[1]:
            low, high = limits.image_width
            yield Finding(Severity.ERROR, f"{image.name} is {image.width} px wide; {limits.label} takes {low}–{high} px")


def _same_ratio(facts: OutputFacts, limits: PlatformLimits) -> Iterable[Finding]:
    ratios = {(image.width * 1000) // max(1, image.height) for image in facts.images}
    if limits.name == "instagram" and len(ratios) > 1:
        yield Finding(
            Severity.ERROR,
            f"slides have {len(ratios)} different aspect ratios; {limits.label} crops every slide of a carousel to the first one's",
        )


def _colour_space(facts: OutputFacts, limits: PlatformLimits) -> Iterable[Finding]:
    if limits.name != "instagram":
        return
    for image in facts.images:
        if not _is_srgb(image):
            yield Finding(Severity.ERROR, f"{image.name} is not sRGB ({image.mode}); {limits.label} takes sRGB images")


def _caption_length(facts: OutputFacts, limits: PlatformLimits) -> Iterable[Finding]:
    length = len(facts.caption.rstrip("\n"))
    if length > limits.caption_chars:
        over = length - limits.caption_chars
        yield Finding(
            Severity.ERROR,
            f"caption is {length:,} characters; {limits.label} allows {limits.caption_chars:,} "
            f"({over:,} too many; caption.txt is written uncut: shorten `caption:`)",
            facts.caption_line if facts.caption_explicit else None,
        )


def _hashtag_count(facts: OutputFacts, limits: PlatformLimits) -> Iterable[Finding]:
    if limits.max_hashtags is not None and facts.hashtags > limits.max_hashtags:
        yield Finding(
            Severity.ERROR,
            f"caption has {facts.hashtags} hashtags; {limits.label} allows {limits.max_hashtags}",
            facts.caption_line if facts.caption_explicit else None,
        )


def _alt_text(facts: OutputFacts, limits: PlatformLimits) -> Iterable[Finding]:
    for line, src in facts.images_without_alt:
        yield Finding(
            Severity.WARNING,
            f"image '{src}' has no alt text and its slide no text: its alt text would be empty; write ![what it shows]({src}) or <!-- alt: … --> above the post",
            line,
        )


RULES: tuple[Rule, ...] = (
    Rule("slide-count", "slides per carousel / pages per document", lambda p: p.max_slides_source, _slide_count),
    Rule("document-size", "PDF file size", lambda p: p.document_source, _document_size),
    Rule("image-size", "bytes and width of every slide image", lambda p: p.image_source, _image_size),
    Rule("same-ratio", "every slide of a carousel has the same aspect ratio", lambda p: p.image_source, _same_ratio),
    Rule("colour-space", "slide images are sRGB", lambda p: p.image_source, _colour_space),
    Rule("caption-length", "caption characters", lambda p: p.caption_source, _caption_length),
    Rule("hashtags", "hashtags per caption", lambda p: p.caption_source, _hashtag_count),
    Rule("alt-text", "a slide showing only an image has alt text", lambda p: "https://www.w3.org/WAI/tutorials/images/", _alt_text),
)


def lint(facts: OutputFacts) -> list[Diagnostic]:
    """Every rule's findings for one thread's output, as located diagnostics."""
    limits = limits_of(facts.platform)
    where = f"[{facts.target}] " if facts.target else ""
    diagnostics: list[Diagnostic] = []
    for rule in RULES:
        for finding in rule.check(facts, limits):
            diagnostics.append(Diagnostic(facts.shown, finding.line, f"{where}{finding.message} ({rule.name})", finding.severity))
    return diagnostics


def as_build_warnings(diagnostics: Iterable[Diagnostic]) -> list[Diagnostic]:
    """The build writes what it made and warns: a linter error becomes a warning there."""
    return [Diagnostic(d.path, d.line, d.message, Severity.WARNING) for d in diagnostics]
