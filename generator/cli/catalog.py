"""`carousel themes` and `carousel layouts`: what a project can use."""

from __future__ import annotations

from pathlib import Path

import click

from generator.cli.common import exits_on_carousel_error, project_option, resolve_project
from generator.layouts import load_layouts
from generator.themes import available_themes, load_theme


@click.command("themes")
@project_option
@exits_on_carousel_error
def themes_command(project_dir: Path | None) -> None:
    """List the built-in and project themes."""
    project = resolve_project(project_dir)
    for name in available_themes(project):
        theme = load_theme(project, name)
        origin = "project" if (project.root / "themes" / name).is_dir() else "built-in"
        fonts = (
            theme.fonts["display"] if theme.fonts["display"] == theme.fonts["text"] else f"{theme.fonts['display']} + {theme.fonts['text']}"
        )
        click.echo(f"{name:<14} {theme.mode:<6} {origin:<9} {fonts:<30} {theme.description}")


@click.command("layouts")
@project_option
@exits_on_carousel_error
def layouts_command(project_dir: Path | None) -> None:
    """List the post layouts, then the cover and outro layouts, with their declarations."""
    project = resolve_project(project_dir)
    layouts = load_layouts(project)
    order = {"post": 0, "cover": 1, "outro": 2}
    for name, layout in sorted(layouts.items(), key=lambda item: (order[item[1].declaration.slide], item[0])):
        declared = layout.declaration
        click.echo(f"{name:<12} {layout.origin:<9} {declared.slide:<6} {declared.align:<7} {declared.description}")
