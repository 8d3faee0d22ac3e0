"""`carousel build`: build all (or the named) threads."""

from __future__ import annotations

import sys
import time
from pathlib import Path

import click

from generator.build import BuildRequest, ThreadResult, run_build
from generator.catalog import validate_cli_layer
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
    shard_option,
    thread_selection,
)
from generator.parallel import default_jobs
from generator.progress import BuildProgress, result_lines, summary_line
from generator.shards import Shard


def report_thread(result: ThreadResult) -> None:
    """One line per thread, then its diagnostics (to stderr)."""
    for line in result_lines(result, debug_mode()):
        click.echo(line, err=True)


@click.command("build")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@build_options(
    force_help="Render every thread, ignoring what the last build recorded (output/manifest.json).",
    jobs_help="Threads rendered in parallel (default: CPU count).",
)
@shard_option
@override_options
@project_option
@debug_option
@exits_on_carousel_error
def build_command(
    paths: tuple[Path, ...],
    format_option: str | None,
    out_dir: Path | None,
    jobs: int | None,
    drafts: bool,
    future: bool,
    now_option: str | None,
    strict: bool,
    force: bool,
    target: str | None,
    shard: Shard | None,
    project_dir: Path | None,
    **overrides: str | None,
) -> None:
    """Build all threads of content/, or the named thread files."""
    started = time.perf_counter()
    project = require_project(project_dir)
    request = BuildRequest(
        project=project,
        out_dir=out_dir.resolve() if out_dir else project.root / "output",  # a symlinked output/ is refused, not followed
        now=parse_now(now_option),
        selection=thread_selection(project, paths),
        cli_options=validate_cli_layer(cli_layer(format_option, **overrides)),
        include_drafts=drafts,
        include_future=future,
        strict=strict,
        force=force,
        jobs=jobs or default_jobs(),
        target=target,
        shard=shard,
    )
    progress = BuildProgress(sys.stderr, debug=debug_mode())
    try:
        report = run_build(request, progress=progress)
    finally:
        progress.stop()
    click.echo(summary_line(report, time.perf_counter() - started), err=True)
    sys.exit(report.exit_code)
