"""Text fitting: no post overflows its slide and no word is lost.

The stage the Renderer calls between planning and the PDF:

    fit_slides(renderer, plan) -> FitResult(slides, document, html, geometries, notes, ...)

How it works — guess from the text, confirm with the layout:

1. **Guess.** Every post slide is estimated from its text (`estimate`: the theme's own
   font metrics, greedy line breaking at the body width) and planned: `fit: split`
   cuts a post that does not fit into as few slides as it needs, *balanced* so that
   every slide of it is about as full; `fit: shrink` lowers the body size (then the
   title) towards the floor first. A title too tall for its slide is shrunk.
2. **Lay out** the whole thread once with WeasyPrint and measure every slide from its
   layout tree (`geometry`): what reaches past the content area, where every line of
   the body ends, how tall the title and the layout's furniture are.
3. **Fix** only what the layout disproves: a post whose slide overflows is planned
   again with the measured lines in place of the guessed ones (exact where they were
   laid out, the guess scaled by the measured/guessed ratio elsewhere), and only the
   slides that changed are laid out again — in a document of their own, whose pages
   join the others' (`Document.copy`). When the number of slides changes, every slide
   is laid out again (the "3/9" counter is on every slide).
4. Repeat 2–3 until every slide fits or nothing more can be done; the pages of the
   last layout of every slide are the PDF that ships.

Cuts prefer, in this order, a paragraph boundary, a list item / line of code, a sentence
end, a word boundary; a word is broken only where WeasyPrint itself broke it (a word or
URL wider than the slide). Continuation slides keep the post's layout and header, drop
the title and carry the "continued" mark; the first keeps any feature image.
"""

from __future__ import annotations

import bisect
import itertools
import math
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from generator.content.markdown import plain_text
from generator.errors import Diagnostic, ThreadError
from generator.layouts import Furniture
from generator.limits import LIMITS
from generator.model import SlideSpec, ThreadPlan
from generator.render.estimate import BlockEstimate, Typeset, estimate_block, font_metrics, text_height
from generator.render.geometry import EPSILON, SlideGeometry, measure_slides
from generator.render.grid import Grid, grid_for, image_beside, image_ratio, leading, text_column, title_growth
from generator.render.html import body_in_display, render_html
from generator.render.pdf import layout_document
from generator.render.split import (
    TIER_BLOCK,
    TIER_CHAR,
    TIER_WORD,
    Position,
    boundaries,
    heading_block,
    images_tail,
    mark_block,
    slice_blocks,
)
from generator.render.titles import TitleMeasure

if TYPE_CHECKING:
    import weasyprint

    from generator.render.thread import Renderer

MAX_ROUNDS = 8  # layout rounds after the first, at most
GREEDY_AFTER = 3  # from this round on, fill slides greedily (no balancing): converges surely
SAFETY = 0.97  # a guessed height is planned to this share of the room
TITLE_SHARE = 0.45  # a post title may take at most this share of the content area
TITLE_FLOOR = 0.5  # the smallest a post title is shrunk to when it is too tall
COVER_FLOOR = 0.3  # the smallest a cover / outro title is shrunk to
# How much worse a cut is than a paragraph boundary, as a share of the slide's height.
TIER_PENALTY = {0: 0.0, 1: 0.03, 2: 0.1, 3: 0.25, 4: 0.6}
HEADING_PENALTY = 0.6  # a heading left alone at the bottom of a slide
IMAGE_ALONE_PENALTY = 0.6  # the post's last image(s) pushed alone onto the next slide
NEARLY_FITS = 0.08  # a one-slide post overflowing by at most this share of the band shrinks rather than splits
GROW_TARGET = 0.8  # short content is set larger until it fills about this share of the content band
NEIGHBOUR_FILL = 0.88  # a post may take its neighbour's larger size up to this share of the band
NEIGHBOUR_KEEP = 0.6  # ... or its smaller size while it still fills this share
MEDIA_SLACK = 6  # grid units of room left under an image before fitting lays it out again larger
MAX_STEPS = 4  # distinct grown body sizes in one carousel (a few consistent steps)
ADAPTIVE_OPTIMISM = 1.3  # a post this much taller than the guessed room still tries one slide when its layout adapts


@dataclass
class Frame:
    """Where a post's body is set: its width and size, and the room above and below it."""

    width: float
    body_size: float
    lead_first: float  # above the body on the post's first slide (title...)
    lead_next: float  # above it on a continuation slide ("continued" mark...)
    trail_first: float = 0.0  # below the body (feature image, attribution...)
    trail_next: float = 0.0
    line_height: float = 1.45
    display_text: bool = False  # the body is set in the display face (quotes)
    title: float = 0.0  # the title's own share of lead_first
    picture_slack: float = 0.0  # how much taller a stacked image may grow than it is planned (least -> most share)


@dataclass
class FitResult:
    """The fitted carousel: its slides, laid out, and what fitting did."""

    slides: tuple[SlideSpec, ...]
    document: weasyprint.Document  # of the final pages
    html: str  # the HTML of the final slides (the PDF's identity)
    geometries: list[SlideGeometry]
    notes: tuple[str, ...]
    problems: list[tuple[int, str]]  # (1-based slide, what could not be fitted)
    refused: list[str]
    log: list[str]
    layouts: int  # slides laid out, in all passes (the cost)
    renders: int  # WeasyPrint documents laid out
    seconds: float
    documents: list[weasyprint.Document] = field(default_factory=list, repr=False)  # keeps every source document alive

    @property
    def passes_per_slide(self) -> float:
        return self.layouts / max(1, len(self.slides))

    def overflowing(self) -> list[SlideGeometry]:
        return [g for g in self.geometries if not g.fits]


# --- heights of a post's body as one long column ------------------------------------


@dataclass(frozen=True)
class Anchor:
    """The end of a line of the body in the one-column model."""

    bottom: float  # px from the top of the post's body
    pad: float  # padding/border closed below it when the body is cut there
    height: float  # the line's own height
    measured: bool


class HeightModel:
    """Heights of a post's body set in one column of the slide's width.

    Anchors are line ends: `y(p)` is the anchor of the line holding the last unit
    before position p. Guessed from the estimate, replaced by measured lines where a
    slide of the post was laid out, and the guess in between scaled by the ratio of
    measured to guessed heights.
    """

    def __init__(self, blocks: tuple[str, ...], estimates: list[BlockEstimate]):
        self.blocks = blocks
        self.estimates = estimates
        self.images_from = images_tail(blocks)  # where the closing run of images starts
        self.units = [estimate.units for estimate in estimates]
        self.gaps = [0.0] + [max(estimates[b - 1].margin_bottom, estimates[b].margin_top) for b in range(1, len(blocks))]
        self._est_positions: list[Position] = []
        self._est: list[Anchor] = []
        base = 0.0
        for b, estimate in enumerate(estimates):
            base += self.gaps[b]
            for units, bottom, pad, height in estimate.lines:
                self._add(self._est_positions, self._est, (b, units), Anchor(base + bottom, pad, height, False))
            base += estimate.height
        self.factor = 1.0
        self.segments: list[tuple[Position, list[tuple[Position, Anchor]]]] = []
        self._positions: list[Position] = []
        self._anchors: list[Anchor] = []
        self._rebuild()

    @staticmethod
    def _add(positions: list[Position], anchors: list[Anchor], position: Position, anchor: Anchor) -> None:
        if positions and positions[-1] == position:
            # a line and the end of its box: the first is where a cut ends the line
            return
        positions.append(position)
        anchors.append(anchor)

    def _normal(self, position: Position) -> Position:
        """A position as the end of what precedes it: (b, 0) -> (b-1, units of b-1)."""
        block, offset = position
        if offset == 0 and block > 0:
            return block - 1, self.units[block - 1]
        return block, offset

    def _lookup(self, positions: list[Position], anchors: list[Anchor], position: Position) -> tuple[Anchor, bool]:
        """(anchor of the line holding the unit before position, position is that line's end)."""
        position = self._normal(position)
        if position == (0, 0) or not anchors:
            return Anchor(0.0, 0.0, 0.0, True), True
        index = bisect.bisect_left(positions, position)
        if index >= len(anchors):
            return anchors[-1], True
        return anchors[index], positions[index] == position

    def estimated(self, position: Position) -> float:
        anchor, _ = self._lookup(self._est_positions, self._est, position)
        return anchor.bottom

    def gap(self, position: Position) -> float:
        block, offset = position
        return self.gaps[block] if offset == 0 and 0 < block < len(self.gaps) else 0.0

    def set_measured(self, segments: list[tuple[Position, list[tuple[Position, Anchor]]]]) -> None:
        """Measured lines: per laid-out slide, its start and its lines (bottoms from its body's top)."""
        self.segments = sorted((s for s in segments if s[1]), key=lambda s: s[0])
        measured = guessed = 0.0
        for start, lines in self.segments:
            end, last = lines[-1]
            estimate = self.estimated(end) - self.estimated(start) - self.gap(start)
            if estimate > 0 and last.bottom > 0:
                measured += last.bottom
                guessed += estimate
        self.factor = min(1.6, max(0.6, measured / guessed)) if guessed > 0 else 1.0
        self._rebuild()

    def _rebuild(self) -> None:
        positions: list[Position] = []
        anchors: list[Anchor] = []
        cursor: Position = (0, 0)
        cursor_y = 0.0

        def add_estimated(until: Position | None) -> None:
            base = self.estimated(cursor)
            low = bisect.bisect_right(self._est_positions, self._normal(cursor)) if cursor != (0, 0) else 0
            limit = self._normal(until) if until is not None else None
            for index in range(low, len(self._est_positions)):
                position = self._est_positions[index]
                if limit is not None and position > limit:
                    break
                anchor = self._est[index]
                y = cursor_y + (anchor.bottom - base) * self.factor
                self._add(positions, anchors, position, Anchor(y, anchor.pad, anchor.height * self.factor, False))

        for start, lines in self.segments:
            if positions and self._normal(start) < positions[-1]:
                continue  # overlaps what is already known (stale)
            add_estimated(start)
            start_y = cursor_y + (self.estimated(start) - self.estimated(cursor)) * self.factor
            base = start_y + self.gap(start)
            for position, line in lines:
                position = self._normal(position)
                if positions and position <= positions[-1]:
                    continue
                positions.append(position)
                anchors.append(Anchor(base + line.bottom, line.pad, line.height, True))
            if positions:
                cursor, cursor_y = positions[-1], anchors[-1].bottom
        add_estimated(None)
        self._positions, self._anchors = positions, anchors

    def height(self, start: Position, end: Position) -> tuple[float, bool]:
        """Height of the body from start to end on a slide of its own, and whether it was measured.

        Cut inside a block, the end closes the boxes around it (their padding) and the
        start opens them again; cut inside a line, the rest of that line takes a line.
        """
        end_anchor, _ = self._lookup(self._positions, self._anchors, end)
        bottom = end_anchor.bottom + end_anchor.pad
        if start == (0, 0):
            return bottom, end_anchor.measured
        start_anchor, at_line_end = self._lookup(self._positions, self._anchors, start)
        if start[1] == 0:
            return bottom - start_anchor.bottom - start_anchor.pad - self.gap(start), end_anchor.measured
        top = start_anchor.bottom - start_anchor.pad
        if not at_line_end:
            top -= start_anchor.height
        return bottom - top, end_anchor.measured and start_anchor.measured

    @property
    def end(self) -> Position:
        return (len(self.blocks), 0)


# --- choosing cuts ------------------------------------------------------------------------


def _candidates(model: HeightModel, start: Position, room: float, worst_tier: int) -> Iterator[tuple[Position, int]]:
    """Cuts after start, in order, while the body could still fit `room`."""
    blocks = model.blocks
    first_block, first_offset = start
    for block in range(first_block, len(blocks)):
        if block > first_block or first_offset == 0:
            if (block, 0) > start:
                yield (block, 0), TIER_BLOCK
                if model.height(start, (block, 0))[0] > room:
                    return
        tiers = boundaries(blocks[block])
        low = first_offset + 1 if block == first_block else 1
        for offset in range(low, len(tiers) - 1):
            if tiers[offset] <= worst_tier:
                yield (block, offset), tiers[offset]
    yield model.end, TIER_BLOCK


def best_cut(model: HeightModel, start: Position, target: float, room: float, penalties: bool = True) -> tuple[Position, bool]:
    """The best place to end a slide whose body starts at `start`.

    `room`: the body's height limit; `target`: the height a balanced slide would have.
    Returns (cut, fits). Cuts near the target win; a cut's tier costs it a penalty (a
    share of the room); a guessed height is only trusted to SAFETY of the room.
    """
    best: tuple[float, Position] | None = None
    first_fallback: Position | None = None
    for worst_tier in (TIER_WORD, TIER_CHAR):
        for position, tier in _candidates(model, start, room, worst_tier):
            height, measured = model.height(start, position)
            limit = room if measured else room * SAFETY
            if first_fallback is None:
                first_fallback = position
            if height > limit + EPSILON:
                if height > room * 1.05 + 100:
                    break
                continue
            score = abs(height - target) / max(room, 1.0)
            block, offset = position
            if penalties:
                score += TIER_PENALTY[tier]
                if offset == 0 and block > 0 and position != model.end and heading_block(model.blocks[block - 1]):
                    score += HEADING_PENALTY
                if model.images_from is not None and model.images_from <= position < model.end and position != start:
                    score += IMAGE_ALONE_PENALTY  # keep some text with it
            if best is None or score < best[0] - 1e-9:
                best = (score, position)
            if position == model.end:
                break
        if best is not None:
            return best[1], True
    return (first_fallback or model.end), False


class TooManySlides(Exception):
    """A post needs more than LIMITS.post_slides slides."""

    def __init__(self, slides: int):
        super().__init__(f"{slides} slides")
        self.slides = slides


def plan_cuts(
    model: HeightModel,
    start: Position,
    rooms: Callable[[int], float],
    leads: Callable[[int], float],
    balanced: bool = True,
    keep: int | None = None,
) -> tuple[list[Position], bool]:
    """Ends of the slides for the body from `start` on: as few slides as it needs, balanced.

    rooms(i) / leads(i): the body's room on the i-th slide from here and the height
    above it (balancing evens out lead + body, what the eye sees). `keep`: a number of
    slides to keep when it is enough and they are at least 60 % full (fewer slides
    laid out again). Returns (cuts, all fit).
    """
    end = model.end
    greedy: list[Position] = []
    position = start
    all_fit = True
    while position < end:
        if len(greedy) >= LIMITS.post_slides:
            raise TooManySlides(len(greedy))  # never cut the rest off: the caller says which post
        room = rooms(len(greedy))
        cut, fits = best_cut(model, position, room, room)
        all_fit = all_fit and fits
        if cut <= position:
            cut = end
        greedy.append(cut)
        position = cut
    if not balanced or len(greedy) <= 1:
        return greedy, all_fit
    # the fewest slides it takes, filling each to the last word that fits
    fewest = 0
    position = start
    while position < end and fewest < len(greedy):
        cut, _ = best_cut(model, position, rooms(fewest), rooms(fewest), penalties=False)
        fewest += 1
        position = cut if cut > position else end
    total, _ = model.height(start, end)
    counts = sorted({fewest, fewest + 1} - {len(greedy) + 1}) or [len(greedy)]
    if keep is not None and keep > fewest:
        room_sum = sum(rooms(i) for i in range(keep))
        if total >= 0.6 * room_sum:
            counts.insert(0, keep)
    for pieces in counts:
        cuts: list[Position] = []
        position = start
        ok = True
        for index in range(pieces):
            room = rooms(index)
            if index == pieces - 1:
                height, measured = model.height(position, end)
                ok = position < end and height <= (room if measured else room * SAFETY) + EPSILON
                cuts.append(end)
                break
            remaining, _ = model.height(position, end)
            lead_rest = sum(leads(i) for i in range(index, pieces))
            target = (remaining + lead_rest) / (pieces - index) - leads(index)
            cut, fits = best_cut(model, position, min(target, room), room)
            if not fits or cut <= position or cut == end:
                ok = False
                break
            cuts.append(cut)
            position = cut
        if ok:
            return cuts, True
    return greedy, all_fit


# --- the posts being fitted -------------------------------------------------------------


SlideKey = tuple[SlideSpec, int, int]  # a slide, its 1-based number and the carousel's slide count


@dataclass
class Rendered:
    """A slide as last laid out: its spec, place and measured geometry, and its page."""

    key: SlideKey
    page: weasyprint.Page
    geometry: SlideGeometry


@dataclass
class PostFit:
    """One planned post slide and the slides fitting makes of it."""

    spec: SlideSpec
    mode: str  # split | shrink | off
    blocks: tuple[str, ...]
    title_html: str
    body_scale: float = 1.0
    title_scale: float = 1.0
    cuts: list[Position] = field(default_factory=list)  # ends of its slides (the last is the end)
    model: HeightModel | None = None
    typeset: Typeset | None = None
    stuck: bool = False
    shrink_failed: bool = False
    lead_first: float = 0.0
    lead_next: float = 0.0
    trail_first: float = 0.0
    trail_next: float = 0.0
    measured_lead: dict[int, float] = field(default_factory=dict)
    rebalanced: bool = False
    furniture_first: float = 0.0  # the part of lead_first that is not the title
    picture_slack: float = 0.0  # Frame.picture_slack
    media_adjust: float = 0.0  # px added to the layout's guessed image room, from the measured layout
    media_tries: int = 0
    media_seen: tuple[float, float] | None = None  # the image's measured size before the last correction
    room_adjust: dict[int, float] = field(default_factory=dict)  # px less room on a slide than the model thinks

    @property
    def starts(self) -> list[Position]:
        return [(0, 0)] + self.cuts[:-1]

    def pieces(self) -> list[tuple[Position, Position]]:
        return list(zip(self.starts, self.cuts))

    def slide_count(self) -> int:
        """How many slides this post has as it stands (without making them)."""
        return 1 if self.mode == "off" or not self.cuts else len(self.cuts)

    def slides(self) -> list[SlideSpec]:
        """The slides of this post as they stand."""
        if self.mode == "off" or not self.cuts:
            return [self.spec]
        specs = []
        pieces = self.pieces()
        for number, (start, end) in enumerate(pieces):
            blocks = slice_blocks(self.blocks, start, end)
            marked = tuple(mark_block(block, index) for index, block in enumerate(blocks))
            first = number == 0
            specs.append(
                self.spec.with_changes(
                    blocks=marked,
                    title_html=self.title_html if first else "",
                    image=self.spec.image if first else None,
                    continued=not first,
                    continues=number < len(pieces) - 1,
                    body_scale=self.body_scale,
                    title_scale=self.title_scale,
                    media_adjust=self.media_adjust if first else 0.0,
                )
            )
        return specs


class _Fitter:
    def __init__(self, renderer: Renderer, plan: ThreadPlan):
        self.renderer = renderer
        self.plan = plan
        self.grid: Grid = grid_for(plan.canvas, plan.options.typography)
        accent = plan.profile.accent if plan.profile else None
        self.theme = renderer.theme(plan.theme).with_accent(accent)
        project = renderer.project
        self.folders = tuple(p for p in (project.builtin / "themes" / "fonts", project.root / "themes") if p.is_dir())
        fonts = self.theme.fonts
        memo = renderer.memo
        self.text = font_metrics(fonts["text"], 400, self.folders, memo)
        self.bold = font_metrics(fonts["text"], 700, self.folders, memo)
        self.mono = font_metrics(fonts["mono"], 400, self.folders, memo)
        self.display = font_metrics(fonts["display"], self.theme.display_weight, self.folders, memo)
        self.display_bold = font_metrics(fonts["display"], 700, self.folders, memo)
        self.titles = TitleMeasure(self.display, self.theme.title_transform == "uppercase")
        self.rendered: dict[int, Rendered] = {}
        self.whole_html: tuple[tuple[SlideSpec, ...], str] | None = None  # the last whole-thread HTML
        self.documents: list[weasyprint.Document] = []
        self.refused: list[str] = []
        self.log: list[str] = []
        self.layouts = 0
        self.renders = 0
        self.measured_next_lead: float | None = None

    # --- typesetting guesses ---

    def frame(
        self, spec: SlideSpec, title_html: str, title_scale: float, body_scale: float, measured: SlideGeometry | None = None
    ) -> Frame:
        """A guess of where a post's body is set on its slides, from the layout's
        declaration (`layouts/<name>.yaml`: text font, title size, furniture, image
        placement). Every number here is replaced by what the layout measures as soon
        as the slide has been laid out once.
        """
        grid, unit = self.grid, self.grid.unit
        declared = spec.declaration
        text = declared.text
        width, height = grid.content_width, grid.content_height
        title_px = grid.title_size * title_scale * title_growth(body_scale)
        body_px = grid.body_size * body_scale
        image = spec.image if declared.image.place != "none" else None
        inner = text_column(grid, declared, image_ratio(image), image is not None, spec.stacked)
        beside = image is not None and image_beside(declared.image.place, image_ratio(image), grid, spec.stacked)
        # stacked by fitting so that text and image fit one slide: the image's least room is
        # counted under the text (a layout's own stacking counts only the room it may grow by)
        place = "below" if spec.stacked and image is not None else declared.image.place

        def furniture(part: Furniture) -> float:
            return part.units * unit + part.body_em * body_px + part.title_em * title_px

        title = 0.0
        if title_html and "title" in declared.takes:
            plain = plain_text(title_html)
            uppercase = self.theme.title_transform == "uppercase" and text.title_font == "display"
            metrics = self.display if text.title_font == "display" else self.bold
            base = {"title": title_px, "body": body_px, "meta": grid.meta_size}[text.title_base]
            if text.title_base == "title" and text.title_font == "display":
                base *= self.titles.post(title_html, inner, base * text.title).scale  # as the renderer sets it
            title = text_height(plain.upper() if uppercase else plain, inner, base * text.title, metrics, 1.15) + text.title_margin * unit

        def media(max_w: float, max_h: float) -> float:
            if image is None:
                return 0.0
            if not (image.width and image.height):
                return max_h
            return image.height * min(1.0, max_w / image.width, max_h / image.height)

        least, most = (height * share for share in declared.image.share)
        picture = 0.0 if image is None or beside else media(width, least) + 6 * unit
        slack = 0.0 if image is None or beside else media(width, most) + 6 * unit - picture
        above, below = furniture(text.above), furniture(text.below)
        frame = Frame(
            width=inner,
            body_size=body_px,
            lead_first=above + title + (picture if place == "above" else 0.0),
            lead_next=self.continued_height() + above,
            trail_first=below + (picture if place == "below" else 0.0),
            trail_next=below,
            line_height=leading(text.line_height, body_scale),
            display_text=text.font == "display" or body_in_display(spec, grid, body_scale),
            title=title,
            picture_slack=slack,
        )
        if measured is not None and measured.body_width and measured.body_font_size:
            frame.width = measured.body_width
            frame.body_size = measured.body_font_size
        return frame

    def typeset(self, frame: Frame) -> Typeset:
        grid = self.grid
        text, bold = (self.display_bold, self.display_bold) if frame.display_text else (self.text, self.bold)
        return Typeset(
            width=frame.width,
            body_size=frame.body_size,
            text=text,
            bold=bold,
            mono=self.mono,
            display=self.display_bold,
            unit=grid.unit,
            media_height=grid.content_height * 0.5,
            line_height=frame.line_height,
        )

    def continued_height(self) -> float:
        if self.measured_next_lead is not None:
            return self.measured_next_lead
        return self.grid.meta_size * 1.2 + 4 * self.grid.unit

    # --- building and planning posts ---

    def new_post(self, spec: SlideSpec) -> PostFit:
        mode = spec.options.fit if spec.kind == "post" else "off"
        if mode == "grow":
            mode = "split"  # grow is what split (and shrink) do with short content
        if mode == "split" and not spec.declaration.continues:
            mode = "shrink"  # a layout that cannot continue on a next slide shrinks first
        post = PostFit(spec=spec, mode=mode, blocks=spec.blocks, title_html=spec.title_html)
        if mode == "off":
            return post
        self.prepare(post)
        if mode == "shrink":
            self.initial_shrink(post)
        elif post.title_html:
            self.initial_title(post)
        self.stack_when_cramped(post)
        self.initial_grow(post)
        self.plan_post(post, balanced=True)
        if len(post.cuts) == 2 and self.adaptive(post.spec):
            # the layout shrinks its image (or quote type) to make room for text, and
            # the guess cannot know how far: a post that nearly fits tries one slide
            model = post.model  # (initial_shrink / initial_grow may have made it again)
            assert model is not None
            height, _ = model.height((0, 0), model.end)
            if height <= ADAPTIVE_OPTIMISM * self.room(post, 0):
                post.cuts = [model.end]
        return post

    def stack_when_cramped(self, post: PostFit) -> None:
        """A post whose text beside its image would need a second slide, or a body set
        smaller, is set with the image under the text when it then fits one slide at full
        size: full-width lines and a smaller picture rather than a few lines continued on a
        slide of their own, or type below the readable size."""
        spec = post.spec
        if spec.image is None or spec.stacked or not image_beside(spec.declaration.image.place, image_ratio(spec.image), self.grid):
            return
        if self.fits_one(post) and post.body_scale >= 1.0:
            return
        beside = (spec, post.body_scale, post.title_scale)
        post.spec, post.body_scale, post.title_scale = spec.with_changes(stacked=True), 1.0, 1.0
        self.prepare(post)
        if post.title_html:
            self.initial_title(post)
        if self.fits_one(post):
            return
        post.spec, post.body_scale, post.title_scale = beside
        self.prepare(post)

    def fill(self, post: PostFit) -> float:
        """The share of the content band a one-slide post takes, by the guess (a stacked
        image counted at the most its layout gives it, so growing text leaves it that)."""
        assert post.model is not None
        height, _ = post.model.height((0, 0), post.model.end)
        return (post.lead_first + height + post.trail_first + post.picture_slack) / max(1.0, self.grid.content_height)

    def initial_grow(self, post: PostFit) -> None:
        """Short content steps up its layout's type scale while it fills at most
        GROW_TARGET of the content band, with its image at the largest its layout allows."""
        steps = [step for step in post.spec.declaration.type_scale if step > post.body_scale + 1e-9]
        if not steps or post.body_scale < 1.0 or not self.fits_one(post) or self.fill(post) > GROW_TARGET + 0.01:
            return
        chosen = post.body_scale
        for step in steps:
            post.body_scale = step
            self.prepare(post)
            if self.fill(post) > GROW_TARGET + 0.01 or not self.fits_one(post):
                break
            chosen = step
        if post.body_scale != chosen:
            post.body_scale = chosen
            self.prepare(post)

    @staticmethod
    def adaptive(spec: SlideSpec) -> bool:
        """Does the layout fit its furniture to the text (an image sized by what the text leaves)?"""
        return spec.image is not None and spec.declaration.image.place != "none"

    def prepare(self, post: PostFit, measured: SlideGeometry | None = None) -> HeightModel:
        """(Re)build the post's height model and frame at its current scales; returns the model."""
        frame = self.frame(post.spec, post.title_html, post.title_scale, post.body_scale, measured)
        post.typeset = self.typeset(frame)
        estimates = [estimate_block(block, post.typeset) for block in post.blocks]
        post.model = HeightModel(post.blocks, estimates)
        post.lead_first, post.lead_next = frame.lead_first, frame.lead_next
        post.furniture_first = frame.lead_first - frame.title
        post.trail_first, post.trail_next = frame.trail_first, frame.trail_next
        post.picture_slack = frame.picture_slack
        return post.model

    def room(self, post: PostFit, index: int) -> float:
        adjust = post.room_adjust.get(index, 0.0)
        if index == 0:
            return self.grid.content_height - post.lead_first - post.trail_first - adjust
        return self.grid.content_height - post.lead_next - post.trail_next - adjust

    def lead(self, post: PostFit, index: int) -> float:
        return post.lead_first if index == 0 else post.lead_next

    def plan_post(self, post: PostFit, balanced: bool, keep: int | None = None, start_piece: int = 0) -> None:
        assert post.model is not None
        fixed = post.cuts[:start_piece] if start_piece else []
        start = fixed[-1] if fixed else (0, 0)
        try:
            cuts, fits = plan_cuts(
                post.model,
                start,
                rooms=lambda i: self.room(post, i + start_piece),
                leads=lambda i: self.lead(post, i + start_piece),
                balanced=balanced,
                keep=keep,
            )
        except TooManySlides as error:
            raise ThreadError(
                Diagnostic(
                    self.plan.meta.shown_path,
                    None,
                    f"{post.spec.label} needs more than {error.slides} slides (at most {LIMITS.post_slides}): split it into several posts, or several threads",
                )
            ) from error
        post.cuts = fixed + cuts
        post.stuck = not fits

    def initial_title(self, post: PostFit) -> None:
        """A title taller than TITLE_SHARE of the slide is shrunk (down to TITLE_FLOOR)."""
        limit = TITLE_SHARE * self.grid.content_height
        scale = 1.0
        while scale > TITLE_FLOOR and self.frame(post.spec, post.title_html, scale, post.body_scale).title > limit:
            scale = max(TITLE_FLOOR, round(scale - 0.05, 3))
        if scale != post.title_scale:
            post.title_scale = scale
            post.lead_first = self.frame(post.spec, post.title_html, scale, post.body_scale).lead_first

    def fits_one(self, post: PostFit) -> bool:
        assert post.model is not None
        height, measured = post.model.height((0, 0), post.model.end)
        room = self.room(post, 0)
        return height <= (room if measured else room * SAFETY)

    def initial_shrink(self, post: PostFit) -> None:
        """fit: shrink — the largest body scale (then title scale) >= floor that fits one slide."""
        floor = post.spec.options.shrink_floor
        if self.fits_one(post):
            return
        for scale in _scales(1.0, floor):
            post.body_scale = scale
            self.prepare(post)
            if self.fits_one(post):
                return
        if post.title_html:
            for scale in _scales(1.0, floor):
                post.title_scale = scale
                self.prepare(post)
                if self.fits_one(post):
                    return
        post.shrink_failed = True

    # --- layout ---

    def keys(self, slides: list[SlideSpec]) -> list[SlideKey]:
        total = len(slides)
        return [(spec, index, total) for index, spec in enumerate(slides, start=1)]

    def render(self, slides: list[SlideSpec], indices: list[int]) -> None:
        """Lay out the slides at these positions (1-based) and measure them."""
        if not indices:
            return
        plan, project = self.plan, self.renderer.project
        whole = len(indices) == len(slides)
        html = render_html(
            self.renderer.environment,
            project,
            plan,
            self.theme,
            tuple(slides),
            only=None if whole else set(indices),
            memo=self.renderer.memo,
        )
        if whole:
            self.whole_html = (tuple(slides), html)  # usually the final HTML: not rendered twice
        document, refused, log = layout_document(html, plan.meta.source_path.parent, project.trusted_roots)
        self.documents.append(document)
        self.refused += [url for url in refused if url not in self.refused]
        self.log += [message for message in log if message not in self.log]
        self.renders += 1
        self.layouts += len(indices)
        measured = measure_slides(document.pages, self.grid)
        keys = self.keys(slides)
        for index in indices:
            if index in measured:
                page, geometry = measured[index]
            else:  # not on any page: as bad as it gets
                page = None
                geometry = SlideGeometry(
                    index, self.grid.content_top, self.grid.content_bottom, self.grid.content_top, self.grid.content_bottom + 1e6, 0.0, True
                )
            self.rendered[index] = Rendered(keys[index - 1], page, geometry)

    def stale(self, slides: list[SlideSpec]) -> list[int]:
        keys = self.keys(slides)
        return [index for index, key in enumerate(keys, start=1) if index not in self.rendered or self.rendered[index].key != key]


def _scales(start: float, floor: float) -> list[float]:
    scales = []
    scale = start
    while scale - 0.025 >= floor - 1e-9:
        scale = round(scale - 0.025, 4)
        scales.append(scale)
    if not scales or scales[-1] > floor:
        scales.append(floor)
    return scales


def fit_slides(renderer: Renderer, plan: ThreadPlan) -> FitResult:
    """Fit every slide of a thread to its page (see the module doc); lays out the slides."""
    started = time.perf_counter()
    fitter = _Fitter(renderer, plan)
    entries: list[PostFit] = [fitter.new_post(spec) for spec in plan.slides]
    _consistent_steps(fitter, entries)
    _neighbours_share_steps(fitter, entries)

    def current() -> tuple[list[SlideSpec], list[tuple[PostFit, int]]]:
        slides: list[SlideSpec] = []
        owners: list[tuple[PostFit, int]] = []
        for entry in entries:
            for number, spec in enumerate(entry.slides()):
                slides.append(spec)
                owners.append((entry, number))
        return slides, owners

    _check_slide_count(plan, entries)
    slides, owners = current()
    fitter.render(slides, list(range(1, len(slides) + 1)))
    for round_number in range(1, MAX_ROUNDS + 1):
        changed = False
        # what the layout says about each entry's slides
        by_entry: dict[int, list[tuple[int, SlideGeometry]]] = {}
        for index, (entry, number) in enumerate(owners, start=1):
            by_entry.setdefault(id(entry), []).append((number, fitter.rendered[index].geometry))
        next_leads = [
            g.lead
            for index, (entry, number) in enumerate(owners, start=1)
            if number > 0
            for g in [fitter.rendered[index].geometry]
            if g.lead is not None
        ]
        if next_leads:
            fitter.measured_next_lead = max(next_leads)
        for entry in entries:
            geometries = [g for _, g in sorted(by_entry.get(id(entry), []), key=lambda item: item[0])]
            if _revise(fitter, entry, geometries, round_number):
                changed = True
        if not changed:
            break
        slides, owners = current()
        fitter.render(slides, fitter.stale(slides))

    slides, owners = current()
    stale = fitter.stale(slides)
    if stale:  # never ship a page laid out for another place
        fitter.render(slides, stale)
    pages = [fitter.rendered[index].page for index in range(1, len(slides) + 1)]
    geometries = [fitter.rendered[index].geometry for index in range(1, len(slides) + 1)]
    if fitter.whole_html is not None and fitter.whole_html[0] == tuple(slides):
        html = fitter.whole_html[1]
    else:
        html = render_html(renderer.environment, renderer.project, plan, fitter.theme, tuple(slides), memo=renderer.memo)
    if slides and all(page is not None for page in pages) and not any(g.truncated and not g.fits for g in geometries):
        document = fitter.documents[0].copy(pages)
    else:
        # something spilled onto pages of its own: ship the plain layout of the final slides
        document, _, _ = layout_document(html, plan.meta.source_path.parent, renderer.project.trusted_roots)
        fitter.documents.append(document)
    problems = [(g.index, _problem(owners[g.index - 1][0], g)) for g in geometries if not g.fits]
    return FitResult(
        slides=tuple(slides),
        document=document,
        html=html,
        geometries=geometries,
        notes=tuple(_notes(fitter, entries)),
        problems=problems,
        refused=fitter.refused,
        log=fitter.log,
        layouts=fitter.layouts,
        renders=fitter.renders,
        seconds=time.perf_counter() - started,
        documents=fitter.documents,
    )


def _check_slide_count(plan: ThreadPlan, entries: list[PostFit]) -> None:
    """A thread needing more slides than a carousel may have is an error, before any layout."""
    total = sum(entry.slide_count() for entry in entries)
    if total <= LIMITS.thread_slides:
        return
    largest = max(entries, key=lambda entry: entry.slide_count())
    raise ThreadError(
        Diagnostic(
            plan.meta.shown_path,
            None,
            f"{total:,} slides needed ({largest.spec.label} alone needs {largest.slide_count():,}); "
            f"a carousel may have at most {LIMITS.thread_slides:,}: split the thread (nothing was cut)",
        )
    )


def _type_kind(fitter: _Fitter, entry: PostFit) -> str:
    """The kind of type a post's body is set in: its layout's face, or "hook"."""
    if body_in_display(entry.spec, fitter.grid, entry.body_scale):
        return "hook"
    return entry.spec.declaration.text.font


def _consistent_steps(fitter: _Fitter, entries: list[PostFit]) -> None:
    """A carousel uses a few body sizes: per kind of type (text, display), at most
    MAX_STEPS grown sizes, the set that keeps the most of the posts' fill; each post
    takes the largest kept size up to its own. A very short post set as a hook (in the
    display face, `body_in_display`) keeps its own size: it is not running text."""

    def kept_for(step: float, kept: tuple[float, ...]) -> float:
        return max((k for k in kept if k <= step + 1e-9), default=1.0)

    for font in ("text", "display"):
        group = [entry for entry in entries if entry.body_scale > 1.0 and _type_kind(fitter, entry) == font]
        wanted = [entry.body_scale for entry in group]
        grown = sorted(set(wanted))
        if len(grown) <= MAX_STEPS:
            continue
        # what the carousel keeps of each post's fill (a body's height goes with the square
        # of its size); the smallest grown size is always kept, so that no post that grew
        # falls back to the base size beside neighbours that grew
        smallest, rest = grown[0], grown[1:]
        best = max(
            ((smallest, *kept) for kept in itertools.combinations(rest, MAX_STEPS - 1)),
            key=lambda kept: sum((kept_for(step, kept) / step) ** 2 for step in wanted),
        )
        for entry in group:
            target = kept_for(entry.body_scale, best)
            if target != entry.body_scale:
                entry.body_scale = target
                fitter.prepare(entry)
                entry.cuts = [entry.model.end] if entry.model is not None else entry.cuts


def _neighbours_share_steps(fitter: _Fitter, entries: list[PostFit]) -> None:
    """Neighbouring one-slide posts set in the same face share a size where they can: a
    post takes its neighbour's larger step when that still fits (at most NEIGHBOUR_FILL
    of the band) and is on its own layout's type scale; a grown post takes a neighbour's
    smaller step when it stays full enough (NEIGHBOUR_KEEP)."""

    def group(entry: PostFit) -> str | None:
        if entry.spec.kind != "post" or entry.mode == "off" or len(entry.cuts) != 1 or entry.body_scale < 1.0:
            return None
        kind = _type_kind(fitter, entry)
        return None if kind == "hook" else kind

    def try_step(entry: PostFit, step: float, accept: Callable[[float], bool]) -> bool:
        if step not in entry.spec.declaration.type_scale:
            return False
        before = entry.body_scale
        entry.body_scale = step
        model = fitter.prepare(entry)
        if fitter.fits_one(entry) and accept(fitter.fill(entry)):
            entry.cuts = [model.end]
            return True
        entry.body_scale = before
        entry.cuts = [fitter.prepare(entry).end]
        return False

    for _ in range(3):
        changed = False
        for left, right in itertools.pairwise(entries):
            if group(left) is None or group(left) != group(right) or abs(left.body_scale - right.body_scale) < 1e-9:
                continue
            small, large = sorted((left, right), key=lambda entry: entry.body_scale)
            if try_step(small, large.body_scale, lambda fill: fill <= NEIGHBOUR_FILL) or try_step(
                large, small.body_scale, lambda fill: fill >= NEIGHBOUR_KEEP
            ):
                changed = True
        if not changed:
            break


def _step_down(fitter: _Fitter, entry: PostFit) -> bool:
    """A grown post that overflows takes the next smaller step of its type scale."""
    lower = [step for step in entry.spec.declaration.type_scale if step < entry.body_scale - 1e-9 and step >= 1.0]
    entry.body_scale = lower[-1] if lower else 1.0
    fitter.prepare(entry)
    assert entry.model is not None
    fitter.plan_post(entry, balanced=True)
    return True


def _revise(fitter: _Fitter, entry: PostFit, geometries: list[SlideGeometry], round_number: int) -> bool:
    """Plan an entry again from what its layout measured. True when its slides changed."""
    if not geometries:
        return False
    if entry.mode == "off":
        if entry.spec.kind in ("cover", "outro") and not geometries[0].fits:
            return _shrink_title_slide(fitter, entry, geometries[0])
        return False
    if entry.spec.kind != "post":
        return False
    all_fit = all(g.fits for g in geometries)
    if _correct_media(fitter, entry, geometries[0]):
        return True
    if all_fit and (len(entry.cuts) == 1 or entry.rebalanced):
        return False
    if not all_fit and entry.body_scale > 1.0:
        return _step_down(fitter, entry)
    model = entry.model
    assert model is not None
    first = geometries[0]
    # measured furniture: title above the body, layout below it
    if first.lead is not None:
        entry.lead_first = first.lead
    if first.trail is not None:
        entry.trail_first = first.trail
    later = [g for g in geometries[1:] if g.lead is not None]
    if later:
        entry.lead_next = max(g.lead for g in later if g.lead is not None)
        trails = [g.trail for g in later if g.trail is not None]
        if trails:
            entry.trail_next = max(trails)
    # a title that leaves no room: shrink it (once measured)
    title_part = entry.lead_first - entry.furniture_first
    if not all_fit and entry.title_html and title_part > TITLE_SHARE * fitter.grid.content_height and entry.title_scale > TITLE_FLOOR:
        ratio = TITLE_SHARE * fitter.grid.content_height / max(title_part, 1.0)
        entry.title_scale = max(TITLE_FLOOR, round(entry.title_scale * math.sqrt(ratio), 3))
        old_cuts = len(entry.cuts)
        fitter.prepare(entry, first if first.body_width else None)
        fitter.plan_post(entry, balanced=True, keep=old_cuts)
        return True
    # the measured lines replace the guess
    if first.body_width and entry.typeset and abs(first.body_width - entry.typeset.width) > 0.02 * entry.typeset.width:
        lead_first, lead_next, trail_first, trail_next = entry.lead_first, entry.lead_next, entry.trail_first, entry.trail_next
        model = fitter.prepare(entry, first)
        entry.lead_first, entry.lead_next, entry.trail_first, entry.trail_next = lead_first, lead_next, trail_first, trail_next
    segments = []
    for (start, _), geometry in zip(entry.pieces(), geometries):
        segments.append((start, _measured_lines(start, geometry)))
    model.set_measured(segments)
    if all_fit:
        # every slide fits, all was laid out: with exact heights, are there too many
        # slides, or are they badly unbalanced (a guess far off)? Plan once more. Images
        # and quotes grow into the room text leaves: plan with them at their smallest.
        if fitter.adaptive(entry.spec):  # only an image adapts to the text; other furniture is as measured
            guess = fitter.frame(entry.spec, entry.title_html, entry.title_scale, entry.body_scale)
            entry.lead_first = min(entry.lead_first, guess.lead_first)
            entry.trail_first = min(entry.trail_first, guess.trail_first)
            entry.lead_next = min(entry.lead_next, guess.lead_next)
            entry.trail_next = min(entry.trail_next, guess.trail_next)
        entry.rebalanced = True
        before = list(entry.cuts)
        fills = [g.used / max(g.capacity, 1.0) for g in geometries]
        uneven = len(fills) <= 4 and min(fills) < 0.5 * max(fills)  # the 95 % / 5 % look
        if not uneven and sum(fills) / len(fills) >= 0.75:
            return False  # full and even enough: not worth laying the thread out again
        fitter.plan_post(entry, balanced=True)
        if len(entry.cuts) < len(before) or (len(entry.cuts) == len(before) and uneven and entry.cuts != before):
            return True
        entry.cuts = before
        entry.stuck = False
        return False
    # shrink mode: smaller type first, while above the floor; split mode too when a
    # one-slide post only just overflows (a split for a line or two looks accidental)
    nearly = geometries[0].overflow <= NEARLY_FITS * geometries[0].capacity and geometries[0].right_excess <= EPSILON
    if (entry.mode == "shrink" or nearly) and len(entry.cuts) == 1 and not entry.shrink_failed:
        if _shrink_more(fitter, entry, geometries[0], decisive=entry.mode != "shrink"):
            return True
        entry.shrink_failed = True
    # split: keep the slides that fit; from the first that does not, move what does
    # not fit on to the next slides (as few slides change as possible)
    bad = next(number for number, g in enumerate(geometries) if not g.fits)
    before = list(entry.cuts)
    start = entry.starts[bad]
    height, _ = model.height(start, entry.cuts[bad])
    room = fitter.room(entry, bad)
    if height <= room + EPSILON:
        # the layout disagrees with the model (something it cannot see): trust the layout
        entry.room_adjust[bad] = entry.room_adjust.get(bad, 0.0) + geometries[bad].overflow + 1.0
    if not _ripple(fitter, entry, bad):
        entry.room_adjust = {k: v for k, v in entry.room_adjust.items() if k < bad}
        fitter.plan_post(entry, balanced=round_number < GREEDY_AFTER, start_piece=bad)
    return entry.cuts != before


def _correct_media(fitter: _Fitter, entry: PostFit, geometry: SlideGeometry) -> bool:
    """The layout sized its image from the text's estimated height (`measure`): correct
    the image's room by what the layout measured — smaller when the slide overflows a
    little, larger when room is left and the image is held by its height. At most two
    corrections; True when the slide is to be laid out again."""
    spec, grid = entry.spec, fitter.grid
    image = spec.image
    if (
        image is None
        or not fitter.adaptive(spec)
        or image_beside(spec.declaration.image.place, image_ratio(image), grid, spec.stacked)
        or len(entry.cuts) != 1
        or entry.media_tries >= 2
        or geometry.media is None
        or geometry.right_excess > EPSILON
        or (entry.media_seen is not None and entry.media_seen == geometry.media)  # the last correction changed nothing
    ):
        return False
    if not geometry.fits:
        if geometry.overflow > 0.25 * geometry.capacity:
            return False  # more than an image can give back: shrink or split
        change = -(geometry.overflow + grid.unit)
    else:
        width, height = geometry.media
        column = text_column(grid, spec.declaration, image_ratio(image), True, spec.stacked)
        held_by_height = (
            width < column - grid.unit
            and (not image.width or width < image.width - 1)
            # its figure (a mat's padding included) below the layout's largest share
            and (geometry.media_frame or height) < spec.declaration.image.share[1] * grid.content_height - grid.unit
        )
        free = geometry.capacity - geometry.used
        if not held_by_height or free <= MEDIA_SLACK * grid.unit:
            return False
        change = free - grid.unit
    entry.media_adjust += change
    entry.media_tries += 1
    entry.media_seen = geometry.media
    return True


def _ripple(fitter: _Fitter, entry: PostFit, first: int) -> bool:
    """Shorten slide `first` to what fits and push the rest on, slide by slide, until
    one has room for it. False when the post needs another slide."""
    model = entry.model
    assert model is not None
    cuts = list(entry.cuts)
    start = entry.starts[first]
    for index in range(first, len(cuts)):
        room = fitter.room(entry, index)
        height, measured = model.height(start, cuts[index])
        limit = room if measured else room * SAFETY
        if index > first and height <= limit + EPSILON:
            entry.cuts = cuts
            return True
        if index == len(cuts) - 1:
            return False
        end, fits = best_cut(model, start, room, room)
        if not fits or end <= start or end >= model.end:
            return False
        cuts[index] = end
        start = end
    return False


def _measured_lines(start: Position, geometry: SlideGeometry) -> list[tuple[Position, Anchor]]:
    """A slide's measured lines as (position in the post, anchor from the body's top)."""
    if geometry.body_top is None:
        return []
    first_block, first_offset = start
    lines: list[tuple[Position, Anchor]] = []
    for line in geometry.lines:
        block = first_block + line.block
        offset = line.unit_end + (first_offset if line.block == 0 else 0)
        lines.append(((block, offset), Anchor(line.bottom - geometry.body_top, line.pad, line.height, True)))
    lines.sort(key=lambda item: (item[0], item[1].bottom))
    return lines


def _shrink_more(fitter: _Fitter, entry: PostFit, geometry: SlideGeometry, decisive: bool = False) -> bool:
    """fit: shrink — a smaller scale from the measured excess. False at the floor.
    `decisive`: for a post that only just overflows, one step that surely fits (text
    height goes with the square of its size, so the excess ratio is more than enough)."""
    floor = entry.spec.options.shrink_floor
    used = max(geometry.used, 1.0)
    wanted = max(0.1, (used - geometry.overflow) / used)
    factor = wanted * 0.99 if decisive else math.sqrt(wanted) * 0.99
    if entry.body_scale > floor + 1e-9:
        entry.body_scale = max(floor, round(entry.body_scale * factor, 3))
    elif entry.title_scale > floor + 1e-9 and entry.title_html:
        entry.title_scale = max(floor, round(entry.title_scale * factor, 3))
    else:
        return False
    entry.cuts = [fitter.prepare(entry).end]
    return True


def _shrink_title_slide(fitter: _Fitter, entry: PostFit, geometry: SlideGeometry) -> bool:
    """A cover or outro that overflows: its title (hook, headline) gets smaller."""
    if entry.title_scale <= COVER_FLOOR + 1e-9:
        return False
    used = max(geometry.used, 1.0)
    wanted = max(0.05, (used - geometry.overflow - 8) / used)
    entry.title_scale = max(COVER_FLOOR, round(entry.title_scale * math.sqrt(wanted) * 0.97, 3))
    entry.spec = entry.spec.with_changes(title_scale=entry.title_scale)
    return True


def _problem(entry: PostFit, geometry: SlideGeometry) -> str:
    if geometry.right_excess > EPSILON and geometry.overflow <= EPSILON:
        return f"is {geometry.right_excess:.0f}px too wide for the slide"
    if entry.mode == "off":
        return f"overflows by {geometry.overflow:.0f}px (fit: off)"
    return f"overflows by {geometry.overflow:.0f}px: it cannot be fitted"


def _px(value: float) -> str:
    return f"{round(value * 2) / 2:g}px"


def _size(fitter: _Fitter, reference_px: float) -> str:
    """A type size as `typography` gives it (on the 540 px reference) and as drawn on the slide:
    "17px" alone reads as tiny on a 1080 px slide where it is 34 px."""
    canvas = fitter.plan.canvas
    return f"{_px(reference_px)} ({_px(canvas.px(reference_px))} on the {canvas.width} px slide)"


def _hook_size(fitter: _Fitter) -> float:
    """The cover's hook size on the 540 px reference (the grid's --hook-size, else the title size)."""
    hook = fitter.grid.css_variables().get("--hook-size", "")
    if hook.endswith("px"):
        return float(hook[:-2]) / fitter.plan.canvas.scale
    return fitter.plan.options.typography.title


def _notes(fitter: _Fitter, entries: list[PostFit]) -> list[str]:
    """What fitting did, for the build's report and the manifest."""
    notes: list[str] = []
    typography = fitter.plan.options.typography
    for entry in entries:
        label = entry.spec.label
        if entry.spec.kind in ("cover", "outro"):
            if entry.title_scale < 1.0:
                notes.append(
                    f"{label} title shrunk to {_size(fitter, _hook_size(fitter) * entry.title_scale if entry.spec.kind == 'cover' else typography.title * entry.title_scale)}"
                )
            continue
        parts: list[str] = []
        if entry.body_scale < 1.0:
            parts.append(f"shrunk to {_size(fitter, entry.spec.options.typography.body * entry.body_scale)}")
        if entry.title_scale < 1.0:
            parts.append(f"title shrunk to {_size(fitter, entry.spec.options.typography.title * entry.title_scale)}")
        if len(entry.cuts) > 1:
            parts.append(f"split over {len(entry.cuts)} slides")
        if parts:
            notes.append(f"{label} " + ", ".join(parts))
    return notes
