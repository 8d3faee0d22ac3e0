"""Slide plans -> one HTML document per thread, through Jinja2 layouts.

Autoescape is on for every template, so front-matter values and profile fields
are escaped; post bodies arrive already sanitised (see content.markdown).
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from jinja2 import ChoiceLoader, Environment, FileSystemLoader, StrictUndefined
from markupsafe import Markup
from pygments.formatters import HtmlFormatter

from generator.content.markdown import plain_text
from generator.model import ImageAsset, SlideSpec, ThreadPlan
from generator.project import Project
from generator.render.grid import Grid, TextMeasure, grid_for, image_ratio, text_direction
from generator.render.patterns import pattern_css
from generator.themes import Theme

CENTRED_LAYOUTS = {"cover", "outro", "quote", "tweet"}
ATTRIBUTION = re.compile(r"^\s*<p\b[^>]*>\s*(?:—|–|--)\s*(.+?)</p>\s*$", re.DOTALL)
# the space before a block's last short word (WeasyPrint has no `text-wrap: balance`)
LAST_WORD = re.compile(r" ((?:<(?:a|b|strong|em|i|code|span)\b[^>]*>)?[^\s<>]{1,12}(?:</(?:a|b|strong|em|i|code|span)>)*[.,;:!?…)\u201d\"']*)(?=\s*(?:</(?:p|li|h[1-6]|blockquote)>|$))")


def no_widow(html: str) -> Markup:
    """Tie the last word of each paragraph, list item and heading to the one before it."""
    return Markup(LAST_WORD.sub("\u00a0\\1", html))


@lru_cache(maxsize=8)
def pygments_css(style: str) -> str:
    """Stylesheet for highlighted code in a Pygments style."""
    return HtmlFormatter(style=style).get_style_defs(".highlight")


def new_environment(project: Project) -> Environment:
    """Jinja environment: the project's layouts override the built-in ones by file name."""
    loader = ChoiceLoader([FileSystemLoader(str(folder)) for folder in project.layouts.folders])
    return Environment(loader=loader, autoescape=True, undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True)


@dataclass(frozen=True)
class SlideView:
    """What a layout template sees of one slide."""

    index: int  # 1-based position in the carousel
    total: int
    spec: SlideSpec
    title: Markup
    body: Markup
    attribution: str
    step: int  # the post's number among post slides (numbered layout)
    image: ImageAsset | None
    title_size: float
    body_size: float
    fit_style: str = ""  # extra custom properties for a slide whose title fitting shrank

    @property
    def kind(self) -> str:
        return self.spec.kind

    @property
    def layout(self) -> str:
        return self.spec.layout

    @property
    def options(self):
        return self.spec.options

    @property
    def is_last(self) -> bool:
        return self.index == self.total

    @property
    def continued(self) -> bool:
        return self.spec.continued

    @property
    def anchor(self) -> str:
        return f"slide-{self.index}"


def _views(plan: ThreadPlan, slides: tuple[SlideSpec, ...], grid: Grid) -> list[SlideView]:
    views: list[SlideView] = []
    step = 0
    last_post: tuple[int, ...] = ()
    for index, spec in enumerate(slides, start=1):
        blocks = list(spec.blocks)
        attribution = ""
        if spec.layout == "quote" and len(blocks) > 1 and (match := ATTRIBUTION.match(blocks[-1])):
            attribution = plain_text(match.group(1)).strip()
            blocks.pop()
        if spec.kind == "post" and spec.post_numbers != last_post:
            step += 0 if spec.continued else 1
            last_post = spec.post_numbers
        views.append(
            SlideView(
                index=index,
                total=len(slides),
                spec=spec,
                title=no_widow(spec.title_html),
                body=no_widow("\n".join(blocks)),
                attribution=attribution,
                step=step,
                image=spec.image,
                title_size=round(grid.title_size * spec.title_scale, 2),
                body_size=round(grid.body_size * spec.body_scale, 2),
                fit_style=_scaled_hook(grid, spec.title_scale),
            )
        )
    return views


def _scaled_hook(grid: Grid, scale: float) -> str:
    """The cover hook size for a title shrunk by fitting (empty when not shrunk)."""
    hook = grid.css_variables().get("--hook-size")
    if scale == 1.0 or not hook or not hook.endswith("px"):
        return ""
    return f"--hook-size: {round(float(hook[:-2]) * scale, 2):g}px;"


def theme_variables(theme: Theme) -> dict[str, str]:
    colours = {f"--{role.replace('_', '-')}": value for role, value in theme.colours.items()}
    fonts = {
        "--font-display": f'"{theme.fonts["display"]}"',
        "--font-text": f'"{theme.fonts["text"]}"',
        "--font-mono": f'"{theme.fonts["mono"]}"',
        "--display-weight": str(theme.display_weight),
        "--title-transform": theme.title_transform,
    }
    return {**colours, **fonts}


def render_html(
    env: Environment, project: Project, plan: ThreadPlan, theme: Theme, slides: tuple[SlideSpec, ...] | None = None,
    only: Collection[int] | None = None,
) -> str:
    """The complete HTML of a thread's carousel (all slides, one page each).

    `only` keeps just the slides at those 1-based positions (fitting re-renders the
    slides it changed); each is the same page as in the whole document.
    """
    slides = plan.slides if slides is None else slides
    grid = grid_for(plan.canvas, plan.options.typography)
    views = _views(plan, slides, grid)
    layout_css: list[str] = []
    for name in ["_base"] + sorted({view.layout for view in views}):
        css_path = project.layouts.find(f"{name}.css")
        if css_path is not None:
            layout_css.append(css_path.read_text(encoding="utf-8"))
    theme_css = [path.read_text(encoding="utf-8") for path in theme.css_files]
    variables = {**grid.css_variables(), **theme_variables(theme)}
    page_css = f"@page {{ size: {grid.width}px {grid.height}px; margin: 0; }}\n"
    root_css = page_css + ":root {\n" + "".join(f"  {key}: {value};\n" for key, value in variables.items()) + "}\n"
    code_style = "github-dark" if theme.mode == "dark" else "friendly"
    patterns = {
        view.index: pattern_css(view.options.pattern.name, theme.colours["text"], theme.colours["accent"], grid.unit)
        for view in views
        if only is None or view.index in only
    }
    context: dict[str, Any] = {
        "thread": plan.meta,
        "title": no_widow(plan.meta.title_html),
        "subtitle": no_widow(plan.meta.subtitle_html),
        "profile": plan.profile,
        "avatar": plan.avatar,
        "logo": plan.logo,
        "canvas": plan.canvas,
        "grid": grid,
        "measure": TextMeasure(theme.fonts["text"], theme.fonts["display"], theme.title_transform == "uppercase"),
        "image_ratio": image_ratio,
        "text_direction": text_direction,
        "theme": theme,
        "slides": views if only is None else [view for view in views if view.index in only],
        "patterns": patterns,
        "centred_layouts": CENTRED_LAYOUTS,
        "stylesheet": Markup(root_css + "\n".join(layout_css) + "\n" + pygments_css(code_style) + "\n" + "\n".join(theme_css)),
    }
    return env.get_template("_document.html").render(context)
