"""Helpers shared by the CLI commands: finding the project, option overrides, printing."""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, ParamSpec, TypeVar

import click

from generator.cli import DEBUG_KEY
from generator.errors import CarouselError, ConfigError, Diagnostic, internal_error
from generator.progress import format_diagnostic
from generator.project import CONFIG_NAME, Project

CommandFunction = TypeVar("CommandFunction", bound=Callable[..., Any])
Params = ParamSpec("Params")
Returned = TypeVar("Returned")


def find_project_root(start: Path) -> Path:
    """The nearest folder at or above `start` holding carousel.yaml, else `start` itself."""
    start = start.resolve()
    for folder in (start, *start.parents):
        if (folder / CONFIG_NAME).is_file():
            return folder
    return start


def project_option(function: CommandFunction) -> CommandFunction:
    return click.option(
        "--project",
        "project_dir",
        type=click.Path(file_okay=False, path_type=Path),
        default=None,
        help="Project folder (default: the nearest folder with carousel.yaml, else the current one).",
    )(function)


def resolve_project(project_dir: Path | None) -> Project:
    return Project.at(project_dir if project_dir is not None else find_project_root(Path.cwd()))


def require_project(project_dir: Path | None) -> Project:
    """The project to build or check; ConfigError (exit 2) when there is none.

    A project is a folder with carousel.yaml (searched upwards from the current folder)
    or, without one, a folder holding `content/`. Anywhere else nothing is built or written.
    """
    project = resolve_project(project_dir)
    if project.config_path.is_file() or project.content_dir.is_dir():
        return project.with_user_cache(os.environ)
    where = "--project " + str(project_dir) if project_dir is not None else f"{project.root} or any folder above it"
    raise ConfigError(
        Diagnostic(
            CONFIG_NAME,
            None,
            f"no project found: no {CONFIG_NAME} or content/ folder in {where} (make one with `carousel new DIR`)",
        )
    )


def thread_selection(project: Project, paths: tuple[Path, ...]) -> tuple[Path, ...]:
    """The named thread files, resolved. A path that is not a `.md` file under the
    project's content/ (carousel.yaml, a file elsewhere) is a usage error (exit 2); a
    thread that is a symlink leading out is refused later, as when it is discovered."""
    content = project.content_dir
    selected = []
    for path in paths:
        absolute = path.absolute()
        folder = absolute.parent.resolve()  # the file itself may be a link: the build refuses it by name
        if absolute.suffix != ".md" or not (folder == content or content in folder.parents):
            raise ConfigError(Diagnostic(str(path), None, f"not a thread: threads are the .md files under {project.relative(content)}/"))
        selected.append(folder / absolute.name)  # as discovery names it: a link by its own name
    return tuple(selected)


def debug_mode() -> bool:
    """Whether `--debug` (or CAROUSEL_DEBUG=1) asks for the tracebacks of internal errors."""
    context = click.get_current_context(silent=True)
    return bool(os.environ.get("CAROUSEL_DEBUG")) or bool(context is not None and context.meta.get(DEBUG_KEY))


def build_options(force_help: str, jobs_help: str) -> Callable[[CommandFunction], CommandFunction]:
    """The options `build` and `watch` share: outputs, selection by status and time, strictness."""

    def decorate(function: CommandFunction) -> CommandFunction:
        for decorator in reversed(
            [
                click.option("--format", "format_option", default=None, metavar="LIST", help="Outputs, comma-separated: pdf,png,jpg."),
                click.option(
                    "--out",
                    "out_dir",
                    type=click.Path(file_okay=False, path_type=Path),
                    default=None,
                    help="Output folder (default: output/).",
                ),
                click.option("-j", "--jobs", type=click.IntRange(min=1), default=None, help=jobs_help),
                click.option("--drafts", is_flag=True, help="Build drafts too."),
                click.option("--future", is_flag=True, help="Build threads dated in the future too."),
                click.option("--now", "now_option", default=None, metavar="TIME", help="Take this ISO 8601 time as now (for due dates)."),
                click.option("--strict", is_flag=True, help="Treat warnings (overflow, refused resources, limits) as errors."),
                click.option("--force", is_flag=True, help=force_help),
                click.option("--target", "target", default=None, metavar="NAME", help="Build only this target of carousel.yaml."),
            ]
        ):
            function = decorator(function)
        return function

    return decorate


def watch_loop_options(debounce_default: float) -> Callable[[CommandFunction], CommandFunction]:
    """`--poll` and `--debounce`, shared by the commands that run the watch loop (watch, serve)."""

    def decorate(function: CommandFunction) -> CommandFunction:
        function = click.option(
            "--debounce",
            type=click.FloatRange(min=0),
            default=debounce_default,
            show_default=True,
            metavar="SECONDS",
            help="Quiet time that ends a burst of changes.",
        )(function)
        return click.option("--poll", is_flag=True, help="Poll for changes (network or container file systems without events).")(function)

    return decorate


def override_options(function: CommandFunction) -> CommandFunction:
    """Option overrides: the top layer of the cascade."""
    for name, help_text in reversed(
        [
            ("theme", "Theme for every thread."),
            ("layout", "Post layout for every slide."),
            ("canvas", "Canvas preset (e.g. linkedin-square)."),
            ("pattern", "Background pattern."),
            ("profile", "Brand profile from carousel.yaml."),
            ("fit", "split, shrink or off."),
        ]
    ):
        function = click.option(f"--{name}", f"override_{name}", default=None, metavar="NAME", help=help_text)(function)
    return function


def cli_layer(format_option: str | None, **overrides: Any) -> dict[str, Any]:
    """The raw CLI layer from flags that were given."""
    layer = {key.removeprefix("override_"): value for key, value in overrides.items() if key.startswith("override_") and value is not None}
    if format_option:
        layer["formats"] = format_option
    return layer


def shard_option(function: CommandFunction) -> CommandFunction:
    """--shard K/N: a deterministic share of the threads (CI matrices)."""
    return click.option(
        "--shard",
        "shard",
        default=None,
        metavar="K/N",
        callback=_parse_shard,
        help="Only the K-th of N deterministic shares of the threads (e.g. 2/4).",
    )(function)


def _parse_shard(ctx: click.Context, param: click.Parameter, value: str | None) -> Any:
    from generator.shards import Shard

    if value is None:
        return None
    try:
        return Shard.parse(value)
    except ValueError as error:
        raise click.BadParameter(str(error), ctx=ctx, param=param) from error


def parse_now(value: str | None) -> datetime:
    """--now TIME (ISO 8601), or the current time; naive times are taken as UTC."""
    if value is None:
        return datetime.now(UTC)
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError as error:
        raise click.BadParameter(f"'{value}' is not an ISO 8601 time like 2026-12-01T09:00:00+01:00", param_hint="--now") from error
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def print_diagnostic(diagnostic: Diagnostic) -> None:
    click.echo(format_diagnostic(diagnostic, debug_mode()), err=True)


def exits_on_carousel_error(function: Callable[Params, Returned]) -> Callable[Params, Returned]:
    """Print a CarouselError's diagnostics and exit with its code (2 for config, 1 for a thread).

    Any other exception is a bug: one line saying so (its traceback with --debug), exit 1.
    """

    @functools.wraps(function)
    def wrapper(*args: Params.args, **kwargs: Params.kwargs) -> Returned:
        try:
            return function(*args, **kwargs)
        except CarouselError as error:
            for diagnostic in error.diagnostics:
                print_diagnostic(diagnostic)
            sys.exit(error.exit_code)
        except (click.exceptions.ClickException, click.exceptions.Exit, click.exceptions.Abort):
            raise
        except Exception as error:  # noqa: BLE001 (last resort: one located line, never a traceback)
            name = click.get_current_context().info_name or "carousel"
            print_diagnostic(internal_error(f"carousel {name}", error, "running the command"))
            sys.exit(1)

    return wrapper
