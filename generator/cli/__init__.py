"""The `carousel` command line: a thin click group, one module per command.

Commands are imported lazily so that `carousel --help` or `carousel list` do not
pay for importing WeasyPrint.
"""

from __future__ import annotations

import logging
import os
import sys
import threading
from collections.abc import Callable
from typing import Any, TypeVar

import click

from generator import __version__
from generator.imports import import_long_lived

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
        command: click.Command = getattr(import_long_lived(module_name), attribute)
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


def run() -> None:
    """The `carousel` process: the command line, then a quick exit once it is over.

    Tearing the interpreter down after a build (freeing every layout box, font and
    module one by one) costs 0.15-0.2 s of CPU, about a tenth of a one-thread build.
    When nothing is left running that an exit handler would have to stop, output is
    flushed and the process ends at once, with the command's exit code.
    """
    try:
        main()
    except SystemExit as stop:
        code = stop.code
    else:
        code = 0
    if (code is None or isinstance(code, int)) and _nothing_left_running() and _flushed():
        os._exit(code or 0)
    raise SystemExit(code)


def _nothing_left_running() -> bool:
    """No other thread, no child process, no tracer or profiler (coverage) waiting for exit handlers."""
    if threading.active_count() > 1 or sys.gettrace() is not None or sys.getprofile() is not None or sys.flags.dev_mode:
        return False
    multiprocessing = sys.modules.get("multiprocessing")
    return multiprocessing is None or not multiprocessing.active_children()


def _flushed() -> bool:
    """Logging handlers, stdout and stderr flushed (False when a stream refuses: then exit the slow way)."""
    logging.shutdown()
    try:
        for stream in (sys.stdout, sys.stderr):
            if stream is not None:
                stream.flush()
    except (OSError, ValueError):
        return False
    return True
