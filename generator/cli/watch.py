"""`carousel watch`: build, then rebuild what each saved change affects, until Ctrl-C."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from generator.build import BuildRequest
from generator.catalog import cli_layer_problems, load_catalog, validate_cli_layer
from generator.cli import debug_option
from generator.cli.common import (
    build_options,
    cli_layer,
    debug_mode,
    exits_on_carousel_error,
    override_options,
    parse_now,
    project_option,
    require_project,
    watch_loop_options,
)
from generator.errors import CarouselError, ConfigError
from generator.parallel import default_jobs
from generator.progress import BuildProgress
from generator.watch import DEBOUNCE_SECONDS, Watcher


@click.command("watch")
@build_options(
    force_help="Render every thread in the initial build, ignoring the build cache.",
    jobs_help="Rendering processes kept warm (default: CPU count).",
)
@watch_loop_options(DEBOUNCE_SECONDS)
@override_options
@project_option
@debug_option
@exits_on_carousel_error
def watch_command(
    out_dir: Path | None,
    format_option: str | None,
    jobs: int | None,
    drafts: bool,
    future: bool,
    now_option: str | None,
    strict: bool,
    force: bool,
    target: str | None,
    poll: bool,
    debounce: float,
    project_dir: Path | None,
    **overrides: str | None,
) -> None:
    """Build, then watch content, layouts, themes, assets and carousel.yaml and rebuild on save."""
    project = require_project(project_dir)
    request = BuildRequest(
        project=project,
        out_dir=out_dir.resolve() if out_dir else project.root / "output",  # a symlinked output/ is refused, not followed
        now=parse_now(now_option),
        cli_options=validate_cli_layer(cli_layer(format_option, **overrides)),
        include_drafts=drafts,
        include_future=future,
        strict=strict,
        force=force,
        jobs=jobs or default_jobs(),
        target=target,
    )
    try:
        catalog = load_catalog(project)
    except CarouselError:
        catalog = None  # a broken carousel.yaml is reported by the watcher, and fixed by a save
    if catalog is not None:
        problems = cli_layer_problems(catalog, request.cli_options)
        if problems:  # a wrong flag cannot be fixed by saving a file: exit 2
            raise ConfigError(problems)
    watcher = Watcher(
        request,
        poll=poll,
        debounce=debounce,
        fixed_now=request.now if now_option else None,
        progress=BuildProgress(sys.stderr, show_cached=False, debug=debug_mode()),
    )
    sys.exit(watcher.run())
