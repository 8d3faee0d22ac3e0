"""`carousel themes` and `carousel layouts`: what a project can use."""

from __future__ import annotations

from pathlib import Path

import click

from generator.catalog import SPECIAL_LAYOUTS, available_layouts
from generator.cli.common import exits_on_carousel_error, project_option, resolve_project
from generator.themes import available_themes, load_theme

LAYOUT_SUMMARIES = {
    "classic": "title + body",
    "tweet": "the post as an X card: avatar, name, handle, text, image",
    "numbered": "big step number in the accent colour",
    "quote": "large quotation marks, the quote in display type, small attribution",
    "image": "image-led, with a caption",
    "split": "text beside an image",
    "cover": "first slide: hook, subtitle, author, swipe cue",
    "outro": "last slide: headline, up to three actions, profile card",
}


@click.command("themes")
@project_option
@exits_on_carousel_error
def themes_command(project_dir: Path | None) -> None:
    """List the built-in and project themes."""
    project = resolve_project(project_dir)
    for name in available_themes(project):
        theme = load_theme(project, name)
        origin = "project" if (project.root / "themes" / name).is_dir() else "built-in"
        fonts = theme.fonts["display"] if theme.fonts["display"] == theme.fonts["text"] else f"{theme.fonts['display']} + {theme.fonts['text']}"
        click.echo(f"{name:<14} {theme.mode:<6} {origin:<9} {fonts:<30} {theme.description}")


@click.command("layouts")
@project_option
@exits_on_carousel_error
def layouts_command(project_dir: Path | None) -> None:
    """List the post layouts (and the cover and outro slides)."""
    project = resolve_project(project_dir)
    for name in available_layouts(project) + list(SPECIAL_LAYOUTS):
        origin = "project" if (project.root / "layouts" / f"{name}.html").is_file() else "built-in"
        click.echo(f"{name:<10} {origin:<9} {LAYOUT_SUMMARIES.get(name, '')}")
