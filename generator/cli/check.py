"""`carousel check`: the platform linter; validates and measures every thread without writing."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from generator.build import BuildRequest
from generator.catalog import cli_layer_problems, load_catalog
from generator.check import check_project
from generator.cli import debug_option
from generator.cli.common import (
    exits_on_carousel_error,
    parse_now,
    print_diagnostic,
    project_option,
    require_project,
    shard_option,
    thread_selection,
)
from generator.errors import ConfigError, Diagnostic, Severity
from generator.parallel import default_jobs
from generator.shards import Shard


@click.command("check")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the findings as JSON (on stdout).")
@click.option("--strict", is_flag=True, help="Treat warnings as errors.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), default=None, help="Threads measured in parallel (default: CPU count).")
@click.option("--target", "target", default=None, metavar="NAME", help="Check only this target of carousel.yaml.")
@click.option("--due", "due_only", is_flag=True, help="Check only what a build at this time would publish (not drafts, not future-dated).")
@click.option("--now", "now_option", default=None, metavar="TIME", help="Take this ISO 8601 time as now (for --due).")
@shard_option
@project_option
@debug_option
@exits_on_carousel_error
def check_command(
    paths: tuple[Path, ...],
    as_json: bool,
    strict: bool,
    jobs: int | None,
    target: str | None,
    due_only: bool,
    now_option: str | None,
    shard: Shard | None,
    project_dir: Path | None,
) -> None:
    """Lint config and threads against LinkedIn's and Instagram's rules; exit non-zero on errors."""
    project = require_project(project_dir)
    catalog = load_catalog(project)
    request = BuildRequest(
        project=project,
        out_dir=project.root / "output",
        now=parse_now(now_option),
        selection=thread_selection(project, paths),
        strict=strict,
        jobs=jobs or default_jobs(),
        target=target,
        shard=shard,
    )
    if problems := cli_layer_problems(catalog, request.cli_options):
        raise ConfigError(problems)
    report = check_project(catalog, request, due_only=due_only)
    if as_json:
        click.echo(json.dumps(report.to_json(), indent=2, ensure_ascii=False))
    else:
        for thread in report.threads:
            for diagnostic in thread.diagnostics:
                shown = Diagnostic(diagnostic.path, diagnostic.line, diagnostic.message, Severity.ERROR if strict else diagnostic.severity)
                print_diagnostic(shown)
    count = len({(thread.source, thread.slug) for thread in report.threads})
    verdict = "ok" if report.exit_code == 0 else f"{report.error_count} error{'s' if report.error_count != 1 else ''}"
    click.echo(
        f"checked {count} thread{'s' if count != 1 else ''}: {verdict}, {report.warning_count} warning{'s' if report.warning_count != 1 else ''}",
        err=True,
    )
    sys.exit(report.exit_code)
