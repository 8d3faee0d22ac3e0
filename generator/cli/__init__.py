"""The `carousel` command line: a thin click group, one module per command.

Commands are imported lazily so that `carousel --help` or `carousel list` do not
pay for importing WeasyPrint.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from typing import Any, TypeVar

import click

from generator import __version__

CommandFunction = TypeVar("CommandFunction", bound=Callable[..., Any])

# command name -> "module:attribute" of its click.Command
COMMANDS: dict[str, str] = {
    "new": "generator.cli.new:new_command",
    "build": "generator.cli.build:build_command",
    "watch": "generator.cli.watch:watch_command",
    "serve": "generator.cli.serve:serve_command",
    "check": "generator.cli.check:check_command",
    "list": "generator.cli.list_threads:list_command",
    "manifest": "generator.cli.manifest:manifest_command",
    "import": "generator.cli.import_thread:import_command",
    "themes": "generator.cli.catalog:themes_command",
    "layouts": "generator.cli.catalog:layouts_command",
}


class LazyGroup(click.Group):
    """A click group whose sub-commands are imported on first use."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        target = COMMANDS.get(cmd_name)
        if target is None:
            return None
        module_name, attribute = target.split(":")
        command: click.Command = getattr(importlib.import_module(module_name), attribute)
        return command


DEBUG_KEY = "carousel.debug"  # in click's context meta: --debug was given (generator.cli.common.debug_mode)


def set_debug_flag(context: click.Context, _param: click.Parameter, value: bool) -> None:
    """Callback of `--debug` (on the group and on commands): remember it for the whole invocation."""
    if value:
        context.meta[DEBUG_KEY] = True


def debug_option(function: CommandFunction) -> CommandFunction:
    """`--debug` on the group or on a command: tracebacks of internal errors are shown."""
    return click.option(
        "--debug",
        is_flag=True,
        expose_value=False,
        is_eager=True,
        callback=set_debug_flag,
        help="Show the traceback of an internal error (a bug to report).",
    )(function)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="carousel")
@debug_option
def main() -> None:
    """Carousel Studio: turn Markdown threads into LinkedIn and Instagram carousels."""
