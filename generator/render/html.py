"""Slide plans -> one HTML document per thread, through Jinja2 layouts.

Layouts are untrusted (render.sandbox): they run sandboxed and see only plain
data — numbers, strings, Markup, tuples, dicts, namespaces and the pure helpers
`grid`, `measure`, `image_ratio`, `text_direction` — never a `Path` or anything
that reads files. Autoescape is on for every template, so front-matter values
and profile fields are escaped; post bodies arrive already sanitised (see
content.markdown).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime
from enum import Enum
from functools import lru_cache
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from jinja2 import Environment
from markupsafe import Markup
from pydantic import BaseModel

from generator.confine import ConfinementError, read_confined_text
from generator.content.markdown import plain_text
from generator.content.math import recolour
from generator.errors import CarouselError, Diagnostic, ThreadError
from generator.memo import Memo
from generator.model import ImageAsset, SlideSpec, ThreadPlan
from generator.project import Project
from generator.render.code import size_code_blocks
from generator.render.css import css_string, declared_properties, document_names, safe_stylesheet, used_rules, with_root_values
from generator.render.estimate import TextMeasure, font_metrics
from generator.render.grid import Grid, grid_for, image_beside, image_ratio, leading, text_column, text_direction, title_growth
from generator.render.patterns import pattern_css
from generator.render.sandbox import describe, new_layout_environment, render_bounded, template_location
from generator.render.split import column_sections, serialize, tokenize
from generator.render.syntax import syntax_css
from generator.render.titles import TitleMeasure, styled
from generator.render.widows import no_widow
from generator.themes import Theme

# a quote's last block `<p>— name</p>`: a test on one block the parser already split
# off (blocks are single top-level elements), not an edit of the HTML, so an anchored
# pattern reads it as safely as a parse would; the name goes through plain_text
ATTRIBUTION = re.compile(r"^\s*<p\b[^>]*>\s*(?:—|–|--)\s*(.+?)</p>\s*$", re.DOTALL)


def new_environment(project: Project) -> Environment:
    """Sandboxed Jinja environment: the project's layouts override the built-in ones by file name."""
    return new_layout_environment(project.layouts.folders)


def quote_attribution(block: str) -> tuple[str, str] | None:
    """A `> …` quote whose last paragraph is `— name`: (the quote without it, the name);
    None for any other block, or a quote that is nothing but the attribution."""
    tokens = tokenize(block)
    if not tokens or tokens[0].kind != "start" or tokens[0].tag != "blockquote":
        return None
    depth, last_start, last_end = 0, -1, -1
    for index, token in enumerate(tokens):
        if token.kind == "start":
            depth += 1
            if depth == 2 and token.tag == "p":
                last_start = index
        elif token.kind == "end":
            if depth == 2 and token.tag == "p" and last_start >= 0:
                last_end = index
            depth -= 1
        elif depth == 1 and token.kind == "text" and token.text.strip():
            last_start = last_end = -1  # text after the paragraphs: not an attribution
    if last_start < 0 or last_end < last_start or any(t.kind in ("start", "void") for t in tokens[last_end + 1 :]):
        return None
    match = ATTRIBUTION.match(serialize(tokens[last_start : last_end + 1]))
    quote = tokens[:last_start] + tokens[last_end + 1 :]
    if match is None or not any(t.kind == "text" and t.text.strip() for t in quote):
        return None
    return serialize(quote), plain_text(match.group(1)).strip()


# --- plain data for templates ---------------------------------------------------------

_SCALARS = (str, int, float, bool, type(None), datetime, date, Enum)


def plain(value: Any) -> Any:
    """`value` as plain data a sandboxed template may see.

    Models and dataclasses become namespaces of their fields and read-only
    properties; mappings stay dicts, sequences become tuples; a `Path` (or any
    other object) is left out, so no template can reach a method that reads files.
    """
    if isinstance(value, _SCALARS):
        return value
    if isinstance(value, ImageAsset):
        return image_view(value)
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items() if _shown(item)}
    if isinstance(value, (list, tuple, frozenset, set)):
        return tuple(plain(item) for item in value if _shown(item))
    if isinstance(value, BaseModel):
        fields = {name: getattr(value, name) for name in type(value).model_fields}
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        fields = {field.name: getattr(value, field.name) for field in dataclasses.fields(value)}
    else:
        raise TypeError(f"{type(value).__name__} is not plain data for a template")
    fields.update({name: getattr(value, name) for name in _properties(type(value))})  # type: ignore[arg-type]  # (classes hash)
    return SimpleNamespace(**{name: plain(item) for name, item in fields.items() if _shown(item)})


def _shown(value: Any) -> bool:
    return not isinstance(value, Path) and not callable(value)


@lru_cache(maxsize=64)
def _properties(cls: type) -> tuple[str, ...]:
    return tuple(
        sorted(
            {
                name
                for klass in cls.__mro__
                for name, member in vars(klass).items()
                if isinstance(member, property) and not name.startswith("_")
            }
        )
    )


@dataclass(frozen=True)
class ImageView:
    """What a layout sees of an image: its URL (confined by the fetcher), alt text and size."""

    url: str
    alt: str
    width: int | None
    height: int | None
    ratio: float | None  # width / height, from pixels or an SVG's viewBox
    focus: tuple[float, float] = (0.5, 0.5)  # the point a crop keeps in view (0..1 across, down)


def image_view(asset: ImageAsset) -> ImageView:
    return ImageView(
        url=asset.url,
        alt=asset.alt,
        width=asset.width,
        height=asset.height,
        ratio=image_ratio(asset),
        focus=asset.focus or (0.5, 0.5),
    )


def view_ratio(image: ImageView | None) -> float | None:
    """`image_ratio` for templates: reads nothing, the ratio was measured before."""
    return image.ratio if isinstance(image, ImageView) else None


def theme_view(theme: Theme) -> SimpleNamespace:
    """A theme as templates see it (no stylesheet paths)."""
    return SimpleNamespace(
        name=theme.name,
        label=theme.label,
        description=theme.description,
        mode=theme.mode,
        colours=dict(theme.colours),
        fonts=dict(theme.fonts),
        display_weight=theme.display_weight,
        title_transform=theme.title_transform,
        cover=theme.cover,
        highlight=theme.highlight,
    )


@dataclass(frozen=True)
class SlideView:
    """What a layout template sees of one slide."""

    index: int  # 1-based position in the carousel
    total: int
    kind: str
    layout: str
    options: SimpleNamespace  # the slide's options as plain data
    continued: bool
    continues: bool  # the post goes on on the next slide: a layout does not loosen what the next slide continues
    post_numbers: tuple[int, ...]
    title: Markup
    body: Markup
    attribution: str
    step: int  # the post's number among post slides (numbered layout)
    figure: str  # the post's figure, for a layout that takes one (stat)
    image: ImageView | None
    image_beside: bool  # the layout sets the image beside the text (grid.image_beside: not landscape, not on a tall canvas)
    title_size: float
    body_size: float
    fit_style: str = ""  # extra custom properties for a slide whose title fitting shrank
    title_style: Markup = Markup("")  # the title's balanced measure (max-width)  # noqa: RUF009
    title_class: str = ""  # "hyphenate": a word wider than the slide is hyphenated
    # from the layout's declaration (layouts/<name>.yaml)
    centred: bool = False  # centred vertically in the content band
    bottom: bool = False  # set at the foot of the content band (align: bottom)
    balanced: bool = False  # top-aligned, lifted to the band's optical centre when it leaves room
    display_body: bool = False  # a very short post set in the display face (body_in_display)
    line_height: float = 1.45  # the body's line height (the fitter plans with it)
    media_share: tuple[float, float] = (0.14, 0.45)  # least and most of the band an image takes
    media_adjust: float = 0.0  # px: the measured correction of the guessed image room (fitting)
    type_scale: tuple[float, ...] = (1.0,)  # the sizes a hook or headline may take
    columns: int = 1  # a two-column layout's columns for this post: 1 when it has one list or section

    @property
    def is_last(self) -> bool:
        return self.index == self.total

    @property
    def anchor(self) -> str:
        return f"slide-{self.index}"


def _views(plan: ThreadPlan, slides: tuple[SlideSpec, ...], grid: Grid, titles: TitleMeasure) -> list[SlideView]:
    views: list[SlideView] = []
    for index, spec in enumerate(slides, start=1):
        title_size = round(grid.title_size * spec.title_scale * title_growth(spec.body_scale), 2)
        column = text_column(grid, spec.declaration, image_ratio(spec.image), spec.image is not None, spec.stacked)
        title_set, title_html, title_fit = None, no_widow(spec.title_html), ""
        if spec.title_html and _title_in_display(spec):
            # smaller until the widest word fits: a title never breaks inside a word (the
            # title alone: a step number or kicker sized from the title size keeps its size)
            title_set = titles.post(spec.title_html, column, title_size * spec.declaration.text.title)
            fitted = round(title_size * title_set.scale, 2)
            if title_set.scale < 1.0:
                title_fit = f"--title-size: {fitted:g}px;"
            size = fitted * spec.declaration.text.title
            if not titles.tie_fits(title_html, column, size):
                title_html = Markup(spec.title_html)  # the tie would force a break inside a word
            elif title_html != spec.title_html:
                if titles.stranded(title_html, column, size) and not titles.stranded(spec.title_html, column, size):
                    title_html = Markup(spec.title_html)  # the tie would leave "A" alone on the first line
                else:
                    # balanced for the tied words: "Ship the tiny script" balanced untied
                    # and set tied would break a word inside the narrower width
                    title_set = dataclasses.replace(title_set, width=max(title_set.width, titles.balanced_width(title_html, column, size)))
        blocks = list(spec.blocks)
        attribution = ""
        if "attribution" in spec.declaration.takes and len(blocks) > 1 and (match := ATTRIBUTION.match(blocks[-1])):
            attribution = plain_text(match.group(1)).strip()
            blocks.pop()
        elif "attribution" in spec.declaration.takes and blocks and (quoted := quote_attribution(blocks[-1])) is not None:
            blocks[-1], attribution = quoted
        views.append(
            SlideView(
                index=index,
                total=len(slides),
                kind=spec.kind,
                layout=spec.layout,
                options=plain(spec.options),
                continued=spec.continued,
                continues=spec.continues,
                post_numbers=spec.post_numbers,
                title=title_html,
                body=no_widow(
                    size_code_blocks(
                        "\n".join(blocks),
                        body_px=grid.body_size * spec.body_scale,
                        column_px=grid.content_width,
                        scale=grid.width / 1080,
                        unit=grid.unit,
                    )
                ),
                attribution=attribution,
                step=spec.step,
                figure=spec.figure,
                image=image_view(spec.image) if spec.image is not None else None,
                image_beside=spec.image is not None
                and image_beside(spec.declaration.image.place, image_ratio(spec.image), grid, spec.stacked),
                title_size=title_size,
                title_style=Markup(title_fit) + (styled(title_set, column) if title_set else Markup("")),
                title_class="hyphenate" if title_set and title_set.hyphenate else "",
                centred=spec.declaration.centred,
                bottom=spec.declaration.align == "bottom",
                balanced=spec.declaration.balanced,
                display_body=body_in_display(spec, grid, spec.body_scale),
                line_height=leading(spec.declaration.text.line_height, spec.body_scale),
                media_share=spec.declaration.image.share,
                media_adjust=spec.media_adjust,
                type_scale=spec.declaration.type_scale,
                columns=min(spec.declaration.columns, max(1, column_sections(blocks))),
                body_size=round(grid.body_size * spec.body_scale, 2),
                fit_style=_scaled_hook(grid, spec.title_scale),
            )
        )
    return views


DISPLAY_LINE_CHARS = 90  # a post this short, set at least at the title size, reads as a display line


def body_in_display(spec: SlideSpec, grid: Grid, body_scale: float) -> bool:
    """Is a post's body set in the display face? A very short post without a title or
    an image (one paragraph) that fitting grew to the title size or more is a hook, and
    is set like one; the fitter plans it in that face too."""
    if spec.kind != "post" or spec.title_html or spec.image is not None or spec.declaration.text.font != "text":
        return False
    if spec.declaration.centred or len(spec.blocks) != 1 or grid.body_size * body_scale < grid.title_size - 0.5:
        return False
    block = spec.blocks[0].lstrip()
    return block.startswith("<p") and len(plain_text(block)) <= DISPLAY_LINE_CHARS


def _title_in_display(spec: SlideSpec) -> bool:
    """Is the post title set as a display title (sized from the title size)? A card's
    title set at the body size in the text face wraps like the body."""
    text = spec.declaration.text
    return text.title_base == "title" and text.title_font == "display"


def _scaled_hook(grid: Grid, scale: float) -> str:
    """The cover hook size for a title shrunk by fitting (empty when not shrunk)."""
    hook = grid.css_variables().get("--hook-size")
    if scale == 1.0 or not hook or not hook.endswith("px"):
        return ""
    return f"--hook-size: {round(float(hook[:-2]) * scale, 2):g}px;"


def theme_variables(theme: Theme) -> dict[str, str]:
    colours = {f"--{role.replace('_', '-')}": value for role, value in theme.colours.items()}
    fonts = {
        "--font-display": css_string(theme.fonts["display"]),
        "--font-text": css_string(theme.fonts["text"]),
        "--font-mono": css_string(theme.fonts["mono"]),
        "--display-weight": str(theme.display_weight),
        "--title-transform": theme.title_transform,
    }
    return {**colours, **fonts, **theme.style_variables()}


def stylesheet(project: Project, path: Path, memo: Memo | None = None) -> str:
    """A layout's or theme's CSS file, read inside the project and made safe to inline."""
    return safe_stylesheet(read_confined_text(path, project.trusted_roots), memo)


def render_html(
    env: Environment,
    project: Project,
    plan: ThreadPlan,
    theme: Theme,
    slides: tuple[SlideSpec, ...] | None = None,
    only: Collection[int] | None = None,
    memo: Memo | None = None,
) -> str:
    """The complete HTML of a thread's carousel (all slides, one page each).

    `only` keeps just the slides at those 1-based positions (fitting re-renders the
    slides it changed); each is the same page as in the whole document. `memo`
    remembers font metrics and parsed stylesheets between runs.
    """
    slides = plan.slides if slides is None else slides
    grid = grid_for(plan.canvas, plan.options.typography)
    font_folders = tuple(p for p in (project.builtin / "themes" / "fonts", project.root / "themes") if p.is_dir())
    titles = TitleMeasure.of(theme.fonts["display"], theme.display_weight, font_folders, theme.title_transform == "uppercase", memo)
    views = _views(plan, slides, grid, titles)
    try:
        layout_css = [
            stylesheet(project, path, memo)
            for name in ["_base", "_details", "_covers"] + sorted({view.layout for view in views})
            if (path := project.layouts.find(f"{name}.css"))
        ]
        theme_css = [stylesheet(project, path, memo) for path in theme.css_files]
    except ConfinementError as error:
        raise ThreadError(Diagnostic(project.relative(error.path), None, f"{error.reason} (building {plan.meta.shown_path})")) from error
    variables = {**grid.css_variables(), **theme_variables(theme)}
    page_css = f"@page {{ size: {grid.width}px {grid.height}px; margin: 0; }}\n"
    root_css = page_css + ":root {\n" + "".join(f"  {key}: {value};\n" for key, value in variables.items()) + "}\n"
    patterns = {
        view.index: pattern_css(view.options.pattern.name, theme.colours["text"], theme.colours["accent"], grid.unit)
        for view in views
        if only is None or view.index in only
    }
    context: dict[str, Any] = {
        "thread": plain(plan.meta),
        "title": no_widow(plan.meta.title_html),
        "subtitle": no_widow(plan.meta.subtitle_html),
        "profile": plain(plan.profile) if plan.profile is not None else None,
        "avatar": image_view(plan.avatar) if plan.avatar is not None else None,
        "logo": image_view(plan.logo) if plan.logo is not None else None,
        "canvas": plain(plan.canvas),
        "grid": grid,
        "measure": TextMeasure(
            font_metrics(theme.fonts["text"], 400, font_folders, memo),
            font_metrics(theme.fonts["text"], 700, font_folders, memo),
            font_metrics(theme.fonts["display"], theme.display_weight, font_folders, memo),
            theme.title_transform == "uppercase",
        ),
        "titles": titles,
        "styled": styled,
        "lang": plan.meta.lang,
        "image_ratio": view_ratio,
        "text_direction": text_direction,
        "theme": theme_view(theme),
        "slides": views if only is None else [view for view in views if view.index in only],
        "patterns": patterns,
        "stylesheet": Markup(root_css + "\n".join(layout_css) + "\n" + syntax_css(theme.colours) + "\n" + "\n".join(theme_css)),
    }
    try:
        html = render_bounded(env.get_template("_document.html"), context)
        return recolour(with_used_rules(html, context["stylesheet"], memo), theme.colours["text"])
    except CarouselError:
        raise
    except Exception as error:  # anything a layout template raises is that layout's problem, located
        raise layout_error(project, plan, error) from error


def with_used_rules(html: str, stylesheet: str, memo: Memo | None = None) -> str:
    """`html` whose stylesheet keeps only the rules its elements can use (`css.used_rules`),
    with the var() of custom properties that have one value replaced by it (`css.with_root_values`).

    The document template writes the stylesheet once, verbatim, in the head; a template
    that writes it otherwise keeps it whole (correct, only slower to lay out).
    """
    head, found, tail = html.partition(stylesheet)
    if not found:
        return html
    css = with_root_values(used_rules(stylesheet, document_names(html), memo), declared_properties(head + tail))
    return head + css + tail


def layout_error(project: Project, plan: ThreadPlan, error: Exception) -> ThreadError:
    """A layout's failure as `layouts/x.html:line: layout: message` for the thread that used it."""
    path, line = template_location(error, project.layouts.folders)
    where = project.relative(path) if path is not None else plan.meta.shown_path
    return ThreadError(Diagnostic(where, line, f"layout: {describe(error)} (building {plan.meta.shown_path})"))
