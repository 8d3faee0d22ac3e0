"""`carousel new DIR`: scaffold a content repository."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import NoReturn

import click

from generator import __version__
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

# Build every thread for each platform at once, into output/<slug>/<target>/:
# targets:
#   linkedin:  {canvas: linkedin-portrait, formats: [pdf]}
#   instagram: {canvas: instagram-portrait, formats: [png]}
#   story:     {canvas: story, formats: [jpg], platform: instagram}
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

SHARDS = 4

# The scheduled publishing pipeline (README: "Publishing from CI"). One job fixes the run
# time, so every shard decides "due" alike; shards lint and build their share; a last
# job merges the shards' output and manifests into one artifact for the publisher.
WORKFLOW = """\
# Build what is due, on a schedule and on every push (Carousel Studio).
name: carousel

on:
  schedule:
    - cron: "0 6 * * *"   # every day at 06:00 UTC
  push:
    branches: [main]
  workflow_dispatch:

permissions:
  contents: read

concurrency:
  group: carousel-${{{{ github.ref }}}}
  cancel-in-progress: false

env:
  CAROUSEL_VERSION: "{version}"
  SHARDS: "{shards}"

jobs:
  plan:
    runs-on: ubuntu-latest
    outputs:
      now: ${{{{ steps.now.outputs.now }}}}
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
        with:
          python-version: "3.12"
      - run: pip install "carousel-studio==$CAROUSEL_VERSION"
      - id: now
        name: Fix the run time (every shard builds what is due at this moment)
        run: echo "now=$(date -u +%Y-%m-%dT%H:%M:%SZ)" >> "$GITHUB_OUTPUT"
      - name: What this run publishes
        run: carousel list --json --due --now "${{{{ steps.now.outputs.now }}}}" | tee due.json
      - uses: actions/upload-artifact@v4
        with:
          name: due
          path: due.json

  build:
    needs: plan
    runs-on: ubuntu-latest
    strategy:
      fail-fast: false
      matrix:
        shard: [{shard_list}]
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
        with:
          python-version: "3.12"
      - name: Install Carousel Studio
        run: |
          sudo apt-get update
          sudo apt-get install -y libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0
          pip install "carousel-studio==$CAROUSEL_VERSION"
      - name: Lint what is due against LinkedIn's and Instagram's rules (a draft may be half-written)
        run: carousel check --due --now "${{{{ needs.plan.outputs.now }}}}" --shard ${{{{ matrix.shard }}}}/$SHARDS
      - name: Build what is due (drafts and future-dated threads stay out)
        run: carousel build --now "${{{{ needs.plan.outputs.now }}}}" --shard ${{{{ matrix.shard }}}}/$SHARDS --out output
      - uses: actions/upload-artifact@v4
        with:
          name: output-shard-${{{{ matrix.shard }}}}
          path: output/
          if-no-files-found: ignore

  merge:
    needs: build
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-python@v5
        with:
          python-version: "3.12"
      - run: pip install "carousel-studio==$CAROUSEL_VERSION"
      - uses: actions/download-artifact@v4
        with:
          pattern: output-shard-*
          path: shards
      - name: Merge the shards' files and manifests
        run: carousel manifest --merge shards/* --out output
      - uses: actions/upload-artifact@v4
        with:
          name: carousels
          path: output/
"""


def workflow_text(version: str = __version__, shards: int = SHARDS) -> str:
    """.github/workflows/carousel.yml for a project built with this version."""
    return WORKFLOW.format(version=version, shards=shards, shard_list=", ".join(str(k) for k in range(1, shards + 1)))


@click.command("new")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
def new_command(directory: Path) -> None:
    """Create a content repository in DIRECTORY."""
    files = {
        "carousel.yaml": CAROUSEL_YAML,
        "content/my-first-carousel.md": FIRST_THREAD,
        "assets/avatar.svg": AVATAR_SVG,
        ".gitignore": GITIGNORE,
        ".github/workflows/carousel.yml": workflow_text(),
    }
    existing = [name for name in files if (directory / name).exists()]
    if existing:
        click.echo(f"error: {directory}: already has {', '.join(existing)}; nothing written", err=True)
        sys.exit(2)
    inside = {Path("layouts"), Path("themes"), *(parent for name in files for parent in Path(name).parents)}
    folders = sorted(directory / folder for folder in inside)  # DIR itself is Path(".")
    # a file (or device) where a folder goes: said before anything is written
    for folder in folders:
        if folder.exists() and not folder.is_dir():
            _fail(folder, "cannot create folder: it exists and is not a folder")
    for folder in folders:
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            _fail(folder, f"cannot create folder: {_reason(folder, error)}")
    for name, text in files.items():
        try:
            atomic_write(directory / name, text.encode("utf-8"))
        except OSError as error:
            _fail(directory / name, f"cannot write: {error.strerror or error}")
    click.echo(f"created {directory}: run `carousel build --drafts` inside it", err=True)


def _reason(folder: Path, error: OSError) -> str:
    """Why a folder cannot be made: a file on its way, else what the system says."""
    for above in folder.parents:
        if above.exists():
            if not above.is_dir():
                return f"{above} is not a folder"
            break
    if isinstance(error, FileExistsError):
        return "it exists and is not a folder"
    return error.strerror or str(error)


def _fail(path: Path, message: str) -> NoReturn:
    """One line naming the path, exit 2: the project cannot be made."""
    click.echo(f"{path}: {message}", err=True)
    sys.exit(2)
