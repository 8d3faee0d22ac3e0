"""`carousel check`: validate carousel.yaml and every thread without writing anything."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from generator.build import BuildRequest, plan_threads
from generator.catalog import cli_layer_problems, load_catalog
from generator.cli.common import debug_option, exits_on_carousel_error, parse_now, print_diagnostic, project_option, require_project
from generator.errors import ConfigError


@click.command("check")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@project_option
@debug_option
@exits_on_carousel_error
def check_command(paths, project_dir):
    """Validate config and threads; exit non-zero on any error."""
    project = require_project(project_dir)
    catalog = load_catalog(project)
    request = BuildRequest(project=project, out_dir=project.root / "output", now=parse_now(None), selection=tuple(p.resolve() for p in paths))
    if problems := cli_layer_problems(catalog, request.cli_options):
        raise ConfigError(problems)
    exit_code = 0
    count = 0
    for _, plan, failure in plan_threads(catalog, request):
        count += 1
        diagnostics = failure.diagnostics if failure else list(plan.warnings)
        for diagnostic in diagnostics:
            print_diagnostic(diagnostic)
        if failure:
            exit_code = max(exit_code, failure.exit_code)
    click.echo(f"checked {count} thread{'s' if count != 1 else ''}: {'ok' if exit_code == 0 else 'errors found'}", err=True)
    sys.exit(exit_code)
