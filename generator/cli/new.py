"""`carousel new DIR`: scaffold a content repository."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from generator.output import atomic_write

CAROUSEL_YAML = """\
# Carousel Studio project settings. Every key is optional.
defaults:
  theme: paper
  canvas: linkedin-portrait
  profile: me

profiles:
  me:
    name: Your Name
    handle: "@yourhandle"
    avatar: assets/avatar.svg
    website: example.com

presets:
  instagram-dark:
    canvas: instagram-portrait
    theme: midnight
    formats: [pdf, png]

outro:
  headline: Found this useful?
"""

FIRST_THREAD = """\
---
title: My first carousel
subtitle: Written in Markdown, built with one command
date: 2026-01-01T09:00:00+00:00
draft: true
---

# One idea per slide

Each post of the thread becomes a slide. Separate posts with a line holding only three dashes.

---

<!-- layout: numbered -->
## Write

Keep the thread in git, next to its images. **Bold** the phrase that matters. #carousels

---

<!-- layout: quote -->
Make it simple, then make it beautiful.

— A designer we agree with
"""

AVATAR_SVG = """\
<svg xmlns="http://www.w3.org/2000/svg" width="256" height="256" viewBox="0 0 256 256">
  <rect width="256" height="256" fill="#1f4fd1"/>
  <circle cx="128" cy="100" r="48" fill="#ffffff"/>
  <path d="M40 236c10-52 48-80 88-80s78 28 88 80" fill="#ffffff"/>
</svg>
"""

GITIGNORE = "output/\n.carousel-cache/\n"


@click.command("new")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
def new_command(directory: Path):
    """Create a content repository in DIRECTORY."""
    files = {
        "carousel.yaml": CAROUSEL_YAML,
        "content/my-first-carousel.md": FIRST_THREAD,
        "assets/avatar.svg": AVATAR_SVG,
        ".gitignore": GITIGNORE,
    }
    existing = [name for name in files if (directory / name).exists()]
    if existing:
        click.echo(f"error: {directory}: already has {', '.join(existing)}; nothing written", err=True)
        sys.exit(2)
    for name, text in files.items():
        atomic_write(directory / name, text.encode("utf-8"))
    (directory / "layouts").mkdir(exist_ok=True)
    (directory / "themes").mkdir(exist_ok=True)
    click.echo(f"created {directory}: run `carousel build --drafts` inside it", err=True)
