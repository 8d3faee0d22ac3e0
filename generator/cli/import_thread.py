"""`carousel import SOURCE`: a thread from X (pasted text, X API JSON, X archive) -> content/<slug>.md."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from generator import plugins
from generator.cli.common import project_option, resolve_project
from generator.errors import CarouselError
from generator.importers import ImportRequest, apply_plan, plan_import
from generator.importers.detect import decode_bytes
from generator.importers.model import SOURCE_KINDS
from generator.importers.trace import Trace


class SourceKind(click.Choice[str]):
    """--from: the built-in kinds and the installed importer plugins (looked up when parsed)."""

    def __init__(self) -> None:
        super().__init__(["auto", *SOURCE_KINDS])

    def convert(self, value: object, param: click.Parameter | None, ctx: click.Context | None) -> str:
        self.choices = ("auto", *SOURCE_KINDS, *plugins.names(plugins.IMPORTERS_GROUP))
        return str(super().convert(value, param, ctx))


def _print_error(error: CarouselError) -> None:
    """`file:line: message` when the problem has a place, else `error: message`."""
    for diagnostic in error.diagnostics:
        if diagnostic.path and not diagnostic.path.startswith("--"):
            click.echo(str(diagnostic), err=True)
        elif diagnostic.path:  # an option: --slug, --thread
            click.echo(f"error: {diagnostic.path}: {diagnostic.message}", err=True)
        else:
            click.echo(f"error: {diagnostic.message}", err=True)


def _read_stdin() -> str:
    stream = sys.stdin.buffer if hasattr(sys.stdin, "buffer") else None
    return decode_bytes(stream.read()) if stream is not None else sys.stdin.read()


def _print_trace(trace: Trace | None, source: str) -> None:
    if trace is None:
        return
    where = "<stdin>" if source == "-" else source
    for line in trace.lines(where):
        click.echo(line)
    if not trace.hits:
        click.echo(f"{where}: no cleaning rule fired")


@click.command("import")
@click.argument("source")
@click.option(
    "--from",
    "kind",
    type=SourceKind(),
    default="auto",
    show_default=True,
    help="What SOURCE is: pasted text, text copied from a web page, an X API v2 JSON response, an X account archive, "
    "or the name of an importer plugin (entry point group carousel.importers).",
)
@click.option("--thread", "thread_id", metavar="ID", help="Import only the thread holding this post (id or URL).")
@click.option("--slug", metavar="S", help="File name of the thread: content/S.md (default: from its title).")
@click.option("--force", is_flag=True, help="Overwrite existing files.")
@click.option("--explain", is_flag=True, help="Print which cleaning rule fired on which line of the source.")
@click.option(
    "--media",
    "media_dir",
    type=click.Path(exists=True, file_okay=False, path_type=Path),
    default=None,
    help="Folder of the X API response's images, downloaded under the names of their URLs.",
)
@project_option
def import_command(
    source: str,
    kind: str,
    thread_id: str | None,
    slug: str | None,
    force: bool,
    explain: bool,
    media_dir: Path | None,
    project_dir: Path | None,
) -> None:
    """Turn a thread from X into content/<slug>.md (a draft).

    SOURCE is a text file (a pasted thread, notes, or a copied web page), an X
    API JSON file, an X archive folder, or '-' for standard input. --explain
    shows what the cleaning did: each dropped, repaired or re-cut line. The author becomes a profile in carousel.yaml (an existing
    one with the same handle is reused); archive images are copied to
    content/images/<slug>/. The images of an X API response are on X: they are
    listed in the front matter unless --media names a folder holding them
    (downloaded, e.g. FixturePipeline.jpg). Nothing is written when anything is wrong, and
    existing files are kept unless --force.
    """
    project = resolve_project(project_dir).root
    request = ImportRequest(source=source, project=project, kind=kind, thread_id=thread_id, slug=slug, force=force, media_dir=media_dir)
    trace = Trace() if explain else None
    try:
        plan = plan_import(request, _read_stdin() if source == "-" else None, trace)
        apply_plan(plan)
    except CarouselError as error:
        _print_trace(trace, source)
        _print_error(error)
        sys.exit(error.exit_code)
    except OSError as error:
        click.echo(f"error: {error.filename or ''}: {error.strerror or error}", err=True)
        sys.exit(1)
    _print_trace(trace, source)
    for warning in plan.warnings:
        click.echo(warning, err=True)
    for profile_id in plan.added_profiles:
        click.echo(f"carousel.yaml: added profile '{profile_id}'")
    for thread in plan.threads:
        by = f" by {thread.handle}" if thread.handle else ""
        images = f", {thread.images} image{'s' if thread.images != 1 else ''}" if thread.images else ""
        click.echo(
            f"{thread.path.relative_to(project).as_posix()}: {thread.posts} post{'s' if thread.posts != 1 else ''}{by}{images} (draft)"
        )
