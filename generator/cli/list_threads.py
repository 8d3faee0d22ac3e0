"""`carousel list`: threads with status, date, whether due, and their outputs."""

from __future__ import annotations

import json
import sys
from datetime import datetime
from pathlib import Path
from typing import Any

import click

from generator.build import Builder, BuildRequest, ThreadResult, plan_threads, unit_slug
from generator.catalog import load_catalog
from generator.cli.common import exits_on_carousel_error, parse_now, project_option, resolve_project
from generator.project import Project


@click.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@click.option("--due", "due_only", is_flag=True, help="Only threads a build at this time would publish (not drafts, not future-dated).")
@click.option("--now", "now_option", default=None, metavar="TIME", help="Take this ISO 8601 time as now.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=None, help="Output folder (default: output/).")
@project_option
@exits_on_carousel_error
def list_command(as_json: bool, due_only: bool, now_option: str | None, out_dir: Path | None, project_dir: Path | None) -> None:
    """List threads: status (draft, scheduled, due), date and outputs.

    Threads unchanged since their last build are read from the manifest's records (and show
    the slides that were built); the others are parsed and show the slides planned.
    """
    project = resolve_project(project_dir)
    now = parse_now(now_option)
    out = (out_dir or project.root / "output").resolve()
    rows = list_rows(project, out, now)
    if due_only:
        rows = [row for row in rows if row["due"]]
    if as_json:
        click.echo(json.dumps({"now": now.isoformat(), "threads": rows}, indent=2, ensure_ascii=False))
    else:
        for row in rows:
            date = row["date"] or "-"
            outputs = f"{len(row['outputs'])} files" if row["outputs"] else "not built"
            click.echo(f"{row['status']:<10} {date:<26} {row['slug']:<32} {outputs}")
    sys.exit(1 if any(row["status"] == "invalid" for row in rows) else 0)  # SPEC 4: a thread failed


def list_rows(project: Project, out: Path, now: datetime) -> list[dict[str, Any]]:
    """One row per thread file, in discovery order (nothing is written)."""
    catalog = load_catalog(project)
    request = BuildRequest(project=project, out_dir=out, now=now, include_drafts=True, include_future=True)
    builder = Builder(request)
    manifest_threads = builder.read_units()
    context = builder.key_context(catalog)
    paths = project.discover_threads()
    cached: dict[Path, ThreadResult] = {}
    for path in paths:
        result = builder.up_to_date_unplanned(context, path, now, manifest_threads)
        if result is not None and result.summary is not None:
            cached[path] = result
    to_plan = [path for path in paths if path not in cached]
    planned = {path: (plan, failure) for path, plan, failure in plan_threads(catalog, request, to_plan)} if to_plan else {}
    rows = []
    for path in paths:
        if path in cached:
            result = cached[path]
            summary = result.summary or {}
            rows.append(
                _row(
                    result.slug,
                    project.relative(path),
                    summary["title"],
                    summary["status"],
                    summary["date"],
                    result.slide_count,
                    [],
                    out,
                    manifest_threads,
                )
            )
            continue
        plan, failure = planned[path]
        if plan is None:
            assert failure is not None
            rows.append(
                _row(
                    failure.slug,
                    project.relative(path),
                    None,
                    "invalid",
                    None,
                    None,
                    [str(d) for d in failure.diagnostics],
                    out,
                    manifest_threads,
                )
            )
        else:
            date = plan.meta.date.isoformat() if plan.meta.date else None
            rows.append(
                _row(
                    plan.meta.slug,
                    project.relative(path),
                    plan.meta.title,
                    plan.status(now),
                    date,
                    len(plan.slides),
                    [],
                    out,
                    manifest_threads,
                )
            )
    return rows


def _row(
    slug: str,
    source: str,
    title: str | None,
    status: str,
    date: str | None,
    slides: int | None,
    errors: list[str],
    out: Path,
    manifest_threads: dict[str, Any],
) -> dict[str, Any]:
    # the thread's entry, or one per target (slug/target)
    recorded = [entry for unit, entry in manifest_threads.items() if unit_slug(unit) == slug and isinstance(entry, dict)]
    files = sorted(name for entry in recorded for name in entry.get("files", {}) if (out / name).is_file())
    return {
        "slug": slug,
        "source": source,
        "title": title,
        "status": status,
        "date": date,
        "due": status == "due",
        "slides": slides,
        "outputs": files,
        "errors": errors,
    }
