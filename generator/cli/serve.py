"""`carousel serve`: the studio in the browser, on top of the watch loop."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from generator.build import BuildRequest
from generator.catalog import cli_layer_problems, load_catalog, validate_cli_layer
from generator.cli.common import exits_on_carousel_error, parse_now, project_option, resolve_project, watch_loop_options
from generator.errors import CarouselError, ConfigError
from generator.parallel import default_jobs
from generator.watch import DEBOUNCE_SECONDS

PREVIEW_FORMATS = "pdf,png"  # the studio shows slide PNGs and links the PDF


@click.command("serve")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True, help="Port to listen on.")
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Interface to listen on. Anything but 127.0.0.1 lets other machines see (not change) your drafts.",
)
@click.option("--open", "open_browser", is_flag=True, help="Open the studio in the default browser.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False), default=None, help="Output folder (default: output/).")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None, help="Rendering processes kept warm (default: CPU count).")
@click.option("--now", "now_option", default=None, metavar="TIME", help="Take this ISO 8601 time as now (for due dates).")
@watch_loop_options(DEBOUNCE_SECONDS)
@project_option
@exits_on_carousel_error
def serve_command(
    port: int,
    host: str,
    open_browser: bool,
    out_dir: str | None,
    jobs: int | None,
    now_option: str | None,
    poll: bool,
    debounce: float,
    project_dir: Path | None,
) -> None:
    """Serve the studio: live preview of every thread (drafts and scheduled ones too), and
    controls that write their changes back into the thread files and carousel.yaml."""
    from pathlib import Path

    from generator.serve.server import ServeOptions, serve

    project = resolve_project(project_dir).with_user_cache(os.environ)
    request = BuildRequest(
        project=project,
        out_dir=(Path(out_dir) if out_dir else project.root / "output").resolve(),
        now=parse_now(now_option),
        cli_options=validate_cli_layer({"formats": PREVIEW_FORMATS}),
        include_drafts=True,  # the studio previews what is still being written
        include_future=True,
        jobs=jobs or default_jobs(),
    )
    try:
        catalog = load_catalog(project)
    except CarouselError:
        catalog = None  # a broken carousel.yaml shows in the studio, and is fixed by a save
    if catalog is not None and (problems := cli_layer_problems(catalog, request.cli_options)):
        raise ConfigError(problems)
    options = ServeOptions(
        host=host, port=port, open_browser=open_browser, poll=poll, debounce=debounce, fixed_now=request.now if now_option else None
    )
    sys.exit(serve(request, options))
