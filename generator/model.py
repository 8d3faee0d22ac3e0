"""The typed values that flow between build stages."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path
from typing import Any, Literal

from generator.canvas import Canvas
from generator.config.schema import Options, Profile
from generator.errors import Diagnostic
from generator.layouts import LayoutDeclaration

SlideKind = Literal["cover", "post", "outro"]
ThreadStatus = Literal["draft", "scheduled", "due"]


def thread_status(draft: bool, date: datetime | None, now: datetime) -> ThreadStatus:
    """draft, scheduled (publish date in the future) or due; a date without a zone is in `now`'s."""
    if draft:
        return "draft"
    if date is not None:
        if date.tzinfo is None and now.tzinfo is not None:
            date = date.replace(tzinfo=now.tzinfo)
        if date > now:
            return "scheduled"
    return "due"


@dataclass(frozen=True)
class ImageAsset:
    """A local image a slide shows; `width`/`height` are its natural size (None for SVG)."""

    path: Path
    alt: str
    width: int | None = None
    height: int | None = None
    focus: tuple[float, float] | None = None  # the point (0..1 across, down) a crop keeps in view

    @property
    def url(self) -> str:
        return self.path.as_uri()


@dataclass(frozen=True)
class SlideSpec:
    """One planned slide: what it shows and with which options."""

    kind: SlideKind
    layout: str
    options: Options
    declaration: LayoutDeclaration = field(default_factory=LayoutDeclaration)  # what the layout says of itself
    post_numbers: tuple[int, ...] = ()
    title_html: str = ""
    blocks: tuple[str, ...] = ()
    image: ImageAsset | None = None
    figure: str = ""  # the figure a layout that takes one shows ("73%"), taken out of the text
    continued: bool = False  # a continuation of the previous slide's post (set by fitting)
    continues: bool = False  # the post goes on on the next slide (set by fitting)
    body_scale: float = 1.0  # the body size fitting chose, in body sizes (< 1 shrunk, > 1 grown)
    title_scale: float = 1.0  # < 1 when fitting shrank the title (cover hook, post title)
    media_adjust: float = 0.0  # px the layout's image room is corrected by, from the measured layout
    stacked: bool = False  # image under the text where the layout sets it beside: so the post fits one slide (set by fitting)
    alt: str = ""  # the author's `<!-- alt: … -->` for this slide, if any
    step: int = 0  # the number a numbered layout shows (set by the planner)

    def with_changes(self, **changes: Any) -> SlideSpec:
        return replace(self, **changes)

    @property
    def label(self) -> str:
        """How messages name this slide: 'cover', 'outro' or 'post 3'."""
        if self.kind != "post":
            return self.kind
        return "post " + "+".join(map(str, self.post_numbers))


MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


@dataclass(frozen=True)
class ThreadMeta:
    slug: str
    source_path: Path
    shown_path: str
    title: str
    title_html: str
    subtitle_html: str
    date: datetime | None
    draft: bool
    source_url: str | None
    caption: str | None
    slug_line: int = 1  # where the slug comes from: its `slug:` line, or 1 for the file name
    title_text: str = ""  # title and subtitle as plain text, the author's characters
    subtitle_text: str = ""
    hook_text: str = ""  # the first post as plain text, exactly the author's characters (for captions)
    hashtags: tuple[str, ...] = ()  # every #hashtag of the thread, once, in order of appearance
    lang: str = "en"  # BCP 47 language tag: hyphenation and the PDF's language
    # where messages point: each post's first line (by post number), the cover's title,
    # the front matter's caption
    post_lines: tuple[int, ...] = ()
    title_line: int | None = None
    caption_line: int | None = None

    def line_of(self, slide: SlideSpec) -> int | None:
        """The line of the thread file a message about `slide` names."""
        if slide.kind == "post" and slide.post_numbers and slide.post_numbers[0] <= len(self.post_lines):
            return self.post_lines[slide.post_numbers[0] - 1]
        return self.title_line if slide.kind == "cover" else None

    @property
    def date_line(self) -> str:
        """The thread's date as a post shows it: "10:42 AM · Mar 3, 2026" ("Mar 3, 2026"
        for a date without a time); empty without a date."""
        if self.date is None:
            return ""
        day = f"{MONTHS[self.date.month - 1]} {self.date.day}, {self.date.year}"  # not %b: that follows the locale
        if (self.date.hour, self.date.minute) == (0, 0):
            return day
        hour = self.date.hour % 12 or 12
        return f"{hour}:{self.date:%M} {'AM' if self.date.hour < 12 else 'PM'} · {day}"


@dataclass(frozen=True)
class ThreadPlan:
    """A validated thread, planned into slides, ready to render."""

    meta: ThreadMeta
    options: Options  # thread-level options (before post directives)
    canvas: Canvas
    theme: str
    profile: Profile | None
    avatar: ImageAsset | None
    logo: ImageAsset | None
    slides: tuple[SlideSpec, ...]
    dependencies: tuple[Path, ...]  # files the output depends on (for caches and watch)
    warnings: tuple[Diagnostic, ...] = field(default=())
    images_without_alt: tuple[tuple[int, str], ...] = ()  # (line, src) of images on a slide with no alt and no text
    target: str | None = None  # the carousel.yaml target this plan builds for (None: no targets)
    platform_name: str | None = None  # the target's platform when it names one
    targets: tuple[str, ...] = ()  # every target the thread is built for (empty: carousel.yaml has none)

    @property
    def unit(self) -> str:
        """What the build caches, writes and records as one: `slug`, or `slug/target`."""
        return self.meta.slug if self.target is None else f"{self.meta.slug}/{self.target}"

    @property
    def platform(self) -> str:
        """'linkedin', 'instagram' or 'custom': which platform's rules and limits apply."""
        return self.platform_name or self.canvas.platform

    def status(self, now: datetime) -> ThreadStatus:
        """draft, scheduled (publish date in the future) or due."""
        return thread_status(self.meta.draft, self.meta.date, now)
