"""`carousel manifest --merge DIR…`: combine shard builds into one output folder."""

from __future__ import annotations

from pathlib import Path

import click

from generator.cli.common import exits_on_carousel_error, print_diagnostic
from generator.merge import merge_outputs


@click.command("manifest")
@click.option(
    "--merge",
    "folders",
    multiple=True,
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="A shard's output folder (repeat, or list several after one --merge).",
)
@click.argument("more", nargs=-1, type=click.Path(file_okay=False, path_type=Path))
@click.option(
    "--out",
    "out_dir",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("output"),
    show_default=True,
    help="Folder that receives every shard's files and the combined manifest.json (threads no shard holds are removed from it).",
)
@exits_on_carousel_error
def manifest_command(folders: tuple[Path, ...], more: tuple[Path, ...], out_dir: Path) -> None:
    """Merge the output folders of `carousel build --shard K/N` runs: files and one manifest.json."""
    sources = [*folders, *more]
    report = merge_outputs(sources, out_dir)
    for diagnostic in report.diagnostics:
        print_diagnostic(diagnostic)
    removed = f", {report.removed} no shard holds removed" if report.removed else ""
    click.echo(
        f"merged {len(sources)} folder{'s' if len(sources) != 1 else ''}: {report.threads} threads, "
        f"{report.copied} files linked or copied into {out_dir}{removed}",
        err=True,
    )
